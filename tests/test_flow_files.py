"""Flow files: valid ones load with placeholders filled; bad ones name the file, the line and the fix."""

from __future__ import annotations

import pytest

from auditor.flow.spec import FlowError, load_flow, parse_flow
from tests.conftest import FIXTURES, run_cli

GOOD = """\
name: Test flow
start: http://127.0.0.1:9/notice.html
goal: object
identity: {email: objector@example.invalid, why: "I object."}
path:
  - click: {text: "Learn more"}
  - fill: {label: Email, value: "{identity.email}"}
  - check: {label: "I agree"}
  - select: {label: Country, value: France}
  - press: {key: Enter}
  - wait: {seconds: 1}
  - goto: {url: form.html}
done: {text: "request has been received", url: "*/done*"}
baseline:
  path: [{click: {role: button, name: Accept}}]
  done: {gone: {text: "We're planning"}}
"""


def test_good_flow_loads_with_placeholders_and_lines():
    flow = parse_flow(GOOD, "good.yaml")
    assert [s.action for s in flow.path] == ["click", "fill", "check", "select", "press", "wait", "goto"]
    assert flow.path[1].args.value == "objector@example.invalid"
    assert flow.path[1].line == 7
    assert flow.baseline.path[0].args.role == "button"
    assert flow.sha256 and len(flow.sha256) == 64


@pytest.mark.parametrize("edit, line, words", [
    (("goal: object", "goal: objekt"), 3, "'objekt' is not allowed"),
    (('  - press: {key: Enter}', '  - presss: {key: Enter}'), 10, "unknown step kind 'presss'"),
    (('done: {text:', 'done: {txt:'), 13, "unknown key 'txt'"),
    (('{identity.email}', '{identity.phone}'), 7, "{identity.phone} has no value"),
    (('objector@example.invalid', 'objector@gmail.com'), 4, "looks like a real address"),
    (('  - check: {label: "I agree"}', '  - check: {}'), 8, "a locator needs one of"),
    (('  - wait: {seconds: 1}', '  - wait: {seconds: many}'), 11, "valid number"),
    (('start: http://127.0.0.1:9/notice.html', 'start: ftp://x/y'), 2, "http(s) URL"),
    (('start: http://127.0.0.1:9/notice.html', 'start: "http://"'), 2, "not a valid URL"),
    (('  path: [{click: {role: button, name: Accept}}]', '  path: 3'), 15, "in 'baseline > path'"),
    (('name: Test flow\n', ''), None, "missing required key 'name'"),
    (('  - click: {text: "Learn more"}', '  - click: {text: "Learn more"'), 6, "not valid YAML"),
])
def test_bad_flow_names_line_and_expectation(edit, line, words):
    bad = GOOD.replace(*edit)
    assert bad != GOOD
    with pytest.raises(FlowError) as info:
        parse_flow(bad, "bad.yaml")
    message = str(info.value)
    assert words in message
    if line is not None:
        assert message.startswith(f"bad.yaml:{line}:"), message


def test_missing_start_page_is_named(tmp_path):
    (tmp_path / "flow.yaml").write_text(GOOD.replace("http://127.0.0.1:9/notice.html", "nowhere.html"))
    with pytest.raises(FlowError, match="start page 'nowhere.html' does not exist"):
        load_flow(tmp_path / "flow.yaml")


def test_bundled_flows_load():
    for flow_file in FIXTURES.glob("*/flow.yaml"):
        assert load_flow(flow_file).path


def test_cli_bad_flow_exits_2_with_one_paragraph(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("goal: object", "goal: sometimes"))
    proc = run_cli("audit", str(bad), "--out", str(tmp_path / "run"))
    assert proc.returncode == 2
    assert f"{bad}:3:" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def test_cli_missing_flow_file_exits_2(tmp_path):
    proc = run_cli("audit", str(tmp_path / "absent.yaml"))
    assert proc.returncode == 2 and "no such flow file" in proc.stderr


def test_cli_unwritable_out_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("audit", str(FIXTURES / "fair" / "flow.yaml"), "--out", str(blocker / "sub"))
    assert proc.returncode == 2 and "cannot write to the output folder" in proc.stderr


def test_cli_locator_that_matches_nothing_exits_2_with_flow_line(tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "fair", site)
    text = (site / "flow.yaml").read_text()
    (site / "flow.yaml").write_text(text.replace('name: "Object"', 'name: "Obliterate"')
                                    + "settings: {step_timeout: 1.5}\n")
    proc = run_cli("audit", str(site / "flow.yaml"), "--out", str(tmp_path / "run"))
    assert proc.returncode == 2, proc.stderr
    assert f"{site / 'flow.yaml'}:7:" in proc.stderr and 'button "Obliterate"' in proc.stderr
    report = (tmp_path / "run" / "report.json").read_text()
    assert '"status": "goal-unreachable"' in report  # the flow does not fit: not an audit the site stopped
    assert (tmp_path / "run" / "screenshots" / "goal-01.png").exists()
