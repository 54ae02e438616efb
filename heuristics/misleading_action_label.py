"""misleading-action-label: saying no means pressing a button that says yes.

What it does
    Looks at every control the goal path clicks (refusing, objecting, opting out) that the baseline does
    not also click. When its visible label reads as acceptance, the words contradict what the click does:
    the affordance classifier reads the whole label as an accept ("Accept", "OK, I agree"), or reads it
    as a save whose word or two-word part is an accept ("Accept selected", "Auswahl akzeptieren",
    "Kiválasztottat elfogad"), in every language it knows. A neutral commit ("Save", "Confirm my
    choices") and a refusal that names what it refuses ("Alle ablehnen", "Continuer sans accepter") are
    fair. One finding per such click, **medium**.

Why is this bad?
    A person who has switched every purpose off and must then press "Accept selected" is told by the one
    word they read last that they are accepting. Many stop there, unsure whether the switches or the button
    win, and some go back and press "Accept all". The EDPB calls contradictory wording *Conflicting
    information* (4.6.1); consent must be an unambiguous indication of the person's wishes (GDPR Art. 4(11))
    and information must be given in clear and plain language (GDPR Art. 12(1)), fairly (Art. 5(1)(a)).

What a fair design does
    Labels the button by what it does with the choice made: "Save my choices" or "Confirm my choices", the
    same word whatever the switches say, and a "Reject all" beside it.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace
from heuristics._words import affordance, click_steps, label, same_control
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding

MAX_PART_WORDS = 2  # "Accept selected" -> "Accept"; longer parts are the whole label's business

class Measured(Evidence):
    label: str = figure("Label of the control clicked to refuse")
    accepting_words: str = figure("Words that read as acceptance")
    goal: str = figure("What the click is for (the flow's goal)")


META = HeuristicMeta(
    id="misleading-action-label",
    title="Saying no means pressing a button that says yes",
    severity="medium",
    measures="the visible label of each control the goal path clicks and the baseline does not: an accept "
    "label, or a word or two-word part of it that reads as acceptance (affordance classifier)",
    why="A person who switched everything off and must then press 'Accept selected' is told by the last word "
    "they read that they are accepting: the EDPB's 'Conflicting information'. Consent must be unambiguous "
    "(GDPR Art. 4(11)) and information clear and plain (Art. 12(1)).",
    edpb=("4.6.1 Conflicting information",),
    provisions=("GDPR Art. 4(11)", "GDPR Art. 5(1)(a)", "GDPR Art. 7(2)", "GDPR Art. 12(1)"),
    fix="Label the button by what it does with the choice made ('Save my choices', 'Confirm my choices') and "
    "offer 'Reject all' beside it.",
    tags=("conflicting-information", "wording"),
    requires=(TracePart.GOAL_CLICKS,),
    evidence=Measured,
)


def accepting_words(text: str) -> str | None:
    """The part of ``text`` that reads as acceptance: the whole label when it is an accept; for a save
    ("Accept selected"), its first 1- or 2-word part that is one. Refusals, settings and the rest: None."""
    text = " ".join((text or "").split())
    whole = affordance(text)
    if whole == "accept":
        return text
    if whole != "save":
        return None
    words = text.split(" ")
    for size in range(1, min(MAX_PART_WORDS, len(words) - 1) + 1):
        for i in range(len(words) - size + 1):
            part = " ".join(words[i:i + size]).strip(".,:;!?()\"'")
            if part and affordance(part) == "accept":
                return part
    return None


def _clicked_by_baseline(trace: FlowTrace, el: Element) -> bool:
    if trace.baseline is None:
        return False
    return any(same_control(s.target_element, el) for s in click_steps(trace.baseline))


def check(trace: FlowTrace) -> list[Finding]:
    out = []
    for step in click_steps(trace.goal):
        el = step.target_element
        if _clicked_by_baseline(trace, el):
            continue  # the shared way in (opening the notice), not the choice
        words = accepting_words(el.label_text)
        if words is None:
            continue
        name = label(el)
        title = f'Refusing means pressing "{name}"'
        detail = (f'Step {step.number} of the goal path ({trace.flow.goal}) clicks "{name}": '
                  + (f'the words "{words}" read as acceptance' if words != " ".join(el.label_text.split())
                     else "the label reads as acceptance")
                  + ", the opposite of what the click does. A person cannot tell whether the switches or "
                  "the button decide.")
        out.append(finding(META, title=title, detail=detail, path="goal", step=step.number, element=step.target,
                           measured=Measured(label=name, accepting_words=words, goal=trace.flow.goal)))
    return out
