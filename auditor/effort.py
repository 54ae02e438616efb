"""How many seconds a person needs for a path: a keystroke-level model (Card, Moran & Newell).

Operators and their constants (documented in docs/effort.md, cited there):
- M, mental preparation before each action: 1.35 s.
- P, pointing, from Fitts's law (Shannon form) with the real target size and the distance from the
  previous target: 0.1 + 0.1 * log2(D / W + 1) s, W the target's smaller side.
- B, a click: 0.2 s (press and release).
- K, a keystroke: 0.28 s (average non-secretary typist); every typed character counts.
- R, reading: 230 words a minute for the text the path makes a person read before the control is found
  (the page's visible text up to the control, in document order).
- L, a page load: 2.0 s of waiting and re-orienting.
- X, leaving the page (opening the mailbox to fetch a code or confirm an address): 30 s.
These are conservative: a real person also hesitates, scrolls and re-reads.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from auditor.trace import Element, PathTrace, StepTrace

MENTAL_S = 1.35
CLICK_S = 0.2
KEYSTROKE_S = 0.28
WORDS_PER_S = 230 / 60
PAGE_LOAD_S = 2.0
LEAVE_PAGE_S = 30.0
FITTS_A, FITTS_B = 0.1, 0.1
_CODE_FIELD = re.compile(r"\b(code|otp|one[- ]time|verification|verify|pin)\b", re.I)
_POINTING = {"click", "check", "uncheck", "select", "fill"}


@dataclass
class Effort:
    seconds: float
    reading_words: int
    clicks: int
    keystrokes: int
    page_loads: int
    inbox_trips: int


def fitts_seconds(distance: float, width: float) -> float:
    width = max(width, 1.0)
    return FITTS_A + FITTS_B * math.log2(distance / width + 1)


def _words_before(text: str, target: Element | None) -> int:
    """Words a person reads on this page before meeting the control (all of it if it is not found)."""
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
    return bool(_CODE_FIELD.search(" ".join(filter(None, [el.name, el.label, el.placeholder, el.text]))))


def path_effort(path: PathTrace) -> Effort:
    seconds = 0.0
    words = clicks = keys = loads = trips = 0
    previous: tuple[float, float] | None = None
    read_urls: set[str] = set()
    for step in path.steps:
        el = step.target_element
        if step.snapshot is not None and step.url not in read_urls and el is not None:
            read_urls.add(step.url)
            words += _words_before(step.snapshot.text, el)
        if step.action in _POINTING and el is not None and el.box is not None:
            seconds += MENTAL_S
            cx, cy = el.box.center
            px, py = previous or (step.snapshot.viewport.width / 2, step.snapshot.viewport.height / 2)
            seconds += fitts_seconds(math.dist((cx, cy), (px, py)), min(el.box.width, el.box.height))
            previous = (cx, cy)
        elif step.action == "press":
            seconds += MENTAL_S
        clicks += step.clicks
        keys += step.typed_chars + (1 if step.action == "press" else 0)
        loads += step.page_loads
        if is_code_entry(step):
            trips += 1
        seconds += len(step.dialogs) * (MENTAL_S + CLICK_S)
    seconds += clicks * CLICK_S + keys * KEYSTROKE_S + words / WORDS_PER_S
    seconds += loads * PAGE_LOAD_S + trips * LEAVE_PAGE_S
    return Effort(round(seconds, 1), words, clicks, keys, loads, trips)
