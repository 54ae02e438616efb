"""A launched Chromium that many audits share, so a batch or a test module pays the start-up once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from auditor.gather.browser import BrowserChoice, launch, resolve_browser


@dataclass(frozen=True)
class BrowserSession:
    """A launched Chromium that many audits share (a test module, a batch). Every path still runs in a
    fresh context, so audits stay independent; only the start-up (about 1 s) is paid once."""

    browser: Browser
    choice: BrowserChoice


@contextmanager
def browser_session(browser_path: str | None = None, headless: bool = True) -> Iterator[BrowserSession]:
    with sync_playwright() as pw:
        choice = resolve_browser(browser_path, pw)
        browser = launch(pw, choice, headless=headless)
        try:
            yield BrowserSession(browser, choice)
        finally:
            try:
                browser.close()
            except PlaywrightError:  # a browser that died with the run (Ctrl-C reaches the process group)
                pass
