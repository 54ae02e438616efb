"""What a page does on its own while a path runs: loads, dialogs, downloads, pop-ups, crashes, HTTP status.

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
        self.doc_status: tuple[str, int] | None = None  # the current page's last main-document response
        self._on_navigated_cb = on_navigated
        self._watched: dict[Page, list[tuple[str, object]]] = {}

    def watch(self, page: Page) -> None:
        if page in self._watched:
            return
        handlers = [("load", lambda _: self._count_load()), ("dialog", self._on_dialog),
                    ("download", self._on_download), ("crash", lambda _: self._on_crash(page)),
                    ("response", lambda r: self._on_response(page, r)),
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

    def _count_load(self) -> None:
        self.loads += 1

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
            self._on_navigated_cb()

    def _on_response(self, page: Page, response) -> None:
        try:
            if page is self.current and response.request.is_navigation_request() and response.frame == page.main_frame:
                self.doc_status = (response.url, response.status)
        except PlaywrightError:
            pass
