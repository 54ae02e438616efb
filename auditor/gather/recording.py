"""The pytest plugin's gatherer: records the actions a test performs on its own page, step by step.

``record(page, kind, run_dir)`` wraps that one page explicitly, no Playwright class is patched: for the
block, the page (and every frame, locator and frame locator made from it) is given a recording subclass
of its own Playwright class, so ``expect()`` and ``isinstance`` still see a Page or a Locator, and every
other page in the process is untouched. At the block's end the page and its frames get their own class
back; locators made inside the block just stop recording.

Each recorded action is one step, recorded by auditor.gather.recorder exactly as the driver records a
flow step: the target is waited for (its lookup time is the step's ``find_ms``), the page is let settle
and captured (snapshot, screenshot, rendered HTML), the action runs, and what it cost (clicks, typed
characters, page loads, dialogs, notes) is counted. A click, check, uncheck or set_checked is done by the
driver's person (auditor.gather.person, through auditor.gather.steps): a click that changed nothing is
repeated once, a switch is flipped through what is visible. An action with options the person does not
take (``force``, ``position``, modifiers, ...) is the test's own Playwright call, unchanged. While
recording, dialogs are answered as a flow's default settings say (accepted), and recorded: the test should
not answer them itself.
"""

from __future__ import annotations

import inspect
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, FrameLocator, Locator, Page

from auditor.flow.spec import Settings
from auditor.gather import outcome, recorder
from auditor.gather.outcome import short
from auditor.gather.path_run import PathRun
from auditor.gather.person import SHORT_TIMER_MS, WATCH_JS, ToggleFailed
from auditor.gather.steps import click_as_person, toggle_as_person
from auditor.gather.watchdog import KILL_GRACE_S, PageHung
from auditor.trace import PathTrace, StepTrace

_ACTIONS = ("click", "dblclick", "tap", "fill", "type", "press_sequentially", "press", "check", "uncheck",
            "set_checked", "select_option", "goto")
_MAKERS = ("locator", "get_by_role", "get_by_text", "get_by_label", "get_by_placeholder", "get_by_alt_text",
           "get_by_title", "get_by_test_id", "frame_locator", "filter", "nth", "and_", "or_", "owner",
           "first", "last", "content_frame", "main_frame", "frames", "frame")
_TYPING = {"fill", "type", "press_sequentially"}
_ACTION_NAME = {"select_option": "select", "type": "fill", "press_sequentially": "fill",
                "dblclick": "click", "tap": "click"}
_WAITS_FOR_TARGET = set(_ACTIONS) - {"goto"}
_HERE = str(Path(__file__).resolve().parent)
_KEY = "_consent_audit_recording"  # the instance attribute that links a wrapped object to its recording
_BY_PERSON = {"click", "check", "uncheck", "set_checked"}  # the test's actions the driver's person can do
_PERSON_OPTIONS = {"timeout", "checked"}  # the only options the person honours; any other: the test's own call

# The recording starts on a page the test has usually loaded already, so WATCH_JS did not see the short
# timers its scripts set while loading (a consent library attaching its handlers in a 500 ms timer). The
# person then waits as if one were pending: until SHORT_TIMER_MS after the page finished loading (or after
# now, while it is still loading). Timers set from here on are seen.
_UNSEEN_TIMERS_JS = """ms => { const nav = performance.getEntriesByType('navigation')[0];
  const loaded = nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : performance.now();
  const left = loaded + ms - performance.now(); if (left > 0) setTimeout(() => {}, left); }"""
_WATCHED_JS = "() => typeof window.__consentAuditQuietMs === 'number'"


