"""The full-page screenshot taken through the path's CDP session (auditor.gather.full_page) shows what
Playwright's full-page screenshot shows, and gives way to it where it cannot."""

from __future__ import annotations

import pytest

from auditor.gather.full_page import _size, full_page_png
from auditor.report.html import image_size


def _png_size(data: bytes) -> tuple[int, int]:
    kind, width, height = image_size(data)
    assert kind == "image/png"
    return width, height


@pytest.fixture(scope="module")
def browser():
    from auditor.gather.session import browser_session

    with browser_session() as session:
        yield session.browser


def _page(browser, html: str, **options):
    context = browser.new_context(viewport={"width": 800, "height": 600}, **options)
    page = context.new_page()
    page.set_content(html)
    return context, page, context.new_cdp_session(page)


PAGES = {
    "fits the viewport": "<p>short</p>",
    "taller than the viewport": "<div style='height:2500px;background:linear-gradient(red,blue)'>tall</div>",
    "wider than the viewport": "<div style='width:1900px;height:50px;background:green'>wide</div>",
    "body scrolls, not the document": "<style>html,body{height:100%;margin:0}</style>"
                                      "<div style='height:1800px'>inner</div>",
}


@pytest.mark.parametrize("html", PAGES.values(), ids=PAGES.keys())
def test_the_picture_has_playwrights_full_page_size(browser, html):
    context, page, cdp = _page(browser, html)
    try:
        shot = full_page_png(cdp, 10_000, touch=False)
        assert shot is not None
        assert _png_size(shot.png) == _png_size(page.screenshot(full_page=True))
    finally:
        context.close()


def test_a_tall_page_is_cut_at_the_maximum_height_and_says_how_tall_it_is(browser):
    context, page, cdp = _page(browser, "<div style='height:5000px'>tall</div>")
    try:
        shot = full_page_png(cdp, 1200, touch=False)
        assert _png_size(shot.png) == (800, 1200)
        assert shot.page_height >= 5000
    finally:
        context.close()


def test_a_touch_screen_stays_a_touch_screen_after_a_capture_beyond_the_viewport(browser):
    context, page, cdp = _page(browser, "<div style='height:2500px'>tall</div>", has_touch=True)
    try:
        coarse = "matchMedia('(any-pointer: coarse)').matches"
        assert page.evaluate(coarse)
        assert full_page_png(cdp, 10_000, touch=True) is not None
        assert page.evaluate(coarse)
    finally:
        context.close()


def test_a_page_that_broke_the_measurement_gets_playwrights_screenshot(browser):
    context, page, cdp = _page(browser, "<script>Math.max = () => NaN</script><p>x</p>")
    try:
        assert full_page_png(cdp, 10_000, touch=False) is None
    finally:
        context.close()


def test_without_a_cdp_session_playwrights_screenshot_is_taken():
    assert full_page_png(None, 10_000, touch=False) is None


@pytest.mark.parametrize("value", [
    None, "800", [800, 600, 800, 600], [800, 600, 800, 600, True],  # no list; too short; fonts still loading
    [800, float("nan"), 800, 600, False], [800, 0, 800, 600, False], [True, 600, 800, 600, False],
])
def test_a_measurement_that_is_not_a_size_is_refused(value):
    assert _size(value) is None


def test_a_sensible_measurement_is_read():
    assert _size([1900, 50, 800, 600, False]) == (1900.0, 50.0, 800.0, 600.0)
