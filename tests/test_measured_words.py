"""Measured lists that name what a heuristic found (what the goal path needs more of, the dead end's signals,
how the wall was seen) reach the reader as words, not as the heuristic's internal identifiers."""

from __future__ import annotations

import re

from auditor.judge.figures import figures_of
from auditor.report.evidence_table import evidence_table
from auditor.report.markdown import render_markdown
from auditor.report.model import HeuristicInfo
from heuristics import asymmetric_path, consent_wall, dead_end
from tests.report_factory import make_finding, make_report
from tests.test_heuristics_core import meta_like_baseline, meta_like_goal
from tests.test_wall_facts import _layer, _page
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace

# What used to reach the reports: snake_case keys, hyphenated ids, bare one-word ids.
INTERNAL = re.compile(r"\b(?:typed_chars|page_loads|error-page|re-prompt|no-way-out|unreachable|covered-share)\b"
                      r"|^(?:layer|backdrop)\b")


def _figure(finding, label: str) -> str:
    """The value the reports show for ``label`` in ``finding``'s table (every renderer shows these rows)."""
    table = evidence_table(finding.measured, figures_of(finding.heuristic))
    return {r.label: r.values[0] for r in table.figures}[label]


def test_what_the_goal_path_needs_more_of_is_in_words():
    [f] = asymmetric_path.check(make_trace(meta_like_goal(), meta_like_baseline()))
    shown = _figure(f, "What the goal path needs more of")
    assert shown == "clicks, characters typed, page loads" and not INTERNAL.search(shown)


def test_the_dead_end_signals_are_named_like_their_rows():
    missing = make_snapshot([], url="https://example.test/opt-out", text="404 Not Found", title="404")
    [f] = dead_end.check(make_trace([make_step(1, "click", make_element(tag="a", role="link", text="Opt out"))],
                                    final=missing))
    shown = _figure(f, "Signals found, the one the title names first")
    table = evidence_table(f.measured, figures_of("dead-end"))
    assert shown == "error page" and any(r.label.startswith("Error page") for r in table.figures)


def test_how_the_wall_was_seen_is_in_words_in_the_markdown_report():
    [f] = consent_wall.check(_page(_layer(0.83, modal=True)))
    assert not INTERNAL.search(_figure(f, "Detected by"))
    report = make_report([make_finding(1, heuristic="consent-wall", measured=f.measured)],
                         heuristics=[HeuristicInfo(id="consent-wall", title="wall", severity="high", version="1",
                                                   figures=figures_of("consent-wall"))])
    assert "| Detected by | the layer itself \\(its share of the viewport and how it blocks the page\\) |" \
        in render_markdown(report)  # Markdown escapes the parentheses
