"""What a page does on its own while a path runs: loads, dialogs, downloads, pop-ups, crashes, HTTP status,
navigations that failed or never finished loading.

The gatherers listen, this module keeps count; a step's record takes the counts when the step ends
(auditor.gather.recorder). Dialogs are answered as the flow's settings say (a person answers them too),
and each one costs a click.
"""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from auditor.flow.spec import Settings
from auditor.trace import Dialog

MAX_DIALOGS_PER_STEP = 20  # a page that loops on alert() gets the rest dismissed and unrecorded


class PageEvents:
    """Listens to the pages of one path. ``current`` is the page the path acts on (a pop-up replaces it);
    events of other pages are counted where they matter (loads, dialogs) and ignored otherwise."""

    def __init__(self, settings: Settings, on_navigated=lambda: None):
        self.settings = settings
        self.current: Page | None = None
        self.loads = 0
        self.dialogs: list[Dialog] = []
        self.dialogs_ignored = 0
        self.notes: list[str] = []
        self.popup: Page | None = None
        self.crashed = False
        self.navigations = 0  # of the current page's main frame: each may replace its document
        self.doc_status: tuple[str, int] | None = None  # the current page's last main-document response
        # Why the current page's document never arrived (a redirect loop, a refused connection), and which
        # page never finished loading: a missing target after either is the site's fault, not the flow's.
        self.nav_failed: str | None = None
        self.unfinished: str | None = None
        self._on_navigated_cb = on_navigated
        self._watched: dict[Page, list[tuple[str, object]]] = {}

    def watch(self, page: Page) -> None:
        if page in self._watched:
            return
        handlers = [("load", lambda _: self._count_load()), ("dialog", self._on_dialog),
                    ("download", self._on_download), ("crash", lambda _: self._on_crash(page)),
                    ("response", lambda r: self._on_response(page, r)),
                    ("requestfailed", lambda r: self._on_request_failed(page, r)),
                    ("framenavigated", lambda f: self._on_navigated(page, f))]
        for event, handler in handlers:
            page.on(event, handler)
        self._watched[page] = handlers

    def unwatch(self) -> None:
        """Stops listening (the pytest plugin's pages belong to the test and outlive the recording)."""
        for page, handlers in self._watched.items():
            for event, handler in handlers:
                try:
                    page.remove_listener(event, handler)
                except Exception:  # a closed page has no listeners left to remove
                    pass
        self._watched = {}

    def on_popup(self, page: Page) -> None:
        self.watch(page)
        self.popup = page

    def take_step(self) -> tuple[list[Dialog], int, list[str]]:
        """The dialogs, loads and notes since the last call, with a note for dialogs not recorded."""
        if self.dialogs_ignored:
            self.notes.append(f"the page opened {self.dialogs_ignored} more dialogs; dismissed without recording")
        taken = self.dialogs, self.loads, self.notes
        self.loads, self.dialogs, self.dialogs_ignored, self.notes = 0, [], 0, []
        return taken

    def status_note(self) -> str | None:
        if self.doc_status and self.doc_status[1] >= 400:
            url, status = self.doc_status
            return f"the server answered HTTP {status} for {url[:200]}"
        return None

    def fault_note(self) -> str | None:
        """Why the current page is not the page the flow expected through no fault of the flow: its
        navigation failed, it never finished loading, or the server answered an HTTP error."""
        return self.nav_failed or self.unfinished or self.status_note()

    def load_unfinished(self, url: str, waited_s: float, what: str = "the page", more: str = "") -> None:
        """The page at ``url`` did not fire 'load' within ``waited_s``: noted, and kept until it does."""
        self.unfinished = f"{what} {url[:200]} did not finish loading within {waited_s:g} s"
        self.notes.append(f"{what} did not finish loading within {waited_s:g} s{more}")

    def _count_load(self) -> None:
        self.loads += 1
        self.unfinished = None

    def _on_dialog(self, dialog) -> None:
        answer = self.settings.dialogs
        if len(self.dialogs) >= MAX_DIALOGS_PER_STEP:
            self.dialogs_ignored += 1
            answer = "dismiss"
        else:
            self.dialogs.append(Dialog(kind=dialog.type, message=dialog.message[:2000], answer=answer))
        try:
            if answer == "accept":
                dialog.accept(self.settings.prompt_answer) if dialog.type == "prompt" else dialog.accept()
            else:
                dialog.dismiss()
        except PlaywrightError:
            pass

    def _on_download(self, download) -> None:
        # Downloads are refused by the context; the attempt itself is evidence.
        self.notes.append(f"the page started a download ({download.suggested_filename[:120]!r} from "
                          f"{download.url[:200]}); refused, nothing was saved")
        try:
            download.cancel()
        except PlaywrightError:
            pass

    def _on_crash(self, page: Page) -> None:
        if page is self.current:
            self.crashed = True

    def _on_navigated(self, page: Page, frame) -> None:
        if page is self.current and frame == page.main_frame:
            self.navigations += 1
            self._on_navigated_cb()

    def _on_response(self, page: Page, response) -> None:
        try:
            if page is self.current and response.request.is_navigation_request() and response.frame == page.main_frame:
                self.doc_status = (response.url, response.status)
                if not 300 <= response.status < 400:  # a document arrived (a redirect is still on its way)
                    self.nav_failed = None
        except PlaywrightError:
            pass

    def _on_request_failed(self, page: Page, request) -> None:
        try:
            if page is self.current and request.is_navigation_request() and request.frame == page.main_frame:
                error = (request.failure or "no reason given")[:120]
                if "ERR_ABORTED" in error:  # stopped by the page itself or by another navigation: not a fault
                    return
                self.nav_failed = f"loading {request.url[:200]} failed ({error})"
                self.notes.append(self.nav_failed)
        except PlaywrightError:
            pass
