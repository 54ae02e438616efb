"""`consent-audit summary DIR` over a batch store built without a browser: the figures exactly, the exports
round-tripped, the Markdown and HTML escaped, and (marker browser) the page decoded in Chromium."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from auditor.cli.common import app
from auditor.evidence.store import _MIGRATIONS, connect, record_run
from auditor.report.model import Metrics
from auditor.summary.export import SCHEMA, csv_text
from auditor.summary.figures import compute, friction_bins, registered_heuristics
from auditor.summary.plots import outcomes_plot
from auditor.summary.table import COLUMNS, load_sites
from auditor.summary.write import summarise
from auditor.suppression import Suppression
from tests.conftest import run_cli
from tests.report_factory import make_finding, make_report

ACCEPTED = Suppression(heuristic="delay", reason="the brand's animation; reviewed with legal", kind="external",
                       source="pyproject.toml:9")
HOSTILE_SITE = "https://evil.test/?q=<script>alert(1)</script>"
HOSTILE_REASON = "timed out after 60 s <script>window.__pwned=1</script> [link](http://x) | cell"


def _metrics(goal: int, baseline: int | None, goal_s: float, baseline_s: float | None) -> Metrics:
    return Metrics(goal_steps=goal, goal_clicks=goal, goal_typed_chars=0, goal_page_loads=0, goal_inbox_trips=0,
                   goal_reading_words=0, goal_effort_s=goal_s, baseline_steps=baseline, baseline_clicks=baseline,
                   baseline_effort_s=baseline_s,
                   effort_ratio=round(goal_s / baseline_s, 2) if baseline_s else None)


# site -> (kind, status, reason, report or None, seconds)
SITES = {
    "https://a.test/": ("url", "complete", None, make_report(
        findings=[], friction=0, band="none", score_raw=0.0, metrics=_metrics(1, 1, 4.0, 2.0)), 3.0),
    "https://b.test/": ("url", "complete", None, make_report(friction=50, band="high"), 5.0),  # 2 vs 1 clicks
    "https://c.test/": ("url", "complete", None, make_report(  # one open finding, one a suppression covered
        findings=[make_finding(1), make_finding(2, heuristic="delay", step=1, points=0.0, suppressed=ACCEPTED)],
        friction=20, band="low", score_raw=20.0, metrics=_metrics(4, 2, 20.0, 5.0)), 7.0),
    "https://d.test/": ("url", "no-consent-ui", "no consent notice found", make_report(
        findings=[], status="no-consent-ui", reason="no consent notice found", friction=0, band="none",
        score_raw=0.0, metrics=_metrics(0, None, 0.0, None)), 2.0),
    HOSTILE_SITE: ("url", "incomplete", HOSTILE_REASON, None, 60.0),
    "shops/f.yaml": ("flow", "goal-unreachable", "step 2: no element matches", make_report(
        findings=[make_finding(1, heuristic="path-length")], status="goal-unreachable",
        reason="step 2: no element matches", friction=10, band="low", score_raw=10.0,
        metrics=_metrics(1, None, 9.0, None)), 4.0),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A batch folder as BATCH_API.md describes it, with a report.html for b.test to link to."""
    folder = tmp_path_factory.mktemp("batch")
    store = folder / "consent-audit.db"
    for number, (site, (kind, status, reason, report, seconds)) in enumerate(SITES.items()):
        run_dir = folder / "sites" / f"site-{number}"
        run_dir.mkdir(parents=True)
        run_id = None
        if report is not None:
            (run_dir / "report.html").write_text("<!DOCTYPE html><title>report</title>", encoding="utf-8")
            run_id = record_run(store, report, run_dir, manifest_sha256=f"{number:064x}")
        with closing(connect(store)) as conn, conn:
            conn.execute("INSERT INTO batch_sites (site, kind, input, status, reason, run_id, run_dir, attempts, "
                         "seconds, worker, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 'local-0', "
                         "'2026-01-01T00:00:00+00:00')",
                         (site, kind, site if kind == "url" else f"/in/{site}", status, reason, run_id,
                          str(run_dir), seconds))
    return folder


@pytest.fixture(scope="module")
def summary(batch, tmp_path_factory):
    return summarise(batch, tmp_path_factory.mktemp("out"))


