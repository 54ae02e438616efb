"""verification-barrier: to say no, the person must first prove who they are, or leave the website.

What it does
    Looks at the fields the goal path fills and at the fields, links and text of every page it shows, for
    a barrier that doing nothing never meets. One finding per kind of barrier, at the step where it
    first appears:

    ===================  ====================================================================  ========
    kind                 evidence                                                              severity
    ===================  ====================================================================  ========
    one-time-code        a field for a code (code, OTP, one-time, verification, PIN...) the    high
                         path fills, or a required one it could not get past
    email-verification   "check your email / inbox", "we sent you a link / code", "verify your  high
                         email" on a goal page, with no code field (a confirmation link)
    identity-document    a file upload (``input type=file``) whose label or page mentions an   high
                         ID card, passport, driving licence or proof of identity
    email-only           the goal path's control is a ``mailto:`` link, or the last page       high
                         offers the choice only as a ``mailto:`` link (also folded in a
                         ``<details>``; its ``<summary>``, "How to opt out", is no choice)
    post-only            the last page asks for a letter (postal address wording) and has no   high
                         online control for the choice
    login                a password field on the goal path                                     medium
    phone-number         a telephone field (``type=tel`` or a phone label) the path fills,     medium
                         or a required one
    ===================  ====================================================================  ========

    Field words and page wording are matched in every target language (``auditor/words/phrases/verification.py``).
    A field the path did not fill counts only when the page marks it required and the goal path did not
    finish (it may be what stopped the audit); an optional phone field left empty is fair. When a goal page
    says how long a code stays valid ("valid for one hour"), the finding quotes it: the person must fetch it
    in time.

Why is this bad?
    Doing nothing costs nothing and needs no proof; saying no should not cost an inbox round trip, a
    password, a scan of a passport or a stamp. Meta's 2024 objection form sent a code by e-mail, valid
    for one hour, to people who were already logged in (Tantacrul: "I'd LOVE to hear their justification
    for this"). GDPR Art. 12(2) obliges the controller to facilitate the exercise of the rights, and Art.
    12(6) allows asking for extra identity information only where it has *reasonable doubts* about who
    the person is. California forbids a verifiable consumer request for opting out (11 CCR §7026(d)) and
    Colorado forbids requiring a new account. A choice that can only be sent by e-mail or by post moves
    it out of the interface where consent was given: the EDPB calls that *Longer than necessary* (4.4.2)
    and, when the control does not lead where it says, a *Dead end* (4.4.1).

What a fair design does
    Takes the choice from the session the person is already in: one click, no code, no password, no
    document. If identity truly is in doubt, asks for the least that resolves the doubt, on the same page.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace, Snapshot, StepTrace
from auditor.words.phrases import (
    CHECK_INBOX,
    CODE_EXPIRY,
    CODE_FIELD,
    ID_DOCUMENT,
    NOT_A_CODE,
    PHONE_FIELD,
    POSTAL_ONLY,
    REFUSAL_TEXT,
)
from auditor.words.wording import goal_gerund
from heuristics._words import field_words, is_refuse, scan_text, sentence_around, short
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding


class Measured(Evidence):
    """One barrier (``kind``) and the evidence for it: the field, the page's wording or the e-mail link."""

    kind: str = figure("Barrier")
    field: str = figure("Field asking for it")
    filled: bool = figure("Filled by the flow")
    required: bool = figure("Marked required by the page")
    typed_chars: int = figure("Typed by the flow", "characters")
    inbox_wording: str = figure("Wording that sends the person to their inbox, quoted")
    wording: str = figure("What the page says, quoted")
    expires: str = figure("How long the code stays valid, quoted")
    link: str = figure("Text of the e-mail link")
    href: str = figure("Address of the e-mail link")


