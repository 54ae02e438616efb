"""Browser resolution: explicit setting, then Playwright's own Chromium, then a system one; else exit 2."""

from __future__ import annotations

import stat

import pytest

from auditor.gather import browser
from tests.conftest import FIXTURES, run_cli


def _fake_exe(path):
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_explicit_setting_wins(tmp_path, monkeypatch):
    exe = _fake_exe(tmp_path / "my-chrome")
    monkeypatch.setattr(browser, "_playwright_bundled", lambda pw=None: "/bundled/chrome")
    assert browser.resolve_browser(str(exe)).executable == str(exe)
    monkeypatch.setenv(browser.ENV_VAR, str(exe))
    choice = browser.resolve_browser()
    assert choice.executable == str(exe) and choice.origin == "explicit setting"


def test_bundled_before_system(monkeypatch):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setattr(browser, "_playwright_bundled", lambda pw=None: "/bundled/chrome")
    assert browser.resolve_browser().executable is None  # Playwright launches its own


def test_system_chromium_on_path(tmp_path, monkeypatch):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setattr(browser, "_playwright_bundled", lambda pw=None: None)
    _fake_exe(tmp_path / "chromium-browser")
    monkeypatch.setenv("PATH", str(tmp_path))
    choice = browser.resolve_browser()
    assert choice.executable == str(tmp_path / "chromium-browser")


def test_nothing_found_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setattr(browser, "_playwright_bundled", lambda pw=None: None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(browser.BrowserNotFound, match="apt-get install -y chromium"):
        browser.resolve_browser()


def test_cli_bad_browser_exits_2_with_hint(tmp_path):
    proc = run_cli("audit", str(FIXTURES / "fair" / "flow.yaml"), "--out", str(tmp_path / "run"),
                   "--browser", str(tmp_path / "no-such-chrome"))
    assert proc.returncode == 2
    assert "no-such-chrome" in proc.stderr and "CONSENT_AUDIT_CHROMIUM" in proc.stderr
    assert "Traceback" not in proc.stderr
