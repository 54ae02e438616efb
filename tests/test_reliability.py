"""Bad input, lost writes and the auditor's own safety: one clear message and exit 2, never a traceback;
nothing half-written; no state shared between paths (docs/reliability.md)."""

from __future__ import annotations

import errno
import json
import time
from pathlib import Path

import pytest

from auditor.flow.spec import FlowError, parse_flow
from tests.conftest import FIXTURES, run_cli
from tests.test_flow_files import GOOD

# --- flow files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("edit, line, words", [
    (("  - goto: {url: form.html}", "  - goto: {url: 'file:///etc/passwd'}"), 12, "opens http(s) pages"),
    (("  - goto: {url: form.html}", "  - goto: 'chrome://settings'"), 12, "opens http(s) pages"),
    (("goal: object\n", "goal: object\nsettings: {step_timeout: fast}\n"), 4, "valid number"),
    (("goal: object\n", "goal: object\nsettings: {step_timeout: 0}\n"), 4, "greater than 0"),
    (("goal: object\n", "goal: object\nsettings: {dialogs: ignore}\n"), 4, "'ignore' is not allowed"),
    (("goal: object\n", "goal: object\nsettings: {colour: blue}\n"), 4, "unknown key 'colour'"),
    (("path:\n", "path:\n  - {click: {text: A}, fill: {label: B, value: c}}\n"), 6, "exactly one action"),
    (("  - wait: {seconds: 1}", "  - wait: {}"), 11, "wait needs 'seconds' or 'text'"),
    (("  - check: {label: \"I agree\"}", "  - check: {label: \"I agree\", css: \"#x\"}"), 8, "not several"),
    (("identity: {email: objector@example.invalid,", "identity: {phone: '+32 470 12 34 56', email: objector@example.invalid,"),
     4, "looks like a real phone number"),
    (("done: {text: \"request has been received\", url: \"*/done*\"}", "done: {}"), 13, "done needs at least one"),
    (("name: Test flow", "name: [a, b]"), 1, "valid string"),
    (("name: Test flow", "name: Test flow\nname: Again"), 2, "appears twice"),
])
def test_more_bad_flows_name_line_and_expectation(edit, line, words):
    bad = GOOD.replace(*edit)
    assert bad != GOOD
    with pytest.raises(FlowError) as info:
        parse_flow(bad, "bad.yaml")
    assert words in str(info.value)
    assert str(info.value).startswith(f"bad.yaml:{line}:"), str(info.value)


BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdef", "bcdefg"))


@pytest.mark.parametrize("text, words", [
    ("!0", "could not determine a constructor"),                      # found by tests/test_fuzz.py
    ("name: !!int abc", "invalid literal"),
    ("name: !!binary xyz", "base64"),
    ("name: !!timestamp 2020-13-45", "month must be"),
    ("!!python/object:os.system x", "could not determine a constructor"),
    ("[" * 80 + "]" * 80, "nested more than 64 levels"),
    ("[" * 3000, "nested too deeply"),
    (BOMB, "more than 100,000 values"),                                # 'billion laughs': 31 s before the limit
])
def test_hostile_yaml_is_a_flow_error_quickly(text, words):
    started = time.process_time()  # CPU time: what a YAML bomb burns, whatever else shares the machine
    with pytest.raises(FlowError, match=words.replace("(", r"\(")):
        parse_flow(text, "bad.yaml")
    assert time.process_time() - started < 5


@pytest.mark.parametrize("identity", ['{phone: "+44 7700 900123"}', '{tel: "555-0142"}', '{birthday: "1990-01-01"}',
                                      '{phone: "+32 470 12 34 56"}'])
def test_fictional_phone_numbers_pass_real_ones_need_consent(identity):
    text = GOOD.replace("identity: {email: objector@example.invalid, why: \"I object.\"}", f"identity: {identity}")
    text = text.replace('"{identity.email}"', "x")
    if "+32" in identity:
        with pytest.raises(FlowError, match="real phone number"):
            parse_flow(text, "f.yaml")
        text = text.replace("goal: object\n", "goal: object\nsettings: {allow_real_identity: true}\n")
    parse_flow(text, "f.yaml")


def _site(tmp_path: Path, html: str, flow: str) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notice.html").write_text(html)
    (site / "flow.yaml").write_text(flow)
    return site / "flow.yaml"


NOTICE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>n</title></head><body>
<h1>We use your posts</h1><button>Object</button><button>Object</button>
<p id="c"></p>
<script>
  const had = document.cookie.includes("seen=1");
  document.cookie = "seen=1; max-age=31536000; path=/";
  localStorage.setItem("seen", "1");
  document.getElementById("c").textContent = had ? "returning visitor" : "first visit";
  document.querySelectorAll("button")[0].onclick = () => document.getElementById("c").textContent = "Recorded";