def test_rows_join_the_ledger_with_runs_metrics_and_findings(batch):
    rows = {r.site: r for r in load_sites(batch)}
    assert list(rows) == sorted(SITES)
    b = rows["https://b.test/"]
    assert (b.status, b.friction, b.band, b.goal_clicks, b.baseline_clicks, b.extra_clicks) == (
        "complete", 50, "high", 2, 1, 1)
    assert (b.goal_effort_s, b.baseline_effort_s, b.effort_ratio) == (95.3, 3.1, 30.7)
    assert b.findings == 2 and b.heuristics == ("hidden-affordance", "required-justification")
    assert b.suppressed == 0
    c = rows["https://c.test/"]  # the suppressed delay finding is not open: counted apart, not a heuristic fired
    assert (c.findings, c.suppressed, c.heuristics) == (1, 1, ("hidden-affordance",))
    assert rows["https://a.test/"].refusal_on_first_screen
    assert not rows["shops/f.yaml"].refusal_on_first_screen  # one click, but the goal was not reached
    hostile = rows[HOSTILE_SITE]
    assert (hostile.status, hostile.reason, hostile.friction, hostile.findings, hostile.manifest_sha256) == (
        "incomplete", HOSTILE_REASON, None, 0, None)
    assert hostile.run_dir.endswith("site-4") and hostile.seconds == 60.0
    assert rows["shops/f.yaml"].kind == "flow" and rows["shops/f.yaml"].input == "/in/shops/f.yaml"


def test_figures_exactly(summary):
    f = summary.figures
    assert (f.sites, f.audited, f.complete) == (6, 5, 3)
    assert f.outcomes == {"complete": 3, "incomplete": 1, "no-consent-ui": 1, "goal-unreachable": 1}
    assert (f.first_screen_refusal.count, f.first_screen_refusal.denominator) == (1, 3)
    assert f.first_screen_refusal.percent_text == "33.3%"
    assert (f.goal_clicks.q1, f.goal_clicks.median, f.goal_clicks.q3) == (1.5, 2.0, 3.0)  # 1, 2, 4
    assert (f.baseline_clicks.minimum, f.baseline_clicks.median, f.baseline_clicks.maximum) == (1.0, 1.0, 2.0)
    assert f.extra_clicks.values == (0.0, 1.0, 2.0)
    assert (f.goal_effort_s.q1, f.goal_effort_s.median, f.goal_effort_s.q3) == pytest.approx((12.0, 20.0, 57.65))
    assert f.baseline_effort_s.median == 3.1 and f.effort_ratio.median == 4.0
    freq = {h.heuristic: (h.share.count, h.share.denominator) for h in f.heuristics}
    assert freq["hidden-affordance"] == (2, 5)
    assert freq["required-justification"] == (1, 5)  # not registered: listed because it fired
    assert freq["path-length"] == (1, 5)  # fired on a goal-unreachable run: still counted
    assert freq["nagging"] == (0, 5)  # registered, never fired
    assert freq["delay"] == (0, 5)  # only a suppressed finding: not an open problem anywhere
    assert (f.suppressed_findings, f.sites_with_suppressed) == (1, 1)
    assert set(freq) == set(registered_heuristics()) | {"required-justification"}
    assert f.heuristics[0].heuristic == "hidden-affordance"
    assert dict(f.friction_bins) == {"0–9": 1, "10–19": 0, "20–29": 1, "30–39": 0, "40–49": 0, "50–59": 1,
                                     "60–69": 0, "70–79": 0, "80–89": 0, "90–100": 0}
    assert f.bands == {"none": 1, "low": 1, "moderate": 0, "high": 1, "extreme": 0}
    assert f.seconds.median == 4.5


def test_friction_bins_put_100_in_the_last_bin():
    assert dict(friction_bins([100, 99, 90, 89, 0]))["90–100"] == 3
    assert dict(friction_bins([100, 99, 90, 89, 0]))["80–89"] == 1


def test_figures_of_a_batch_without_complete_audits_are_empty_not_errors(summary):
    rows = [r for r in summary.rows if not r.complete]
    f = compute(rows)
    assert f.first_screen_refusal.fraction is None and f.first_screen_refusal.percent_text == "–"
    assert f.goal_clicks.median is None
    assert outcomes_plot(f).png.startswith(b"\x89PNG")


def test_csv_and_parquet_round_trip(summary):
    out = summary.files[0].parent
    assert [p.name for p in summary.files] == ["summary.md", "summary.html", "sites.csv", "sites.parquet"]
    table = pq.read_table(out / "sites.parquet")
    assert table.schema.equals(SCHEMA) and tuple(table.column_names) == COLUMNS
    expected = [{**asdict(r), "heuristics": list(r.heuristics)} for r in summary.rows]
    assert table.to_pylist() == expected
    text = (out / "sites.csv").read_text(encoding="utf-8")
    assert text == csv_text(summary.rows)
    read = list(csv.DictReader(io.StringIO(text)))
    assert [row["site"] for row in read] == [r.site for r in summary.rows]
    b = next(row for row in read if row["site"] == "https://b.test/")
    assert (b["goal_clicks"], b["effort_ratio"], b["heuristics"], b["refusal_on_first_screen"]) == (
        "2", "30.7", "hidden-affordance;required-justification", "False")
    c = next(row for row in read if row["site"] == "https://c.test/")
    assert (c["findings"], c["suppressed"], c["heuristics"]) == ("1", "1", "hidden-affordance")
    hostile = next(row for row in read if row["site"] == HOSTILE_SITE)
    assert hostile["reason"] == HOSTILE_REASON and hostile["friction"] == ""


