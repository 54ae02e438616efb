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
(``Locator.click/fill/check/uncheck/select_option/press/...`` and the same ``Page`` methods, ``Page.goto``)
are recorded: before each one, one snapshot of the page (auditor.snapshot.take) and one full-page
screenshot; after it, what it cost (clicks, typed characters, page loads). The result is the same
FlowTrace the CLI's driver records, judged by the same heuristics (auditor.audit.judge), so a test gets
the same findings and friction score as ``consent-audit audit``. Reports (HTML, Markdown, JSON, trace) are
written to the test's run folder when the test ends.

Registered through the ``pytest11`` entry point ``consent_audit``; needs no pytest-playwright.
Dialogs are left to the test (Playwright dismisses unhandled ones); they are not recorded.
"""

from __future__ import annotations

import re
import sys
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

_LOCATOR_ACTIONS = ("click", "dblclick", "tap", "fill", "type", "press_sequentially", "press", "check",
                    "uncheck", "set_checked", "select_option")
_PAGE_ACTIONS = ("click", "dblclick", "tap", "fill", "type", "press", "check", "uncheck", "select_option", "goto")
_CLICKS = {"click": 1, "dblclick": 1, "tap": 1, "check": 1, "uncheck": 1, "set_checked": 1, "select_option": 1}
_TYPING = {"fill", "type", "press_sequentially"}
_ACTION_NAME = {"select_option": "select", "set_checked": "check", "type": "fill", "press_sequentially": "fill",
                "dblclick": "click", "tap": "click"}
_HERE = str(Path(__file__).resolve().parent)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _caller() -> tuple[str | None, int | None]:
    """The test code line that performed the action (first frame outside Playwright, pluggy and us)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not (name.startswith(_HERE) or "/playwright/" in name or name.endswith("contextlib.py")):
            return name, frame.f_lineno
        frame = frame.f_back
    return None, None


class _Patches:
    """Wraps the sync API's action methods while at least one recorder is active."""

    lock = threading.RLock()
    recorders: list["_Recorder"] = []
    originals: dict[tuple[type, str], object] = {}

    @classmethod
    def add(cls, recorder: "_Recorder") -> None:
        with cls.lock:
            if not cls.recorders:
                cls._install()
            cls.recorders.append(recorder)

    @classmethod
    def remove(cls, recorder: "_Recorder") -> None:
        with cls.lock:
            if recorder in cls.recorders:
                cls.recorders.remove(recorder)
            if not cls.recorders:
                cls._uninstall()

    @classmethod
    def _install(cls) -> None:
        from playwright.sync_api import Locator, Page

        for klass, names in ((Locator, _LOCATOR_ACTIONS), (Page, _PAGE_ACTIONS)):
            for name in names:
                original = getattr(klass, name, None)
                if original is None:
                    continue
                cls.originals[(klass, name)] = original
                setattr(klass, name, cls._wrap(klass is Locator, name, original))

    @classmethod
    def _uninstall(cls) -> None:
        for (klass, name), original in cls.originals.items():
            setattr(klass, name, original)
        cls.originals.clear()

    @classmethod
    def _wrap(cls, on_locator: bool, name: str, original):
        def wrapper(self, *args, **kwargs):
            page = self.page if on_locator else self
            recorder = next((r for r in cls.recorders if r.page is page and not r.busy), None)
            if recorder is None:
                return original(self, *args, **kwargs)
            return recorder.perform(self if on_locator else None, name, original, self, args, kwargs)

        wrapper.__name__ = name
        wrapper.__doc__ = getattr(original, "__doc__", None)
        wrapper.__consent_audit_wrapped__ = True
        return wrapper


