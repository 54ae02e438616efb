"""A consent wall measured on the blocking layer itself (issue 13, item 4), not only on what it covers.

The snapshot records each layer's box, position, role, z-index, ``aria-modal`` and the share of the
viewport it lies over, and the page's scroll lock and what hides its content (blur, inert, truncated).
consent-wall uses those facts: a layer over >= 60 % of the viewport that holds the choice and is modal,
locks the page or hides its content is a wall even on a page with few controls of its own; a large panel
that does none of these is not. The decision is tested on hand-made traces, the facts and the finding in
the real browser (fixtures/patterns13-judge/ and small pages set in place).
"""

from __future__ import annotations

import pytest

from auditor.trace import Box, Layer, Snapshot
from heuristics import consent_wall
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace

BY_LAYER, BY_BACKDROP = consent_wall.DETECTED_BY["layer"], consent_wall.DETECTED_BY["backdrop"]

WALL = "div#wall"


def _page(layer: Layer | None, *, scroll_locked=False, obscured=(), refusal=False, home_covered=False):
    """A story page with one link of its own (above the layer) and a layer holding "Accept and continue"."""
    home = make_element(tag="a", role="link", text="The Weekly Ledger", has_fill=False, covered=home_covered,
                        box=Box(x=24, y=14, width=140, height=18))
    accept = make_element(text="Accept and continue", layer=WALL, box=Box(x=400, y=400, width=160, height=44))
    settings = make_element(text="Settings", layer=WALL, box=Box(x=600, y=400, width=160, height=44))
    extra = [make_element(text="Reject all", layer=WALL, box=Box(x=800, y=400, width=160, height=44))] \
        if refusal else []
    snap = make_snapshot([home, accept, *extra, settings]).model_copy(update={
        "layers": [layer] if layer else [], "scroll_locked": scroll_locked, "content_obscured": list(obscured)})
    return make_trace([make_step(1, "click", settings, snapshot=snap)])


def _layer(share, *, modal=False, box=None) -> Layer:
    return Layer(path=WALL, box=box or Box(x=0, y=180, width=1280, height=540), position="fixed",
                 aria_modal=modal, viewport_share=share)


# ---------------------------------------------------------------- the decision, on hand-made traces


def test_traces_recorded_before_layer_facts_still_load():
    snap = Snapshot.model_validate({"url": "https://example.test/", "viewport": {"x": 0, "y": 0, "width": 1, "height": 1}})
    assert (snap.layers, snap.scroll_locked, snap.content_obscured) == ([], False, [])


@pytest.mark.parametrize("facts, words", [
    ({"scroll_locked": True, "obscured": ["truncated"]}, "the page cannot scroll, the content is cut short"),
    ({"obscured": ["blur"]}, "the content is blurred"),
    ({"modal": True}, "it is aria-modal"),
])
def test_a_layer_over_most_of_the_viewport_that_blocks_the_page_is_a_wall(facts, words):
    layer = _layer(0.83, modal=facts.get("modal", False))
    [f] = consent_wall.check(_page(layer, scroll_locked=facts.get("scroll_locked", False),
                                   obscured=facts.get("obscured", ())))
    m = f.measured
    assert (m["detected_by"], m["covered"], m["first_screen_controls"]) == (BY_LAYER, 0, 1)
    assert (m["layer_viewport_share"], m["layer_aria_modal"]) == (0.83, facts.get("modal", False))
    assert (m["scroll_locked"], m["content_obscured"]) == (facts.get("scroll_locked", False), facts.get("obscured", []))
    assert m["thresholds"]["min_layer_share"] == 0.6
    assert "lies over 83% of the viewport and " + words in f.detail


def test_a_large_panel_that_is_not_modal_leaves_the_page_scrolling_and_readable_is_no_wall():
    outcome = consent_wall.check(_page(_layer(0.83)))
    assert outcome == []
    assert "lies over 83% of the viewport" in outcome.summary and "is not modal" in outcome.summary


