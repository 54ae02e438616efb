"""`diff` shows a finding suppressed in both runs whose suppression now gives another reason or end date: the
team's judgement changed although the score did not. Browser-free: hand-made Reports."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from auditor.evidence.diff import (
    counts_text,
    diff_reports,
    render_markdown,
    render_terminal,
)
from auditor.suppression import Suppression
from tests.report_factory import make_finding, make_report

BEFORE = Suppression(heuristic="hidden-affordance", reason="underlined in the real theme", kind="inSource",
                     source="flow.yaml:12")
AFTER = Suppression(heuristic="hidden-affordance", reason="legal accepted the link style", kind="external",
                    source="pyproject.toml:9", until=date(2027, 3, 31))


def _report(suppression: Suppression):
    return make_report([make_finding(1, suppressed=suppression, points=0.0)])


def test_a_new_reason_on_a_finding_suppressed_in_both_runs_is_listed_with_both():
    d = diff_reports(_report(BEFORE), _report(AFTER))
    assert [(c.before.suppressed, c.after.suppressed) for c in d.suppression_changed] == [(BEFORE, AFTER)]
    assert not (d.new or d.fixed or d.changed or d.unchanged or d.now_suppressed or d.unsuppressed)
    assert d.any_change
    assert counts_text(d) == "0 new, 0 fixed, 0 changed, 1 with a changed suppression, 0 unchanged finding(s)"
    md = render_markdown(d)
    row = next(line for line in md.splitlines() if line.startswith("| suppression changed |"))
    assert "`hidden-affordance`" in row
    assert "was suppressed: underlined in the real theme \\[flow.yaml:12\\]" in row
    assert "now suppressed: legal accepted the link style \\(until 2027-03-31\\) \\[pyproject.toml:9\\]" in row
    console = Console(record=True, width=400, color_system=None)
    render_terminal(d, console)
    text = console.export_text()
    assert "suppression changed" in text and "[pyproject.toml:9]" in text and "underlined in the real theme" in text


def test_a_new_end_date_is_a_change_and_a_moved_line_is_not():
    extended = BEFORE.model_copy(update={"until": date(2027, 1, 1)})
    assert len(diff_reports(_report(BEFORE), _report(extended)).suppression_changed) == 1
    moved = BEFORE.model_copy(update={"source": "flow.yaml:20"})
    d = diff_reports(_report(BEFORE), _report(moved))
    assert not d.suppression_changed and not d.any_change and len(d.unchanged) == 1
