"""free-text-justification: the person must write a reason to be left alone.

What it does
    Looks at every page of the goal path for a free-text field: a ``<textarea>``, or a text input whose
    label asks the person to explain, describe, give a reason, justify, say why or say how it affects them
    (or that demands at least 10 characters, which no name or code needs). It fires for such a field when

    - the goal path fills it and the page makes it mandatory (``required``, a ``minlength``) or its label
      asks for a justification: **high**;
    - the goal path fills it although the page does not mark it mandatory: **medium** (the flow's author
      found it needed, or filled an optional box: the page gives no proof either way);
    - a visible field is mandatory, the path did not fill it and the goal path did not finish: **high**
      (it may be what stopped the audit).

    One finding per field (the same label on the same page is one field, however many snapshots show it).

Why is this bad?
    Objecting to processing based on legitimate interest is a right (GDPR Art. 21(1)). The article lets
    the person object "on grounds relating to his or her particular situation", and Meta's 2024
    AI-training form used that as a pretext to demand a written explanation, although Meta said any reason
    would be accepted. Writing a paragraph is the most expensive step a form can ask for: it takes minutes,
    it makes people wonder whether their reason is good enough, and many give up. The EDPB calls this
    *Longer than necessary* (4.4.2), and a label that makes people doubt themselves *Emotional steering*
    (4.3.1). GDPR Art. 12(2) requires the controller to facilitate the right. US law already names the
    trick: an opt-out method is not "reasonable and simple" if it requires "the consumer to write his or
    her own letter" (FCRA affiliate-marketing rule, 16 CFR 680.25). After Brazil's ANPD intervened, Meta
    made the extra information optional.

What a fair design does
    No text field at all: the click on "Object" is the objection. If a free-text box helps the controller,
    it is clearly optional, empty, and the form submits without it.
"""

from __future__ import annotations

import re

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace, Snapshot
from heuristics._words import page
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding

TEXT_INPUT_MIN_LENGTH = 10  # a text input demanding this many characters is asking for prose

_JUSTIFY = re.compile(
    r"explain|descri(?:be|ption)|reason|justif|\bwhy\b|impact|affect|particular situation|"
    r"grounds|tell us more|erkl[äa]r|begr[üu]nd|warum|grund|expliqu|raison|pourquoi|motiv|spiega|"
    r"perch[ée]",
    re.I,
)
_TEXT_TYPES = {None, "", "text"}

class Measured(Evidence):
    """One free-text field as the page declared it, and what the flow had to type into it."""

    label: str = figure("Field label")
    url: str = figure("Page")
    tag: str = figure("HTML element")
    type: str | None = figure("Input type")
    required: bool = figure("Marked required by the page")
    minlength: int | None = figure("Minimum length demanded", "characters")
    maxlength: int | None = figure("Maximum length allowed", "characters")
    typed_chars: int = figure("Typed by the flow", "characters")
    filled_by_flow: bool = figure("Filled by the flow to reach the goal")
    asks_justification: bool = figure("Label asks for a reason")


META = HeuristicMeta(
    id="free-text-justification",
    title="You must write a reason to object",
    severity="high",
    measures="required free-text fields (textareas, or text inputs asking for a reason) on the goal "
    "path: their label, minimum length and the characters the flow had to type",
    why="Objecting is a right, not a request to be argued. A mandatory free-text reason is the costliest "
    "step a form can add and makes people doubt their reason is good enough; Meta demanded one in 2024 "
    "although it said any reason would be accepted. It is 'Longer than necessary' (EDPB 4.4.2); US law "
    "calls 'requiring the consumer to write his or her own letter' not reasonable and simple.",
    edpb=("4.4.2 Longer than necessary", "4.3.1 Emotional steering"),
    provisions=("GDPR Art. 21(1)", "GDPR Art. 12(2)", "US FCRA 16 CFR 680.25"),
    fix="Let the click on 'Object' be the objection; if a text box is useful, make it optional and let "
    "the form submit without it.",
    tags=("obstruction", "forced-action", "effort"),
    requires=(TracePart.FORM,),
    evidence=Measured,
)


