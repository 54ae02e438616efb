"""default-on: the purposes the person is asked about are already switched on.

What it does
    Looks at every checkbox and switch (``input type=checkbox``, ``role=checkbox``, ``role=switch`` with
    ``aria-checked``) the goal path shows, in the state the person first sees it: the first snapshot in
    which it is visible (a settings panel that opens on the same page counts from the moment it opens).
    Only purposes count: toggles a person can perceive (a checkbox styled away under a slider counts
    through its visible switch or label; per-service inputs folded into a collapsed section do not), and
    not a master switch ("toggle all") that only sets the others. A box ticked or a switch on before the
    person touched it is a default-on purpose, unless it is locked on (disabled: the "strictly necessary"
    switch), its label says it is necessary, essential, required or strictly needed, or names a
    refusal ("I object" pre-ticked is protective) or is about the session rather than a use of data
    ("Remember me", "Keep me signed in", "Show password"). A radio option pre-selected on a consenting answer
    ("Yes, allow") counts too. One finding per page:

    - **high**: at least one pre-ticked checkbox or switched-on toggle;
    - **medium**: only a pre-selected consenting radio option.

Why is this bad?
    Consent must be an active choice: "silence, pre-ticked boxes or inactivity should not constitute
    consent" (GDPR Recital 32; CJEU *Planet49*, C-673/17). A toggle that is on by default turns the
    person's inaction into a yes and makes saying no a chore of switching each one off. The EDPB calls the
    most invasive option on by default *Deceptive snugness* (4.2.1); GDPR Art. 25(2) requires data
    protection by default, and the Cookie Banner Taskforce found pre-ticked boxes invalid.

What a fair design does
    Every non-essential purpose starts off; only what the service cannot work without may be on, labelled
    as such and not switchable.
"""

from __future__ import annotations

import re

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace
from heuristics._words import CONSENTING_OPTION, NECESSARY, is_refuse, page, short
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding


class Measured(Evidence):
    url: str = figure("Page")
    on_by_default: int = figure("Options on by default")
    pre_ticked_boxes: int = figure("Pre-ticked boxes or switches")
    preselected_radios: int = figure("Pre-selected consenting options")
    toggles_seen: int = figure("Toggles on the page")
    essential_on_not_counted: int = figure("On but essential or locked (not counted)")
    labels: list[str] = figure("Options on by default (labels)")


META = HeuristicMeta(
    id="default-on",
    title="Non-essential purposes are switched on before you choose",
    severity="high",
    measures="purposes (perceivable checkboxes and switches, master 'toggle all' switches excluded) ticked "
    "or on in the first snapshot that shows them, excluding ones locked on or labelled necessary/essential/"
    "required; consenting radio options pre-selected",
    why="Consent must be an active choice; pre-ticked boxes are not consent (GDPR Recital 32, CJEU Planet49). "
    "A toggle on by default turns inaction into a yes and makes saying no a chore: the EDPB's 'Deceptive "
    "snugness'. Data protection by default (Art. 25(2)) means the protective setting comes first.",
    edpb=("4.2.1 Deceptive snugness",),
    provisions=("GDPR Art. 4(11)", "GDPR Art. 7(1)", "GDPR Art. 25(2)", "GDPR Recital 32"),
    fix="Start every non-essential purpose switched off; only what the service cannot work without may be on, "
    "labelled as such and not switchable.",
    tags=("preselection", "default"),
    requires=(TracePart.TOGGLES,),
    evidence=Measured,
)

_TOGGLE_ROLES = {"checkbox", "switch"}
# Toggles about the session or the form, not about a use of data.
_NOT_A_PURPOSE = re.compile(
    r"remember me|keep me (?:signed|logged) in|stay (?:signed|logged) in|show password|angemeldet bleiben|"
    r"passwort anzeigen|rester connecté|se souvenir de moi|afficher le mot de passe|mantener(?:me)? (?:la )?sesión|"
    r"recordarme|mostrar contraseña|ricordami|resta connesso|mostra password|ingelogd blijven|onthoud mij|"
    r"wachtwoord tonen",
    re.I,
)


def _kind(el: Element) -> str | None:
    typ = (el.type or "").lower()
    if typ == "checkbox" or (el.tag != "input" and el.role in _TOGGLE_ROLES):
        return "switch" if el.role == "switch" else "checkbox"
    if typ == "radio" or el.role == "radio":
        return "radio"
    return None


def _toggle_label(el: Element) -> str:
    return short(el.label or el.name or el.text or el.value or "", 80)


def _counts_as_purpose(el: Element) -> bool:
    """A toggle a person is asked about: perceivable (a styled-away input counts through its visible
    switch or label), not a master switch that only sets the others ("toggle all")."""
    return el.perceivable and not el.master_toggle


def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    n_steps = len(path.steps)
    # First sighting of every toggle a person can see: a per-service input folded away in a collapsed
    # section is never perceived, so it is no purpose the person was asked about.
    first: dict[tuple[str, str], tuple[int, Element, str]] = {}
    for number, snap in path.snapshots():
        url = page(snap.url)
        for el in snap.elements:
            kind = _kind(el)
            if kind is None or el.checked is None or not _counts_as_purpose(el):
                continue
            first.setdefault((url, el.path or _toggle_label(el)), (number, el, kind))

    by_page: dict[str, list[tuple[int, Element, str]]] = {}
    counts: dict[str, dict[str, int]] = {}
    for (url, _), (number, el, kind) in first.items():
        text = _toggle_label(el)
        c = counts.setdefault(url, {"toggles": 0, "essential_on": 0})
        c["toggles"] += 1
        if not el.checked:
            continue
        # On and not switchable, or labelled so: what the service cannot work without.
        if (el.disabled and kind != "radio") or NECESSARY.search(text):
            c["essential_on"] += 1
            continue
        if not text or is_refuse(text) or _NOT_A_PURPOSE.search(text):
            continue
        if kind == "radio" and not CONSENTING_OPTION.search(text):
            continue
        by_page.setdefault(url, []).append((number, el, kind))

    findings = []
    for url, items in by_page.items():
        items.sort(key=lambda t: (t[0], t[1].index))
        number, el, _ = items[0]
        step = number if number <= n_steps else None
        boxes = [t for t in items if t[2] != "radio"]
        severity = "high" if boxes else "medium"
        labels = [_toggle_label(t[1]) for t in items]
        quoted = ", ".join(f'"{x}"' for x in labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
        c = counts[url]
        what = (f"{len(boxes)} of {c['toggles']} toggles are on" if boxes
                else f"{len(items)} consenting option{'s' if len(items) > 1 else ''} pre-selected")
        detail = (f"{'Step ' + str(step) if step else 'The last page'} shows choices already made for the "
                  f"person: {what} before they touch anything ({quoted}).")
        if c["essential_on"]:
            detail += (f" {c['essential_on']} more, labelled necessary/essential or locked on, are not "
                       "counted.")
        detail += " Doing nothing leaves them on, so saying no means switching each one off."
        title = (f"{len(boxes)} non-essential purpose{'s are' if len(boxes) > 1 else ' is'} on by default"
                 if boxes else "A consenting option is pre-selected")
        measured = {"url": url, "on_by_default": len(items), "pre_ticked_boxes": len(boxes),
                    "preselected_radios": len(items) - len(boxes), "toggles_seen": c["toggles"],
                    "essential_on_not_counted": c["essential_on"], "labels": labels}
        findings.append(finding(META, severity=severity, title=title, detail=detail, path="goal", step=step,
                                element=el.index if step else None, measured=measured))
    return findings
