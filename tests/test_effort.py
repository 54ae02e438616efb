"""The keystroke-level effort model on hand-made traces: each operator moves the total the way it should."""

from __future__ import annotations

import math

import pytest
from tests.trace_factory import make_element, make_path, make_snapshot, make_step

from auditor.measure import effort
from auditor.measure.effort import fitts_seconds, path_effort
from auditor.trace import Box, Dialog

CENTRE = (640, 360)  # the trace factory's 1280x720 viewport: where the pointer starts


def at(x, y, w=120, h=40):
    """A box whose centre is (x, y)."""
    return Box(x=x - w / 2, y=y - h / 2, width=w, height=h)


def seconds(*steps):
    return path_effort(make_path("goal", list(steps))).seconds


def ops(*steps):
    return path_effort(make_path("goal", list(steps))).operators


# ---------------------------------------------------------------- Fitts's law


def test_fitts_grows_with_distance_and_shrinks_with_width():
    assert fitts_seconds(100, 40) < fitts_seconds(400, 40) < fitts_seconds(1600, 40)
    assert fitts_seconds(400, 10) > fitts_seconds(400, 40) > fitts_seconds(400, 160)


def test_fitts_shannon_form_values():
    assert fitts_seconds(0, 40) == pytest.approx(effort.FITTS_A)  # log2(1) = 0: no movement, no bits
    assert fitts_seconds(120, 40) == pytest.approx(effort.FITTS_A + 2 * effort.FITTS_B)  # log2(4) = 2 bits
    assert fitts_seconds(100, 0) == fitts_seconds(100, 1)  # a zero-size box is not a division by zero


def test_typical_controls_fall_in_klms_pointing_range():
    # KLM: pointing with a mouse takes 0.8-1.5 s depending on distance and size, 1.1 s on average.
    assert 0.8 <= fitts_seconds(500, 40) <= 1.5  # a button across the screen
    assert 0.8 <= fitts_seconds(900, 14) <= 1.5  # a small link far away


def test_a_far_small_link_costs_more_than_a_near_big_button():
    near_big = make_step(1, "click", make_element(box=at(CENTRE[0], CENTRE[1] + 60, 600, 48)))
    far_small = make_step(1, "click", make_element(tag="a", box=at(1200, 2500, 70, 14)))
    assert ops(far_small)["P"] > ops(near_big)["P"]
    assert seconds(far_small) > seconds(near_big)


def test_pointing_distance_runs_from_the_previous_target():
    first = make_element(box=at(100, 100), path="#a")
    near = make_element(box=at(100, 160), path="#b")
    far = make_element(box=at(1200, 700), path="#c")
    p_near = ops(make_step(1, "click", first), make_step(2, "click", near))["P"]
    p_far = ops(make_step(1, "click", first), make_step(2, "click", far))["P"]
    d0 = math.dist(CENTRE, (100, 100))
    assert p_near == pytest.approx(fitts_seconds(d0, 40) + fitts_seconds(60, 40), abs=0.01)
    assert p_far > p_near


# ---------------------------------------------------------------- one click, the KLM way


def test_one_click_on_a_button_is_m_p_bb():
    button = make_element(box=at(640, 420))
    e = path_effort(make_path("goal", [make_step(1, "click", button)]))
    expected = effort.MENTAL_S + fitts_seconds(60, 40) + effort.CLICK_S
    assert e.seconds == pytest.approx(expected, abs=0.05)
    assert (e.clicks, e.keystrokes, e.reading_words, e.inbox_trips) == (1, 0, 0, 0)


# ---------------------------------------------------------------- reading


NOTICE = " ".join(["word"] * 238) + " right to object and more text after the link"


def test_a_link_in_running_text_costs_reading_up_to_it():
    link = make_element(tag="a", text="right to object", has_fill=False, in_prose=True, box=at(640, 420, 90, 16))
    step = make_step(1, "click", snapshot=make_snapshot([link], text=NOTICE), target_element=link)
    e = path_effort(make_path("goal", [step]))
    assert e.reading_words == 238
    assert e.operators["R"] == pytest.approx(60.0)  # 238 words at 238 words a minute


def test_a_button_is_found_by_looking_not_by_reading():
    button = make_element(text="Close", box=at(640, 420, 600, 48))
    step = make_step(1, "click", snapshot=make_snapshot([button], text=NOTICE + " Close"), target_element=button)
    e = path_effort(make_path("goal", [step]))
    assert e.reading_words == 0 and e.operators["R"] == 0
    assert e.seconds < 3  # "accepting takes 1 tap (about 2 s)", not the time to read the notice


def test_a_page_is_read_once_even_with_two_hidden_controls_on_it():
    a = make_element(tag="a", text="right to object", has_fill=False, in_prose=True, path="#a")
    b = make_element(tag="a", text="after", has_fill=False, in_prose=True, path="#b")
    snap = make_snapshot([a, b], text=NOTICE)
    e = path_effort(make_path("goal", [make_step(1, "click", a, snapshot=snap),
                                       make_step(2, "click", b, snapshot=snap)]))
    assert e.reading_words == 238


