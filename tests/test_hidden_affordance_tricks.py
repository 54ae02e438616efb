"""hidden-affordance, one signal per trick, on small hand-made traces (no browser), and the colour maths
behind the contrast figures (compositing across opacity groups, shadow hosts and frames)."""

from __future__ import annotations

import pytest
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace

from auditor.gather.colour import contrast_ratio, effective_background
from heuristics import hidden_affordance

ACCEPT = dict(text="Accept all", path="#accept", box=make_element().box.model_copy(update={"width": 130,
                                                                                           "height": 44}))


def reject(**kw):
    """A fair 'Reject all' button, the same as Accept; each test spoils one thing."""
    data = dict(text="Reject all", path="#reject", box=make_element().box.model_copy(update={"width": 130,
                                                                                            "height": 44}))
    data.update(kw)
    return make_element(**data)


def audit(goal_steps, baseline_steps=None):
    if baseline_steps is None:
        baseline_steps = [make_step(1, "click", make_element(**ACCEPT), find_ms=40)]
    return hidden_affordance.check(make_trace(goal_steps, baseline_steps))


def one(el, **step_kw):
    step_kw.setdefault("find_ms", 40)
    findings = audit([make_step(1, "click", el, others=[make_element(**ACCEPT)], **step_kw)])
    assert len(findings) <= 1
    return findings[0] if findings else None


def test_a_fair_reject_button_gives_no_finding():
    assert one(reject()) is None


def test_near_background_colour_is_a_strong_signal_on_its_own():
    f = one(reject(contrast=1.14))
    assert f is not None and f.measured["contrast"] == 1.14
    assert f.measured["strong_signals"] == ["low_contrast"] and f.severity == "medium"
    assert "1.14:1" in f.detail


def test_low_opacity_is_faint():
    f = one(reject(opacity=0.2, contrast=4.6))
    assert f is not None and f.measured["opacity"] == 0.2 and "faint" in f.measured["strong_signals"]
    assert "faded" in f.title


def test_middling_opacity_needs_a_second_signal():
    assert one(reject(opacity=0.4)) is None
    assert one(reject(opacity=0.4, font_size=12.0)) is not None


def test_tiny_font_below_10px_is_strong_but_12px_alone_is_not():
    f = one(reject(font_size=8.0))
    assert f is not None and "small_text" in f.measured["strong_signals"] and f.measured["font_size"] == 8.0
    assert one(reject(font_size=12.0)) is None


def test_collapsed_details_is_judged_at_the_summary_click():
    summary = make_element(tag="summary", role="button", text="More options", path="details > summary",
                           has_fill=False, font_size=14.0)
    folded = reject(visible=False, in_viewport=False, in_closed_details=True, text="", name="",
                    box=make_element().box.model_copy(update={"width": 0, "height": 0}))
    opened = reject()
    step1 = make_step(1, "click", summary, snapshot=make_snapshot([make_element(**ACCEPT), summary, folded]),
                      find_ms=40)
    step2 = make_step(2, "click", opened, snapshot=make_snapshot([make_element(**ACCEPT), summary, opened]),
                      find_ms=40)
    [f] = audit([step1, step2])
    assert f.step == 1 and f.measured["label"] == "More options"
    assert f.measured["in_closed_details"] is True and "in_closed_details" in f.measured["strong_signals"]
    assert (f.measured["folded_control"], f.measured["folded_step"]) == ("Reject all", 2)
    assert 'hiding "Reject all"' in f.title


def test_details_that_fold_something_else_are_no_finding():
    summary = make_element(tag="summary", role="button", text="Show partners", path="details > summary")
    other = reject(text="Vendor list", path="#vendors", in_closed_details=True, visible=False)
    step1 = make_step(1, "click", summary, snapshot=make_snapshot([summary, other]), find_ms=40)
    step2 = make_step(2, "click", reject(), find_ms=40)
    assert audit([step1, step2]) == []


def test_shadow_and_iframe_are_recorded_but_are_no_signal_by_themselves():
    assert one(reject(in_shadow=True)) is None
    assert one(reject(in_iframe=True)) is None
    f = one(reject(in_shadow=True, contrast=1.3))
    assert f.measured["in_shadow"] is True and f.measured["in_iframe"] is False


def test_covered_is_strong():
    f = one(reject(covered=True))
    assert f is not None and f.measured["covered"] is True and "under another element" in f.title