class _Recorder:
    """Records one path (goal or baseline) performed on one page."""

    def __init__(self, page, kind: str, run_dir: Path):
        from auditor.trace import PathTrace

        self.page, self.kind, self.run_dir = page, kind, run_dir
        self.busy = False
        self.loads = 0
        self.path = PathTrace(kind=kind, start=page.url)
        self.current = None  # the StepTrace whose action ran last
        self.file: str | None = None
        self._on_load = lambda _: self._count()
        page.on("load", self._on_load)

    def _count(self) -> None:
        self.loads += 1

    def _screenshot(self, name: str) -> str | None:
        rel = f"screenshots/{self.kind}-{name}.png"
        try:
            self.page.screenshot(path=str(self.run_dir / rel), full_page=True, timeout=10_000, animations="disabled")
        except Exception:
            return None
        return rel

    def _snapshot(self, locator):
        from auditor import snapshot

        handle = box = tag = None
        try:
            if locator is not None:
                try:
                    handle = locator.element_handle(timeout=5_000)
                    if handle is not None and handle.owner_frame() is not self.page.main_frame:
                        # A child frame's handle cannot cross into the page's snapshot: match by position.
                        box, tag = handle.bounding_box(), handle.evaluate("e => e.tagName.toLowerCase()")
                except Exception:
                    pass
            in_main = handle if handle is not None and box is None and tag is None else None
            try:
                snap, index = snapshot.take(self.page, in_main)
                if index is None and box is not None:
                    index = snapshot.match_by_box(snap, box, tag)
            except Exception:
                snap, index = None, None
        finally:
            if handle is not None:  # one place disposes it, whichever call above failed
                try:
                    handle.dispose()
                except Exception:
                    pass
        return snap, index

    def _finish_current(self) -> None:
        if self.current is not None:
            self.current.page_loads = self.loads
            try:
                self.current.url_after = self.page.url
            except Exception:
                pass
            self.current = None

    def perform(self, locator, name: str, original, target, args, kwargs):
        from auditor.trace import StepTrace

        self.busy = True
        try:
            self._finish_current()
            file, line = _caller()
            self.file = self.file or file
            if name == "goto" and (not self.path.steps and self.path.start in ("", "about:blank")):
                self.path.start = str(args[0] if args else kwargs.get("url", ""))
            rest = list(args)
            if locator is None and name != "goto" and rest:  # page.click(selector, ...)
                try:
                    locator = self.page.locator(rest.pop(0))
                except Exception:
                    locator = None
            value = None
            if name in _TYPING or name == "select_option":
                value = rest[0] if rest else kwargs.get("value", kwargs.get("text", kwargs.get("label")))
            elif name == "press":
                value = rest[0] if rest else kwargs.get("key")
            elif name == "goto":
                value = rest[0] if rest else kwargs.get("url")
            snap, index = self._snapshot(locator) if name != "goto" else self._snapshot(None)
            action = _ACTION_NAME.get(name, name)
            number = len(self.path.steps) + 1
            element = snap.element(index) if snap is not None else None
            spec_target: dict = {}
            if element is not None and element.label_text:
                spec_target["name"] = element.label_text[:200]
            if locator is not None:
                selector = getattr(getattr(locator, "_impl_obj", None), "_selector", None)
                if selector:
                    spec_target["selector"] = str(selector)[:300]
            if name == "goto":
                spec_target["url"] = str(value)
            elif value is not None and action in ("fill", "select", "press"):
                spec_target["value" if action != "press" else "key"] = str(value)
            if file and line:
                spec_target["source"] = f"{Path(file).name}:{line}"
            step = StepTrace(number=number, action=action, spec={action: spec_target}, flow_line=line,
                             url=self.page.url, snapshot=snap, target=index)
            step.screenshot = self._screenshot(f"{number:02d}")
            self.path.steps.append(step)
            self.loads = 0
            started = datetime.now(timezone.utc)
            try:
                result = original(target, *args, **kwargs)
            except Exception as exc:
                step.error = f"{action} failed: {str(exc).strip().splitlines()[0][:300] if str(exc) else type(exc).__name__}"
                raise
            step.clicks = _CLICKS.get(name, 0)
            if name in _TYPING and isinstance(value, str):
                step.typed_chars = len(value)
            try:
                self.page.wait_for_load_state("load", timeout=10_000)
            except Exception:
                pass
            step.duration_ms = round((datetime.now(timezone.utc) - started).total_seconds() * 1000, 1)
            self.current = step
            return result
        finally:
            self.busy = False

    def finish(self, error: BaseException | None) -> None:
        self.busy = True
        try:
            self._finish_current()
            try:
                self.page.wait_for_load_state("load", timeout=5_000)
            except Exception:
                pass
            snap, _ = self._snapshot(None)
            self.path.final = snap
            self.path.final_screenshot = self._screenshot("final")
            if error is None:
                self.path.done, self.path.status = True, "complete"
            else:
                self.path.status, self.path.failure = "incomplete", "interrupted"
                self.path.reason = f"the test stopped: {type(error).__name__}: {str(error).strip()[:300]}"
                self.path.failed_step = len(self.path.steps) or None
        finally:
            try:
                self.page.remove_listener("load", self._on_load)
            except Exception:
                pass
            self.busy = False


