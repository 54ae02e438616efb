"""Situations (issue 16, items 1-3): audits signed in, on a phone, and from a region behind a proxy, and
the secrets of a sign-in kept out of every output. Fixtures: fixtures/situations/ (site.py serves them)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from auditor.flow.spec import FlowError, load_flow, parse_flow
from tests.conftest import FIXTURES

HERE = FIXTURES / "situations"
PASSWORD = "Fixture-Secret-7Q2x9"  # never typed anywhere but the fixture's own login form
PROXY_PASSWORD = "Proxy-Secret-4Kd8w"
FLOW_ORIGIN = "http://127.0.0.1:8765"


def _site_module():
    spec = importlib.util.spec_from_file_location("situations_site", HERE / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _flow(name: str, origin: str, folder: Path, extra: str = ""):
    """The fixture flow with the site's real origin, written into ``folder`` (so a pyproject there counts)."""
    text = (HERE / name / "flow.yaml").read_text(encoding="utf-8").replace(FLOW_ORIGIN, origin) + extra
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


# --- flow files and settings (no browser) ----------------------------------------------------------------

BASE = "name: t\nstart: http://127.0.0.1:9/a\ngoal: object\npath: [{click: {text: x}}]\ndone: {text: y}\n"


@pytest.mark.parametrize("extra, line, words", [
    ("identity: {pw: '{env.PW}'}\n", 6, "{env.PW} is allowed only in 'login' steps"),
    ("settings: {proxy: 'http://p:1', region: eu}\n", 6, "not both"),
    ("settings:\n  proxy: ftp://p:1\n", 7, "proxy must look like"),
    ("settings:\n  storage_state: nowhere.json\n", 7, "storage_state 'nowhere.json' does not exist"),
])
def test_bad_situation_settings_name_the_line(extra, line, words, tmp_path):
    with pytest.raises(FlowError) as info:
        parse_flow(BASE + extra, "f.yaml", base_dir=tmp_path)
    assert f"f.yaml:{line}:" in str(info.value) and words in str(info.value)


def test_a_missing_secret_names_the_line_and_the_variable(monkeypatch):
    from auditor.gather.context import secret

    flow = parse_flow(BASE.replace("path:", "login:\n  path:\n    - fill: {label: P, value: '{env.NOPE_X}'}\n"
                                            "  done: {text: in}\npath:"), "f.yaml")
    monkeypatch.delenv("NOPE_X", raising=False)
    with pytest.raises(FlowError, match=r"f.yaml:6: \{env.NOPE_X\}: the environment variable NOPE_X is not set"):
        secret(flow.login.path[0].args.value, flow, ("login", "path", 0))
    monkeypatch.setenv("NOPE_X", "s3")
    assert secret("a{env.NOPE_X}b", flow, ("login",)) == "as3b"


def test_the_command_line_situation_overrides_the_flow(tmp_path):
    flow = parse_flow(BASE + "settings: {region: eu, viewport: {width: 800, height: 600}}\n", "f.yaml")
    (tmp_path / "member.json").write_text("{}")
    cli = flow.with_situation(storage_state=tmp_path / "member.json", device="Pixel 7", proxy="socks5://127.0.0.1:1")
    assert (cli.settings.device, cli.settings.proxy, cli.settings.region) == ("Pixel 7", "socks5://127.0.0.1:1", None)
    assert cli.storage_state_path() == tmp_path / "member.json" and cli.settings.viewport["width"] == 800
    assert cli.line_of("settings", "region") == 6  # errors found at run time still point at the line
    with pytest.raises(ValueError, match="proxy must look like"):
        flow.with_situation(proxy="ftp://x")


def test_regions_come_from_pyproject_and_bad_ones_do_not_echo_credentials(tmp_path):
    from auditor.config import ConfigError, load_settings

    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit.regions]\neu = "http://127.0.0.1:3128"\n')
    assert load_settings(tmp_path).regions == {"eu": "http://127.0.0.1:3128"}
    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit.regions]\nus = "nope://u:hunter2@x"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert "us must be a proxy URL" in str(info.value) and "hunter2" not in str(info.value)


