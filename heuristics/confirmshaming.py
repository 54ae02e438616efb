"""confirmshaming: the way out is worded to make you feel guilty or afraid of losing something.

What it does
    Reads the wording a person meets on the goal path: the label of every control it clicks, the text
    around that control on the page (300 characters either side, which covers a confirmation modal), and
    every browser dialog raised on a goal step (``window.confirm`` / ``alert`` messages). It looks for guilt
    and loss framing: "No thanks, I don't want ...", "I prefer a worse experience", "you will lose",
    "miss out", "are you sure", "we'll be sad to see you go", "I don't care about ...", in the 24 official EU
    languages, Catalan and Norwegian (``auditor/words/phrases/shaming.py``). One finding per step with new wording:

    - **high**: the control the person must click carries the wording itself (saying no means clicking
      a sentence that belittles them);
    - **medium**: the wording is next to the control or in a dialog the path had to answer.

    Each phrase is reported once, at the first step it appears.

Why is this bad?
    A refusal worded as a confession ("No thanks, I prefer a worse experience") or followed by a warning
    ("Are you sure? You will lose all your personalised content") makes people doubt a choice that is
    theirs to make. The EDPB calls it *Emotional steering* (4.3.1); Brignull's catalogue names it
    confirmshaming; California's regulations name language that guilts or shames the consumer as a dark
    pattern (11 CCR §7004(a)(4)). Consent given under that pressure is not freely given (GDPR Art. 4(11),
    Art. 7).

What a fair design does
    Labels the refusal as neutrally as the acceptance ("Reject" / "Accept", "Object" / "Keep"), and lets
    the click take effect without a guilt-tripping confirmation.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import FlowTrace
from auditor.words.phrases import SHAMING
from heuristics._words import label, short
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding

NEAR_CHARS = 300

class Measured(Evidence):
    """The new guilt or loss wording met at one step: ``where[i]`` says where ``phrases[i]`` was."""

    phrases: list[str] = figure("Guilt or loss wording, quoted")
    where: list[str] = figure("Where each was (label, near the control, dialog)")
    in_label: bool = figure("On the control the person must click")
    dialogs: list[str] = figure("Dialogs raised at this step, quoted")


META = HeuristicMeta(
    id="confirmshaming",
    title="Saying no is worded to make you feel guilty",
    severity="medium",
    measures="guilt and loss wording in the goal path's control labels, in the text around them and in "
    "the dialogs raised on goal steps",
    why="A refusal worded as a confession or followed by a loss warning makes people doubt a choice that "
    "is theirs: the EDPB's 'Emotional steering'. California names guilt- and shame-based language as a "
    "dark pattern; consent obtained under it is not freely given.",
    edpb=("4.3.1 Emotional steering",),
    provisions=("GDPR Art. 5(1)(a)", "GDPR Art. 4(11)", "GDPR Art. 7", "CCPA 11 CCR §7004(a)(4)"),
    fix="Word the refusal as neutrally as the acceptance ('Reject' / 'Accept') and let it take effect "
    "without a guilt-tripping confirmation.",
    tags=("emotional-steering", "confirmshaming", "wording"),
    requires=(TracePart.GOAL_STEPS,),
    evidence=Measured,
)


def _phrases(text: str) -> list[str]:
    return [short(m.group(0), 120) for m in SHAMING.finditer(text or "")]


def check(trace: FlowTrace) -> list[Finding]:
    seen: set[str] = set()
    findings = []
    for step in trace.goal.steps:
        el = step.target_element
        hits: list[tuple[str, str]] = []  # (where, phrase)
        if el is not None and step.action in {"click", "check", "uncheck", "select"}:
            for p in _phrases(el.label_text):
                hits.append(("label", p))
            text = step.snapshot.text if step.snapshot else ""
            lab = el.label_text
            pos = text.find(lab) if lab else -1
            if pos >= 0:
                window = text[max(0, pos - NEAR_CHARS): pos + len(lab) + NEAR_CHARS]
                for p in _phrases(window):
                    hits.append(("near", p))
        for d in step.dialogs:
            for p in _phrases(d.message):
                hits.append(("dialog", p))
        new = []
        for where, p in hits:
            key = p.lower()
            if key in seen or any(key in s for s in seen):
                continue
            seen.add(key)
            new.append((where, p))
        if not new:
            continue
        in_label = any(w == "label" for w, _ in new)
        severity = "high" if in_label else "medium"
        places = {"label": "on the control itself", "near": "next to the control", "dialog": "in a dialog"}
        quotes = "; ".join(f'"{p}" ({places[w]})' for w, p in new[:4])
        detail = f"Step {step.number}"
        if el is not None:
            detail += f' ("{label(el)}")'
        detail += f" meets guilt or loss wording: {quotes}. The opposite choice is not worded this way."
        if step.dialogs:
            msgs = "; ".join(f'"{short(d.message, 100)}"' for d in step.dialogs)
            detail += f" Dialog{'s' if len(step.dialogs) > 1 else ''} raised: {msgs}."
        title = f'Saying no is framed with guilt or loss: "{short(new[0][1], 60)}"'
        measured = Measured(phrases=[p for _, p in new], where=[w for w, _ in new], in_label=in_label,
                            dialogs=[short(d.message, 200) for d in step.dialogs])
        findings.append(finding(META, severity=severity, title=title, detail=detail, path="goal",
                                step=step.number, element=step.target if el is not None else None,
                                measured=measured))
    return findings
