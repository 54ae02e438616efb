"""A consent platform's banner in another origin's iframe is part of the page a person sees: the snapshot
includes its controls, placed where the iframe sits (auditor/gather/snapshot.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.gather import snapshot
from auditor.gather.server import serve_folder
from auditor.gather.session import browser_session

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "explore"


@pytest.mark.browser
def test_controls_of_a_cross_origin_frame_are_in_the_snapshot_where_the_frame_is():
    with serve_folder(FIXTURE) as base, browser_session() as session:
        page = session.browser.new_page()
        try:
            page.goto(base + "cross-origin-iframe-sv/index.html")  # page on 127.0.0.1, banner on localhost
            frame = next(f for f in page.frames if "localhost" in f.url)
            frame.get_by_role("button", name="Acceptera alla").wait_for()
            snap, _ = snapshot.take(page)
            frame_box = page.locator("iframe").bounding_box()
        finally:
            page.close()
    accept = [e for e in snap.elements if e.label_text == "Acceptera alla"]
    assert len(accept) == 1 and accept[0].in_iframe
    box = accept[0].box
    assert frame_box["x"] <= box.x and box.x + box.width <= frame_box["x"] + frame_box["width"] + 1
    assert frame_box["y"] <= box.y - snap.viewport.y <= frame_box["y"] + frame_box["height"]
    assert "Inställningar" in snap.text