def _caller() -> tuple[str | None, int | None]:
    """The test code line that performed the action (first frame outside Playwright, pluggy and us)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not (name.startswith(_HERE) or "/playwright/" in name or name.endswith("contextlib.py")):
            return name, frame.f_lineno
        frame = frame.f_back
    return None, None


def _adopt(result, recording: _PathRecording):
    """Gives a page-derived object (or each in a list) its recording class, linked to ``recording``."""
    if isinstance(result, list):
        return [_adopt(r, recording) for r in result]
    recording_class = _RECORDING_CLASSES.get(type(result))
    if recording_class is not None:
        result.__class__ = recording_class
    if type(result) in _RECORDING_CLASSES.values():
        result.__dict__[_KEY] = recording
    return result


def _maker(attr):
    if isinstance(attr, property):
        return property(lambda self: _adopt(attr.fget(self), self.__dict__[_KEY]))

    def make(self, *args, **kwargs):
        return _adopt(attr(self, *args, **kwargs), self.__dict__[_KEY])
    make.__name__, make.__doc__ = attr.__name__, attr.__doc__
    return make


def _action(name: str, original):
    def act(self, *args, **kwargs):
        recording = self.__dict__[_KEY]
        if not recording.active or recording.busy:
            return original(self, *args, **kwargs)
        return recording.perform(self, name, original, args, kwargs)
    act.__name__, act.__doc__ = name, original.__doc__
    return act


def _recording_class(base: type) -> type:
    namespace = {}
    for name in _MAKERS:
        attr = inspect.getattr_static(base, name, None)
        if attr is not None:
            namespace[name] = _maker(attr)
    for name in _ACTIONS:
        attr = inspect.getattr_static(base, name, None)
        if attr is not None:
            namespace[name] = _action(name, attr)
    return type(f"Recording{base.__name__}", (base,), namespace)


_RECORDING_CLASSES = {base: _recording_class(base) for base in (Page, Frame, Locator, FrameLocator)}


class _PathRecording:
    """One path (goal or baseline) performed by the test on one page."""

    def __init__(self, page: Page, kind: str, run_dir: Path, settings: Settings):
        self.page, self.settings = page, settings
        self.active, self.busy = True, False
        self.run = PathRun(page.context, settings, kind, run_dir, deadline=None, page=page)
        self.trace = PathTrace(kind=kind, start=page.url)
        self.current: StepTrace | None = None  # the step whose action ran last
        self.file: str | None = None
        self._started = 0.0  # time.monotonic() when the current step began
        self.missing: tuple[int, str] | None = None  # (step, why) when a step's target never appeared
        self._count_mutations(page)

    def _count_mutations(self, page: Page) -> None:
        """The driver's DOM-change and short-timer watcher (auditor.gather.person), in this document and the
        next ones, so the recorder lets a page still building its banner settle as the driver does."""
        try:
            page.context.add_init_script(WATCH_JS)
            if not page.evaluate(_WATCHED_JS):  # else installed before this document's scripts ran
                page.evaluate(WATCH_JS)
                page.evaluate(_UNSEEN_TIMERS_JS, SHORT_TIMER_MS)
        except PlaywrightError:
            pass

    def perform(self, target, name: str, original, args: tuple, kwargs: dict):
        self.busy = True
        try:
            self._finish_current()
            file, line = _caller()
            self.file = self.file or file
            locator = self._locator_of(target, name, args)
            rest = args[1:] if isinstance(target, (Page, Frame)) and name != "goto" else args
            value = _value_of(name, rest, kwargs)
            if name == "goto" and not self.trace.steps and self.trace.start in ("", "about:blank"):
                self.trace.start = str(value)
            timeout_s = kwargs["timeout"] / 1000 if kwargs.get("timeout") else self.settings.step_timeout
            action = _action_of(name, rest, kwargs)
            step = self._begin(action, name, locator, value, file, line, timeout_s, waits=not kwargs.get("force"))
            if _person_can_do(name, locator, rest, kwargs):
                return self._act(step, value, lambda: self._as_person(step, locator, timeout_s))
            return self._act(step, value, lambda: original(target, *args, **kwargs))
        finally:
            self.busy = False

    def _locator_of(self, target, name: str, args: tuple):
        if isinstance(target, Locator):
            return target
        if name != "goto" and args:  # page.click(selector, ...)
            try:
                return target.locator(args[0])
            except PlaywrightError:
                return None
        return None

    def _begin(self, action: str, name: str, locator, value, file: str | None, line: int | None,
               timeout_s: float, waits: bool) -> StepTrace:
        """The step's record with its evidence: the target waited for (as the action itself would wait,
        unless forced), the page settled and captured."""
        run = self.run
        step = StepTrace(number=len(self.trace.steps) + 1, action=action, spec={}, flow_line=line, url=self.page.url)
        self._started = started = time.monotonic()
        missing = None
        if locator is not None and name in _WAITS_FOR_TARGET and waits:
            try:
                with run.guard(timeout_s + KILL_GRACE_S, "looking for the target"):
                    locator.wait_for(state="visible", timeout=timeout_s * 1000)
                step.find_ms = round((time.monotonic() - started) * 1000, 1)
            except (PlaywrightError, PageHung) as exc:
                missing = exc
        shape = recorder.measure_target(run, locator, None, timeout_s) if locator is not None and missing is None \
            else recorder.TargetShape()
        self.trace.steps.append(step)
        try:
            recorder.capture_before_action(run, step, shape, shape.frame, settles=action not in recorder.NO_SETTLING,
                                           quiet_down=missing is None)
        finally:
            shape.dispose()
        step.spec = {action: _spec_target(step, locator, action, value, file, line)}
        if missing is not None:
            step.error = f"no visible element matches {str(locator)[:200]} (waited {timeout_s:g} s)"
            self.missing = (step.number, step.error)
            raise missing
        return step

    def _act(self, step: StepTrace, value, action):
        """Runs ``action`` (the test's call, or the person's) and counts what it cost; its result or
        exception is the test's."""
        acting = time.monotonic()
        typed = len(value) if step.action == "fill" and isinstance(value, str) else 0
        try:
            result = action()
        except Exception as exc:
            step.error = f"{step.action} failed: {short(exc)}"
            raise
        finally:
            recorder.record_costs(self.run, step, recorder.CLICKS.get(step.action, 0), typed)
        step.action_ms = round((time.monotonic() - acting) * 1000, 1)
        try:
            self.page.wait_for_load_state("load", timeout=self.settings.step_timeout * 1000)
        except PlaywrightError:
            pass
        recorder.record_costs(self.run, step, recorder.CLICKS.get(step.action, 0), typed)
        step.duration_ms = round((time.monotonic() - self._started) * 1000, 1)
        self.current = step
        return result

    def _as_person(self, step: StepTrace, locator, timeout_s: float) -> None:
        """The click or toggle as the driver's person does it (the same code, auditor.gather.steps). A
        switch that could not be flipped fails as Playwright's own check would: with a Playwright Error."""
        run = self.run
        with run.guard(timeout_s + KILL_GRACE_S, f"doing the {step.action}"):
            if step.action != "click":
                try:
                    toggle_as_person(run, locator, step.action == "check", timeout_s)
                except ToggleFailed as exc:
                    raise PlaywrightError(f"{step.action}: {exc.reason}") from exc
            elif retried := click_as_person(run, locator, timeout_s):
                step.retried, step.retry_reason = True, retried
                run.notes.append(retried)

    def _finish_current(self) -> None:
        """What the page did between the last action and this moment belongs to the last step."""
        step, self.current = self.current, None
        if step is not None:
            recorder.record_costs(self.run, step, recorder.CLICKS.get(step.action, 0), step.typed_chars)
            try:
                step.url_after = self.page.url
            except PlaywrightError:
                pass

    def finish(self, error: BaseException | None) -> PathTrace:
        self.busy = True
        try:
            self._finish_current()
            try:
                self.page.wait_for_load_state("load", timeout=5_000)
            except PlaywrightError:
                pass
            recorder.final_evidence(self.run, self.trace)
            outcome.test_ended(self.trace, error, self.missing, self.run.events.status_note())
            return self.trace
        finally:
            self.active = False
            self.run.release()