def test_touch_figures_replace_mouse_and_keyboard():
    from auditor.measure import effort
    from auditor.trace import Situation
    from tests.trace_factory import make_element, make_path, make_step

    field = make_element(tag="input", role="textbox", text="", label="Why", type="text")
    button = make_element(text="Send", box=make_element().box.model_copy(update={"y": 600}))

    def typed(touch: bool):
        p = make_path("goal", [make_step(1, "fill", field, typed_chars=50), make_step(2, "click", button)])
        p.situation = Situation(has_touch=touch)
        return effort.path_effort(p)

    mouse, touch = typed(False), typed(True)
    assert not mouse.touch and touch.touch
    assert touch.operators["H"] == 0 < mouse.operators["H"]
    assert touch.operators["K"] == pytest.approx(50 * effort.TOUCH_KEYSTROKE_S)
    assert touch.operators["P"] < mouse.operators["P"]  # the finger's Fitts slope is shallower


# --- in the browser --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_env():
    from auditor.gather.session import browser_session

    site = _site_module()
    with browser_session() as session, site.site(PASSWORD) as (origin, sessions):
        yield session, origin, sessions, site


def _all_bytes(folder: Path) -> list[tuple[str, bytes]]:
    """Every file of the run folder, zip members (the Playwright trace) unpacked."""
    out = []
    for f in folder.rglob("*"):
        if f.is_file():
            out.append((str(f), f.read_bytes()))
            if zipfile.is_zipfile(f):
                with zipfile.ZipFile(f) as z:
                    out += [(f"{f}!{n}", z.read(n)) for n in z.namelist()]
    return out


@pytest.mark.browser
def test_login_signs_in_and_its_secret_reaches_no_output(browser_env, tmp_path, monkeypatch):
    from auditor.evidence.run_folder import EvidenceOptions
    from auditor.pipeline import OutputOptions, audit

    session, origin, _, _ = browser_env
    monkeypatch.setenv("SITUATIONS_PASSWORD", PASSWORD)
    flow = _flow("signin", origin, tmp_path)
    out, db = tmp_path / "run", tmp_path / "store.db"
    result = audit(flow, out, session=session, evidence=EvidenceOptions(playwright_trace=True, har=True),
                   outputs=OutputOptions(store=str(db), formats=("sarif", "junit")))
    goal = result.trace.goal
    assert goal.status == "complete", goal.reason
    assert result.trace.situation.signed_in == "login"
    assert goal.situation.login == "signed in: login ran, 3 steps"
    assert [s.action for s in goal.steps] == ["click", "fill", "click"]  # the login's steps are not the path's
    assert result.trace.baseline.status == "complete"
    assert (out / "har" / "goal.har").is_file() and (out / "goal.trace.zip").is_file()
    leaks = [name for name, data in _all_bytes(out) + [(str(db), db.read_bytes())] if PASSWORD.encode() in data]
    assert not leaks
    with sqlite3.connect(db) as con:  # the store's text, whatever its encoding on disk
        rows = " ".join(str(v) for t, in con.execute("select name from sqlite_master where type='table'")
                        for row in con.execute(f"select * from {t}") for v in row)
    assert PASSWORD not in rows


@pytest.mark.browser
def test_a_wrong_password_ends_the_path_with_a_masked_reason(browser_env, tmp_path, monkeypatch):
    from auditor.gather.driver import run_flow

    session, origin, _, _ = browser_env
    monkeypatch.setenv("SITUATIONS_PASSWORD", "Wrong-Secret-3x")
    flow = _flow("signin", origin, tmp_path)
    flow.login.done.timeout = 1
    trace = run_flow(flow, tmp_path / "run", session=session, include_baseline=False)
    assert trace.goal.status == "incomplete" and trace.goal.steps == []
    assert "the sign-in (login) failed" in trace.goal.reason and "Wrong-Secret-3x" not in trace.goal.reason


