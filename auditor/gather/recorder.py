"""The step recorder both gatherers share: the evidence of a step and what the step cost.

Before an action: the page is let settle (auditor.gather.person), then captured once: one snapshot with
the target's index, the page's rendered HTML (same round trip) and one full-page screenshot, written as
``screenshots/<path>-<NN>.png`` and ``.html``. A page not acted on yet is captured again if it was still
changing. After the action: the clicks, typed characters, page loads, dialogs and notes it caused.
The driver (auditor.gather.steps) and the pytest plugin (auditor.gather.pytest_plugin) both record
through these functions, so the same page gives the same trace whichever of them drove it.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError

from auditor.evidence.atomic import RunFolderError, write_bytes_atomic
from auditor.gather import snapshot
from auditor.gather.capture import settle_and_capture
from auditor.gather.full_page import full_page_png
from auditor.gather.outcome import FlowTimeout, short
from auditor.gather.path_run import PathRun
from auditor.gather.watchdog import KILL_GRACE_S, PageHung
from auditor.trace import PathTrace, Snapshot, StepTrace

SCREENSHOT_MAX_S = 10.0
SCREENSHOT_MAX_HEIGHT = 10_000  # px: taller pages (infinite feeds) would take seconds and hundreds of MB
NO_SETTLING = {"wait", "goto"}  # they do not act on the page: the page is captured as it is when they begin
CLICKS = {"click": 1, "check": 1, "uncheck": 1, "select": 1}


@dataclass
class TargetShape:
    """How the snapshot finds the step's target: its handle in the main frame, or its box and tag in a
    child frame (a child frame's handle cannot cross into the page's snapshot), and that frame."""

    handle: object = None
    box: dict | None = None
    tag: str | None = None
    frame: object = None
    opens_tab: bool | None = None  # the target opens its result in a new tab (None: not known; ask the page)

    def dispose(self) -> None:
        if self.handle is not None:
            try:
                self.handle.dispose()
            except PlaywrightError:
                pass


def measure_target(run: PathRun, locator, in_main_frame: bool | None, timeout_s: float,
                   handle=None) -> TargetShape:
    """The target's shape for the snapshot; an empty one when it cannot be measured (the step goes on).
    ``in_main_frame`` None: not known yet (a test's locator), the handle's frame says. ``handle``: the main
    frame target's handle, when the lookup already has it (no round trip)."""
    shape, ms = TargetShape(), timeout_s * 1000
    if in_main_frame and handle is not None:
        shape.handle = handle
        return shape
    try:
        with run.guard(timeout_s + KILL_GRACE_S, "measuring the target"):
            if in_main_frame is None:
                handle = locator.element_handle(timeout=ms)
                shape.frame = handle.owner_frame()
                if shape.frame == run.page.main_frame:
                    shape.handle = handle
                else:
                    shape.box, shape.tag = handle.bounding_box(), handle.evaluate("e => e.tagName.toLowerCase()")
                    handle.dispose()
            elif in_main_frame:
                shape.handle = locator.element_handle(timeout=ms)
            else:
                shape.box = locator.bounding_box(timeout=ms)
                shape.tag = locator.evaluate("e => e.tagName.toLowerCase()", timeout=ms)
    except (PlaywrightError, PageHung):
        pass
    return shape


def take_snapshot(run: PathRun, shape: TargetShape | None = None) -> tuple[Snapshot | None, int | None, str | None]:
    """(snapshot, target index, rendered HTML) of the current page; (None, None, None) with a note when
    the page broke the snapshot script. Raises when the page is gone or the run is stopping."""
    shape = shape or TargetShape()
    with run.guard(run.snapshot_bound(), "taking a snapshot"):
        try:
            try:
                snap, index, html = snapshot.take_with_html(run.page, shape.handle)
            except PlaywrightError as exc:  # a navigation replaced the document mid-snapshot: once more
                if "context was destroyed" not in str(exc) or run.page.is_closed():
                    raise
                snap, index, html = snapshot.take_with_html(run.page, None)
        except (KeyError, TypeError, ValueError) as exc:  # the page tampered with what the script returns
            run.notes.append(f"the page's snapshot could not be read ({type(exc).__name__}); none was kept")
            return None, None, None
        except PlaywrightError as exc:
            if run.gone_or_stopping():
                raise
            # The page replaced built-ins the snapshot script uses: the flow goes on without this snapshot.
            run.notes.append(f"the page broke the snapshot script ({short(exc)}); none was kept for this step")
            return None, None, None
    if index is None and shape.box is not None:
        index = snapshot.match_by_box(snap, shape.box, shape.tag)
    return snap, index, html


def _write(run: PathRun, rel: str, data: bytes) -> str:
    try:
        write_bytes_atomic(run.run_dir / rel, data)
    except OSError as exc:
        raise RunFolderError(f"cannot write evidence to the run folder {run.run_dir} "
                             f"({exc.strerror or exc}); the audit was stopped") from None
    return rel


def screenshot(run: PathRun, name: str, snap: Snapshot | None = None, page_size=None) -> str | None:
    """A full-page screenshot saved as ``screenshots/<path>-<name>.png``; the name is the tool's (a
    step number or 'final'), never the page's. A very tall page is cut at SCREENSHOT_MAX_HEIGHT. Taken
    through the path's CDP session (auditor.gather.full_page; ``page_size``: the capture's measurement of
    the page, taken just before), else by Playwright."""
    bound = min(SCREENSHOT_MAX_S, run.snapshot_bound())
    try:
        with run.guard(bound + 1, "taking a screenshot"):
            shot = full_page_png(run.cdp, SCREENSHOT_MAX_HEIGHT, run.person.touch, page_size)
            if shot is not None:
                data, height = shot.png, shot.page_height
            else:
                height = snap.page_height if snap is not None else 0
                clip = None
                if height > SCREENSHOT_MAX_HEIGHT:
                    clip = {"x": 0, "y": 0, "width": max(snap.page_width, 1), "height": SCREENSHOT_MAX_HEIGHT}
                data = run.page.screenshot(full_page=True, timeout=bound * 1000, animations="disabled", clip=clip)
    except (PlaywrightError, PageHung):
        return None
    if height > SCREENSHOT_MAX_HEIGHT:
        run.notes.append(f"the page is {height:.0f} px tall; its screenshot shows the top {SCREENSHOT_MAX_HEIGHT} px")
    return _write(run, f"screenshots/{run.kind}-{name}.png", data)


def save_html(run: PathRun, name: str, html: str | None) -> str | None:
    """The page's rendered HTML as ``screenshots/<path>-<name>.html``, beside its screenshot."""
    if html is None:
        return None
    if len(html) >= snapshot.HTML_MAX_CHARS:
        run.notes.append(f"the page's HTML is longer than {snapshot.HTML_MAX_CHARS} characters; the start was kept")
    return _write(run, f"screenshots/{run.kind}-{name}.html", html.encode("utf-8", "replace"))


def capture(run: PathRun, record: StepTrace, shape: TargetShape | None = None) -> None:
    """The step's evidence: snapshot, target index, screenshot and HTML, into ``record``."""
    _keep(run, record, *take_snapshot(run, shape))


def _keep(run: PathRun, record: StepTrace, snap: Snapshot | None, index: int | None, html: str | None,
          page_size=None) -> None:
    """A snapshot taken for ``record``, with the screenshot taken now and the HTML written beside it."""
    name = f"{record.number:02d}"
    record.snapshot, record.target = snap, index
    record.screenshot = screenshot(run, name, snap, page_size)
    record.html = save_html(run, name, html)


def capture_before_action(run: PathRun, record: StepTrace, shape: TargetShape, frame=None,
                          settles: bool = True, quiet_down: bool = True) -> None:
    """Evidence of the page as the person sees it before acting: settled, captured, and captured again
    if a page not acted on yet was still changing meanwhile (``quiet_down`` overlaps the capture).
    A target in the main frame (or none) is settled and snapshotted in one round trip
    (auditor.gather.capture), which also tells whether the target opens a new tab."""
    in_main_frame = (frame is None or frame is run.page.main_frame) and shape.box is None
    captured = settle_and_capture(run, shape.handle, settles) if in_main_frame else None
    if captured is not None:
        since, shape.opens_tab = captured.since, captured.opens_tab
        _keep(run, record, captured.snapshot, captured.target, captured.html, captured.page_size)
    else:
        if settles:
            settle_before_capture(run, frame)
            since = run.person.mark(run.page)
        capture(run, record, shape)
    if settles and quiet_down:
        with run.guard(run.snapshot_bound(), "waiting for the page to settle"):
            changed = run.person.quiet_down(run.page, since, run.remaining(run.settings.step_timeout))
        if changed:
            capture(run, record, shape)
            shape.opens_tab = None  # the page changed since: the click asks it again


def settle_before_capture(run: PathRun, frame=None) -> None:
    """Lets running transitions end before the page is captured, so the evidence does not catch a layer
    half faded in. Bounded: see person.py."""
    with run.guard(run.snapshot_bound(), "waiting for the page to settle"):
        run.person.settle(run.page, frame, run.remaining(run.settings.step_timeout))


def record_costs(run: PathRun, record: StepTrace, clicks: int, typed_chars: int) -> None:
    """Moves what the page did during the step (dialogs, loads, notes) into the step's record; each
    dialog answered costs a click."""
    dialogs, loads, notes = run.events.take_step()
    record.dialogs.extend(dialogs)
    record.clicks = clicks + len(record.dialogs)
    record.typed_chars = typed_chars
    record.page_loads += loads
    record.warnings.extend(notes)
    status = run.events.status_note()
    if status and loads:
        record.http_status = run.events.doc_status[1]
        record.warnings.append(status)


def complete_evidence(run: PathRun, record: StepTrace) -> None:
    """For a path that is ending at this step: captures whatever evidence the step is still missing; a
    page that cannot be captured any more leaves it missing."""
    name, html = f"{record.number:02d}", None
    if record.snapshot is None:
        try:
            record.snapshot, _, html = take_snapshot(run)
        except (PlaywrightError, PageHung):
            pass
        if record.html is None:
            record.html = save_html(run, name, html)
    if record.screenshot is None:
        record.screenshot = screenshot(run, name, record.snapshot)


def final_evidence(run: PathRun, trace: PathTrace) -> None:
    """The page after the last step (or where the path stopped), as the person is left with it: settled
    and snapshotted in one round trip (auditor.gather.capture) where the page lets it, else one by one."""
    try:
        captured = settle_and_capture(run, None, True)
        if captured is None:
            settle_before_capture(run, None)
    except (PlaywrightError, PageHung, FlowTimeout):
        captured = None  # the capture below says what state the page is in
    page_size = None
    if captured is not None:
        trace.final, html, page_size = captured.snapshot, captured.html, captured.page_size
    else:
        try:
            trace.final, _, html = take_snapshot(run)
        except (PlaywrightError, PageHung):
            trace.final, html = None, None
    trace.final_screenshot = screenshot(run, "final", trace.final, page_size)
    trace.final_html = save_html(run, "final", html)