META = HeuristicMeta(
    id="verification-barrier",
    title="To say no you must verify your e-mail, log in, show ID or write a letter",
    severity="high",
    measures="code, password, phone and file-upload fields the goal path fills or is stopped by; "
    "'check your email' wording; choices offered only as mailto: links or by post",
    why="Doing nothing needs no proof, so saying no should not cost an inbox round trip, a password, a "
    "passport scan or a letter. Extra identity checks are allowed only where the controller has reasonable "
    "doubts (GDPR Art. 12(6)); Meta e-mailed a one-hour code to people already logged in. It is 'Longer "
    "than necessary' (EDPB 4.4.2).",
    edpb=("4.4.2 Longer than necessary", "4.4.1 Dead end"),
    provisions=("GDPR Art. 12(2)", "GDPR Art. 12(6)", "GDPR Art. 7(3)", "GDPR Art. 21(1)",
                "CCPA 11 CCR §7026(d)"),
    fix="Take the choice in the session the person is already in: one click, no code, password, document "
    "or letter. Ask for more only when identity is in real doubt, and only what resolves it.",
    tags=("obstruction", "verification", "effort"),
    requires=(TracePart.PAGES,),
    evidence=Measured,
)

KIND_SEVERITY = {
    "one-time-code": "high",
    "email-verification": "high",
    "identity-document": "high",
    "email-only": "high",
    "post-only": "high",
    "login": "medium",
    "phone-number": "medium",
}


def _quote(text: str, start: int, limit: int = 120) -> str:
    """The text from ``start`` to the end of its sentence, cut to ``limit`` characters."""
    end = min([i + 1 for i in (text.find(". ", start), text.find("! ", start)) if i >= 0] or [len(text)])
    return short(text[start:end], limit)


def _field_kind(el: Element, page_text: str) -> str | None:
    """The barrier a form field stands for, if any."""
    if el.tag not in {"input", "textarea", "select"}:
        return None
    typ = (el.type or "").lower()
    words = field_words(el)
    if typ == "password":
        return "login"
    if typ == "file":
        return "identity-document" if ID_DOCUMENT.search(words) or ID_DOCUMENT.search(page_text) else None
    if typ == "tel" or (typ in {"", "text", "number"} and PHONE_FIELD.search(words)):
        return "phone-number"
    if typ in {"", "text", "number"} and CODE_FIELD.search(words) and not NOT_A_CODE.search(words):
        return "one-time-code"
    return None


def _is_mailto(el: Element) -> bool:
    return (el.href or "").lower().startswith("mailto:")


def _online_choice(snap: Snapshot) -> bool:
    """A visible control (not a mailto: link) whose label names a refusal, or a form to submit. The
    ``<summary>`` of an expandable section is not one, whatever it says ("How to opt out"): it unfolds text,
    it makes no choice."""
    controls = [el for el in snap.elements if el.visible and not _is_mailto(el) and el.tag != "summary"]
    return any((el.type or "").lower() == "submit" or el.tag in {"textarea", "select"} or is_refuse(el.label_text)
               for el in controls)


def _mailto_choice(snap: Snapshot) -> Element | None:
    """A mailto: link a person can reach: visible, or folded in a closed ``<details>`` they can open."""
    for el in snap.elements:
        if (el.visible or el.in_closed_details) and _is_mailto(el):
            return el
    return None


