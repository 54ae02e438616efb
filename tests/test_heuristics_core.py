"""The four core heuristics on small hand-made traces: one unfair and one fair flow each, and the edges."""

from __future__ import annotations

import pytest
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace

from heuristics import asymmetric_path, free_text_justification, hidden_affordance, path_length, visual_asymmetry
from heuristics.registry import all_heuristics

FEED = "https://example.test/feed"
NOTICE = "https://example.test/notice"
FORM = "https://example.test/object"
BIG = make_element().box.model_copy(update={"width": 600, "height": 48})  # 28800 px², the "Close" button


def button(text, **kw):
    return make_element(text=text, **kw)


def link(text, **kw):
    """A plain inline hyperlink: no fill, no border, in running text, otherwise readable."""
    data = dict(tag="a", role="link", has_fill=False, has_border=False, in_prose=True, font_size=16.0,
                contrast=7.0, box=make_element().box.model_copy(update={"width": 90, "height": 16}))
    data.update(kw)
    return make_element(text=text, **data)


def textarea(label, **kw):
    data = dict(tag="textarea", role="textbox", text="", name=label, label=label, has_fill=False,
                has_border=True)
    data.update(kw)
    return make_element(**data)


def meta_like_goal():
    """Notification -> notice (link in paragraph 2) -> form with a required reason -> code -> done."""
    reason = textarea("Please explain how this processing impacts you", required=True, minlength=10)
    email = make_element(tag="input", type="email", text="", name="Email", label="Email", required=True)
    submit = button("Send", type="submit")
    code = make_element(tag="input", type="text", text="", name="Code", label="Confirmation code",
                        required=True, minlength=6)
    form = [email, reason, submit]
    return [
        make_step(1, "click", button("Notification: AI at Meta"), page_loads=1, url=FEED),
        make_step(2, "click", link("right to object", contrast=3.2, font_size=12.0), page_loads=1,
                  others=[button("Close", box=BIG)]),
        make_step(3, "fill", reason, typed_chars=120, url=FORM, snapshot=make_snapshot(form, url=FORM)),
        make_step(4, "click", submit, url=FORM, snapshot=make_snapshot(form, url=FORM), page_loads=1),
        make_step(5, "fill", code, typed_chars=6, url=FORM + "/code"),
        make_step(6, "click", button("Submit code", type="submit"), url=FORM + "/code"),
    ]


def meta_like_baseline():
    return [
        make_step(1, "click", button("Notification: AI at Meta"), page_loads=1, url=FEED),
        make_step(2, "click", button("Close", box=BIG),
                  others=[link("right to object", contrast=3.2, font_size=12.0)]),
    ]


# ---------------------------------------------------------------- path-length


def test_path_length_meta_like_flow_is_high_and_counts_everything():
    [f] = path_length.check(make_trace(meta_like_goal()))
    assert f.heuristic == "path-length"
    assert f.severity == "high"
    assert f.step is None and f.path == "goal"
    m = f.measured
    assert (m["steps"], m["clicks"], m["fills"], m["actions"]) == (6, 4, 2, 6)
    assert (m["typed_chars"], m["page_loads"], m["doing_nothing_steps"]) == (126, 3, 0)
    assert m["complete"] is True
    assert "6 actions" in f.detail and "126 typed characters" in f.detail and "0 steps" in f.detail
    assert f.title.startswith("Objecting takes 6 actions")


def test_path_length_three_clicks_is_medium():
    steps = [make_step(i, "click", button(f"Next {i}"), page_loads=1 if i == 1 else 0) for i in (1, 2, 3)]
    [f] = path_length.check(make_trace(steps, goal="reject"))
    assert f.severity == "medium"
    assert (f.measured["actions"], f.measured["page_loads"]) == (3, 1)
    assert f.title.startswith("Rejecting takes 3 actions")


@pytest.mark.parametrize(("clicks", "severity"), [(4, "medium"), (5, "high")])
def test_path_length_boundary_between_medium_and_high(clicks, severity):
    steps = [make_step(i, "click", button(f"Next {i}")) for i in range(1, clicks + 1)]
    [f] = path_length.check(make_trace(steps))
    assert (f.severity, f.measured["actions"], f.measured["page_loads"]) == (severity, clicks, 0)


