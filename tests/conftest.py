"""Shared fixtures: the real browser against the real fixture sites, each audit run once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# pytest-xdist's workers start with COLUMNS=80; the CLI's rich consoles fix their width from COLUMNS when
# they are created (at import, during collection), so every in-process CliRunner call that gives its own
# width would get 80 instead. Without it the consoles read the width each time they print, as in a shell.
os.environ.pop("COLUMNS", None)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The installed command, as a user runs it: exit code, stdout and stderr are what we assert on."""
    exe = Path(sys.executable).with_name("consent-audit")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "auditor.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout,
                          env={**os.environ, "COLUMNS": "160", "NO_COLOR": "1"})


@pytest.fixture(scope="session")
def audit_fixture(tmp_path_factory):
    """Audits a fixture flow once per session; returns (AuditResult) by flow folder name."""
    return _auditor(tmp_path_factory, session=None)


@pytest.fixture(scope="module")
def module_audits(tmp_path_factory):
    """Like audit_fixture, for a module of many audits: they share one launched browser (each path still
    gets a fresh context). Module-scoped because one thread runs one sync Playwright at a time, and other
    modules start their own."""
    from auditor.gather.session import browser_session

    with browser_session() as session:
        yield _auditor(tmp_path_factory, session)


def _auditor(tmp_path_factory, session):
    from auditor.pipeline import audit
    from auditor.flow.spec import load_flow

    cache: dict[str, object] = {}

    def run(name: str, flow_file: str = "flow.yaml"):
        key = f"{name}/{flow_file}"
        if key not in cache:
            out = tmp_path_factory.mktemp(name.replace("/", "-"))
            cache[key] = audit(load_flow(FIXTURES / name / flow_file), out, session=session)
        return cache[key]

    return run