def _person_can_do(name: str, locator, rest: tuple, kwargs: dict) -> bool:
    """Whether the driver's person can do the test's action as the test asked: a click or toggle on an
    element with no option but the timeout (and set_checked's state)."""
    positional = 1 if name == "set_checked" else 0  # set_checked(checked); the other options are keywords
    return name in _BY_PERSON and locator is not None and set(kwargs) <= _PERSON_OPTIONS and len(rest) <= positional


def _action_of(name: str, rest: tuple, kwargs: dict) -> str:
    """The step's action in a flow file's words (``set_checked(False)`` is an uncheck)."""
    if name == "set_checked":
        return "check" if (rest[0] if rest else kwargs.get("checked")) else "uncheck"
    return _ACTION_NAME.get(name, name)


def _value_of(name: str, rest: tuple, kwargs: dict):
    if name in _TYPING or name == "select_option":
        return rest[0] if rest else kwargs.get("value", kwargs.get("text", kwargs.get("label")))
    if name == "press":
        return rest[0] if rest else kwargs.get("key")
    if name == "goto":
        return rest[0] if rest else kwargs.get("url")
    return None


def _spec_target(step: StepTrace, locator, action: str, value, file: str | None, line: int | None) -> dict:
    """The step as the test wrote it, in the words of a flow file's step (for the reports)."""
    spec: dict = {}
    element = step.target_element
    if element is not None and element.label_text:
        spec["name"] = element.label_text[:200]
    if locator is not None:
        spec["selector"] = str(locator)[:300]
    if action == "goto":
        spec["url"] = str(value)
    elif value is not None and action in ("fill", "select", "press"):
        spec["value" if action != "press" else "key"] = str(value)
    if file and line:
        spec["source"] = f"{Path(file).name}:{line}"
    return spec


@contextmanager
def record(page: Page, kind: str, run_dir: Path, settings: Settings | None = None) -> Iterator[_PathRecording]:
    """Records what the block does on ``page`` as one path; ``recording.trace`` holds it afterwards."""
    recording = _PathRecording(page, kind, run_dir, settings or Settings())
    originals = [(obj, type(obj)) for obj in (page, *page.frames)]
    for obj, _ in originals:
        _adopt(obj, recording)
    error: BaseException | None = None
    try:
        yield recording
    except BaseException as exc:
        error = exc
        raise
    finally:
        for obj, klass in originals:
            obj.__class__ = klass
            obj.__dict__.pop(_KEY, None)
        recording.finish(error)