def test_delay_counts_when_the_opposite_choice_was_there_at_once():
    f = one(reject(), find_ms=2500)
    assert f is not None and f.measured["delayed"] is True and f.measured["appeared_after_s"] == 2.5
    assert f.measured["baseline_appeared_after_s"] == 0.04 and "delayed" in f.measured["strong_signals"]


def test_a_page_that_renders_both_answers_late_is_not_blamed():
    late_accept = [make_step(1, "click", make_element(**ACCEPT), find_ms=2400)]
    assert audit([make_step(1, "click", reject(), find_ms=2500)], late_accept) == []


def test_a_short_delay_is_a_weak_signal():
    assert one(reject(), find_ms=1200) is None
    f = one(reject(font_size=12.0), find_ms=1200)
    assert f is not None and f.measured["signals"] == ["small_text", "delayed"]


def test_far_below_the_fold_is_strong_one_screen_is_not():
    far = reject(in_viewport=False, box=make_element().box.model_copy(update={"y": 3000}))
    f = one(far)
    assert f is not None and f.measured["below_fold_px"] == 2280 and f.measured["below_fold_screens"] > 3
    assert "below_fold" in f.measured["strong_signals"] and "2280 px below" in f.detail
    near = reject(in_viewport=False, box=make_element().box.model_copy(update={"y": 900}))
    assert one(near) is None


@pytest.mark.parametrize("label", ["Learn more", "More information", "Details", "En savoir plus",
                                   "Mehr erfahren", "read more…"])
def test_vague_labels(label):
    f = one(reject(text=label, has_fill=False))
    assert f is not None and f.measured["vague_label"] is True


@pytest.mark.parametrize("label", ["Reject all", "Learn more and refuse", "Object"])
def test_labels_that_say_what_they_do_are_not_vague(label):
    assert one(reject(text=label, has_fill=False)) is None


# ---------------------------------------------------------------- colour maths


def test_contrast_plain_and_translucent_backgrounds():
    assert contrast_ratio("rgb(0, 0, 0)", [{"c": "rgb(255, 255, 255)", "o": 1}]) == 21.0
    assert contrast_ratio("rgb(0, 0, 0)", []) == 21.0  # the white canvas
    assert effective_background([{"c": "rgba(0, 0, 0, 0.5)", "o": 1}]) == "rgb(127.5 127.5 127.5)"


def test_opacity_fades_the_fill_and_the_text_as_one_group():
    solid = contrast_ratio("rgb(255, 255, 255)", [{"c": "rgb(11, 122, 75)", "o": 1}])
    faded = contrast_ratio("rgb(255, 255, 255)", [{"c": "rgb(11, 122, 75)", "o": 0.2}])
    assert solid > 5 and faded < 1.5
    # The text pixel stays white (white over white), the fill becomes a pale tint.
    assert effective_background([{"c": "rgb(11, 122, 75)", "o": 0.2}]).startswith("rgb(2")


def test_an_ancestors_opacity_fades_everything_inside_it():
    layers = [{"c": "rgb(255, 255, 255)", "o": 1}, {"c": None, "o": 0.3}]
    assert contrast_ratio("rgb(0, 0, 0)", layers) < 3


def test_layers_continue_past_a_transparent_frame_into_the_parent_page():
    # iframe document transparent; the <iframe>'s parent box is #222: the layers carry on past the frame.
    layers = [{"c": None, "o": 1}, {"c": "rgb(34, 34, 34)", "o": 1}]
    assert contrast_ratio("rgb(51, 51, 51)", layers) < 1.5
    assert effective_background(layers) == "rgb(34 34 34)"


def test_a_translucent_overlay_washes_out_text_and_background_alike():
    layers = [{"c": "rgb(255, 255, 255)", "o": 1}]
    clear = contrast_ratio("rgb(11, 92, 173)", layers)
    veiled = contrast_ratio("rgb(11, 92, 173)", layers, overlay={"c": "rgba(255, 255, 255, 0.85)", "o": 1})
    assert clear > 6 and veiled < 1.5
    assert effective_background(layers, {"c": "rgba(0, 0, 0, 0.5)", "o": 1}) == "rgb(127.5 127.5 127.5)"
    # an overlay of unknown colour (an image) leaves the contrast as measured
    assert contrast_ratio("rgb(11, 92, 173)", layers, overlay={"c": None, "o": 1}) == clear


def test_old_trace_layer_format_still_works():
    assert contrast_ratio("rgb(138, 141, 145)", ["rgb(255, 255, 255)"]) == 3.33
    assert contrast_ratio("rgb(0, 0, 0)", ["image", "rgb(255, 255, 255)"], 0.2) < 3
    assert contrast_ratio("not-a-colour", []) is None