def test_form_fields_are_not_charged_reading():
    field = make_element(tag="textarea", text="", name="Reason", label="Reason", has_fill=False, has_border=False)
    step = make_step(1, "fill", snapshot=make_snapshot([field], text=NOTICE), target_element=field, typed_chars=0)
    assert path_effort(make_path("goal", [step])).reading_words == 0


# ---------------------------------------------------------------- typing, homing, inbox


def field(label, **kw):
    return make_element(tag="input", type="text", text="", name=label, label=label, box=at(640, 300, 400, 44), **kw)


def test_typing_costs_keystrokes_a_focusing_click_and_homing_both_ways():
    reason = field("Reason", path="#reason")
    send = make_element(text="Send", box=at(640, 380), path="#send")
    e = path_effort(make_path("goal", [make_step(1, "fill", reason, typed_chars=50),
                                       make_step(2, "click", send)]))
    assert e.operators["K"] == pytest.approx(50 * effort.KEYSTROKE_S)
    assert e.operators["H"] == pytest.approx(2 * effort.HOMING_S)  # to the keyboard, back to the mouse
    assert e.operators["B"] == pytest.approx(2 * effort.CLICK_S)  # focus the field, click Send
    assert e.keystrokes == 50 and e.clicks == 1


def test_more_typing_costs_more():
    short = seconds(make_step(1, "fill", field("Reason"), typed_chars=10))
    long = seconds(make_step(1, "fill", field("Reason"), typed_chars=200))
    assert long - short == pytest.approx(190 * effort.KEYSTROKE_S, abs=0.1)


def test_code_entry_adds_an_inbox_trip_and_slower_keystrokes():
    plain = path_effort(make_path("goal", [make_step(1, "fill", field("Name"), typed_chars=6)]))
    code = path_effort(make_path("goal", [make_step(1, "fill", field("Confirmation code"), typed_chars=6)]))
    assert (plain.inbox_trips, code.inbox_trips) == (0, 1)
    assert code.operators["X"] == effort.LEAVE_PAGE_S
    assert code.operators["K"] == pytest.approx(6 * effort.CODE_KEYSTROKE_S)
    assert code.seconds - plain.seconds == pytest.approx(
        effort.LEAVE_PAGE_S + 6 * (effort.CODE_KEYSTROKE_S - effort.KEYSTROKE_S), abs=0.1)


@pytest.mark.parametrize("label", ["Verification code", "One-time password", "Enter the PIN", "OTP"])
def test_code_fields_are_recognised(label):
    assert path_effort(make_path("goal", [make_step(1, "fill", field(label), typed_chars=6)])).inbox_trips == 1


# ---------------------------------------------------------------- waiting, dialogs


def test_page_loads_cost_waiting():
    button = make_element(box=at(640, 420))
    without = seconds(make_step(1, "click", button))
    with_load = seconds(make_step(1, "click", button, page_loads=1))
    assert with_load - without == pytest.approx(effort.PAGE_LOAD_S, abs=0.05)


def test_a_late_control_costs_its_wait_beyond_a_second():
    button = make_element(box=at(640, 420))
    assert ops(make_step(1, "click", button, find_ms=600))["W"] == 0
    assert ops(make_step(1, "click", button, find_ms=3500))["W"] == pytest.approx(2.5)


def test_a_wait_step_costs_its_duration():
    assert ops(make_step(1, "wait", duration_ms=5000))["W"] == pytest.approx(5.0)


def test_a_confirm_dialog_costs_a_decision_and_a_point():
    button = make_element(box=at(640, 420))
    plain = path_effort(make_path("goal", [make_step(1, "click", button)]))
    dialog = path_effort(make_path("goal", [make_step(1, "click", button, clicks=2,
                                                      dialogs=[Dialog(kind="confirm", message="Sure?")])]))
    assert dialog.seconds - plain.seconds == pytest.approx(
        effort.MENTAL_S + effort.POINT_AVERAGE_S + effort.CLICK_S, abs=0.05)


def test_operator_breakdown_adds_up_to_the_total():
    link = make_element(tag="a", text="right to object", has_fill=False, in_prose=True, box=at(640, 900, 90, 16))
    steps = [make_step(1, "click", snapshot=make_snapshot([link], text=NOTICE), target_element=link, page_loads=1),
             make_step(2, "fill", field("Reason"), typed_chars=40),
             make_step(3, "fill", field("Confirmation code"), typed_chars=6),
             make_step(4, "click", make_element(text="Confirm", box=at(640, 400)))]
    e = path_effort(make_path("goal", steps))
    assert e.seconds == pytest.approx(sum(e.operators.values()), abs=0.1)
    assert set(e.operators) == {"M", "P", "B", "H", "K", "R", "W", "X"}
