"""How a path ended: the one place that sets a path's status, failure, reason and failed step.

The gatherers raise; this module turns what was raised into the trace's words. A flow that does not fit
the page (``flow-mismatch``) ran out of ways to the goal: ``goal-unreachable``. Anything else that stopped
the path (the page, the browser, the clock, the person at the keyboard) leaves it ``incomplete``.
"""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor.gather.locate import BadLocator, PageGone, TargetNotFound
from auditor.gather.watchdog import PageHung
from auditor.trace import PathTrace


class FlowTimeout(Exception):
    pass


class Interrupted(Exception):
    pass


class PageCrashed(Exception):
    pass


class StepFailed(Exception):
    def __init__(self, failure: str, reason: str):
        super().__init__(reason)
        self.failure, self.reason = failure, reason


# What ends a path (anything else is a bug in the auditor and propagates).
ENDS_PATH = (TargetNotFound, PageGone, FlowTimeout, Interrupted, PageCrashed, PageHung, StepFailed, PlaywrightError)


def short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:300]


def classify(run, exc: BaseException, action: str) -> tuple[str, str]:
    """(failure, reason) for whatever ended a path; the most specific true cause wins. ``run`` is the
    path's state (auditor.gather.path_run.PathRun)."""
    if run.stop.requested:
        return "interrupted", f"the audit was interrupted ({run.stop.requested}); everything captured so far is kept"
    if run.overtime or isinstance(exc, FlowTimeout):
        return "timeout", f"the path took longer than its flow_timeout of {run.settings.flow_timeout:g} s"
    if run.events.crashed or isinstance(exc, PageCrashed):
        return "page-fault", f"the page's renderer crashed during the {action}"
    if isinstance(exc, PageHung):
        return "page-fault", str(exc)
    if isinstance(exc, StepFailed):
        return exc.failure, exc.reason
    if isinstance(exc, PageGone):
        return "page-fault", f"the page closed itself during the {action}"
    if isinstance(exc, BadLocator):
        return "flow-mismatch", str(exc)
    if isinstance(exc, TargetNotFound):
        fault = run.events.fault_note()  # the page never became what the flow expected: the site's fault
        if fault:
            return "page-fault", f"{fault}; {exc}"
        return "flow-mismatch", str(exc)
    if isinstance(exc, PlaywrightTimeout):
        return "timeout", f"{action} did not complete: {short(exc)}"
    return "page-fault", f"{action} failed: {short(exc)}"


def _end(trace: PathTrace, failure: str, reason: str, step: int | None = None) -> None:
    trace.status = "goal-unreachable" if failure == "flow-mismatch" else "incomplete"
    trace.failure, trace.reason, trace.failed_step = failure, reason, step


def not_begun(trace: PathTrace, interruption: str) -> None:
    """The run was interrupted before this path opened a page."""
    _end(trace, "interrupted", f"the audit was interrupted ({interruption}) before the {trace.kind} path began")


def start_failed(trace: PathTrace, failure: str, reason: str) -> None:
    """The start page could not be opened: nothing the flow names was reached, whatever the cause."""
    trace.status, trace.failure, trace.failed_step = "incomplete", failure, None
    trace.reason = f"could not open the start page {trace.start}: {reason}"


def failed_at(trace: PathTrace, step: int, failure: str, reason: str) -> None:
    """Ends a path at a failed step (its record is the last one in ``trace.steps``)."""
    trace.steps[-1].error = reason
    _end(trace, failure, reason, step)


def after_last_step(trace: PathTrace, reached: bool, failure: str | None, reason: str | None,
                    not_reached: str, http_note: str | None) -> None:
    """Every step ran; the done condition decides. ``failure``/``reason`` say what ended its check, if
    anything did; ``not_reached`` says which condition did not hold; ``http_note`` a fault of the page (an HTTP error, a
    navigation that failed or never finished loading: PageEvents.fault_note)."""
    trace.done = reached
    if reached:
        trace.status, trace.failure, trace.reason, trace.failed_step = "complete", None, None, None
    elif failure is not None and failure != "flow-mismatch":
        _end(trace, failure, reason)
    elif http_note and failure is None:
        _end(trace, "page-fault", f"{http_note}; {not_reached}")
    else:
        _end(trace, "flow-mismatch", reason or not_reached)


def test_ended(trace: PathTrace, error: BaseException | None, missing: tuple[int, str] | None,
               http_note: str | None) -> None:
    """A path recorded by the pytest plugin, ended by the test's own block, read as the driver reads a flow:
    a target that never appeared (``missing``: step, why) and a failed ``expect`` after the actions (the
    test's done condition) mean the goal is unreachable; any other exception stopped the test."""
    if error is None:
        trace.done, trace.status, trace.failure, trace.reason, trace.failed_step = True, "complete", None, None, None
    elif missing is not None:
        failed_at(trace, missing[0], "flow-mismatch", missing[1])
    elif isinstance(error, AssertionError):
        after_last_step(trace, False, None, None, f"after the last action the test's expectation failed: "
                        f"{short(error)}", http_note)
    else:
        _end(trace, "interrupted", f"the test stopped: {type(error).__name__}: {str(error).strip()[:300]}",
             len(trace.steps) or None)
