"""The figures as short text rows, worded once for the terminal, the Markdown and the HTML page."""

from __future__ import annotations

from auditor.summary.figures import Distribution, Figures


def number(value: float | None) -> str:
    """A figure for display: '–' for none, integers without a decimal point, else 3 significant digits."""
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"


def key_figures(f: Figures) -> list[tuple[str, str, str]]:
    """(figure, value, computed over) for the headline table."""
    share = f.first_screen_refusal
    over_complete = f"{f.complete} complete audits"
    return [
        ("sites in the batch", str(f.sites), "every site in the ledger"),
        ("refusal on the first screen", f"{share.percent_text} ({share.count} of {share.denominator})",
         over_complete),
        ("median clicks to refuse / to accept",
         f"{number(f.goal_clicks.median)} / {number(f.baseline_clicks.median)}", over_complete),
        ("median extra clicks to refuse", number(f.extra_clicks.median), over_complete),
        ("median effort to refuse / to accept",
         f"{number(f.goal_effort_s.median)} s / {number(f.baseline_effort_s.median)} s", over_complete),
        ("median effort ratio (refuse ÷ accept)", number(f.effort_ratio.median), over_complete),
        ("sites with a report", str(f.audited), "every site in the ledger"),
        ("suppressed findings (not counted as open)",
         f"{f.suppressed_findings} on {f.sites_with_suppressed} sites", f"{f.audited} sites with a report"),
        ("median wall time per site", f"{number(f.seconds.median)} s", f"{f.seconds.n} sites that recorded it"),
    ]


def distribution_row(d: Distribution) -> tuple[str, ...]:
    """(measure, n, min, Q1, median, Q3, max)."""
    return (d.name, str(d.n), number(d.minimum), number(d.q1), number(d.median), number(d.q3), number(d.maximum))


DISTRIBUTION_HEADER = ("measure", "n", "min", "Q1", "median", "Q3", "max")


def distributions(f: Figures) -> list[tuple[str, ...]]:
    return [distribution_row(d) for d in (f.goal_clicks, f.baseline_clicks, f.extra_clicks, f.goal_effort_s,
                                          f.baseline_effort_s, f.effort_ratio)]