@pytest.mark.browser
def test_a_storage_state_signs_in_and_is_not_copied(browser_env, tmp_path):
    from auditor.gather.driver import run_flow

    session, origin, sessions, _ = browser_env
    sessions.add("fixture-token-5b1")
    state = {"cookies": [{"name": "sid", "value": "fixture-token-5b1", "domain": "127.0.0.1", "path": "/",
                          "expires": -1, "httpOnly": True, "secure": False, "sameSite": "Lax"}], "origins": []}
    (tmp_path / "state.json").write_text(json.dumps(state))
    text = (HERE / "signin" / "flow.yaml").read_text().replace(FLOW_ORIGIN, origin)
    text = text[:text.index("login:")] + text[text.index("path:\n  - click"):] + "settings: {storage_state: state.json}\n"
    flow = parse_flow(text, str(tmp_path / "f.yaml"), base_dir=tmp_path)
    out = tmp_path / "run"
    trace = run_flow(flow, out, session=session, include_baseline=False)
    assert trace.goal.status == "complete", trace.goal.reason
    assert trace.situation.signed_in == "storage-state"
    assert not [n for n, data in _all_bytes(out) if b"fixture-token-5b1" in data]
    flow.settings.storage_state, flow.settings.step_timeout = None, 2
    signed_out = run_flow(flow, tmp_path / "out", session=session, include_baseline=False)
    assert signed_out.goal.status != "complete" and signed_out.situation.signed_in is None
    assert signed_out.goal.steps[0].url.endswith("/signin/login.html")  # the form is behind the sign-in


@pytest.mark.browser
def test_a_phone_gets_another_notice_and_the_devices_are_compared(browser_env, tmp_path):
    from auditor.pipeline import audit_devices

    session = browser_env[0]
    flow = load_flow(HERE / "phone" / "flow.yaml")
    with pytest.raises(FlowError, match=r"unknown device 'iPhone13x'; close matches: .*'iPhone 13'"):
        audit_devices(flow, ["desktop", "iPhone13x"], tmp_path / "bad", session=session)
    results, files = audit_devices(flow, ["desktop", "iPhone 13"], tmp_path / "cmp", session=session)
    desktop, phone = results["desktop"].trace, results["iPhone 13"].trace
    assert desktop.status == phone.status == "complete"
    assert phone.situation.device == "iPhone 13" and phone.situation.has_touch and phone.situation.viewport["width"] == 390
    assert "iPhone" in phone.goal.steps[0].snapshot.text or phone.browser.user_agent.count("iPhone")
    # The phone's refusal asks for a confirmation; its "Settings" answers touch only, so reaching the
    # refusal at all shows the steps were taps.
    assert desktop.goal.clicks == 2 and phone.goal.clicks == 3
    data = json.loads(files["devices-json"].read_text())
    assert [d["device"] for d in data["devices"]] == ["desktop", "iPhone 13"]
    assert data["sentence"].startswith("On a desktop, rejecting takes 2 clicks and ")
    assert "; on a phone (iPhone 13) 3 taps and " in data["sentence"]
    assert (tmp_path / "cmp" / "iphone-13" / "report.md").is_file()


@pytest.mark.browser
def test_a_region_goes_through_its_proxy_and_records_the_exit(browser_env, tmp_path, monkeypatch):
    from auditor.gather.driver import run_flow

    session, origin, _, site = browser_env
    monkeypatch.setenv("SIT_PROXY_USER", "fixture-user")
    monkeypatch.setenv("SIT_PROXY_PASSWORD", PROXY_PASSWORD)
    with site.proxy("eu", "203.0.113.7", ("fixture-user", PROXY_PASSWORD)) as via:
        host = via.removeprefix("http://")
        (tmp_path / "pyproject.toml").write_text(
            f'[tool.consent-audit.regions]\neu = "http://{{env.SIT_PROXY_USER}}:{{env.SIT_PROXY_PASSWORD}}@{host}"\n')
        flow = _flow("region", origin, tmp_path)
        out = tmp_path / "eu"
        trace = run_flow(flow, out, session=session, include_baseline=False)
    assert trace.goal.status == "complete", trace.goal.reason
    s = trace.situation
    assert (s.region, s.proxy, s.exit_ip) == ("eu", via, "203.0.113.7")
    assert not [n for n, data in _all_bytes(out) if PROXY_PASSWORD.encode() in data]
    (tmp_path / "pyproject.toml").unlink()
    direct = _flow("region", origin, tmp_path)
    direct.settings.region, direct.settings.step_timeout = None, 2
    trace = run_flow(direct, tmp_path / "direct", session=session, include_baseline=False)
    assert trace.goal.status != "complete"  # straight to the site: no "Reject all" to click
    assert trace.situation.exit_ip == "127.0.0.1"


# --- the command line: --storage-state, --device, --proxy, --region ----------------------------------------

def _cli(*args: str):
    from typer.testing import CliRunner

    from auditor.cli import app

    return CliRunner().invoke(app, list(args))