</script></body></html>"""


def test_ambiguous_locator_is_a_warning_and_paths_share_no_cookies(tmp_path):
    from auditor.pipeline import audit
    from auditor.flow.spec import load_flow

    flow = _site(tmp_path, NOTICE, "name: Two buttons\nstart: notice.html\ngoal: object\n"
                 "path: [{click: {role: button, name: Object}}]\ndone: {text: Recorded}\n"
                 "baseline: {path: [{wait: {seconds: 0.1}}], done: {text: first visit}}\n"
                 "settings: {step_timeout: 3, flow_timeout: 20}\n")
    result = audit(load_flow(flow), tmp_path / "run")
    assert result.trace.goal.status == "complete"
    assert any("2 visible elements match" in w for w in result.trace.goal.steps[0].warnings)
    assert any("2 visible elements match" in w for w in result.report.warnings)
    # the goal path set a one-year cookie; the baseline, in a fresh context, never sees it
    assert result.trace.baseline.status == "complete"
    assert "first visit" in result.trace.baseline.steps[0].snapshot.text


def test_cli_invalid_css_selector_exits_2_with_line(tmp_path):
    flow = _site(tmp_path, NOTICE, "name: Bad css\nstart: notice.html\ngoal: object\n"
                 "path:\n  - click: {css: 'button[[['}\ndone: {text: Recorded}\nsettings: {step_timeout: 2}\n")
    proc = run_cli("audit", str(flow), "--out", str(tmp_path / "run"), "--no-baseline", "--no-store", timeout=60)
    assert proc.returncode == 2, proc.stderr
    stderr = " ".join(proc.stderr.split())
    assert f"{flow}:5:" in stderr and "not a valid CSS selector" in stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_cli_done_condition_never_met_exits_2_with_line(tmp_path):
    flow = _site(tmp_path, NOTICE, "name: Never done\nstart: notice.html\ngoal: object\n"
                 "path: [{click: {role: button, name: Object}}]\ndone: {text: Objection confirmed}\n"
                 "settings: {step_timeout: 1}\n")
    started = time.monotonic()
    proc = run_cli("audit", str(flow), "--out", str(tmp_path / "run"), "--no-baseline", "--no-store", timeout=60)
    assert time.monotonic() - started < 30
    assert proc.returncode == 2, proc.stderr
    assert "the done condition" in proc.stderr and "Objection confirmed" in proc.stderr
    assert json.loads((tmp_path / "run" / "report.json").read_text())["status"] == "goal-unreachable"


# --- rescore of a corrupted trace -------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"goal": 3}', b"\x89PNG\r\n\x1a\n\x00\x00",
                                     b'{"flow": {"name": "x", "goal": "object", "start": "s"}, "goal": {"kind": "x"}}',
                                     b"null", b'"a string"'])
def test_rescore_of_a_corrupted_trace_exits_2(tmp_path, content):
    bad = tmp_path / "trace.json"
    bad.write_bytes(content)
    proc = run_cli("rescore", str(bad), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stderr + proc.stdout
    assert "not a consent-audit trace.json" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_rescore_of_a_folder_exits_2(tmp_path):
    proc = run_cli("rescore", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr + proc.stdout, proc.stderr


# --- writes ------------------------------------------------------------------------------------------------

def test_reports_are_written_atomically(tmp_path, monkeypatch):
    """A write that fails half-way leaves neither a truncated report nor a temporary file behind."""
    import auditor.evidence.atomic
    from auditor.evidence.atomic import RunFolderError
    from auditor.judge.verdict import judge
    from auditor.pipeline import write_outputs
    from tests.trace_factory import make_step, make_trace

    trace = make_trace([make_step(1, "click")])
    report = judge(trace)
    (tmp_path / "report.json").write_text('{"old": "complete report"}')

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(auditor.evidence.atomic.os, "replace", disk_full)
    with pytest.raises(RunFolderError, match="No space left on device"):
        write_outputs(trace, report, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert (tmp_path / "report.json").read_text() == '{"old": "complete report"}'


def test_every_report_writer_uses_the_atomic_writer():
    """A plain write_text / open(.., 'w') in a writer of run-folder files would leave a half-written file
    when the run is interrupted; every such writer goes through auditor/evidence/atomic.py."""
    import re

    root = Path(__file__).resolve().parent.parent / "auditor"
    plain = re.compile(r"\.write_text\(|\.write_bytes\(|(?<![\w.])open\([^)]*['\"][wa]|json\.dump\(")
    offenders = [f"{path.relative_to(root)}: {line.strip()}"
                 for path in sorted([root / "pipeline.py", *(root / "cli").glob("*.py"), root / "trace.py",
                                     *(root / "gather").glob("*.py"), *(root / "evidence").glob("*.py"),
                                     *(root / "report").glob("*.py")])
                 for line in path.read_text().splitlines() if plain.search(line) and not line.lstrip().startswith("#")]
    # the write probe of the run folder and the crash log are not run-folder files
    allowed = {'evidence/run_folder.py: probe.write_text("")',
               'cli/common.py: path.write_text(traceback.format_exc(), encoding="utf-8")'}
    assert [o for o in offenders if o not in allowed] == []


def test_run_folder_failing_mid_run_exits_2(tmp_path, monkeypatch):
    """The disk fills up after the first screenshot: the audit stops with RunFolderError (CLI: exit 2)."""
    from auditor.gather import recorder
    from auditor.evidence.atomic import RunFolderError
    from auditor.pipeline import audit
    from auditor.flow.spec import load_flow

    calls = []
    real = recorder.write_bytes_atomic

    def failing(path, data):
        calls.append(path)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(recorder, "write_bytes_atomic", failing)
    with pytest.raises(RunFolderError, match="cannot write evidence to the run folder"):
        audit(load_flow(FIXTURES / "meta-2024" / "flow.yaml"), tmp_path / "run", include_baseline=False)


def test_cli_run_folder_that_cannot_hold_screenshots_exits_2(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "screenshots").write_text("a file where the screenshots folder should be")
    proc = run_cli("audit", str(FIXTURES / "fair" / "flow.yaml"), "--out", str(run), "--no-store", timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write to the run folder" in proc.stderr and "Traceback" not in proc.stderr
