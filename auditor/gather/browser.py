"""Which Chromium to run, and how to launch it: decided here and nowhere else.

Order: an explicit setting (``--browser PATH`` or ``CONSENT_AUDIT_CHROMIUM``), then Playwright's own
Chromium if it is installed, then a system Chromium on PATH. Machines without network access to
Playwright's CDN (CI, air-gapped audit rooms) use Debian's ``chromium`` package.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "CONSENT_AUDIT_CHROMIUM"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Quiet, reproducible, offline-friendly: no background traffic that would pollute a HAR or hang on a
# closed network; --no-sandbox because audits commonly run as root in containers.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    # Consent libraries hide from automation (vanilla-cookieconsent's hideFromBots reads navigator.webdriver):
    # without this flag the audited page is not the one a person gets. See ordinary_user_agent() too.
    "--disable-blink-features=AutomationControlled",
)
INSTALL_HINT = (
    "Install one with 'apt-get install -y chromium' (Debian/Ubuntu) or 'playwright install chromium', "
    f"or point {ENV_VAR} / --browser at a Chromium or Chrome executable."
)


class BrowserNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class BrowserChoice:
    executable: str | None  # None: Playwright's bundled Chromium
    origin: str


def _playwright_bundled(playwright=None) -> str | None:
    try:
        if playwright is not None:
            path = playwright.chromium.executable_path
        else:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None


def resolve_browser(explicit: str | None = None, playwright=None) -> BrowserChoice:
    """The Chromium to use; ``playwright`` (a running instance) saves starting one to ask for its path."""
    explicit = explicit or os.environ.get(ENV_VAR) or None
    if explicit:
        found = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if not found or not os.access(found, os.X_OK):
            raise BrowserNotFound(f"the browser {explicit!r} (from --browser or {ENV_VAR}) is not an "
                                  f"executable file. {INSTALL_HINT}")
        return BrowserChoice(found, "explicit setting")
    bundled = _playwright_bundled(playwright)
    if bundled:
        return BrowserChoice(None, "Playwright's bundled Chromium")
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return BrowserChoice(found, f"system {name}")
    raise BrowserNotFound(f"no Chromium found. {INSTALL_HINT}")


# Playwright ships its device descriptors inside its driver; Python sees them only through a running
# Playwright (``playwright.devices``), so every launch keeps them here for settings.device
# (auditor.gather.context).
DEVICES: dict[str, dict] = {}


def launch(playwright, choice: BrowserChoice, headless: bool = True):
    DEVICES.update(playwright.devices)
    kwargs = {"headless": headless, "args": list(LAUNCH_ARGS)}
    if choice.executable:
        kwargs["executable_path"] = choice.executable
    return playwright.chromium.launch(**kwargs)


def ordinary_user_agent(browser) -> str | None:
    """The browser's own user agent without "Headless": headless Chromium says "HeadlessChrome/<version>",
    which consent libraries and bot filters read to hide their banner. Same browser, same version, same
    platform, only the word a person's browser does not send. None when the browser cannot say (then the
    context keeps its default)."""
    try:
        session = browser.new_browser_cdp_session()
        try:
            agent = session.send("Browser.getVersion").get("userAgent", "")
        finally:
            session.detach()
    except Exception:  # not Chromium, or no CDP: keep the browser's default
        return None
    return agent.replace("HeadlessChrome/", "Chrome/") or None