def test_a_modal_bottom_banner_blocks_too_little_of_the_viewport():
    # vanilla-cookieconsent marks even its small corner box aria-modal: the share decides
    banner = _layer(0.13, modal=True, box=Box(x=880, y=470, width=384, height=232))
    assert consent_wall.check(_page(banner, scroll_locked=True)) == []


def test_a_wall_with_a_refusal_on_it_is_fair():
    outcome = consent_wall.check(_page(_layer(1.0, modal=True), scroll_locked=True, refusal=True))
    assert outcome == [] and '"Reject all"' in outcome.summary


def test_a_layer_in_another_origins_frame_is_measured_by_its_box():
    framed = Layer(path=WALL, box=Box(x=0, y=0, width=1280, height=720), aria_modal=True, viewport_share=None)
    [f] = consent_wall.check(_page(framed))
    assert (f.measured["detected_by"], f.measured["layer_viewport_share"]) == (BY_LAYER, 1.0)


def test_the_backdrop_guess_is_only_for_traces_without_layer_facts():
    # the only page link covered, far above the layer's buttons: the old inference calls it a backdrop
    [f] = consent_wall.check(_page(None, home_covered=True))
    assert f.measured["detected_by"] == BY_BACKDROP
    assert "no layer facts" in f.detail and "layer_viewport_share" not in f.measured
    # with the layer measured as a plain panel, the same covered link is no wall
    assert consent_wall.check(_page(_layer(0.83), home_covered=True)) == []


# ---------------------------------------------------------------- the facts and the finding, in the browser

SITES = "patterns13-judge"


@pytest.fixture(scope="module")
def session():
    """One browser for the module: the fixture audits and the pages set in place share it (one sync
    Playwright per thread)."""
    from auditor.gather.session import browser_session

    with browser_session() as s:
        yield s


@pytest.fixture(scope="module")
def audits(session, tmp_path_factory):
    from auditor.flow.spec import load_flow
    from auditor.pipeline import audit
    from tests.conftest import FIXTURES

    done = {}

    def run(case):
        if case not in done:
            done[case] = audit(load_flow(FIXTURES / SITES / case / "flow.yaml"), tmp_path_factory.mktemp(case),
                               session=session)
        return done[case]

    return run


def _audit(audits, case):
    result = audits(case)
    assert result.report.status == "complete", result.report.reason
    assert result.report.heuristic_failures == []
    walls = [f for f in result.report.findings if f.heuristic == "consent-wall"]
    return result.trace.goal.steps[0].snapshot, walls, result.report


@pytest.mark.browser
def test_browser_truncated_story_under_a_panel_with_the_scroll_locked_is_a_wall(audits):
    snap, [f], _ = _audit(audits, "truncated-wall")
    [layer] = snap.layers
    assert (layer.path, layer.position, layer.aria_modal, layer.role) == ("div#wall", "fixed", False, "")
    assert layer.viewport_share >= 0.75 and layer.box.height == pytest.approx(540, abs=1)
    assert (snap.scroll_locked, snap.content_obscured) == (True, ["truncated"])
    m = f.measured
    assert (m["detected_by"], m["covered"], m["scroll_locked"], m["content_obscured"]) == \
        (BY_LAYER, 0, True, ["truncated"])
    assert "the page cannot scroll, the content is cut short" in f.detail


@pytest.mark.browser
def test_browser_large_dismissible_panel_over_a_readable_page_is_no_wall(audits):
    snap, walls, report = _audit(audits, "large-panel-ok")
    [layer] = snap.layers
    assert layer.viewport_share >= 0.75 and not layer.aria_modal
    assert (snap.scroll_locked, snap.content_obscured) == (False, [])
    assert walls == []
    [outcome] = [o for o in report.outcomes if o.id == "consent-wall"]
    assert outcome.outcome == "passed" and "is not modal" in outcome.text


