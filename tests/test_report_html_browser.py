"""report.html in the real browser: page text that is HTML/JS never runs, and the page looks as designed.

The XSS fixture's headline, notice, link and button labels (and the flow's name) are injection payloads:
``<img src=x onerror=...>``, ``<script>``, ``"><svg onload=...>``. Each sets ``window.__pwned`` and
``document.title`` and opens an alert. The report is opened from file://, as a reader would.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from auditor.gather.browser import launch, resolve_browser

PAYLOADS = ("<img src=x onerror=", "<script>window.__pwned=2", '"><svg onload=')


@pytest.fixture(scope="module")
def browser(audit_fixture):
    # The audits first: one thread cannot run two sync Playwright instances at once.
    audit_fixture("xss")
    audit_fixture("meta-2024")
    with sync_playwright() as pw:
        b = launch(pw, resolve_browser(None, pw))
        yield b
        b.close()


def _open(browser, html_file: Path, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(html_file.resolve().as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # let any (unwanted) onerror/onload fire
    return context, page, dialogs


def _assert_nothing_ran(page, dialogs):
    assert page.evaluate("window.__pwned") is None
    assert "PWNED" != page.title() and not page.title().startswith("PWNED")
    assert dialogs == []
    assert page.locator("script").count() == 0
    assert page.locator("svg").count() == 0
    srcs = page.locator("img").evaluate_all("els => els.map(e => e.getAttribute('src'))")
    assert all(s.startswith("data:image/") for s in srcs), srcs
    assert page.locator("[onerror], [onload]").count() == 0


def test_injection_in_page_text_is_shown_and_never_runs(audit_fixture, browser):
    result = audit_fixture("xss")
    assert result.report.status == "complete"
    assert any("<img src=x onerror=" in (f.element_label or "") for f in result.report.findings)
    context, page, dialogs = _open(browser, result.run_dir / "report.html")
    try:
        _assert_nothing_ran(page, dialogs)
        text = page.inner_text("body")
        for payload in PAYLOADS:
            assert payload in text, payload  # visible as text
        assert "<script>window.__pwned=4" in page.title()  # the flow name, as text in the title
    finally:
        context.close()


def test_escaping_alone_stops_the_payloads_without_the_csp(audit_fixture, browser, tmp_path):
    """Defence in depth: with the Content-Security-Policy removed, escaping must still hold."""
    html = (audit_fixture("xss").run_dir / "report.html").read_text(encoding="utf-8")
    stripped, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert n == 1
    copy = tmp_path / "report.html"
    copy.write_text(stripped, encoding="utf-8")
    context, page, dialogs = _open(browser, copy)
    try:
        _assert_nothing_ran(page, dialogs)
        assert "<img src=x onerror=" in page.inner_text("body")
    finally:
        context.close()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    return struct.unpack(">II", data[16:24])


def test_report_looks_as_designed(audit_fixture, browser, tmp_path):
    """A screenshot of the Meta replica's report: tall, findings visible, outlines on their screenshots."""
    result = audit_fixture("meta-2024")
    context, page, dialogs = _open(browser, result.run_dir / "report.html")
    try:
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        width, height = _png_size(shot)
        assert width == 1280 and height > 2000  # a long, rendered page, not an empty one
        findings = page.locator("#findings")
        assert findings.is_visible()
        cards = page.locator("article.finding")
        assert cards.count() == len(result.report.findings)
        assert page.locator(".score .value").inner_text().startswith(str(result.report.friction))
        # the goal path and the baseline sit side by side
        goal, base = page.locator(".path-goal").bounding_box(), page.locator(".path-baseline").bounding_box()
        assert abs(goal["y"] - base["y"]) < 2 and base["x"] > goal["x"] + goal["width"] - 1
        checked = 0
        for f in result.report.findings:
            card = page.locator(f"#finding-{f.number}")
            outline = card.locator(".shot .outline")
            if f.element_box is None or outline.count() == 0:
                continue
            card.scroll_into_view_if_needed()
            o, frame, img = (outline.bounding_box(), card.locator(".shot").bounding_box(),
                             card.locator(".shot img").bounding_box())
            assert o and frame and img
            # inside the full-page screenshot's bounds ...
            assert 0 <= o["x"] and o["x"] + o["width"] <= width
            doc_y = page.evaluate("window.scrollY") + o["y"]
            assert 0 <= doc_y and doc_y + o["height"] <= height
            # ... inside the visible window onto the evidence screenshot ...
            assert frame["x"] - 1 <= o["x"] and o["x"] + o["width"] <= frame["x"] + frame["width"] + 1
            assert frame["y"] - 1 <= o["y"] and o["y"] + o["height"] <= frame["y"] + frame["height"] + 1
            # ... and where the element is in that screenshot
            shot_w, shot_h = _png_size(result.run_dir / f.screenshot)
            scale = img["width"] / shot_w
            assert abs((o["x"] - img["x"]) - f.element_box.x * scale) <= 2
            assert abs((o["y"] - img["y"]) - f.element_box.y * scale) <= 2
            assert abs(o["width"] - f.element_box.width * scale) <= 2
            checked += 1
        assert checked >= 2
        assert dialogs == []
    finally:
        context.close()
