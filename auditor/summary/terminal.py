"""The short terminal summary: key figures, outcomes and the most frequent heuristics."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from auditor.summary.figures import Figures
from auditor.summary.text import key_figures

TOP_HEURISTICS = 5


def print_summary(f: Figures, console: Console) -> None:
    table = Table(title="Batch summary", title_justify="left", show_edge=False)
    for column in ("figure", "value", "computed over"):
        table.add_column(column)
    for name, value, over in key_figures(f):
        table.add_row(name, value, over)
    console.print(table)
    console.print("outcomes: " + ", ".join(f"{escape(s)} {n}" for s, n in f.outcomes.items()), highlight=False)
    fired = [h for h in f.heuristics if h.share.count][:TOP_HEURISTICS]
    if fired:
        console.print("most frequent heuristics: " + ", ".join(
            f"{escape(h.heuristic)} {h.share.percent_text} ({h.share.count} of {h.share.denominator})"
            for h in fired), highlight=False, soft_wrap=True)
