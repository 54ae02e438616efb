"""Render only: the two paths' stored consent side by side (auditor.aftermath.compare.Comparison).

``rows`` gives plain text, the same for every renderer; each escapes it for its own medium: ``markdown``
here with escape_md (auditor/report/markdown.py), the HTML report through its autoescaping template.
Page-derived text (cookie names, TC string sources) is never escaped twice or for the wrong medium.
"""

from __future__ import annotations

from auditor.aftermath.compare import Comparison, PathConsequences

CELL_MAX = 300  # characters of a cell: a page can set thousands of cookies


def _cell(text: str) -> str:
    return text[:CELL_MAX]


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, ids)) if ids else "none"


def rows(cmp: Comparison) -> list[tuple[str, str, str]]:
    """(what, after refusing, after accepting) for every fact of the comparison, as plain text: the caller
    escapes it for its medium."""
    def both(get) -> tuple[str, str]:
        return tuple(get(p) if p is not None and p.captured else "not captured" for p in (cmp.goal, cmp.baseline))

    def tc(p: PathConsequences, field: str) -> str:
        return _ids(getattr(p.tc_string, field)) if p.tc_string is not None else "no TC string"

    table = [
        ("TC string found in", *both(lambda p: p.tc_string.source if p.tc_string else "none")),
        ("Purposes consented (TCF)", *both(lambda p: tc(p, "purposes_consent"))),
        ("Purposes under legitimate interest", *both(lambda p: tc(p, "purposes_legitimate_interest"))),
        ("Vendors consented", *both(lambda p: tc(p, "vendors_consent"))),
        ("GPP string", *both(lambda p: "present (not decoded)" if p.gpp_string else "none")),
        ("Tracking cookies", *both(lambda p: ", ".join(c.name for c in p.tracking_cookies) or "none")),
        ("Tracker requests (EasyPrivacy)", *both(lambda p: str(len(p.tracker_requests)))),
        ("Prompt back after reload", *both(lambda p: {True: "yes", False: "no", None: "not checked"}[p.prompt_returned])),
    ]
    return [(what, _cell(a), _cell(b)) for what, a, b in table]


def markdown(cmp: Comparison) -> str:
    """The side-by-side table in Markdown (every cell through escape_md), or '' when neither path was captured."""
    from auditor.report.markdown import (
        escape_md,  # imported here: markdown.py includes this table
    )

    if not any(p is not None and p.captured for p in (cmp.goal, cmp.baseline)):
        return ""
    lines = ["| | After refusing | After accepting |", "|---|---|---|"]
    lines += [f"| {what} | {escape_md(a)} | {escape_md(b)} |" for what, a, b in rows(cmp)]
    if cmp.same_stored_consent:
        lines.append("\nThe refusal stored the same consent record as the acceptance.")
    return "\n".join(lines) + "\n"