def test_bad_situation_options_are_bad_input_before_any_browser(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.consent-audit.regions]\neu = "http://127.0.0.1:3128"\n')
    flow = str(HERE / "phone" / "flow.yaml")
    def said(result) -> str:  # the console wraps long messages at its width (the flow file's path is long)
        return " ".join(result.output.split())

    missing = _cli("audit", flow, "--no-store", "--storage-state", "nowhere.json")
    assert missing.exit_code == 2 and "--storage-state nowhere.json: no such file" in said(missing)
    proxy = _cli("audit", flow, "--no-store", "--proxy", "ftp://127.0.0.1:1")
    assert proxy.exit_code == 2 and "proxy must look like" in said(proxy)
    region = _cli("audit", flow, "--no-store", "--region", "mars")
    assert region.exit_code == 2 and "unknown region 'mars'" in said(region) and "names: eu" in said(region)
    assert not (tmp_path / "reports").exists()


@pytest.mark.browser
def test_the_cli_compares_devices_and_reports_say_taps(tmp_path):
    from tests.conftest import run_cli  # a process of its own: this module's browser session holds this thread

    out = tmp_path / "cmp"
    result = run_cli("audit", str(HERE / "phone" / "flow.yaml"), "--device", "desktop", "--device", "iPhone 13",
                     "--out", str(out), "--no-store", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "On a desktop, rejecting takes 2 clicks and " in " ".join(result.stdout.split())
    assert (out / "devices.md").is_file() and (out / "devices.json").is_file()
    phone = (out / "iphone-13" / "report.md").read_text()
    assert "**Situation:** iPhone 13 \\(touch, 390x664\\)" in phone and ", 3 taps and " in phone
    assert "Situation" not in (out / "desktop" / "report.md").read_text()
    assert ", 2 clicks and " in (out / "desktop" / "report.md").read_text()


@pytest.mark.browser
def test_the_cli_signs_in_with_a_storage_state(tmp_path):
    from tests.conftest import run_cli

    site = _site_module()
    with site.site(PASSWORD) as (origin, sessions):
        sessions.add("fixture-token-cli")
        state = {"cookies": [{"name": "sid", "value": "fixture-token-cli", "domain": "127.0.0.1", "path": "/",
                              "expires": -1, "httpOnly": True, "secure": False, "sameSite": "Lax"}], "origins": []}
        (tmp_path / "state.json").write_text(json.dumps(state))
        text = (HERE / "signin" / "flow.yaml").read_text().replace(FLOW_ORIGIN, origin)
        (tmp_path / "f.yaml").write_text(text[:text.index("login:")] + text[text.index("path:\n  - click"):])
        result = run_cli("audit", "f.yaml", "--storage-state", "state.json", "--no-baseline", "--out", "run",
                         "--no-store", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "**Situation:** signed in \\(storage state\\)" in (tmp_path / "run" / "report.md").read_text()
    assert not [n for n, data in _all_bytes(tmp_path / "run") if b"fixture-token-cli" in data]


# --- a login page that hangs (fixtures/hostile/login-*) ---------------------------------------------------

@pytest.fixture(scope="module")
def hostile_site():
    from tests.hostile_server import hostile_server

    with hostile_server(FIXTURES / "hostile") as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("case, failure, words, bound", [
    # the login page busy-loops: the watchdog stops its scripts at step_timeout + KILL_GRACE_S (5 s)
    ("login-busy-loop", "page-fault", ("stopped responding while signing in (login step 2, fill", "busy"), 30),
    # "Sign in" never answers and done may wait 120 s: the login gets the flow_timeout (4 s) + 3 s grace; on a
    # loaded machine the click's own step_timeout (2 s) may run out first, which is the same hang
    ("login-never-ends", "timeout", ("took longer than the flow_timeout of 4 s|did not answer within the "
                                     "step_timeout of 2 s",), 25),
])
def test_a_login_page_that_hangs_ends_the_audit_as_the_sites_fault(hostile_site, tmp_path, case, failure, words,
                                                                   bound):
    from tests.test_hostile_e2e import assert_incomplete, audit_case

    o = audit_case(case, tmp_path, hostile_site, bound=bound)  # asserts the wall-time bound and the outputs
    assert_incomplete(o, failure, None, "the sign-in (login) failed before the path began")
    for either in words:  # "a|b": one of the two bounds, whichever ran out first
        assert any(w in o.goal["reason"] for w in either.split("|")), o.goal["reason"]
    assert o.goal["steps"] == []  # nothing of the path ran: the person never reached the notice
