"""Hidden-affordance survives the usual tricks: each fixture under fixtures/tricks/ hides the way out one
way, the real browser audits it, and the finding names the trick's own signal in ``measured``.

One fixture per trick (see each flow.yaml's comment): near-background colour, low opacity, tiny font, a
collapsed <details>, open shadow DOM, a same-origin iframe, a sticky bar covering the link, a control
rendered 3.5 s late, a link far below the fold, a way out labelled "Learn more", and a translucent sheet
that lets clicks through (pointer-events: none) over the link.
"""

from __future__ import annotations

import pytest

TRICKS = {
    "low-contrast": lambda m: m["contrast"] < 1.5 and "low_contrast" in m["strong_signals"]
    and m["has_fill"] is False,  # a white "button" on a white banner is no fill: it reads as text
    "low-opacity": lambda m: m["opacity"] < 0.3 and "faint" in m["strong_signals"] and m["contrast"] < 3,
    "tiny-font": lambda m: m["font_size"] < 10 and "small_text" in m["strong_signals"],
    "closed-details": lambda m: m["in_closed_details"] is True and m["folded_control"] == "Reject all"
    and m["folded_step"] == 2 and "in_closed_details" in m["strong_signals"],
    "shadow-dom": lambda m: m["in_shadow"] is True and m["contrast"] < 1.5,
    "iframe": lambda m: m["in_iframe"] is True and m["contrast"] < 1.5,
    "covered": lambda m: m["covered"] is True and "covered" in m["strong_signals"],
    "overlay": lambda m: m["covered"] is True and m["contrast"] < 1.5,
    "delayed": lambda m: m["delayed"] is True and m["appeared_after_s"] >= 2.0
    and m["baseline_appeared_after_s"] < 1.0,
    "below-fold": lambda m: m["in_viewport"] is False and m["below_fold_px"] > 720
    and "below_fold" in m["strong_signals"],
    "learn-more": lambda m: m["vague_label"] is True and m["label"] == "Learn more",
}


def _hidden(result):
    return [f for f in result.report.findings if f.heuristic == "hidden-affordance"]


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_trick_is_found_and_judged_hidden(module_audits, trick):
    result = module_audits(f"tricks/{trick}")
    assert result.trace.goal.status == "complete", result.trace.goal.reason
    assert result.trace.baseline is not None and result.trace.baseline.status == "complete"
    found = _hidden(result)
    assert len(found) == 1, [f.title for f in result.report.findings]
    [f] = found
    assert f.step == 1 and f.severity in {"medium", "high"}
    assert TRICKS[trick](f.measured), f.measured


def test_closed_details_finding_sits_on_the_summary_step(module_audits):
    result = module_audits("tricks/closed-details")
    [f] = _hidden(result)
    assert f.element_label == "More options"
    summary_step = result.trace.goal.steps[0]
    folded = [e for e in summary_step.snapshot.elements if e.in_closed_details]
    assert [e.tag for e in folded] == ["button"] and not folded[0].visible
    # Once the section is open, the button is an ordinary, readable button and is not flagged again.
    opened = result.trace.goal.steps[1].target_element
    assert opened.visible and not opened.in_closed_details and opened.contrast >= 4.5


def test_iframe_contrast_is_measured_against_the_page_behind_the_frame(module_audits):
    link = module_audits("tricks/iframe").trace.goal.steps[0].target_element
    # The frame's document is transparent: the dark #222 box of the parent page shows through.
    assert link.background == "rgb(34 34 34)"
    assert link.in_viewport and not link.covered


def test_low_opacity_fades_fill_and_text_together(module_audits):
    button = module_audits("tricks/low-opacity").trace.goal.steps[0].target_element
    # Faded to 20 % over white, the green fill reads as a pale tint, not as the full green.
    assert button.background.startswith("rgb(2") and button.opacity == pytest.approx(0.2)


def test_covered_link_is_still_reached_the_way_a_person_would(module_audits):
    result = module_audits("tricks/covered")
    step = result.trace.goal.steps[0]
    assert step.target_element.covered and step.error is None
    assert result.report.status == "complete"


def test_translucent_overlay_lets_the_click_through_but_veils_the_link(module_audits):
    result = module_audits("tricks/overlay")
    link = result.trace.goal.steps[0].target_element
    assert link.covered and link.contrast < 1.5  # 6.7:1 without the veil
    assert result.report.status == "complete"


def test_fair_and_meta_controls_are_not_mistaken_for_covered(module_audits):
    for name in ("fair", "meta-2024"):
        for step in module_audits(name).trace.goal.steps:
            el = step.target_element
            assert el is None or not el.covered, (name, step.number, el.label_text)
