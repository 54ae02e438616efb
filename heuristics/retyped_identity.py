"""retyped-identity: the service knows who you are, yet the way out makes you type it again.

What it does
    Looks for signs that the person is signed in on the goal path's first page: a greeting by name ("Hi
    Alex,", "Welcome back, Sam"), "logged in as ...", or a visible "Log out" / "Sign out" control (in every
    target language). If the goal path then fills an identity field that the page left **empty** (an
    e-mail address, a name, a username, a date of birth), the person is asked for what the service already
    has. One **medium** finding listing the fields and the characters typed; a field the page pre-filled is
    fair and not counted.

Why is this bad?
    Every field is a step where people give up, and asking a signed-in person for their own e-mail address
    adds typing and doubt ("which address did I use?") for no reason the person can see. Meta's 2024
    objection form greeted people by name and still asked for their e-mail; its 2025 form pre-filled it.
    GDPR Art. 12(2) requires the controller to facilitate the exercise of the rights and Art. 12(6) allows
    extra identity information only where there are reasonable doubts; Art. 5(1)(c) limits data to what is
    necessary. The EDPB counts needless steps as *Longer than necessary* (4.4.2).

What a fair design does
    Takes the identity from the session. If a field must be shown, it comes pre-filled and can be submitted
    as is.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace, Snapshot
from auditor.words.phrases import GREETING, IDENTITY_FIELD, LOG_OUT, SIGNED_IN_AS
from auditor.words.wording import goal_gerund
from heuristics._words import field_words, first_snapshot, scan_text, short
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding


class Measured(Evidence):
    signed_in_evidence: str = figure("Sign that the person is signed in, quoted")
    fields: list[str] = figure("Identity fields typed from empty")
    typed_chars: int = figure("Typed into them", "characters")
    steps: list[int] = figure("Steps that fill them")


META = HeuristicMeta(
    id="retyped-identity",
    title="You are signed in, yet must type who you are",
    severity="medium",
    measures="signs of a signed-in session on the first page (greeting by name, 'logged in as', a log-out "
    "control) and identity fields (e-mail, name, username, birth date) the goal path had to fill from empty",
    why="Asking a signed-in person for their own e-mail address adds typing and doubt for nothing: the service "
    "already knows. Meta's 2024 form greeted people by name and still asked for it; the 2025 form pre-filled "
    "it. The controller must facilitate the rights (GDPR Art. 12(2)) and ask for identity only where in "
    "reasonable doubt (Art. 12(6)).",
    edpb=("4.4.2 Longer than necessary",),
    provisions=("GDPR Art. 12(2)", "GDPR Art. 12(6)", "GDPR Art. 5(1)(c)"),
    fix="Take the identity from the session; if a field must be shown, pre-fill it so it can be submitted as is.",
    tags=("obstruction", "effort", "identity"),
    requires=(TracePart.FIRST_LAYER, TracePart.FORM),
    evidence=Measured,
)


def _signed_in(snap: Snapshot) -> str | None:
    """The evidence that the person is signed in, quoted; None when the page shows none."""
    text = scan_text(snap.text)
    m = SIGNED_IN_AS.search(text)
    if m:
        return short(m.group(0), 60)
    for m in GREETING.finditer(text):  # "Hi Alex", not "hi there": a name is capitalised
        if m.group("name")[0].isupper():
            return short(m.group(0), 60)
    for el in snap.elements:
        if el.visible and LOG_OUT.fullmatch(el.label_text.strip()):
            return f'a "{short(el.label_text, 30)}" control'
    return None


def _identity_field(el: Element) -> bool:
    if el.tag not in {"input", "textarea"}:
        return False
    typ = (el.type or "").lower()
    if typ in {"password", "checkbox", "radio", "file", "hidden", "submit", "button"}:
        return False
    return typ == "email" or bool(IDENTITY_FIELD.search(field_words(el)))


def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    step1, first = first_snapshot(path)
    if step1 is None or first is None:
        return []
    evidence = _signed_in(first)
    if evidence is None:
        return []
    retyped = []
    for step in path.steps:
        el = step.target_element
        if step.action == "fill" and el is not None and _identity_field(el) and not (el.value or "").strip():
            label = short(el.label or el.name or el.placeholder or "", 60)
            retyped.append({"step": step.number, "field": label, "typed_chars": step.typed_chars,
                            "element": step.target})
    if not retyped:
        return []
    typed = sum(r["typed_chars"] for r in retyped)
    fields = ", ".join(f'"{r["field"]}" (step {r["step"]}, {r["typed_chars"]} characters)' for r in retyped)
    detail = (f"The first page shows the person is signed in ({evidence}), yet the goal path had to type "
              f"{typed} characters of identity into empty fields: {fields}. The service already knows this.")
    measured = Measured(signed_in_evidence=evidence, fields=[r["field"] for r in retyped], typed_chars=typed,
                        steps=[r["step"] for r in retyped])
    first_fill = retyped[0]
    return [finding(META, title=f'{goal_gerund(trace.flow.goal)} makes a signed-in person type "{first_fill["field"]}"',
                    detail=detail, path="goal", step=first_fill["step"], element=first_fill["element"],
                    measured=measured)]