def _words(el: Element) -> str:
    return " ".join(filter(None, [el.label, el.name, el.placeholder]))


def _asks_justification(el: Element) -> bool:
    return bool(_JUSTIFY.search(_words(el)))


def _is_free_text(el: Element) -> bool:
    if el.tag == "textarea":
        return True
    if el.tag == "input" and (el.type or "").lower() in _TEXT_TYPES:
        return _asks_justification(el) or (el.minlength or 0) >= TEXT_INPUT_MIN_LENGTH
    return False


def _mandatory(el: Element) -> bool:
    return el.required or (el.minlength or 0) > 0


def _field_label(el: Element) -> str:
    text = " ".join((el.label or el.name or el.placeholder or "").split())
    return text if len(text) <= 120 else text[:117] + "..."


def _key(snapshot: Snapshot, el: Element) -> tuple[str, str]:
    return (page(snapshot.url), _field_label(el) or el.path or f"#{el.index}")


def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    n_steps = len(path.steps)

    # Fills on the goal path, by field: (step number, element index, typed characters).
    filled: dict[tuple[str, str], tuple[int, int | None, int]] = {}
    for step in path.steps:
        el = step.target_element
        if step.action == "fill" and el is not None and _is_free_text(el):
            key = _key(step.snapshot, el)
            first_step, index, typed = filled.get(key, (step.number, step.target, 0))
            filled[key] = (first_step, index, typed + step.typed_chars)

    # Every free-text field seen, first sighting kept.
    seen: dict[tuple[str, str], tuple[int | None, Element]] = {}
    for number, snapshot in path.snapshots():
        step_no = number if number <= n_steps else None  # len+1 is the final page, not a step
        for el in snapshot.elements:
            if _is_free_text(el):
                seen.setdefault(_key(snapshot, el), (step_no, el))

    findings: list[Finding] = []
    for key, (step_no, el) in seen.items():
        mandatory, asks = _mandatory(el), _asks_justification(el)
        fill = filled.get(key)
        was_filled = fill is not None and (fill[2] > 0 or mandatory)
        if was_filled:
            severity = "high" if mandatory or asks else "medium"
            step_no, index, typed = fill
        elif mandatory and el.visible and path.status != "complete":
            severity, typed = "high", 0
            index = el.index if step_no is not None else None
        else:
            continue
        findings.append(_finding(el, key[0], step_no, index, typed, was_filled, mandatory, asks, severity))
    return findings


def _finding(el: Element, url: str, step_no: int | None, index: int | None, typed: int, was_filled: bool,
             mandatory: bool, asks: bool, severity: str) -> Finding:
    label = _field_label(el)
    shown = f'"{label}"' if label else "an unlabelled text box"
    kind = "text box" if el.tag == "textarea" else "text field"
    rules = []
    if el.required:
        rules.append("required")
    if el.minlength:
        rules.append(f"at least {el.minlength} characters")
    where = f"Step {step_no}" if step_no is not None else "A page of the goal path"
    detail = f"{where} shows a {kind} {shown}"
    detail += f" ({', '.join(rules)})" if rules else " (not marked required by the page)"
    if was_filled:
        detail += f"; the flow typed {typed} characters into it to reach the goal."
    else:
        detail += "; the flow did not fill it and the goal path did not finish."
    if asks:
        detail += " The label asks the person to justify the choice."
    detail += " Doing nothing needs no reason."
    if mandatory and asks:
        title = f"You must write a reason: {shown}"
    elif mandatory:
        title = f"A required free-text box stands on the way: {shown}"
    elif asks:
        title = f"The form asks for a written reason: {shown}"
    else:
        title = f"The path types {typed} characters into a free-text box: {shown}"
    measured = Measured(label=label, url=url, tag=el.tag, type=el.type, required=el.required,
                        minlength=el.minlength, maxlength=el.maxlength, typed_chars=typed,
                        filled_by_flow=was_filled, asks_justification=asks)
    return finding(META, severity=severity, title=title, detail=detail, path="goal", step=step_no,
                   element=index, measured=measured)