def test_markdown_states_figures_and_escapes_page_text(summary):
    md = summary.files[0].read_text(encoding="utf-8")
    assert "| refusal on the first screen | 33.3% (1 of 3) | 3 complete audits |" in md
    assert "| goal clicks | 3 | 1 | 1.5 | 2 | 3 | 4 |" in md
    assert "| hidden-affordance | 2 | 40.0% |" in md
    assert "| incomplete | 1 |" in md
    assert "| suppressed findings (not counted as open) | 1 on 1 sites | 5 sites with a report |" in md
    assert "Open findings only: 1 suppressed finding(s) on 1 site(s) are not counted" in md
    assert "<script>" not in md and "&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt;" in md
    assert "\\[link\\]\\(http\\://x\\) \\| cell" in md


def test_html_is_self_contained_and_escapes_site_and_reason(summary):
    html = summary.files[1].read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert 'href="https://evil.test/?q=&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    sources = re.findall(r'\bsrc="([^"]*)"', html)
    assert len(sources) == 5 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<link" not in html and "url(" not in html and "@import" not in html  # nothing loaded from elsewhere
    assert "default-src 'none'" in html
    assert 'href="../' in html  # each site's report.html by a relative link
    assert '<th class="num">Open findings</th><th class="num">Suppressed</th>' in html


def test_plots_leave_no_global_state_and_are_reproducible(summary):
    from matplotlib._pylab_helpers import Gcf

    first, second = outcomes_plot(summary.figures).png, outcomes_plot(summary.figures).png
    assert first == second
    assert Gcf.get_num_fig_managers() == 0


def test_cli_prints_and_writes_the_summary(batch, tmp_path):
    result = run_cli("summary", str(batch), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "refusal on the first screen" in result.stdout and "33.3% (1 of 3)" in result.stdout
    assert "hidden-affordance 40.0% (2 of 5)" in result.stdout
    assert "suppressed findings (not counted as open)" in result.stdout and "1 on 1 sites" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "sites.csv", "sites.parquet", "summary.html", "summary.md"]


def test_a_schema_3_batch_store_reads_every_finding_as_open(tmp_path):
    """A batch written before schema 4 has no suppressed column; read-only, it is not migrated."""
    with closing(sqlite3.connect(tmp_path / "consent-audit.db")) as conn, conn:
        conn.executescript(";\n".join(_MIGRATIONS[:3]) + "\nPRAGMA user_version = 3;")
        conn.execute("INSERT INTO runs (recorded_at, flow_name, goal, status, friction, score_raw) "
                     "VALUES ('t', 'old', 'reject', 'complete', 20, 20.0)")
        conn.execute("INSERT INTO findings (run_id, number, heuristic, severity, path, title, points) "
                     "VALUES (1, 1, 'delay', 'low', 'goal', 'waits', 20.0)")
        conn.execute("INSERT INTO batch_sites (site, kind, input, status, run_id, finished_at) "
                     "VALUES ('https://old.test/', 'url', 'https://old.test/', 'complete', 1, 't')")
    [row] = load_sites(tmp_path)
    assert (row.findings, row.suppressed, row.heuristics) == (1, 0, ("delay",))


def _bad_input(folder: Path) -> str:
    result = CliRunner().invoke(app, ["summary", str(folder)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert str(folder.name) in message and "consent-audit batch" in message
    return message


def test_bad_input_exits_2_naming_the_path_and_what_was_expected(tmp_path):
    assert "no such folder" in _bad_input(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "there is no consent-audit.db" in _bad_input(empty)
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "consent-audit.db").write_text("not sqlite", encoding="utf-8")
    assert "not a consent-audit run store" in _bad_input(garbage)
    old = tmp_path / "old"
    old.mkdir()
    with closing(sqlite3.connect(old / "consent-audit.db")) as conn:
        conn.execute("CREATE TABLE runs (id INTEGER)")
        conn.execute("PRAGMA user_version = 2")
    assert "no batch_sites table" in _bad_input(old)
    unused = tmp_path / "unused"
    with closing(connect(unused / "consent-audit.db")):
        pass
    assert "no finished sites" in _bad_input(unused)


@pytest.mark.browser
def test_summary_page_decodes_every_plot_in_chromium(summary):
    from auditor.gather.session import browser_session

    with browser_session() as session:
        context = session.browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(summary.files[1].resolve().as_uri())
            page.wait_for_load_state("load")
            widths = page.locator("img").evaluate_all("els => els.map(e => e.complete ? e.naturalWidth : 0)")
            assert len(widths) == 5 and all(w > 0 for w in widths), widths
            assert page.evaluate("window.__pwned") is None
            assert HOSTILE_REASON in page.inner_text("#sites")
            assert errors == []
        finally:
            context.close()
