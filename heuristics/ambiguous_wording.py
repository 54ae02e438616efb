"""ambiguous-wording: the notice never names the choice, or hedges what it will do with it.

What it does
    Three checks on the wording of the goal path, each its own finding, each quoting what it found:

    - **unnamed choice** (medium): the first screen never uses a word for the choice (object, refuse,
      reject, decline, opt out... in every target language; neither in its text nor on a control), and the
      first control the goal path clicks is a "Learn more" / "More info" / "Settings"-like link. The person
      is not told there is anything to decide.
    - **hedged outcome**: text on a goal page, or a dialog, that makes the result of the choice uncertain.
      *Conditional outcomes* ("if your objection is honoured / accepted", "we will review your request",
      "we may continue to process", "we may not be able to") are **medium**; only generic hedges ("we
      may", "where applicable", "depending on where you live", "subject to") are **low**.
    - **double negative** (medium): "don't not", "uncheck to not receive", "untick if you do not want not
      to...": wording where the person must work out which state means no.

    Sentences are quoted (truncated to 160 characters), each once.

Why is this bad?
    A choice nobody is told about is not made. Meta's 2024 notice said it would rely on "legitimate
    interests" and offered "Learn more", never "object"; its form then promised only that "if your
    objection is honoured, it will be applied going forwards" and that it "may continue to process
    information about you ... even if you object" (Tantacrul: "Don't see that too often"). The EDPB calls
    vague terms *Ambiguous wording or information* (4.6.2) and contradictory statements *Conflicting
    information* (4.6.1). GDPR Art. 12(1) requires concise, transparent, intelligible information in clear
    and plain language; Art. 21(4) requires the right to object to be brought explicitly to the person's
    attention; California forbids double negatives in choices (11 CCR §7004(a)(3)).

What a fair design does
    Names the choice in the first sentence ("We want to use your posts to train AI. You can object."),
    says exactly what happens after it ("If you object, we will not use your posts"), and words every
    option so that one reading is possible.
"""

from __future__ import annotations

import re

from auditor.findings import Finding
from auditor.trace import FlowTrace
from auditor.words.phrases import (
    CONDITIONAL_OUTCOME,
    DOUBLE_NEGATIVE,
    GENERIC_HEDGE,
    REFUSAL_TEXT,
)
from heuristics._words import (
    click_steps,
    first_snapshot,
    is_more_info,
    is_refuse,
    label,
    scan_text,
    sentence_around,
    short,
)
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding


class Measured(Evidence):
    """One of three findings (``kind``), each with its own figures: the unnamed choice's first page, the
    hedged sentences, or the double negatives, quoted."""

    kind: str = figure("Finding")
    first_page_words: int = figure("Length of the first page", "words")
    first_control: str = figure("First control the path clicks")
    url: str = figure("Page")
    hedge_kind: str = figure("Strongest hedge")
    conditional: list[str] = figure("Conditional outcomes, quoted")
    generic: list[str] = figure("Generic hedges, quoted")
    steps: list[int] = figure("Steps where the hedges appear")
    sentences: list[str] = figure("Double negatives, quoted")


META = HeuristicMeta(
    id="ambiguous-wording",
    title="The notice never names the choice, or hedges what it will do",
    severity="medium",
    measures="whether the first screen names the choice at all; hedged outcomes ('if your objection is "
    "honoured', 'we will review your request', 'we may'); double negatives, quoted from the goal path's pages",
    why="A choice nobody is told about is not made, and an outcome that 'may' happen is no outcome. Meta's "
    "2024 notice said 'Learn more', never 'object', and promised only that 'if your objection is honoured' it "
    "would apply: the EDPB's 'Ambiguous wording or information'. GDPR Art. 12(1) requires clear and plain "
    "language; Art. 21(4) requires the right to object to be brought explicitly to attention.",
    edpb=("4.6.2 Ambiguous wording or information", "4.6.1 Conflicting information"),
    provisions=("GDPR Art. 12(1)", "GDPR Art. 21(4)", "GDPR Art. 13", "CCPA 11 CCR §7004(a)(3)"),
    fix="Name the choice in the first sentence ('You can object'), say exactly what happens after it ('If "
    "you object, we will not use your posts'), and word options so only one reading is possible.",
    tags=("wording", "left-in-the-dark"),
    requires=(TracePart.PAGES,),
    evidence=Measured,
)


