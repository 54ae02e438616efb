"""Heuristics on what real consent libraries build: layers, styled-away switches, master toggles, labels
shorter than their rivals', refusals saved with an accept-worded button, and controls named by what a
person sees. Pure: hand-made traces (tests/trace_factory.py)."""

from __future__ import annotations

from heuristics import default_on, hidden_affordance, misleading_action_label, visual_asymmetry
from heuristics._salience import area_ratio, rival_in_layer
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace

from auditor.trace import Box

BANNER = "div#banner"
PANEL = "div#settings"


def _switch(text: str, checked: bool, **kw):
    """A klaro/cookieconsent-style switch: a 1 px transparent checkbox whose label paints the slider."""
    fields = dict(tag="input", type="checkbox", role="checkbox", text="", name=text, label=text, checked=checked,
                  box=Box(x=10, y=10, width=1, height=1), opacity=0.0, label_visible=True, layer=PANEL,
                  path=f"#switch-{text}")
    return make_element(**{**fields, **kw})


# --- default-on: purposes, not inputs ---------------------------------------------------------------------

def _default_on(*toggles):
    return default_on.check(make_trace([make_step(1, "click", make_element(text="Save"), others=list(toggles))]))


def test_a_styled_away_switch_that_is_on_is_a_default_on_purpose():
    findings = _default_on(_switch("Analytics", True), _switch("Marketing", False))
    assert len(findings) == 1 and findings[0].measured["pre_ticked_boxes"] == 1
    assert findings[0].measured["toggles_seen"] == 2


def test_hidden_per_service_inputs_the_locked_necessary_switch_and_the_master_toggle_are_not_purposes():
    folded = _switch("Google Analytics", True, label_visible=False)  # inside a collapsed purpose
    locked = _switch("Technisch", True, disabled=True)  # "strictly necessary", not switchable, any language
    master = _switch("Alle Dienste", True, master_toggle=True)
    purposes = [_switch("Statistik", True), _switch("Werbung", True)]
    findings = _default_on(folded, locked, master, *purposes)
    assert len(findings) == 1
    m = findings[0].measured
    assert (m["pre_ticked_boxes"], m["toggles_seen"], m["essential_on_not_counted"]) == (2, 3, 1)


def test_switches_all_off_give_no_default_on_finding():
    assert _default_on(_switch("Analytics", False), _switch("Necessary", True, disabled=True)) == []


# --- the rival in the same layer ----------------------------------------------------------------------------

def _layered_flow(reject_box: Box, accept_in_panel: bool = True):
    """First layer: 'Accept all' and 'Settings'; the settings panel covers it, with its own buttons."""
    banner_accept = make_element(text="Accept all", layer=BANNER, path="#banner-accept",
                                 box=Box(x=100, y=600, width=300, height=60))
    settings = make_element(text="Settings", layer=BANNER, path="#banner-settings")
    covered_accept = banner_accept.model_copy(update={"covered": True})
    reject = make_element(text="Reject all", layer=PANEL, path="#panel-reject", box=reject_box)
    panel = [covered_accept, settings, reject]
    if accept_in_panel:
        panel.append(make_element(text="Accept all", layer=PANEL, path="#panel-accept"))
    goal = [make_step(1, "click", settings, others=[banner_accept]),
            make_step(2, "click", reject, snapshot=make_snapshot(panel))]
    baseline = [make_step(1, "click", banner_accept, others=[settings])]
    return make_trace(goal, baseline, goal="reject")


def test_a_panel_control_is_compared_with_the_panels_accept_not_the_covered_banner():
    reject = _layered_flow(Box(x=100, y=100, width=120, height=40)).goal.steps[1]
    rival, same_screen = rival_in_layer(reject.target_element, reject.snapshot,
                                        make_element(text="Accept all", layer=BANNER, path="#banner-accept"))
    assert same_screen and rival.path == "#panel-accept"


def test_a_panel_reject_as_big_as_the_panel_accept_is_not_hidden_or_weaker():
    trace = _layered_flow(Box(x=100, y=100, width=120, height=40))
    assert hidden_affordance.check(trace) == []
    assert visual_asymmetry.check(trace) == [] or all(f.step == 1 for f in visual_asymmetry.check(trace))


def test_a_panel_with_no_accept_of_its_own_has_no_rival():
    trace = _layered_flow(Box(x=100, y=100, width=20, height=10), accept_in_panel=False)
    reject = trace.goal.steps[1]
    assert rival_in_layer(reject.target_element, reject.snapshot, trace.baseline.steps[0].target_element) == (None, False)


def test_a_shorter_label_with_the_same_style_is_not_a_smaller_button():
    accept = make_element(text="Accept all cookies", box=Box(x=0, y=0, width=180, height=40))
    reject = make_element(text="Reject", box=Box(x=200, y=0, width=80, height=40))
    assert area_ratio(accept, reject) == 1.0
    trace = make_trace([make_step(1, "click", reject, others=[accept])], [make_step(1, "click", accept, others=[reject])])
    assert visual_asymmetry.check(trace) == []


def test_a_smaller_button_of_another_style_still_counts_its_area():
    accept = make_element(text="Accept all cookies", box=Box(x=0, y=0, width=180, height=40))
    reject = make_element(text="Reject", box=Box(x=200, y=0, width=80, height=40), has_fill=False)
    assert area_ratio(accept, reject) == 2.25
    trace = make_trace([make_step(1, "click", reject, others=[accept])], [make_step(1, "click", accept, others=[reject])])
    assert "area" in visual_asymmetry.check(trace)[0].measured["weaker"]


def test_a_lower_button_with_the_same_label_length_still_counts():
    accept = make_element(text="Accept", box=Box(x=0, y=0, width=120, height=60))
    reject = make_element(text="Reject", box=Box(x=200, y=0, width=120, height=30))
    assert area_ratio(accept, reject) == 2.0


# --- misleading-action-label -----------------------------------------------------------------------------

def _save_flow(save_text: str):
    settings = make_element(text="Settings", path="#settings")
    accept = make_element(text="Accept all", path="#accept")
    off = _switch("Analytics", True)
    goal = [make_step(1, "click", settings, others=[accept]),
            make_step(2, "uncheck", off),
            make_step(3, "click", make_element(text=save_text, path="#save"), others=[off])]
    return make_trace(goal, [make_step(1, "click", accept, others=[settings])], goal="reject")


def test_refusing_with_an_accept_worded_save_button_fires():
    findings = misleading_action_label.check(_save_flow("Accept selected"))
    assert [(f.step, f.measured["accepting_words"]) for f in findings] == [(3, "Accept")]
    assert findings[0].severity == "medium"


def test_a_neutral_save_button_does_not_fire():
    assert misleading_action_label.check(_save_flow("Save my choices")) == []
    assert misleading_action_label.check(_save_flow("Auswahl speichern")) == []


# --- naming: what a person sees ----------------------------------------------------------------------------

def test_a_control_is_named_by_its_visible_text_with_the_accessible_name_beside_it():
    el = make_element(text="Tout refuser", name="Cookies : Tout refuser")
    assert el.label_text == "Tout refuser" and el.accessible_name_differs
    same = make_element(text="Tout refuser", name="Tout refuser")
    assert not same.accessible_name_differs
