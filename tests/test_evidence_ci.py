"""Evidence a regulator can rely on (manifest, verify, run store, diff) and the CI gate (SARIF, JUnit, config).

The real browser runs twice per session (the Meta replica with every evidence option, the fair control);
everything else works on copies of those run folders.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from tests.conftest import FIXTURES, ROOT, run_cli

SARIF_SCHEMA = ROOT / "schemas" / "sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="session")
def meta_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("meta-cli")
    proc = run_cli("audit", str(FIXTURES / "meta-2024" / "flow.yaml"), "--out", str(base / "run"), "--quiet",
                   "--format", "sarif", "--format", "junit", "--fail-on", "high", "--playwright-trace", "--har",
                   "--store", str(base / "runs.db"), cwd=ROOT)
    assert proc.returncode == 1, proc.stderr  # the gate: high findings
    return base, proc


@pytest.fixture(scope="session")
def fair_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("fair-cli")
    proc = run_cli("audit", str(FIXTURES / "fair" / "flow.yaml"), "--out", str(base / "run"), "--quiet",
                   "--store", f"sqlite:///{base / 'runs.db'}", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return base, proc


def _copy(run: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(run, dst)
    return dst


# --- manifest and verify -------------------------------------------------------------------------------

def test_manifest_lists_every_file_and_the_run_facts(meta_run):
    base, proc = meta_run
    run = base / "run"
    manifest = json.loads((run / "manifest.json").read_text())
    files = {p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == files
    for name in ("report.json", "report.html", "trace.json", "report.sarif", "junit.xml", "goal.trace.zip",
                 "baseline.trace.zip", "har/goal.har", "har/baseline.har", "screenshots/goal-01.png"):
        assert name in manifest["files"], name
        assert len(manifest["files"][name]["sha256"]) == 64
    b = manifest["browser"]
    assert b["name"] == "chromium" and b["version"] and "Chrome" in b["user_agent"]
    assert b["viewport"]["width"] > 0 and b["locale"] and b["timezone"]
    assert manifest["started_at"] and manifest["ended_at"] and manifest["tool"]["version"]
    import hashlib

    assert manifest["flow"]["sha256"] == hashlib.sha256((FIXTURES / "meta-2024" / "flow.yaml").read_bytes()).hexdigest()
    from heuristics.registry import metadata

    assert manifest["heuristics"] == {hid: m.version for hid, m in metadata().items()}
    digest = hashlib.sha256((run / "manifest.json").read_bytes()).hexdigest()
    assert proc.stdout.strip().splitlines()[-1] == f"manifest sha256: {digest}"


def test_playwright_trace_and_har_are_real(meta_run):
    import zipfile

    run = meta_run[0] / "run"
    with zipfile.ZipFile(run / "goal.trace.zip") as z:
        assert any(n.endswith(".trace") for n in z.namelist())
    har = json.loads((run / "har" / "goal.har").read_text())
    assert any(e["request"]["url"].endswith("notice.html") for e in har["log"]["entries"])
    html = (run / "report.html").read_text()
    assert "<code>goal.trace.zip</code>" in html and "<code>har/goal.har</code>" in html
    assert "Browser context: viewport" in html and "time zone <code>" in html


def test_verify_intact_then_each_kind_of_tampering(meta_run, tmp_path):
    run = _copy(meta_run[0] / "run", tmp_path)
    digest = json.loads(json.dumps(meta_run[1].stdout.strip().splitlines()[-1].split(": ")[1]))
    proc = run_cli("verify", str(run), "--expect", digest)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "intact" in proc.stdout

    (run / "report.md").write_text((run / "report.md").read_text() + "\nedited\n")
    (run / "screenshots" / "goal-02.png").unlink()
    (run / "screenshots" / "extra.png").write_bytes(b"x")
    proc = run_cli("verify", str(run))
    assert proc.returncode == 1
    assert "changed: report.md" in proc.stdout
    assert "missing: screenshots/goal-02.png" in proc.stdout
    assert "added: screenshots/extra.png" in proc.stdout
    assert "1 missing, 1 added, 1 changed" in proc.stderr


def test_verify_detects_a_rewritten_manifest_with_expect(meta_run, tmp_path):
    run = _copy(meta_run[0] / "run", tmp_path)
    digest = meta_run[1].stdout.strip().splitlines()[-1].split(": ")[1]
    (run / "report.md").write_text("forged\n")
    from auditor.evidence.manifest import hash_folder

    manifest = json.loads((run / "manifest.json").read_text())
    manifest["files"] = hash_folder(run)  # a forger re-hashes everything
    (run / "manifest.json").write_text(json.dumps(manifest))
    assert run_cli("verify", str(run)).returncode == 0  # self-consistent...
    proc = run_cli("verify", str(run), "--expect", digest)
    assert proc.returncode == 1 and "manifest altered" in proc.stderr  # ...but not the printed digest


def test_verify_without_manifest_is_bad_input(tmp_path):
    proc = run_cli("verify", str(tmp_path))
    assert proc.returncode == 2 and "no manifest.json" in proc.stderr


# --- SARIF and JUnit -----------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema(meta_run):
    run = meta_run[0] / "run"
    sarif = json.loads((run / "report.sarif").read_text())
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    report = json.loads((run / "report.json").read_text())
    results = sarif["runs"][0]["results"]
    assert len(results) == len(report["findings"])
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    from heuristics.registry import metadata

    assert set(metadata()) <= set(rules)
    for r in rules.values():
        assert r["helpUri"].startswith(("file://", "http")) and r["shortDescription"]["text"]
        assert r["fullDescription"]["text"] and "provisions" in r["properties"] and "edpb" in r["properties"]
    for res, f in zip(results, report["findings"]):
        assert res["ruleId"] == f["heuristic"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "fixtures/meta-2024/flow.yaml"  # relative to cwd (the repo)
        if f["flow_line"]:
            assert loc["region"]["startLine"] == f["flow_line"]
        assert res["properties"]["url"] == f["url"]
    assert any(res["locations"][0]["physicalLocation"]["region"]["startLine"] > 10 for res in results)


def test_sarif_of_hostile_text_still_validates():
    from tests.report_factory import make_report

    from auditor.report.sarif import build_sarif

    sarif = build_sarif(make_report())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    assert "<script>alert(1)</script>" in sarif["runs"][0]["results"][1]["message"]["text"]  # data, in JSON


@pytest.mark.parametrize("run", ["meta_run", "fair_run"])
def test_every_heuristic_has_one_outcome_on_the_real_fixtures(run, request):
    from heuristics.registry import metadata

    report = json.loads((request.getfixturevalue(run)[0] / "run" / "report.json").read_text())
    ids = [o["id"] for o in report["outcomes"]]
    assert sorted(ids) == sorted(metadata())
    assert not [o for o in report["outcomes"] if o["outcome"] == "error"]
    assert {o["outcome"] for o in report["outcomes"]} <= {"fired", "passed", "not-applicable"}
    fired = {o["id"] for o in report["outcomes"] if o["outcome"] == "fired"}
    assert fired == {f["heuristic"] for f in report["findings"]}
    if run == "fair_run":
        assert not fired and "## What was checked" in (request.getfixturevalue(run)[0] / "run" / "report.md").read_text()


def test_junit_one_case_per_heuristic_failures_at_the_gate(meta_run):
    run = meta_run[0] / "run"
    root = ET.parse(run / "junit.xml").getroot()
    suite = root.find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    from heuristics.registry import metadata

    assert set(metadata()) <= set(cases) and "audit-complete" in cases
    report = json.loads((run / "report.json").read_text())
    high = [f for f in report["findings"] if f["severity"] in ("high", "critical")]
    assert len(suite.findall(".//failure")) == len(high) == int(suite.get("failures"))
    for f in high:
        assert any(f["title"] in (x.get("message") or "") for x in cases[f["heuristic"]].findall("failure"))


def test_gate_prints_one_line_reason(meta_run):
    proc = meta_run[1]
    lines = [line for line in proc.stderr.splitlines() if line.startswith("gate:")]
    assert len(lines) == 1 and "--fail-on high" in lines[0]


def test_pyproject_thresholds_apply_and_the_command_line_wins(meta_run, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit]\nfail-on = "info"\nformats = ["junit"]\n')
    sub = tmp_path / "deeper"  # the nearest pyproject.toml is looked for upwards
    sub.mkdir()
    trace = meta_run[0] / "run" / "trace.json"
    proc = run_cli("rescore", str(trace), "--out", str(sub / "r1"), cwd=sub)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "(--fail-on info)" in proc.stderr
    assert (sub / "r1" / "junit.xml").exists() and not (sub / "r1" / "report.sarif").exists()
    proc = run_cli("rescore", str(trace), "--out", str(sub / "r2"), "--fail-on", "critical", "--format", "sarif",
                   cwd=sub)
    assert proc.returncode == 0, proc.stderr  # the Meta replica has no critical finding
    assert (sub / "r2" / "report.sarif").exists() and not (sub / "r2" / "junit.xml").exists()


def test_pyproject_friction_gate(tmp_path, meta_run):
    (tmp_path / "pyproject.toml").write_text("[tool.consent-audit]\nmax-friction = 20\n")
    proc = run_cli("rescore", str(meta_run[0] / "run" / "trace.json"), "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert proc.returncode == 1
    friction = json.loads((meta_run[0] / "run" / "report.json").read_text())["friction"]
    assert friction > 20 and f"gate: friction {friction} is above --max-friction 20" in proc.stderr


def test_bad_pyproject_is_bad_input(tmp_path, meta_run):
    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit]\nfail-on = "severe"\n')
    proc = run_cli("rescore", str(meta_run[0] / "run" / "trace.json"), "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert proc.returncode == 2 and "fail-on must be one of" in proc.stderr


# --- rescore -------------------------------------------------------------------------------------------

def test_rescore_writes_reports_with_screenshots_and_a_manifest(meta_run, tmp_path):
    proc = run_cli("rescore", str(meta_run[0] / "run" / "trace.json"), "--out", str(tmp_path / "again"),
                   "--no-store")
    assert proc.returncode == 0, proc.stderr
    again = tmp_path / "again"
    for name in ("report.json", "report.md", "report.html", "trace.json", "manifest.json",
                 "screenshots/goal-02.png"):
        assert (again / name).is_file(), name
    assert json.loads((again / "report.json").read_text())["friction"] == \
        json.loads((meta_run[0] / "run" / "report.json").read_text())["friction"]
    assert "data:image/png;base64," in (again / "report.html").read_text()
    assert run_cli("verify", str(again)).returncode == 0
    # The evidence is copied, not rewritten: the trace keeps the bytes (and so the hash) of the original.
    assert (again / "trace.json").read_bytes() == (meta_run[0] / "run" / "trace.json").read_bytes()
    original = json.loads((meta_run[0] / "run" / "manifest.json").read_text())
    assert json.loads((again / "manifest.json").read_text())["trace_sha256"] == original["files"]["trace.json"]["sha256"]


def _saved_run(tmp_path: Path) -> Path:
    """A run folder holding only a hand-made trace (no browser): what rescore needs."""
    from tests.trace_factory import make_element, make_step, make_trace

    run = tmp_path / "reports" / "site"
    run.mkdir(parents=True)
    trace = make_trace([make_step(n, "click", make_element(text="Object")) for n in (1, 2, 3)])
    (run / "trace.json").write_text(trace.model_dump_json(indent=1), encoding="utf-8")
    return run


def test_rescore_writes_a_new_folder_and_leaves_the_original_untouched(tmp_path):
    run = _saved_run(tmp_path)
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    proc = run_cli("rescore", str(run / "trace.json"), "--quiet", "--store", str(tmp_path / "runs.db"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before  # not one byte added or changed
    [new] = [p for p in run.parent.iterdir() if p.name.startswith("site-rescored-")]
    assert re.fullmatch(r"site-rescored-\d{8}T\d{6}Z", new.name)
    assert str(new) in proc.stdout and "Friction" in proc.stdout and "Findings" not in proc.stdout  # --quiet
    manifest = json.loads((new / "manifest.json").read_text())
    assert manifest["trace_sha256"] == hashlib.sha256((run / "trace.json").read_bytes()).hexdigest()
    assert run_cli("verify", str(new)).returncode == 0
    with sqlite3.connect(tmp_path / "runs.db") as db:  # recorded like an audit
        assert db.execute("select count(*) from runs").fetchone()[0] == 1


def test_rescore_in_place_rewrites_the_folder_and_excludes_out(tmp_path):
    run = _saved_run(tmp_path)
    proc = run_cli("rescore", str(run / "trace.json"), "--in-place", "--no-store", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (run / "report.json").is_file() and (run / "manifest.json").is_file()
    assert [p.name for p in run.parent.iterdir()] == ["site"]
    proc = run_cli("rescore", str(run / "trace.json"), "--in-place", "--out", str(tmp_path / "x"), cwd=tmp_path)
    assert proc.returncode == 2 and "exclude each other" in proc.stderr


@pytest.mark.parametrize("content", [b"{not json", b'{"flow": 3}', b"\xff\xfe\x00garbage", b""])
def test_rescore_of_a_corrupted_trace_is_bad_input(tmp_path, content):
    trace = tmp_path / "trace.json"
    trace.write_bytes(content)
    proc = run_cli("rescore", str(trace))
    assert proc.returncode == 2, proc.stderr
    assert "not a consent-audit trace.json" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_rescore_of_a_truncated_real_trace_is_bad_input(meta_run, tmp_path):
    text = (meta_run[0] / "run" / "trace.json").read_bytes()
    (tmp_path / "trace.json").write_bytes(text[: len(text) // 2])
    proc = run_cli("rescore", str(tmp_path / "trace.json"))
    assert proc.returncode == 2 and "not a consent-audit trace.json" in proc.stderr


# --- run store and history -----------------------------------------------------------------------------

def test_runs_are_stored_and_listed_by_name_and_by_file(meta_run):
    base = meta_run[0]
    conn = sqlite3.connect(base / "runs.db")
    from auditor.evidence.store import SCHEMA_VERSION

    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    (run_id, friction, status, manifest) = conn.execute(
        "SELECT id, friction, status, manifest_sha256 FROM runs").fetchone()
    n = conn.execute("SELECT COUNT(*) FROM findings WHERE run_id = ?", (run_id,)).fetchone()[0]
    report = json.loads((base / "run" / "report.json").read_text())
    assert (friction, status, n) == (report["friction"], "complete", len(report["findings"]))
    assert manifest == meta_run[1].stdout.strip().splitlines()[-1].split(": ")[1]
    clicks = conn.execute("SELECT value FROM metrics WHERE run_id = ? AND name = 'goal_clicks'", (run_id,)).fetchone()
    assert clicks[0] == report["metrics"]["goal_clicks"]
    for key in ("Meta AI objection (replica)", str(FIXTURES / "meta-2024" / "flow.yaml")):
        proc = run_cli("history", key, "--store", str(base / "runs.db"))
        assert proc.returncode == 0, proc.stderr
        assert "complete" in proc.stdout and str(report["friction"]) in proc.stdout
        assert str(len(report["findings"])) in proc.stdout


def test_history_accumulates_runs_over_time(fair_run):
    from tests.report_factory import make_report

    from auditor.evidence.store import history, record_run

    base = fair_run[0]
    store = f"sqlite:///{base / 'runs.db'}"
    report = json.loads((base / "run" / "report.json").read_text())
    from auditor.report.model import Report

    later = Report.model_validate(report)
    later.friction = 42
    record_run(store, later, base / "run")
    rows = history(store, "Fair AI notice (control)")
    assert [r.friction for r in rows] == [report["friction"], 42]
    assert history(store, "no such flow") == []
    assert make_report  # the factory stays importable for other tests


def test_store_migrates_an_old_schema_and_refuses_a_newer_one(tmp_path):
    from auditor.evidence.store import SCHEMA_VERSION, _MIGRATIONS, StoreError, connect

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(_MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO runs (recorded_at, flow_name, goal, status, friction, score_raw) "
                 "VALUES ('t', 'f', 'object', 'complete', 3, 3.0)")
    conn.commit()
    conn.close()
    with connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        row = c.execute("SELECT flow_name, manifest_sha256 FROM runs").fetchone()
        assert tuple(row) == ("f", None)
    c.close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        connect(db)


def test_store_url_forms(tmp_path):
    from auditor.evidence.store import StoreError, store_path

    assert store_path("sqlite:///reports/x.db") == Path("reports/x.db")
    assert store_path(f"sqlite:///{tmp_path}/x.db") == tmp_path / "x.db"
    assert store_path(None) == Path("reports/consent-audit.db")
    with pytest.raises(StoreError):
        store_path("sqlite://elsewhere/x.db")


def test_store_that_is_not_sqlite_is_bad_input(tmp_path):
    (tmp_path / "bad.db").write_text("not a database " * 100)
    proc = run_cli("history", "x", "--store", str(tmp_path / "bad.db"))
    assert proc.returncode == 2 and "not a consent-audit run store" in proc.stderr


# --- diff ----------------------------------------------------------------------------------------------

def test_diff_shows_new_fixed_and_changed_findings(meta_run, tmp_path):
    run_a = meta_run[0] / "run"
    data = json.loads((run_a / "report.json").read_text())
    findings = data["findings"]
    fixed = findings.pop(0)
    changed = findings[0]
    changed["severity"] = "low" if changed["severity"] != "low" else "medium"
    changed["measured"] = {**changed["measured"], "extra_measure": 9}
    findings.append({**fixed, "number": 99, "heuristic": "brand-new-rule", "title": "A new trick"})
    before = data["friction"]
    data["friction"] -= 7
    data["metrics"]["goal_clicks"] -= 2
    run_b = tmp_path / "b"
    run_b.mkdir()
    (run_b / "report.json").write_text(json.dumps(data))
    md = tmp_path / "diff.md"
    proc = run_cli("diff", str(run_a), str(run_b), "--markdown", str(md))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "1 new, 1 fixed, 1 changed" in out
    assert f"Friction {before} -> {before - 7} (-7)" in out
    assert "brand-new-rule" in out and fixed["heuristic"] in out and "extra_measure" in out
    assert "goal_clicks" in out and "-2" in out
    text = md.read_text()
    assert "| new | `brand-new-rule` |" in text and "| fixed |" in text and "| changed |" in text
    assert "| goal_clicks | 4 | 2 | -2 |" in text
    assert "(**-7**)" in text


def test_diff_of_the_same_run_changes_nothing(fair_run, tmp_path):
    from auditor.evidence.diff import diff_runs, render_markdown

    d = diff_runs(fair_run[0] / "run", fair_run[0] / "run")
    assert not d.any_change and d.friction_delta == 0
    assert d.wording is not None and not (d.wording.added or d.wording.removed)
    assert "No finding changed." in render_markdown(d)


def test_diff_of_two_real_audits_fair_vs_meta(fair_run, meta_run):
    proc = run_cli("diff", str(fair_run[0] / "run"), str(meta_run[0] / "run"))
    assert proc.returncode == 0
    assert "different flows" in proc.stdout and "new" in proc.stdout
    # the notices' words, read from each run's HTML evidence of its first page
    assert "Wording of the first page:" in proc.stdout and "sentence(s) gone" in proc.stdout
    compared = " ".join(proc.stdout.split("Wording of the first page:")[1].split())
    assert "We're planning new AI features for you" in compared.split(" + ", 1)[1]  # a new sentence (+)


def test_page_words_read_what_a_person_could_read(tmp_path):
    from auditor.evidence.page_words import first_page_sentences, html_text, sentences

    html = ("<html><head><title>t</title><style>p{}</style></head><body><p>Your   choices.</p>"
            "<script>var secret = 'x'</script><div hidden>hidden layer</div><span aria-hidden='true'>icon</span>"
            "<div style='display: none'>collapsed</div><template><p>later</p></template><p>Reject all?</p></body>")
    assert html_text(html) == "Your choices. Reject all?"
    assert sentences("One. Two! One. Three") == ["One.", "Two!", "Three"]
    assert first_page_sentences(tmp_path) is None  # a run that kept no HTML: not compared, never "unchanged"
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "goal-01.html").write_text(html)
    assert first_page_sentences(tmp_path) == ["Your choices.", "Reject all?"]


def test_diff_bad_input(tmp_path):
    proc = run_cli("diff", str(tmp_path), str(tmp_path))
    assert proc.returncode == 2 and "no report.json" in proc.stderr


# --- evidence options without a browser ----------------------------------------------------------------

def test_evidence_options_map_to_context_options(tmp_path):
    from auditor.evidence.run_folder import EvidenceOptions

    assert EvidenceOptions().context_options(tmp_path, "goal") == {}
    opts = EvidenceOptions(video=True, har=True).context_options(tmp_path, "baseline")
    assert opts == {"record_video_dir": str(tmp_path / "video" / "baseline"),
                    "record_har_path": str(tmp_path / "har" / "baseline.har")}
    assert (tmp_path / "video" / "baseline").is_dir()


def test_videos_get_tool_chosen_names(tmp_path):
    from auditor.evidence.run_folder import tidy_videos

    (tmp_path / "video" / "goal").mkdir(parents=True)
    (tmp_path / "video" / "goal" / "3f2a9c.webm").write_bytes(b"a")
    (tmp_path / "video" / "baseline").mkdir(parents=True)
    (tmp_path / "video" / "baseline" / "91bb.webm").write_bytes(b"b")
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tidy_videos(tmp_path))
    assert names == ["video/baseline-01.webm", "video/goal-01.webm"]
    assert not (tmp_path / "video" / "goal").exists()


def test_a_symlink_slipped_into_the_folder_is_reported(meta_run, tmp_path):
    run = _copy(meta_run[0] / "run", tmp_path)
    (run / "report.md").unlink()
    (run / "report.md").symlink_to(meta_run[0] / "run" / "report.md")  # same bytes, but not the folder's own
    (run / "elsewhere").symlink_to("/etc/hostname")
    proc = run_cli("verify", str(run))
    assert proc.returncode == 1
    assert "changed: report.md" in proc.stdout and "added: elsewhere" in proc.stdout


def test_video_needs_playwright_ffmpeg_or_records(tmp_path):
    proc = run_cli("audit", str(FIXTURES / "fair" / "flow.yaml"), "--out", str(tmp_path / "run"), "--video",
                   "--no-store", "--quiet")
    if proc.returncode == 2:  # no Playwright ffmpeg on this machine (it cannot be downloaded here)
        assert "--video needs Playwright's ffmpeg" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        assert (tmp_path / "run" / "video" / "goal-01.webm").is_file()
        assert "video/goal-01.webm" in json.loads((tmp_path / "run" / "manifest.json").read_text())["files"]


def test_diff_neutralises_page_text_in_the_terminal_and_markdown():
    import io

    from tests.report_factory import make_finding, make_report
    from rich.console import Console

    from auditor.evidence.diff import diff_reports, render_markdown, render_terminal

    a = make_report([make_finding(1)])
    b = make_report([make_finding(1), make_finding(2, heuristic="x", title="evil \x1b[2J [bold]t[/] <script>|")])
    d = diff_reports(a, b)
    console = Console(record=True, width=200, file=io.StringIO(), force_terminal=True)
    render_terminal(d, console)
    assert "\x1b[2J" not in console.file.getvalue()
    assert "[bold]t[/]" in console.export_text()
    md = render_markdown(d)
    assert "<script>" not in md and "\x1b" not in md
    row = next(line for line in md.splitlines() if line.startswith("| new |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 6  # the page's "|" cannot add a column