def test_path_length_three_page_loads_alone_is_high():
    steps = [make_step(1, "goto", page_loads=1), make_step(2, "click", button("Privacy"), page_loads=1),
             make_step(3, "click", button("Opt out"), page_loads=1)]
    [f] = path_length.check(make_trace(steps, goal="opt-out"))
    assert f.severity == "high"
    assert (f.measured["actions"], f.measured["page_loads"]) == (2, 3)


def test_path_length_two_clicks_is_fair():
    steps = [make_step(1, "click", button("Settings")), make_step(2, "wait"),
             make_step(3, "click", button("Reject all"))]
    assert path_length.check(make_trace(steps)) == []


def test_path_length_incomplete_path_says_at_least_and_skips_waits():
    steps = [make_step(i, "click", button(f"Next {i}")) for i in (1, 2, 3)] + [make_step(4, "wait")]
    [f] = path_length.check(make_trace(steps, goal_status="incomplete"))
    assert f.measured["complete"] is False
    assert f.measured["steps"] == 3
    assert "at least 3 actions" in f.detail


# ---------------------------------------------------------------- asymmetric-path


def test_asymmetric_meta_like_is_high_with_ratio_and_typing():
    [f] = asymmetric_path.check(make_trace(meta_like_goal(), meta_like_baseline()))
    assert f.severity == "high"
    m = f.measured
    assert (m["goal_clicks"], m["baseline_clicks"]) == (4, 2)
    assert (m["goal_actions"], m["baseline_actions"], m["action_ratio"]) == (6, 2, 3.0)
    assert (m["goal_typed_chars"], m["baseline_typed_chars"]) == (126, 0)
    assert (m["goal_page_loads"], m["baseline_page_loads"]) == (3, 1)
    assert (m["goal_steps"], m["baseline_steps"]) == (6, 2)
    assert m["typing_only_on_goal"] is True
    assert m["more"] == ["clicks", "characters typed", "page loads"]
    assert m["goal_seconds"] > m["baseline_seconds"] > 0
    assert "3x the actions" in f.title


def test_asymmetric_three_times_the_clicks_is_high_without_typing():
    goal = [make_step(i, "click", button(f"Step {i}")) for i in (1, 2, 3)]
    base = [make_step(1, "click", button("Accept all"))]
    [f] = asymmetric_path.check(make_trace(goal, base, goal="reject"))
    assert f.severity == "high"
    assert (f.measured["action_ratio"], f.measured["typing_only_on_goal"]) == (3.0, False)
    assert f.title == "Rejecting takes 3x the actions of the opposite choice"


def test_asymmetric_two_clicks_against_one_is_medium():
    goal = [make_step(1, "click", button("Settings")), make_step(2, "click", button("Reject all"))]
    base = [make_step(1, "click", button("Accept all"))]
    [f] = asymmetric_path.check(make_trace(goal, base, goal="reject"))
    assert f.severity == "medium"
    assert f.measured["action_ratio"] == 2.0
    assert f.measured["more"] == ["clicks"]


def test_asymmetric_typing_where_baseline_types_nothing_is_high_even_at_low_ratio():
    goal = [make_step(1, "fill", textarea("Comments"), typed_chars=20),
            make_step(2, "click", button("Object"))]
    base = [make_step(1, "click", button("Close"))]
    [f] = asymmetric_path.check(make_trace(goal, base))
    assert f.severity == "high"
    assert f.measured["action_ratio"] == 2.0
    assert f.measured["typing_only_on_goal"] is True


def test_asymmetric_more_page_loads_only_is_medium():
    goal = [make_step(1, "click", button("Object"), page_loads=2)]
    base = [make_step(1, "click", button("Close"), page_loads=1)]
    [f] = asymmetric_path.check(make_trace(goal, base))
    assert f.severity == "medium"
    assert f.measured["more"] == ["page loads"]
    assert "page loads" in f.title