_VERB = {"object": "object", "reject": "refuse", "opt-out": "opt out", "withdraw": "withdraw consent",
         "unsubscribe": "unsubscribe", "delete": "have your data deleted"}


MAX_QUOTES = 20  # sentences kept per kind: enough to make the point, bounded on huge pages


def _hits(rx: re.Pattern, text: str, seen: set[str]) -> list[str]:
    out = []
    text = scan_text(text)
    for m in rx.finditer(text):
        s = sentence_around(text, m.start(), m.end())
        if s.lower() not in seen:
            seen.add(s.lower())
            out.append(s)
            if len(out) >= MAX_QUOTES:
                break
    return out


def _texts(trace: FlowTrace):
    """(step number or None, where, text) for every goal page and dialog, in order."""
    path = trace.goal
    n = len(path.steps)
    read: set[str] = set()
    for number, snap in path.snapshots():
        if snap.text in read:  # the same page text again (fields filled on one form): read once
            continue
        read.add(snap.text)
        yield (number if number <= n else None), "page", snap.text
    for step in path.steps:
        for d in step.dialogs:
            yield step.number, "dialog", d.message


def check(trace: FlowTrace) -> list[Finding]:
    findings: list[Finding] = []
    step, snap = first_snapshot(trace.goal)
    clicks = click_steps(trace.goal)
    # 1. The first screen never names the choice.
    if step is not None and snap is not None and clicks:
        names_choice = REFUSAL_TEXT.search(scan_text(snap.text)) or any(is_refuse(e.label_text)
                                                                          for e in snap.first_screen)
        first = clicks[0]
        if not names_choice and is_more_info(first.target_element.label_text) and first.url == step.url:
            findings.append(finding(
                META, severity="medium",
                title=(f"The notice never says you can {_VERB.get(trace.flow.goal, 'say no')}; its way on is "
                       f'"{label(first.target_element)}"'),
                detail=(f"The first page of the goal path (step {step.number}, {len(snap.text.split())} words) "
                        f"uses no word for the choice (object, refuse, reject, opt out) in its text or on any "
                        f'control; the path goes on through "{label(first.target_element)}". The person is not '
                        "told there is anything to decide."),
                path="goal", step=first.number, element=first.target,
                measured=Measured(kind="unnamed-choice", first_page_words=len(snap.text.split()),
                                  first_control=label(first.target_element), url=snap.url)))
    # 2. Hedged outcomes; 3. double negatives.
    seen: set[str] = set()
    strong: list[tuple[int | None, str]] = []
    weak: list[tuple[int | None, str]] = []
    double: list[tuple[int | None, str]] = []
    texts = list(_texts(trace))
    for number, _, text in texts:
        strong += [(number, s) for s in _hits(CONDITIONAL_OUTCOME, text, seen)]
        double += [(number, s) for s in _hits(DOUBLE_NEGATIVE, text, seen)]
    for number, _, text in texts:  # after the conditional ones: a sentence with both counts as conditional
        weak += [(number, s) for s in _hits(GENERIC_HEDGE, text, seen)]
    if strong or weak:
        hedges = strong + weak
        quoted = " / ".join(f'"{short(s, 160)}"' for _, s in hedges[:4])
        more = f" and {len(hedges) - 4} more" if len(hedges) > 4 else ""
        kind = "conditional outcome" if strong else "generic hedge"
        detail = (f"The goal path's pages hedge what the choice will do ({len(strong)} conditional, "
                  f"{len(weak)} generic): {quoted}{more}. The person cannot tell whether saying no will work.")
        title = (f'The outcome of the choice is hedged: "{short(strong[0][1], 70)}"' if strong
                 else f'The notice hedges with "{short(weak[0][1], 70)}"')
        findings.append(finding(
            META, severity="medium" if strong else "low", title=title, detail=detail, path="goal",
            step=hedges[0][0],
            measured=Measured(kind="hedged-outcome", hedge_kind=kind, conditional=[s for _, s in strong],
                              generic=[s for _, s in weak],
                              steps=sorted({n for n, _ in hedges if n is not None}))))
    if double:
        quoted = " / ".join(f'"{short(s, 160)}"' for _, s in double[:3])
        findings.append(finding(
            META, severity="medium", title=f'A double negative: "{short(double[0][1], 70)}"',
            detail=f"The wording makes the person work out which state means no: {quoted}.",
            path="goal", step=double[0][0],
            measured=Measured(kind="double-negative", sentences=[s for _, s in double])))
    return findings
