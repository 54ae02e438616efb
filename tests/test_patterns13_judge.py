"""Issue 13, item 4: real consent UI patterns the heuristics misjudged, on hand-made traces and in the browser.

- a content link the path clicks (a story that brings the notice back) is not judged for salience;
- a wall over a blurred story on a page with one link of its own is seen: the layer itself is measured
  (viewport share, aria-modal, scroll lock, content hidden or blurred), a backdrop guess only without those facts;
- "pay or okay": a paid subscription is no refusal, and the wall finding says why;
- an e-mail address in a <details> whose summary reads "How to opt out" is an e-mail-only opt-out.

The browser sites are fixtures/patterns13-judge/<case>/ (positive) and <case>-ok/ (the honest control).
"""

from __future__ import annotations

import pytest

from auditor.trace import Box
from auditor.words.phrases import PAID_ALTERNATIVE
from heuristics import (
    consent_wall,
    hidden_affordance,
    no_first_layer_option,
    verification_barrier,
    visual_asymmetry,
)
from heuristics._salience import choice_step, is_consent_control
from heuristics.base import NotApplicable
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace

DIALOG = "div#prompt"


def button(text, **kw):
    return make_element(text=text, **{"path": f'[data-test="{text}"]', **kw})


def link(text, **kw):
    data = {"tag": "a", "role": "link", "has_fill": False, "font_size": 12.0, "contrast": 2.0, "font_weight": 400,
                "in_prose": True, "box": Box(x=100, y=60, width=110, height=14)}
    data.update(kw)
    return make_element(text=text, **data)


def at(y: float, **kw) -> Box:
    return Box(x=kw.get("x", 500), y=y, width=kw.get("width", 160), height=kw.get("height", 44))


# ---------------------------------------------------------------- 1. only consent controls are judged


def _story_trace(reject):
    story = link("Read today's story")
    banner_accept = button("Accept all", layer="div#banner", box=at(660))
    accept2 = button("Accept all", layer=DIALOG, box=at(300), path="#accept2")
    first = make_step(1, "click", story, others=[banner_accept])
    hidden_banner = banner_accept.model_copy(update={"visible": False})  # the dialog replaced the banner
    prompt = make_step(2, "click", reject, others=[story.model_copy(update={"covered": True}), hidden_banner, accept2])
    return make_trace([first, prompt], [make_step(1, "click", banner_accept, others=[story])])


def test_a_story_link_is_page_content_and_a_dialog_or_refusal_is_a_consent_control():
    page_with_notice = make_snapshot([button("Accept all", layer="div#banner"), link("Learn more")])
    assert not is_consent_control(link("Read today's story"))
    assert not is_consent_control(link("Learn more"), page_with_notice)  # beside a notice: page content
    assert is_consent_control(link("Learn more"), make_snapshot([link("Learn more")]))  # a privacy page
    assert is_consent_control(link("Read today's story", layer=DIALOG))  # inside the notice
    assert is_consent_control(link("Reject all"))


def test_the_story_link_is_not_judged_but_the_faint_refusal_after_it_is():
    faint = link("Reject all", layer=DIALOG, box=Box(x=700, y=310, width=60, height=14))
    trace = _story_trace(faint)
    assert choice_step(trace).number == 2
    [va] = visual_asymmetry.check(trace)
    assert (va.step, va.measured["opt_out_label"], va.measured["accept_label"]) == (2, "Reject all", "Accept all")
    assert [f.step for f in hidden_affordance.check(trace)] == [2]


def test_without_a_notice_layer_the_story_link_is_still_not_the_choice():
    # an inline notice (no dialog or fixed box): the first different click is the story link, which used to
    # be compared with "Accept all"; the refusal the path clicks next is compared instead
    story, accept = link("Read today's story"), button("Accept all", box=at(300))
    faint = link("Reject all", in_prose=False, box=Box(x=700, y=310, width=60, height=14))
    trace = make_trace([make_step(1, "click", story, others=[accept, faint]),
                        make_step(2, "click", faint, others=[story, accept])],
                       [make_step(1, "click", accept, others=[story, faint])])
    [va] = visual_asymmetry.check(trace)
    assert (va.step, va.measured["opt_out_label"]) == (2, "Reject all")
    assert [f.step for f in hidden_affordance.check(trace)] == [2]


