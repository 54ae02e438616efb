"""Suppressions over time: the run store records which findings a team's suppression covered, and `history`
and `diff` never count them as open problems nor call a finding that became (un)suppressed "fixed" or "new".

Browser-free: hand-made Reports (tests/report_factory.py) and the real CLI on a temporary store.
"""

from __future__ import annotations

import sqlite3

from typer.testing import CliRunner

from auditor.cli import app
from auditor.evidence.diff import diff_reports, render_markdown
from auditor.evidence.store import (
    _MIGRATIONS,
    SCHEMA_VERSION,
    connect,
    history,
    record_run,
)
from auditor.suppression import Suppression
from tests.report_factory import make_finding, make_report

ACCEPTED = Suppression(heuristic="hidden-affordance", reason="underlined in the real theme", kind="inSource",
                       source="flow.yaml:12")


def _report(*, suppressed: bool, extra=()):
    """One hidden-affordance finding (suppressed or open) and one open required-justification finding."""
    first = make_finding(1, suppressed=ACCEPTED if suppressed else None, points=0.0 if suppressed else 20.0)
    second = make_finding(2, heuristic="required-justification", step=3, title="A reason is required")
    return make_report([first, second, *extra])


# --- diff ------------------------------------------------------------------------------------------------

def test_a_finding_that_became_suppressed_is_neither_fixed_nor_new():
    d = diff_reports(_report(suppressed=False), _report(suppressed=True))
    assert not (d.new or d.fixed or d.changed or d.unsuppressed)
    assert [c.after.heuristic for c in d.now_suppressed] == ["hidden-affordance"]
    assert d.any_change
    md = render_markdown(d)
    row = next(line for line in md.splitlines() if line.startswith("| now suppressed |"))
    assert "`hidden-affordance`" in row and "suppressed: underlined in the real theme" in row
    assert "0 new, 0 fixed, 0 changed, 1 now suppressed, 1 unchanged finding(s)" in md
    assert "Open findings 2 -> 1 (1 suppressed)" in md


def test_a_finding_no_longer_suppressed_is_an_open_problem_again():
    d = diff_reports(_report(suppressed=True), _report(suppressed=False))
    assert not (d.new or d.fixed or d.now_suppressed)
    assert [c.before.suppressed for c in d.unsuppressed] == [ACCEPTED]
    md = render_markdown(d)
    assert "| no longer suppressed | `hidden-affordance` |" in md
    assert "was suppressed: underlined in the real theme" in md
    assert "Open findings 1 -> 2" in md


def test_suppressed_findings_that_appear_or_vanish_are_not_new_or_fixed():
    muted = make_finding(5, heuristic="delay", step=1, suppressed=ACCEPTED.model_copy(update={"heuristic": "delay"}),
                         points=0.0, title="The refusal waits 2 s")
    d = diff_reports(_report(suppressed=False), _report(suppressed=False, extra=[muted]))
    assert not (d.new or d.fixed) and [f.heuristic for f in d.new_suppressed] == ["delay"]
    assert "1 new but suppressed" in render_markdown(d)
    back = diff_reports(_report(suppressed=False, extra=[muted]), _report(suppressed=False))
    assert not (back.new or back.fixed) and [f.heuristic for f in back.gone_suppressed] == ["delay"]


def test_an_unchanged_suppressed_finding_is_unchanged():
    d = diff_reports(_report(suppressed=True), _report(suppressed=True))
    assert not d.any_change and len(d.unchanged) == 2


# --- run store and history --------------------------------------------------------------------------------

def test_the_store_records_suppression_and_history_counts_only_open_findings(tmp_path):
    store = tmp_path / "runs.db"
    record_run(store, _report(suppressed=False))
    record_run(store, _report(suppressed=True))
    rows = history(store, "Example objection flow")
    assert [(r.findings, r.suppressed) for r in rows] == [(2, 0), (1, 1)]
    with connect(store) as conn:
        kept = conn.execute("SELECT suppressed, suppression_reason, suppression_source FROM findings "
                            "WHERE run_id = ? AND heuristic = 'hidden-affordance'", (rows[-1].id,)).fetchone()
    assert tuple(kept) == (1, "underlined in the real theme", "flow.yaml:12")
    result = CliRunner().invoke(app, ["history", "Example objection flow", "--store", str(store)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "open findings" in line)
    assert "suppressed" in header
    last = next(c.strip() for c in result.output.splitlines() if c.strip().startswith("│ 2 ")).split("│")
    assert [c.strip() for c in last][5:7] == ["1", "1"]  # open findings, suppressed


def test_a_schema_3_store_migrates_and_its_old_findings_count_as_open(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(";\n".join(_MIGRATIONS[:3]) + "\nPRAGMA user_version = 3;")
    conn.execute("INSERT INTO runs (recorded_at, flow_name, goal, status, friction, score_raw) "
                 "VALUES ('t', 'old flow', 'object', 'complete', 20, 20.0)")
    conn.execute("INSERT INTO findings (run_id, number, heuristic, severity, path, title, points) "
                 "VALUES (1, 1, 'delay', 'low', 'goal', 'waits', 20.0)")
    conn.commit()
    conn.close()
    [row] = history(db, "old flow")  # history opens (and migrates) the store
    assert (row.findings, row.suppressed) == (1, 0)
    with connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert c.execute("SELECT suppressed FROM findings").fetchone()[0] is None  # not known: not suppressed