class RecordedFlow:
    """The flow a test recorded: its trace, the report the heuristics make of it, and assertions."""

    def __init__(self, name: str, goal: str, run_dir: Path):
        self.name, self.goal, self.run_dir = name, goal, run_dir
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
                         ended_at=self.ended_at or _now(), goal=goal, baseline=self.baseline_path)

    @property
    def report(self):
        """The Report (findings, friction, metrics) of what was recorded so far."""
        if self._report is None:
            from auditor.audit import judge

            self._report = judge(self.trace)
        return self._report

    @property
    def findings(self):
        return self.report.findings

    @property
    def friction(self) -> int:
        return self.report.friction

    def describe(self) -> str:
        r = self.report
        lines = [f"consent-audit: {self.name}: friction {r.friction}/100 ({r.band}), "
                 f"{len(r.findings)} finding(s); status {r.status}", f"  {r.headline}"]
        for f in r.findings:
            where = f"step {f.step} of the {f.path} path" if f.step else f"the {f.path} path"
            src = f" (line {f.flow_line})" if f.flow_line else ""
            lines.append(f"  {f.number}. [{f.severity.upper()}] {f.heuristic}: {f.title} at {where}{src}, "
                         f"+{f.points:g} points")
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
        from auditor.audit import write_outputs

        from auditor.evidence import MANIFEST, write_manifest

        target = Path(run_dir or self.run_dir)
        target.mkdir(parents=True, exist_ok=True)
        trace = self.trace
        files = write_outputs(trace, self.report, target)
        write_manifest(target, trace)
        files["manifest"] = target / MANIFEST
        return files


class ConsentAudit:
    """The ``consent_audit`` fixture."""

    def __init__(self, name: str, run_dir: Path):
        self.run_dir = run_dir
        (run_dir / "screenshots").mkdir(parents=True, exist_ok=True)
        self.flow: RecordedFlow | None = None
        self._name = name

    @contextmanager
    def record(self, page, goal: str = "object", baseline: bool = False,
               name: str | None = None) -> Iterator[RecordedFlow]:
        """Records the actions performed on ``page`` inside the block as the goal path (or the baseline)."""
        if self.flow is None:
            self.flow = RecordedFlow(name or self._name, goal, self.run_dir)
        flow = self.flow
        if name:
            flow.name = name
        if not baseline:
            flow.goal = goal
        kind = "baseline" if baseline else "goal"
        if (flow.baseline_path if baseline else flow.goal_path) is not None:
            raise RuntimeError(f"the {kind} path was already recorded in this test")
        flow.started_at = flow.started_at or _now()
        if not flow.browser:
            flow.browser = _browser_info(page)
        recorder = _Recorder(page, kind, self.run_dir)
        _Patches.add(recorder)
        error: BaseException | None = None
        try:
            yield flow
        except BaseException as exc:
            error = exc
            raise
        finally:
            _Patches.remove(recorder)
            recorder.finish(error)
            flow.file = flow.file or recorder.file
            if baseline:
                flow.baseline_path = recorder.path
            else:
                flow.goal_path = recorder.path
            flow.ended_at = _now()
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


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:80] or "test"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("consent-audit")
    group.addoption("--consent-audit-dir", default=None,
                    help="folder for the consent_audit fixture's reports (default: pytest's tmp folder)")


@pytest.fixture
def consent_audit(request, tmp_path_factory) -> Iterator[ConsentAudit]:
    """Records a consent flow a test performs on a Playwright page and audits it (see auditor.pytest_plugin)."""
    base = request.config.getoption("--consent-audit-dir", default=None)
    if base:
        run_dir = Path(base) / _safe(request.node.name)
        run_dir.mkdir(parents=True, exist_ok=True)
    else:
        run_dir = tmp_path_factory.mktemp(f"consent-audit-{_safe(request.node.name)[:30]}", numbered=True)
    audit = ConsentAudit(request.node.nodeid, run_dir)
    yield audit
    audit.close()