def test_a_fair_refusal_after_the_story_link_leaves_nothing_to_charge():
    fair = button("Reject all", layer=DIALOG, box=at(300, x=700))
    trace = _story_trace(fair)
    assert visual_asymmetry.check(trace) == [] and hidden_affordance.check(trace) == []


def test_visual_asymmetry_is_not_applicable_when_the_path_clicks_only_content():
    story, accept = link("Read today's story"), button("Accept all", layer="div#banner")
    trace = make_trace([make_step(1, "click", story, others=[accept])],
                       [make_step(1, "click", accept, others=[story])])
    with pytest.raises(NotApplicable):
        visual_asymmetry.check(trace)


# ---------------------------------------------------------------- 2. a wall over a page with few controls


def _wall_trace(page_link, layer_controls, goal_index=0):
    step = make_step(1, "click", layer_controls[goal_index],
                     others=[page_link] + [c for i, c in enumerate(layer_controls) if i != goal_index])
    return make_trace([step])


def test_a_backdrop_over_the_only_page_link_is_a_wall():
    home = link("The Weekly Ledger", covered=True, in_prose=False, box=Box(x=24, y=14, width=140, height=18))
    layer = [button("Settings", layer="div#wall", box=at(380, x=700)),
             button("Accept and continue", layer="div#wall", box=at(380))]
    [f] = consent_wall.check(_wall_trace(home, layer))
    assert (f.measured["detected_by"], f.measured["covered"], f.measured["first_screen_controls"]) == \
        (consent_wall.DETECTED_BY["backdrop"], 1, 1)
    assert f.measured["accept_like"] == ["Accept and continue"]


def test_a_bottom_bar_over_a_link_beside_its_buttons_is_no_wall():
    footer = link("Imprint", covered=True, in_prose=False, box=Box(x=24, y=676, width=60, height=18))
    layer = [button("Settings", layer="div#bar", box=at(660, x=700)),
             button("Accept and continue", layer="div#bar", box=at(660))]
    assert consent_wall.check(_wall_trace(footer, layer)) == []


# ---------------------------------------------------------------- 3. pay or okay


@pytest.mark.parametrize("text", ["Subscribe for 3.99 € a month", "Nein danke, Pur-Abo abschließen",
                                  "S'abonner sans publicité", "Abbonati a 2,99 €", "Betaal voor advertentievrij",
                                  "Suscribirse", "Zapłać i czytaj bez reklam", "Prenumerera"])
def test_paying_words_in_several_languages(text):
    assert PAID_ALTERNATIVE.search(text)


@pytest.mark.parametrize("text", ["Accept and continue", "Reject all", "Tout refuser", "Alle ablehnen"])
def test_choices_that_cost_nothing_are_not_paying(text):
    assert not PAID_ALTERNATIVE.search(text)


def _pay_wall(pay_label, extra=()):
    links = [link(f"Section {i}", covered=True, in_prose=False, box=Box(x=24 + 100 * i, y=14, width=80, height=18))
             for i in range(3)]
    layer = [button("Accept and continue", layer="div#wall", box=at(380)),
             button(pay_label, layer="div#wall", box=at(380, x=700)), *extra]
    return make_trace([make_step(1, "click", layer[1], others=links + [layer[0], *extra])])