def test_asymmetric_symmetric_choice_is_fair():
    goal = [make_step(1, "click", button("Reject all"))]
    base = [make_step(1, "click", button("Accept all"))]
    assert asymmetric_path.check(make_trace(goal, base, goal="reject")) == []


@pytest.mark.parametrize("baseline_status", ["incomplete", "goal-unreachable"])
def test_asymmetric_needs_a_finished_baseline(baseline_status):
    goal = [make_step(i, "click", button(f"Next {i}")) for i in (1, 2, 3, 4)]
    base = [make_step(1, "click", button("Accept"))]
    assert asymmetric_path.check(make_trace(goal, base, baseline_status=baseline_status)) == []
    assert asymmetric_path.check(make_trace(goal, None)) == []


# ---------------------------------------------------------------- hidden-affordance


def test_hidden_affordance_meta_like_link_is_high():
    findings = hidden_affordance.check(make_trace(meta_like_goal(), meta_like_baseline()))
    [f] = findings  # the notification button is fair, the submit buttons are skipped
    assert f.severity == "high"
    assert (f.step, f.element) == (2, 1)
    m = f.measured
    assert m["signals"] == ["low_contrast", "small_text", "looks_like_text", "in_prose",
                            "weaker_than_baseline"]
    assert m["strong_signals"] == []
    assert (m["contrast"], m["font_size"], m["area"]) == (3.2, 12.0, 1440.0)
    assert (m["baseline_label"], m["baseline_area"], m["area_ratio"]) == ("Close", 28800.0, 20.0)
    assert "3.2:1" in f.detail and "12 px" in f.detail and "20 times smaller" in f.detail
    assert f.title.startswith('"right to object" is a small, low-contrast link inside running text')


def test_hidden_affordance_prominent_button_is_fair():
    goal = [make_step(1, "click", button("Object"))]
    base = [make_step(1, "click", button("Close"))]
    assert hidden_affordance.check(make_trace(goal, base)) == []


def test_hidden_affordance_plain_standalone_link_is_one_signal_only():
    goal = [make_step(1, "click", link("Manage choices", in_prose=False))]
    assert hidden_affordance.check(make_trace(goal)) == []


def test_hidden_affordance_two_weak_signals_are_medium():
    goal = [make_step(1, "click", link("right to object"))]
    [f] = hidden_affordance.check(make_trace(goal))
    assert f.severity == "medium"
    assert f.measured["signals"] == ["looks_like_text", "in_prose"]


def test_hidden_affordance_one_strong_signal_is_enough():
    goal = [make_step(1, "click", button("Object", covered=True))]
    [f] = hidden_affordance.check(make_trace(goal))
    assert f.severity == "medium"
    assert f.measured["signals"] == ["covered"] == f.measured["strong_signals"]


def test_hidden_affordance_below_fold_needs_a_measured_box():
    off = link("Object", in_prose=False, in_viewport=False)
    [f] = hidden_affordance.check(make_trace([make_step(1, "click", off)]))
    assert f.measured["signals"] == ["looks_like_text", "below_fold"]
    unknown = link("Object", in_prose=False, in_viewport=False, box=None)
    assert hidden_affordance.check(make_trace([make_step(1, "click", unknown)])) == []


def test_hidden_affordance_skips_submit_buttons_and_non_clicks():
    faint = dict(contrast=1.5, font_size=10.0, opacity=0.2)
    goal = [make_step(1, "click", button("Send", type="submit", **faint)),
            make_step(2, "check", button("I object", **faint))]
    assert hidden_affordance.check(make_trace(goal)) == []