def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    unfinished = path.status != "complete"
    found: dict[str, tuple[int | None, int | None, dict]] = {}

    def note(kind: str, step: StepTrace | None, element: int | None, evidence: dict) -> None:
        if kind not in found:
            found[kind] = (step.number if step else None, element, evidence)

    steps_by_number = {s.number: s for s in path.steps}
    # 1. Fields the path fills.
    for step in path.steps:
        el = step.target_element
        if step.action in {"fill", "select", "press"} and el is not None:
            kind = _field_kind(el, step.snapshot.text if step.snapshot else "")
            if kind:
                note(kind, step, step.target, {"field": short(field_words(el), 80), "filled": True,
                                               "typed_chars": step.typed_chars})
    # 2. Required fields and barrier wording on every goal page.
    n_steps = len(path.steps)
    inbox_at: tuple[StepTrace | None, str] | None = None
    expiry: str | None = None
    for number, snap in path.snapshots():
        step = steps_by_number.get(number) if number <= n_steps else None
        for el in snap.elements:
            if not el.visible:
                continue
            kind = _field_kind(el, snap.text)
            if kind == "identity-document" or (kind and el.required and unfinished):
                note(kind, step, el.index if step else None, {"field": short(field_words(el), 80), "filled": False,
                                                               "required": el.required})
        m = CHECK_INBOX.search(scan_text(snap.text)) if inbox_at is None else None
        if m:
            inbox_at = (step, _quote(snap.text, m.start()))
        e = CODE_EXPIRY.search(scan_text(snap.text)) if expiry is None else None
        if e:
            expiry = e.group(0)
    if inbox_at is not None:
        if "one-time-code" in found:
            found["one-time-code"][2]["inbox_wording"] = short(inbox_at[1], 120)
        else:
            note("email-verification", inbox_at[0], None, {"wording": short(inbox_at[1], 120)})
    for kind in ("one-time-code", "email-verification"):
        if kind in found and expiry:
            found[kind][2]["expires"] = expiry
    # 3. A choice offered only by e-mail or by post.
    for step in path.steps:
        el = step.target_element
        if el is not None and _is_mailto(el):
            note("email-only", step, step.target, {"link": short(el.label_text, 60), "href": short(el.href, 80)})
    last_number, last = (path.snapshots() or [(None, None)])[-1]
    if last is not None and not _online_choice(last):
        last_step = steps_by_number.get(last_number) if last_number and last_number <= n_steps else None
        mailto = _mailto_choice(last)
        postal = POSTAL_ONLY.search(scan_text(last.text))
        if mailto is not None and REFUSAL_TEXT.search(scan_text(last.text)):
            note("email-only", last_step, mailto.index if last_step else None,
                 {"link": short(mailto.label_text, 60), "href": short(mailto.href or "", 80)})
        elif postal is not None:
            note("post-only", last_step, None,
                 {"wording": sentence_around(last.text, postal.start(), postal.end(), 160)})

    gerund = goal_gerund(trace.flow.goal)
    return [_finding(kind, *found[kind], unfinished=unfinished, gerund=gerund)
            for kind in KIND_SEVERITY if kind in found]


_SAYS = {
    "one-time-code": "asks for a one-time code",
    "email-verification": "sends the person to their inbox to confirm",
    "identity-document": "asks for an identity document upload",
    "email-only": "offers the choice only by e-mail (a mailto: link)",
    "post-only": "offers the choice only by post",
    "login": "asks for a password (log in)",
    "phone-number": "asks for a phone number",
}


def _finding(kind: str, step: int | None, element: int | None, evidence: dict, unfinished: bool,
             gerund: str) -> Finding:
    where = f"Step {step}" if step is not None else "The last page of the goal path"
    bits = []
    if "field" in evidence:
        bits.append(f'field "{evidence["field"]}"' + (" (filled by the flow)" if evidence.get("filled")
                                                       else " (required, not filled)"))
    if "inbox_wording" in evidence:
        bits.append(f'the page says "{evidence["inbox_wording"]}"')
    if "wording" in evidence:
        bits.append(f'the page says "{evidence["wording"]}"')
    if "link" in evidence:
        bits.append(f'link "{evidence["link"]}" -> {evidence["href"]}')
    detail = f"{where} {_SAYS[kind]}: {'; '.join(bits)}. Doing nothing needs no proof at all."
    if kind in {"one-time-code", "email-verification"}:
        detail += " The person must leave the page, open their mailbox and come back"
        detail += f' before the code expires ("{evidence["expires"]}").' if evidence.get("expires") else "."
    if unfinished:
        detail += " The goal path did not finish."
    title = {
        "one-time-code": f"{gerund} needs a one-time code" if not evidence.get("inbox_wording")
        else f"{gerund} needs a code sent by e-mail",
        "email-verification": f"{gerund} needs a round trip to your inbox",
        "identity-document": f"{gerund} needs an identity document",
        "email-only": "The choice can only be made by e-mail",
        "post-only": "The choice can only be made by post",
        "login": f"{gerund} needs you to log in",
        "phone-number": f"{gerund} needs your phone number",
    }[kind]
    measured = Measured(kind=kind, **evidence)
    return finding(META, severity=KIND_SEVERITY[kind], title=title, detail=detail, path="goal", step=step,
                   element=element, measured=measured)
