"""pytest plugin: audit the consent flow a designer's own Playwright test performs.

    def test_objecting_is_easy(consent_audit, page):          # pytest-playwright's page, or your own
        page.goto("https://staging.example/")
        with consent_audit.record(page, goal="object") as flow:
            page.get_by_role("button", name="Object").click()
            expect(page.get_by_text("Your objection is recorded")).to_be_visible()
        with consent_audit.record(other_page, baseline=True):   # optional: the opposite choice
            other_page.get_by_role("button", name="Accept").click()
        flow.assert_friction_below(20)

While a ``record`` block runs, the actions the test performs on that page through Playwright's sync API
(``click/dblclick/tap/fill/type/press/press_sequentially/check/uncheck/set_checked/select_option`` on a
locator, a frame or the page, and ``goto``) are recorded by auditor.gather.recording, through the same
step recorder as the CLI's driver (auditor.gather.recorder): the target's lookup time, one snapshot,
one full-page screenshot and the rendered HTML before each action; its clicks, typed characters, page
loads, dialogs and warnings after it. Only the recorded page is wrapped; no Playwright class is patched.
The result is the same FlowTrace the driver records, judged by the same heuristics
(auditor.judge.verdict.judge), so a test gets the same findings and friction score as ``consent-audit
audit``. Reports (HTML, Markdown, JSON, trace, manifest) are written to the test's run folder when the
test ends.

The project's suppressions (``[tool.consent-audit] suppress`` of the pyproject.toml nearest pytest's
rootdir; docs/suppressions.md) are applied by the same judge as ``consent-audit audit``: a suppressed
finding stays in the report, marked, but adds no points and fails no assertion. A bad entry fails the
test that uses the fixture, naming the file and line.

Registered through the ``pytest11`` entry point ``consent_audit``; needs no pytest-playwright.
Dialogs the page opens during a record block are accepted, as a flow's default settings say, and
recorded (each costs a click): the test should not answer them itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from auditor.clock import utc_now


class RecordedFlow:
    """The flow a test recorded: its trace, the report the heuristics make of it, and assertions."""

    def __init__(self, name: str, goal: str, run_dir: Path, suppressions: list = ()):
        self.name, self.goal, self.run_dir = name, goal, run_dir
        self.suppressions = list(suppressions)  # auditor.suppression.Suppression: the project's
        self.goal_path = None
        self.baseline_path = None
        self.file: str | None = None
        self.browser: dict = {}
        self.started_at = ""
        self.ended_at = ""
        self._report = None

    @property
    def trace(self):
        from auditor import __version__
        from auditor.trace import BrowserInfo, FlowInfo, FlowTrace, PathTrace

        goal = self.goal_path or PathTrace(kind="goal", start="", status="incomplete",
                                           reason="no goal path was recorded (consent_audit.record(page))")
        return FlowTrace(tool_version=__version__,
                         flow=FlowInfo(name=self.name, goal=self.goal, start=goal.start, file=self.file),
                         browser=BrowserInfo(**self.browser), started_at=self.started_at,
                         ended_at=self.ended_at or utc_now(), goal=goal, baseline=self.baseline_path)

    @property
    def report(self):
        """The Report (findings, friction, metrics) of what was recorded so far."""
        if self._report is None:
            from auditor.judge.verdict import judge

            self._report = judge(self.trace, self.suppressions)
        return self._report

    @property
    def findings(self):
        return self.report.findings

    @property
    def friction(self) -> int:
        return self.report.friction

    def describe(self) -> str:
        from auditor.report.model import findings_text, points_text

        r = self.report
        lines = [f"consent-audit: {self.name}: friction {r.friction}/100 ({r.band}), "
                 f"{findings_text(r)}; status {r.status}", f"  {r.headline}"]
        for f in r.findings:
            where = f"step {f.step} of the {f.path} path" if f.step else f"the {f.path} path"
            src = f" (line {f.flow_line})" if f.flow_line else ""
            muted = f" ({f.suppressed_text}, {f.suppressed.source})" if f.suppressed else ""
            lines.append(f"  {f.number}. [{f.severity.upper()}] {f.heuristic}: {f.title} at {where}{src}, "
                         f"{points_text(f)}{muted}")
        lines.append(f"  reports and screenshots: {self.run_dir}")
        return "\n".join(lines)

    def assert_friction_below(self, limit: int) -> None:
        """Fails the test (listing every finding) unless the audit is complete and friction < limit."""
        r = self.report
        if r.status != "complete":
            raise AssertionError(f"the recorded flow is {r.status}: {r.reason}\n{self.describe()}")
        if r.friction >= limit:
            raise AssertionError(f"friction {r.friction} is not below {limit}\n{self.describe()}")

    def assert_no_findings(self, severity: str = "medium") -> None:
        """Fails the test if any finding has ``severity`` or higher."""
        n = self.report.count(severity)
        if n:
            raise AssertionError(f"{n} finding(s) of severity {severity} or higher\n{self.describe()}")

    def write(self, run_dir: Path | None = None) -> dict[str, Path]:
        from auditor.pipeline import write_outputs

        target = Path(run_dir or self.run_dir)
        target.mkdir(parents=True, exist_ok=True)
        return write_outputs(self.trace, self.report, target).files


class ConsentAudit:
    """The ``consent_audit`` fixture."""

    def __init__(self, name: str, run_dir: Path, suppressions: list = ()):
        self.run_dir = run_dir
        self.suppressions = list(suppressions)
        (run_dir / "screenshots").mkdir(parents=True, exist_ok=True)
        self.flow: RecordedFlow | None = None
        self._name = name

    @contextmanager
    def record(self, page, goal: str = "object", baseline: bool = False,
               name: str | None = None) -> Iterator[RecordedFlow]:
        """Records the actions performed on ``page`` inside the block as the goal path (or the baseline)."""
        if self.flow is None:
            self.flow = RecordedFlow(name or self._name, goal, self.run_dir, self.suppressions)
        flow = self.flow
        if name:
            flow.name = name
        if not baseline:
            flow.goal = goal
        kind = "baseline" if baseline else "goal"
        if (flow.baseline_path if baseline else flow.goal_path) is not None:
            raise RuntimeError(f"the {kind} path was already recorded in this test")
        flow.started_at = flow.started_at or utc_now()
        if not flow.browser:
            flow.browser = _browser_info(page)
        from auditor.gather.recording import record

        recording = None
        try:
            with record(page, kind, self.run_dir) as recording:
                yield flow
        finally:
            if recording is not None:
                flow.file = flow.file or recording.file
                if baseline:
                    flow.baseline_path = recording.trace
                else:
                    flow.goal_path = recording.trace
            flow.ended_at = utc_now()
            flow._report = None

    @property
    def report(self):
        if self.flow is None:
            raise RuntimeError("nothing was recorded: use 'with consent_audit.record(page): ...'")
        return self.flow.report

    def close(self) -> None:
        if self.flow is not None and self.flow.goal_path is not None:
            try:
                self.flow.write()
            except Exception:
                pass


def _browser_info(page) -> dict:
    info: dict = {"name": "chromium"}
    try:
        browser = page.context.browser
        if browser is not None:
            info["name"] = browser.browser_type.name
            info["version"] = browser.version
    except Exception:
        pass
    try:
        env = page.evaluate("() => ({ua: navigator.userAgent, lang: navigator.language, "
                            "tz: Intl.DateTimeFormat().resolvedOptions().timeZone})")
        info.update(user_agent=env.get("ua", ""), locale=env.get("lang", ""), timezone=env.get("tz", ""))
    except Exception:
        pass
    info["viewport"] = page.viewport_size or {}
    return info


def _project_suppressions(rootdir: Path) -> list:
    """The project's suppressions, read as `consent-audit audit` reads them; a bad entry fails the test."""
    from auditor.config import ConfigError
    from auditor.judge.suppress import configured_suppressions

    try:
        return configured_suppressions(start=rootdir)
    except ConfigError as exc:
        pytest.fail(f"consent-audit: {exc}", pytrace=False)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:80] or "test"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("consent-audit")
    group.addoption("--consent-audit-dir", default=None,
                    help="folder for the consent_audit fixture's reports (default: pytest's tmp folder)")


@pytest.fixture
def consent_audit(request, tmp_path_factory) -> Iterator[ConsentAudit]:
    """Records a consent flow a test performs on a Playwright page and audits it (see auditor.gather.pytest_plugin)."""
    base = request.config.getoption("--consent-audit-dir", default=None)
    if base:
        run_dir = Path(base) / _safe(request.node.name)
        run_dir.mkdir(parents=True, exist_ok=True)
    else:
        run_dir = tmp_path_factory.mktemp(f"consent-audit-{_safe(request.node.name)[:30]}", numbered=True)
    audit = ConsentAudit(request.node.nodeid, run_dir, _project_suppressions(request.config.rootpath))
    yield audit
    audit.close()
