"""Shared vocabulary and small helpers of the wording and layout heuristics (not a heuristic itself).

What a control's label *does* (accept, refuse, lead on to settings or information) is asked of the
affordance classifier (auditor.classifier), which knows the 24 EU languages plus Catalan and Norwegian;
a prediction under its confidence floor counts as "other", so an unfamiliar link is never an accept.
Phrase lists for searching page *text* live in auditor/words/phrases.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor.classifier.labels import ACCEPTING, LEADING_ON, REFUSING
from auditor.trace import Element, FlowTrace, PathTrace, Snapshot, StepTrace
from auditor.words import phrases


def _rx(*alternatives: str) -> re.Pattern:
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)


# Purposes that may be on by default because the service cannot work without them (every target language).
NECESSARY = phrases.NECESSARY

# Consent-giving wording of a radio option ("Yes, use my data").
CONSENTING_OPTION = _rx(r"yes", r"allow", r"accept", r"agree", r"on", r"enable(?:d)?", r"ja", r"oui", r"sí",
                        r"erlauben", r"autoriser", r"permitir", r"consenti", r"toestaan")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def short(text: str, limit: int = 80) -> str:
    """Whitespace-collapsed ``text``, cut at ``limit`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def label(el: Element | None, limit: int = 60) -> str:
    return short(el.label_text, limit) if el is not None else ""


def field_words(el: Element) -> str:
    """A form field's own words (label, name, placeholder; each once), to match what it asks for."""
    return " ".join(dict.fromkeys(filter(None, [el.label, el.name, el.placeholder])))


def page(url: str) -> str:
    """A URL without its fragment: the same page for every path."""
    return (url or "").split("#", 1)[0]


def classify_labels(trace: FlowTrace) -> None:
    """Classifies every control label of the trace in one model call, so the heuristics' one-by-one
    questions below are answered from the classifier's cache (5,000 links: one batch, not 5,000 calls)."""
    from auditor.classifier import classify

    labels = {e.label_text for path in filter(None, (trace.goal, trace.baseline))
              for _, snap in path.snapshots() for e in snap.elements if e.label_text}
    classify(sorted(labels))


# Pure functions of a label, asked about the same first-screen labels by several heuristics: cached.
@lru_cache(maxsize=16384)
def affordance(text: str) -> str:
    """The control's label from auditor.classifier.LABELS, "other" when the classifier is not confident."""
    if not (text or "").strip():
        return "other"
    from auditor.classifier import affordance as classify_one

    return classify_one(text).confident_label


def is_refuse(text: str) -> bool:
    """Refuses consent or objects: "Reject all", "Tout refuser", "Opt out", "Continue without accepting"."""
    return affordance(text) in REFUSING


def is_accept(text: str) -> bool:
    """The yes-side: gives consent, or closes the notice without a choice ("Close", "Got it")."""
    return affordance(text) in ACCEPTING


def is_more_info(text: str) -> bool:
    """Leads on without choosing: settings, options, more information."""
    return affordance(text) in LEADING_ON


SCAN_CHARS = 50_000  # wording heuristics read this much of a page's text: notices say what matters early
_WINDOW = 400


def scan_text(text: str) -> str:
    """The part of a page's text the wording heuristics read (bounded, so huge pages stay fast)."""
    return (text or "")[:SCAN_CHARS]


def sentence_around(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence of ``text`` containing the span [start, end), cut to ``limit`` characters."""
    lo = max(0, start - _WINDOW)
    left = max(text.rfind(". ", lo, start), text.rfind("! ", lo, start), text.rfind("? ", lo, start))
    left = lo if left < 0 else left + 2
    hi = min(len(text), end + _WINDOW)
    right_candidates = [i for i in (text.find(". ", end, hi), text.find("! ", end, hi), text.find("? ", end, hi))
                        if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else hi
    sentence = text[left:right].strip()
    if len(sentence) > limit:
        # keep the match in view
        offset = max(0, start - left - limit // 3)
        sentence = ("..." if offset else "") + sentence[offset: offset + limit - 6].strip() + "..."
    return sentence


def first_snapshot(path: PathTrace) -> tuple[StepTrace | None, Snapshot | None]:
    """The first page state of a path (step 1's snapshot; the final page if no step has one)."""
    for step in path.steps:
        if step.snapshot is not None:
            return step, step.snapshot
    return None, path.final


def same_control(a: Element, b: Element) -> bool:
    if a.path and b.path:
        return a.path == b.path
    return a.tag == b.tag and a.label_text == b.label_text


def click_steps(path: PathTrace) -> list[StepTrace]:
    return [s for s in path.steps if s.action == "click" and s.target_element is not None]


def first_choice_pair(trace: FlowTrace) -> tuple[StepTrace, StepTrace] | None:
    """The goal path's and the baseline's first *different* clicks, when they are on the same page.

    Controls both paths click first (opening a notification) are skipped: they are the shared way in, not
    the choice.
    """
    if trace.baseline is None:
        return None
    goal, base = click_steps(trace.goal), click_steps(trace.baseline)
    i = 0
    while i < len(goal) and i < len(base) and same_control(goal[i].target_element, base[i].target_element):
        i += 1
    if i >= len(goal) or i >= len(base):
        return None
    g, b = goal[i], base[i]
    if page(g.url) != page(b.url):
        return None
    return g, b


def after_snapshot(path: PathTrace, index: int) -> Snapshot | None:
    """The page state after the step at list position ``index``: the next step's snapshot or the final."""
    for step in path.steps[index + 1:]:
        if step.snapshot is not None:
            return step.snapshot
    return path.final
