"""The summary's plots as PNG bytes, drawn on the Agg canvas without pyplot.

Each plot builds its own Figure and FigureCanvasAgg, so nothing touches pyplot's global figure list,
the process-wide backend or rcParams: the summary can run inside a notebook or a test session unharmed.
PNG metadata carries no software version or date, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from auditor.summary.figures import Figures

GOAL_COLOUR, BASELINE_COLOUR, NEUTRAL = "#dc2626", "#1d4ed8", "#475569"
SIZE = (7.2, 3.8)  # inches at DPI: 720 x 380 px
DPI = 100


@dataclass(frozen=True)
class Plot:
    name: str
    title: str
    alt: str  # what the plot shows, for readers who cannot see it
    png: bytes


def _literal(text: str) -> str:
    """Text as matplotlib shows it literally: `$` would otherwise start mathtext."""
    return text.replace("$", r"\$")


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _counts_on(axis) -> None:
    """Counts of sites are whole numbers: no 0.25 ticks on a small batch."""
    axis.set_major_locator(MaxNLocator(integer=True))


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _empty(ax, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color=NEUTRAL, transform=ax.transAxes)


def outcomes_plot(f: Figures) -> Plot:
    fig, ax = _figure()
    names = list(f.outcomes)
    bars = ax.barh(range(len(names)), [f.outcomes[n] for n in names], color=NEUTRAL)
    ax.set_yticks(range(len(names)), labels=[_literal(n) for n in names])
    ax.invert_yaxis()
    ax.bar_label(bars, padding=3)
    _counts_on(ax.xaxis)
    ax.set_xlabel(f"sites (of {f.sites})")
    alt = "Sites by outcome: " + ", ".join(f"{n} {c}" for n, c in f.outcomes.items())
    return Plot("outcomes", "Outcome of each site", alt, _png(fig))


def clicks_plot(f: Figures) -> Plot:
    fig, ax = _figure()
    goal, base = f.goal_clicks.values, f.baseline_clicks.values
    if not goal and not base:
        _empty(ax, "no complete audits")
    else:
        top = int(max((*goal, *base)))
        xs = list(range(0, top + 1))
        ax.bar([x - 0.2 for x in xs], [goal.count(x) for x in xs], width=0.4, color=GOAL_COLOUR,
               label="refuse (goal path)")
        ax.bar([x + 0.2 for x in xs], [base.count(x) for x in xs], width=0.4, color=BASELINE_COLOUR,
               label="accept (baseline)")
        ax.set_xticks(xs)
        ax.set_xlabel("clicks to finish the path")
        ax.set_ylabel("complete audits")
        _counts_on(ax.yaxis)
        ax.legend(frameon=False)
    alt = (f"Clicks to refuse (median {_num(f.goal_clicks.median)}) against clicks to accept "
           f"(median {_num(f.baseline_clicks.median)}), over {f.complete} complete audits")
    return Plot("clicks", "Clicks: refuse against accept", alt, _png(fig))


def effort_plot(f: Figures) -> Plot:
    fig, ax = _figure()
    series = [(d, colour) for d, colour in ((f.goal_effort_s, GOAL_COLOUR), (f.baseline_effort_s, BASELINE_COLOUR))
              if d.values]
    if not series:
        _empty(ax, "no complete audits")
    else:
        parts = ax.boxplot([d.values for d, _ in series], orientation="horizontal", patch_artist=True,
                           widths=0.5, medianprops={"color": "#0f172a"})
        for patch, (_, colour) in zip(parts["boxes"], series):
            patch.set_facecolor(colour)
            patch.set_alpha(0.55)
        ax.set_yticks(range(1, len(series) + 1), labels=[_literal(d.name) for d, _ in series])
        ax.set_xlabel("estimated effort, seconds (box: quartiles; line: median)")
    alt = (f"Effort to refuse (median {_num(f.goal_effort_s.median)} s) against effort to accept "
           f"(median {_num(f.baseline_effort_s.median)} s), over {f.complete} complete audits")
    return Plot("effort", "Effort in seconds: refuse against accept", alt, _png(fig))


def heuristics_plot(f: Figures) -> Plot:
    fig, ax = _figure()
    fig.set_figheight(max(SIZE[1], 0.3 * len(f.heuristics) + 1.0))
    if not f.heuristics or not f.audited:
        _empty(ax, "no audited sites")
    else:
        shares = [(h.share.fraction or 0.0) * 100 for h in f.heuristics]
        bars = ax.barh(range(len(shares)), shares, color=GOAL_COLOUR)
        ax.set_yticks(range(len(shares)), labels=[_literal(h.heuristic) for h in f.heuristics])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.bar_label(bars, labels=[f"{h.share.count}" for h in f.heuristics], padding=3)
        ax.set_xlabel(f"% of the {f.audited} sites with a report where the heuristic fired, open findings only "
                      "(bar label: sites)")
    alt = "Share of sites where each heuristic fired: " + ", ".join(
        f"{h.heuristic} {h.share.percent_text}" for h in f.heuristics)
    return Plot("heuristics", "How often each heuristic fired", alt, _png(fig))


def friction_plot(f: Figures) -> Plot:
    fig, ax = _figure()
    if not f.complete:
        _empty(ax, "no complete audits")
    else:
        labels = [label for label, _ in f.friction_bins]
        bars = ax.bar(range(len(labels)), [n for _, n in f.friction_bins], color=NEUTRAL)
        ax.set_xticks(range(len(labels)), labels=labels)
        ax.bar_label(bars, padding=2)
        ax.set_xlabel("friction score (0 = none, 100 = extreme)")
        ax.set_ylabel("complete audits")
        _counts_on(ax.yaxis)
    alt = "Friction scores of complete audits by bin: " + ", ".join(f"{lab} {n}" for lab, n in f.friction_bins)
    return Plot("friction", "Friction histogram", alt, _png(fig))


def all_plots(f: Figures) -> list[Plot]:
    return [outcomes_plot(f), clicks_plot(f), effort_plot(f), heuristics_plot(f), friction_plot(f)]


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"