def test_a_paid_subscription_is_no_refusal_on_the_wall_and_the_finding_says_why():
    # the classifier reads "Nein danke, ..." as a refusal; the paying words overrule it
    [f] = consent_wall.check(_pay_wall("Nein danke, Pur-Abo abschließen"))
    assert f.measured["paid_alternative"] == ["Nein danke, Pur-Abo abschließen"]
    assert "EDPB Opinion 08/2024" in f.detail and "not a free refusal" in f.detail
    assert f.title.endswith("or pay")
    [n] = no_first_layer_option.check(_pay_wall("Nein danke, Pur-Abo abschließen"))
    assert n.measured["accept_like"] == ["Accept and continue"]


def test_a_paid_option_beside_a_free_refusal_is_fair():
    free = button("Reject all", layer="div#wall", box=at(440))
    assert consent_wall.check(_pay_wall("Subscribe for 3.99 € a month", [free])) == []
    assert no_first_layer_option.check(_pay_wall("Subscribe for 3.99 € a month", [free])) == []


# ---------------------------------------------------------------- 4. e-mail-only opt-out in a <details>


def _privacy_trace(*extra, open_section=True):
    summary = make_element(tag="summary", role="", text="How to opt out", has_fill=False, path="summary")
    mail = link("privacy@example.test", href="mailto:privacy@example.test", in_prose=True,
                visible=open_section, in_closed_details=not open_section)
    final = make_snapshot([summary, mail, *extra], url="https://example.test/privacy",
                          text="Privacy notice How to opt out You can object to this processing at any time. "
                               "Write to privacy@example.test")
    notice = make_step(1, "click", link("Privacy notice", layer="div#notice"))
    return make_trace([notice], [make_step(1, "click", button("OK"))], final=final)


@pytest.mark.parametrize("open_section", [True, False])
def test_an_address_under_a_how_to_opt_out_summary_is_email_only(open_section):
    [f] = verification_barrier.check(_privacy_trace(open_section=open_section))
    assert (f.measured["kind"], f.measured["href"]) == ("email-only", "mailto:privacy@example.test")


def test_an_online_opt_out_button_beside_the_address_is_fair():
    assert verification_barrier.check(_privacy_trace(button("Opt out now"))) == []


# ---------------------------------------------------------------- in the real browser


SITES = "patterns13-judge"


def _found(module_audits, case, heuristic):
    result = module_audits(f"{SITES}/{case}")
    assert result.report.status == "complete", result.report.reason
    assert result.report.heuristic_failures == []
    return [f for f in result.report.findings if f.heuristic == heuristic]


@pytest.mark.browser
def test_browser_story_link_is_not_judged_the_faint_refusal_is(module_audits):
    for hid in ("visual-asymmetry", "hidden-affordance"):
        assert [(f.step, f.measured.get("opt_out_label", f.measured.get("label")))
                for f in _found(module_audits, "content-link", hid)] == [(2, "Reject all")], hid
        assert _found(module_audits, "content-link-ok", hid) == [], hid


@pytest.mark.browser
def test_browser_blurred_wall_over_one_link_is_seen_and_a_bottom_bar_is_not(module_audits):
    [f] = _found(module_audits, "blurred-wall", "consent-wall")
    assert (f.measured["detected_by"], f.measured["first_screen_controls"]) == \
        (consent_wall.DETECTED_BY["layer"], 1)
    assert _found(module_audits, "blurred-wall-ok", "consent-wall") == []


@pytest.mark.browser
def test_browser_pay_or_okay_has_no_refusal(module_audits):
    [f] = _found(module_audits, "pay-or-okay", "consent-wall")
    assert f.measured["paid_alternative"] == ["Subscribe for 3.99 € a month"]
    assert "EDPB Opinion 08/2024" in f.detail
    assert _found(module_audits, "pay-or-okay-ok", "consent-wall") == []


@pytest.mark.browser
def test_browser_email_only_opt_out_in_a_details_section(module_audits):
    [f] = _found(module_audits, "email-optout", "verification-barrier")
    assert f.measured["kind"] == "email-only"
    assert _found(module_audits, "email-optout-ok", "verification-barrier") == []