def test_hidden_affordance_compares_only_with_the_baseline_choice_on_the_same_page():
    big = make_element().box.model_copy(update={"width": 600, "height": 100})
    small = make_element().box.model_copy(update={"width": 100, "height": 30})
    # both paths click the same notification first; the goal's link on another page has no rival
    goal = [make_step(1, "click", button("Notification", box=big)),
            make_step(2, "click", link("Object", in_prose=False, box=small), url=FORM)]
    base = [make_step(1, "click", button("Notification", box=big)), make_step(2, "click", button("Close"))]
    assert hidden_affordance.check(make_trace(goal, base)) == []
    # on the same page as the baseline's "Close", the 3000/1200 px² gap counts
    tiny = small.model_copy(update={"width": 40})
    goal[1] = make_step(2, "click", link("Object", in_prose=False, box=tiny))
    base[1] = make_step(2, "click", button("Close", box=small))
    trace = make_trace(goal, base)
    [f] = hidden_affordance.check(trace)
    assert f.measured["area_ratio"] == 2.5
    assert f.measured["signals"] == ["looks_like_text", "weaker_than_baseline"]
    # ... and is charged once: visual-asymmetry, judging the same control, cites the area and the style
    [va] = visual_asymmetry.check(trace)
    assert va.measured["cited_from_hidden_affordance"] == ["area", "style"] and va.severity == "info"


# ---------------------------------------------------------------- free-text-justification


def test_free_text_meta_like_required_reason_is_high_and_reported_once():
    [f] = free_text_justification.check(make_trace(meta_like_goal()))
    assert f.severity == "high"
    assert (f.step, f.element) == (3, 1)
    m = f.measured
    assert m["label"] == "Please explain how this processing impacts you"
    assert (m["required"], m["minlength"], m["typed_chars"]) == (True, 10, 120)
    assert m["filled_by_flow"] is True and m["asks_justification"] is True
    assert m["url"] == FORM
    assert "typed 120 characters" in f.detail
    assert f.title.startswith("You must write a reason")


def test_free_text_text_input_asking_for_a_reason_counts():
    reason = make_element(tag="input", type="text", text="", name="Reason for your objection",
                          label="Reason for your objection", required=True)
    goal = [make_step(1, "fill", reason, typed_chars=15), make_step(2, "click", button("Send"))]
    [f] = free_text_justification.check(make_trace(goal))
    assert f.severity == "high"
    assert f.measured["typed_chars"] == 15


def test_free_text_optional_box_the_flow_filled_is_medium():
    box = textarea("Additional comments")
    goal = [make_step(1, "fill", box, typed_chars=30), make_step(2, "click", button("Send"))]
    [f] = free_text_justification.check(make_trace(goal))
    assert f.severity == "medium"
    assert f.measured["asks_justification"] is False
    assert "not marked required" in f.detail


def test_free_text_optional_unfilled_box_and_ordinary_fields_are_fair():
    box = textarea("Additional information (optional)")
    email = make_element(tag="input", type="email", text="", name="Email", label="Email", required=True)
    code = make_element(tag="input", type="text", text="", name="Code", label="Confirmation code",
                        required=True, minlength=6)
    goal = [make_step(1, "fill", email, others=[box, code], typed_chars=17),
            make_step(2, "fill", code, typed_chars=6), make_step(3, "click", button("Object"))]
    assert free_text_justification.check(make_trace(goal)) == []


def test_free_text_required_unfilled_box_counts_only_when_the_path_stopped():
    box = textarea("Why do you object?", required=True)
    page = make_snapshot([box, button("Send")], url=FORM)
    goal = [make_step(1, "click", button("right to object"), page_loads=1)]
    assert free_text_justification.check(make_trace(goal, final=page)) == []
    [f] = free_text_justification.check(make_trace(goal, final=page, goal_status="incomplete"))
    assert f.severity == "high"
    assert (f.step, f.element) == (None, None)  # seen only on the final page
    assert f.measured["typed_chars"] == 0 and f.measured["filled_by_flow"] is False


# ---------------------------------------------------------------- registry


def test_registry_finds_the_four_core_heuristics_with_their_why():
    found = {h.id: h for h in all_heuristics()}
    for hid in ("path-length", "asymmetric-path", "hidden-affordance", "free-text-justification"):
        assert hid in found
        meta = found[hid].meta
        assert meta.why and meta.edpb and meta.provisions and meta.fix and meta.title
        assert found[hid].check(make_trace([])) == []
    assert "GDPR Art. 21(4)" in found["hidden-affordance"].meta.provisions
    assert "CCPA 11 CCR §7004(a)(2)" in found["asymmetric-path"].meta.provisions
