"""How many seconds a person needs for a path: a keystroke-level model (Card, Moran & Newell).

Every constant is documented, with its source, in docs/effort.md. In short, a path costs:

- M, mental preparation before each action (find the control, decide): 1.35 s [KLM].
- P, pointing, from Fitts's law in MacKenzie's Shannon form, with the real target size and the distance
  from the previous target (page coordinates, so scrolling to a control far down the page costs more):
  0.2 + 0.2 * log2(D / W + 1) s, W the target's smaller side. The constants put a typical control in
  KLM's published pointing range of 0.8-1.5 s.
- B, a mouse click (press and release): 0.2 s [KLM, 2 x 0.1 s]. Focusing a field before typing is a
  click too.
- H, homing the hand between mouse and keyboard: 0.4 s [KLM], each time the hand changes device.
- K, a keystroke: 0.28 s (KLM's "average non-secretary typist", 40 wpm) for text; 0.5 s for a code copied
  from an e-mail (KLM's "typing random letters").
- R, reading: 238 words a minute (Brysbaert 2019, silent reading of non-fiction) for the text a person
  must read *to find the control*: the page's text up to the control, counted once per page, and only
  when the control cannot be found at a glance (a link inside running text, or a control styled as plain
  text). A button or a form field is found by looking, which M covers. Why: the notice is the same for
  both answers; a person who accepts can read it or not, exactly like one who objects, so charging it to
  both adds the same constant to each and hides the difference. What differs is reading the design
  *forces*: the only way to find a "right to object" link in paragraph two is to read up to it.
- W, waiting for the page: each page load 2.0 s (below the 2.5 s "good" Largest Contentful Paint of
  Core Web Vitals); a control that appears late, the measured wait beyond 1 s; an explicit wait step,
  its measured duration.
- X, leaving the page to fetch a code or confirm an address in the mailbox: 30 s (an estimate; see
  docs/effort.md).
- Dialogs (confirm, prompt, beforeunload) answered on the way: M + an average KLM pointing (1.1 s) each;
  their click is counted by the driver.

On a touch screen (the trace's situation has touch: ``settings.device``), the finger replaces the mouse
(docs/effort.md, "Touch screens"): P with the finger's Fitts slope (1/6.95 s per bit, MacKenzie 2015), a
tap costs B like a click, there is no H (no hand travels between mouse and keyboard: the on-screen keyboard
comes to the fingers), and K is on-screen typing, 0.33 s a character (36.2 words a minute, Palin et al.
2019).

These are lower bounds: a real person also hesitates, scrolls back and re-reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from auditor.trace import Element, PathTrace, StepTrace

MENTAL_S = 1.35  # M
CLICK_S = 0.2  # B, press + release
HOMING_S = 0.4  # H
KEYSTROKE_S = 0.28  # K, average non-secretary typist (40 wpm)
CODE_KEYSTROKE_S = 0.5  # K, typing random letters: a code copied from an e-mail
POINT_AVERAGE_S = 1.1  # KLM's average P, used where no geometry is known (a native dialog's button)
WORDS_PER_MINUTE = 238
WORDS_PER_S = WORDS_PER_MINUTE / 60
PAGE_LOAD_S = 2.0
LATE_CONTROL_S = 1.0  # waits up to this long are page rendering, already in PAGE_LOAD_S
LEAVE_PAGE_S = 30.0  # X
FITTS_A, FITTS_B = 0.2, 0.2
# Touch screens (docs/effort.md, "Touch screens")
TOUCH_FITTS_B = round(1 / 6.95, 3)  # s/bit: finger throughput 6.95 bits/s on a phone (MacKenzie 2015)
TOUCH_KEYSTROKE_S = 0.33  # on-screen keyboard: 36.2 wpm x 5 characters (Palin et al. 2019, 37,000 typists)
TOUCH_HOMING_S = 0.0  # no mouse to leave: the on-screen keyboard appears under the fingers
_POINTING = {"click", "check", "uncheck", "select", "fill"}
_TYPING = {"fill", "press"}


@dataclass
class Effort:
    seconds: float
    reading_words: int
    clicks: int
    keystrokes: int
    page_loads: int
    inbox_trips: int
    operators: dict[str, float] = field(default_factory=dict)  # seconds per operator (M, P, B, H, K, R, W, X)
    touch: bool = False  # the touch figures were used: the clicks were taps


@dataclass(frozen=True)
class Figures:
    """The constants that depend on the pointing device: a mouse and keyboard, or a finger on a touch screen."""

    fitts_b: float
    homing_s: float
    keystroke_s: float


MOUSE = Figures(FITTS_B, HOMING_S, KEYSTROKE_S)
TOUCH = Figures(TOUCH_FITTS_B, TOUCH_HOMING_S, TOUCH_KEYSTROKE_S)


def figures_for(path: PathTrace) -> Figures:
    """Touch figures when the path ran on a touch screen (settings.device), else mouse and keyboard."""
    return TOUCH if path.situation is not None and path.situation.has_touch else MOUSE


def fitts_seconds(distance: float, width: float, slope: float = FITTS_B) -> float:
    """Movement time to a target ``width`` px wide, ``distance`` px away (Shannon formulation)."""
    width = max(width, 1.0)
    return FITTS_A + slope * math.log2(max(distance, 0.0) / width + 1)


def must_read_to_find(el: Element | None) -> bool:
    """True when the control can only be found by reading: a link in running text, or plain-text styling."""
    if el is None or el.is_field:
        return False
    return el.in_prose or (not el.has_fill and not el.has_border)


def _words_before(text: str, target: Element | None) -> int:
    """Words a person reads on this page before meeting the control (all of it if it is not in the text)."""
    if target is None:
        return 0
    label = target.label_text
    pos = text.find(label) if label else -1
    head = text[:pos] if pos >= 0 else text
    return len(head.split())


def is_code_entry(step: StepTrace) -> bool:
    el = step.target_element
    if step.action != "fill" or el is None:
        return False
    from auditor.words.phrases import (  # the one list of code-field words, 26 languages
        CODE_FIELD,
        NOT_A_CODE,
    )

    words = " ".join(filter(None, [el.name, el.label, el.placeholder, el.text]))
    return bool(CODE_FIELD.search(words)) and not NOT_A_CODE.search(words)


def path_effort(path: PathTrace) -> Effort:
    fig = figures_for(path)
    ops = dict.fromkeys(("M", "P", "B", "H", "K", "R", "W", "X"), 0.0)
    words = clicks = keys = loads = trips = 0
    previous: tuple[float, float] | None = None
    hand = "mouse"
    read_urls: set[str] = set()
    for step in path.steps:
        el = step.target_element
        url = step.url.split("#", 1)[0]
        if step.snapshot is not None and url not in read_urls and must_read_to_find(el):
            read_urls.add(url)
            words += _words_before(step.snapshot.text, el)
        if step.action in _POINTING and el is not None and el.box is not None:
            if hand != "mouse":
                ops["H"] += fig.homing_s
                hand = "mouse"
            ops["M"] += MENTAL_S
            cx, cy = el.box.center
            vp = step.snapshot.viewport
            px, py = previous or (vp.x + vp.width / 2, vp.y + vp.height / 2)
            ops["P"] += fitts_seconds(math.dist((cx, cy), (px, py)), min(el.box.width, el.box.height), fig.fitts_b)
            previous = (cx, cy)
            if step.action == "fill":
                ops["B"] += CLICK_S  # a click to focus the field; the driver does not count it as a click
        elif step.action == "press":
            ops["M"] += MENTAL_S
        if step.action in _TYPING and (step.typed_chars or step.action == "press") and hand != "keyboard":
            ops["H"] += fig.homing_s
            hand = "keyboard"
        code = is_code_entry(step)
        typed = step.typed_chars + (1 if step.action == "press" else 0)
        ops["K"] += typed * (CODE_KEYSTROKE_S if code else fig.keystroke_s)
        clicks += step.clicks
        keys += typed
        loads += step.page_loads
        if code:
            trips += 1
        ops["M"] += len(step.dialogs) * MENTAL_S
        ops["P"] += len(step.dialogs) * POINT_AVERAGE_S
        if step.action == "wait":
            ops["W"] += step.duration_ms / 1000
        elif step.find_ms is not None and step.find_ms / 1000 > LATE_CONTROL_S:
            ops["W"] += step.find_ms / 1000 - LATE_CONTROL_S
    ops["B"] += clicks * CLICK_S
    ops["R"] += words / WORDS_PER_S
    ops["W"] += loads * PAGE_LOAD_S
    ops["X"] += trips * LEAVE_PAGE_S
    ops = {k: round(v, 2) for k, v in ops.items()}
    return Effort(round(sum(ops.values()), 1), words, clicks, keys, loads, trips, ops, touch=fig is TOUCH)