@pytest.mark.browser
def test_browser_blurred_wall_is_measured_on_its_layer(audits):
    snap, [f], _ = _audit(audits, "blurred-wall")
    [layer] = snap.layers
    assert (layer.role, layer.aria_modal, layer.viewport_share) == ("dialog", True, 1.0)  # its fixed wrapper counts
    assert (snap.scroll_locked, snap.content_obscured) == (True, ["blur"])
    assert (f.measured["detected_by"], f.measured["layer_viewport_share"]) == (BY_LAYER, 1.0)
    snap_ok, walls_ok, _ = _audit(audits, "blurred-wall-ok")
    assert snap_ok.layers[0].viewport_share < 0.3 and walls_ok == []


# A page set in place: one snapshot, its facts.
BODY = '<p style="font:16px Arial;max-width:600px">' + "The harbour story, paragraph after paragraph. " * 25 + "</p>"


@pytest.fixture(scope="module")
def page(session):
    context = session.browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()


def facts(page, html: str, script: str = "") -> Snapshot:
    from auditor.gather import snapshot

    page.set_content(f"<!DOCTYPE html><html><body style='margin:0'>{html}</body></html>")
    if script:
        page.evaluate(script)
    snap, _ = snapshot.take(page)
    return snap


BOX = '<div role="dialog" style="position:fixed;left:440px;top:260px;width:400px;background:#fff"><button>OK</button></div>'


@pytest.mark.browser
@pytest.mark.parametrize("content, obscured", [
    (f'<main inert>{BODY}</main>', ["inert"]),
    (f'<main aria-hidden="true">{BODY}</main>', ["inert"]),
    (f'<main style="filter:blur(4px)">{BODY}</main>', ["blur"]),
    (f'<main style="max-height:200px;overflow:hidden">{BODY}</main>', ["truncated"]),
    (f'<main>{BODY}</main>', []),
    ('<img style="filter:blur(8px);width:600px;height:300px" alt="">', []),  # a blurred picture hides no text
])
def test_browser_what_hides_the_content_is_named(page, content, obscured):
    assert facts(page, content + BOX).content_obscured == obscured


@pytest.mark.browser
def test_browser_a_backdrop_sheet_and_its_blur_belong_to_the_layer(page):
    sheet = '<div style="position:fixed;inset:0;backdrop-filter:blur(3px);background:rgba(0,0,0,.3)"></div>'
    snap = facts(page, f"<main>{BODY}</main>{sheet}{BOX}")
    [layer] = snap.layers
    assert (layer.role, layer.position, layer.viewport_share) == ("dialog", "fixed", 1.0)
    assert snap.content_obscured == ["blur"] and not snap.scroll_locked


@pytest.mark.browser
def test_browser_a_modal_dialog_and_a_fixed_body_are_recorded(page):
    html = f'<main>{BODY}</main><dialog id="d"><button>Accept</button></dialog>'
    snap = facts(page, html, "document.getElementById('d').showModal(); document.body.style.position = 'fixed'")
    [layer] = snap.layers
    assert (layer.role, layer.aria_modal, layer.path) == ("dialog", True, "dialog#d")
    assert snap.scroll_locked is True


@pytest.mark.browser
def test_browser_a_bottom_bar_lies_over_a_sixth_of_the_viewport(page):
    bar = ('<div style="position:fixed;left:0;right:0;bottom:0;height:120px;background:#fff;z-index:5">'
           '<button>Accept</button><button>Reject</button></div>')
    snap = facts(page, f"<main>{BODY}</main>{bar}")
    [layer] = snap.layers
    assert (layer.position, layer.z_index, layer.aria_modal) == ("fixed", 5, False)
    assert layer.viewport_share == pytest.approx(0.17, abs=0.01)
    assert layer.box == Box(x=0, y=600, width=1280, height=120)
    assert (snap.scroll_locked, snap.content_obscured) == (False, [])
