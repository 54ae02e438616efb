"""summary.md: the figures as Markdown tables, for an issue, a paper's notes or a wiki.

Site keys and reasons are untrusted (a URL list or a page wrote them): every one goes through the
report's escape_md, so none can become a link, an image, HTML or a table cell boundary.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.report.markdown import escape_md
from auditor.summary.figures import Figures
from auditor.summary.table import SiteRow
from auditor.summary.text import DISTRIBUTION_HEADER, distributions, key_figures

MAX_UNFINISHED_LISTED = 50


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render_markdown(title: str, figures: Figures, rows: Sequence[SiteRow]) -> str:
    f = figures
    out = [f"# Batch summary: {escape_md(title)}", "",
           "Definitions: docs/summary.md. Plots: summary.html. Every site: sites.csv, sites.parquet.", "",
           "## Key figures", ""]
    out += _table(("figure", "value", "computed over"), key_figures(f))
    out += ["", "## Outcomes", ""]
    out += _table(("status", "sites"), [(s, str(n)) for s, n in f.outcomes.items()])
    out += ["", "## Clicks and effort (complete audits)", ""]
    out += _table(DISTRIBUTION_HEADER, distributions(f))
    out += ["", f"## Heuristics (sites where each fired, of {f.audited} sites with a report)", ""]
    out += _table(("heuristic", "sites", "share"),
                  [(escape_md(h.heuristic), str(h.share.count), h.share.percent_text) for h in f.heuristics])
    if f.suppressed_findings:
        out += ["", (f"Open findings only: {f.suppressed_findings} suppressed finding(s) on "
                     f"{f.sites_with_suppressed} site(s) are not counted (sites.csv, column `suppressed`).")]
    out += ["", "## Friction (complete audits)", ""]
    out += _table(("friction", "audits"), [(label, str(n)) for label, n in f.friction_bins])
    out += [""]
    out += _table(("band", "audits"), [(escape_md(b), str(n)) for b, n in f.bands.items()])
    unfinished = [r for r in rows if not r.complete]
    if unfinished:
        out += ["", "## Sites not complete", ""]
        listed = unfinished[:MAX_UNFINISHED_LISTED]
        out += _table(("site", "status", "reason"),
                      [(escape_md(r.site), escape_md(r.status), escape_md(r.reason or "–")) for r in listed])
        if len(unfinished) > MAX_UNFINISHED_LISTED:
            out += ["", f"… and {len(unfinished) - MAX_UNFINISHED_LISTED} more (sites.csv has them all)."]
    return "\n".join(out) + "\n"
