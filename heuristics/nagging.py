"""nagging: the person is asked again and again whether they really mean no.

What it does
    Counts repeated asking on the goal path:

    - **repeated dialog**: the same browser dialog message (``confirm``, ``alert``, ``prompt``; compared
      without case and spacing) raised twice or more, or two or more ``confirm`` dialogs on the way;
    - **repeated confirmation**: two or more clicks on controls that only confirm the choice already made
      ("Yes, I'm sure", "Confirm", "Yes, reject", "I still want to opt out", "Continue to opt out"...);
    - **question shown again**: a question on a goal page (a sentence of 15+ characters ending in "?") that
      disappears and comes back later on the path.

    It fires with **medium** severity when the person was asked at least twice (2 or more repeats in all),
    quoting the messages. One finding.

Why is this bad?
    Asking "Are you sure?" once may be a safeguard; asking again, and again, wears people down until they
    give in, and only the "no" gets asked. The EDPB calls it *Continuous prompting* (4.1.1); Gray et al.
    and Brignull call it nagging; DSA Art. 25(3)(b) names repeatedly requesting a choice already made.
    GDPR Art. 7(3) requires withdrawing to be as easy as consenting, and "Accept" is never confirmed.

What a fair design does
    Takes the first "no" as the answer. If a confirmation is really needed, it is one neutral question,
    asked once, the same as for "yes".
"""

from __future__ import annotations

import re

from auditor.findings import Finding
from auditor.trace import FlowTrace
from auditor.words.wording import plural
from heuristics._words import click_steps, label, scan_text, short
from heuristics.base import Checked, Evidence, HeuristicMeta, TracePart, figure, finding


class Measured(Evidence):
    times_asked: int = figure("Times asked")
    repeated_dialogs: dict[str, list[int]] = figure("Dialogs raised more than once (message: steps)")
    confirm_dialogs: int = figure("Confirm dialogs")
    confirmation_clicks: list[str] = figure("Confirmation clicks")
    questions_shown_again: list[str] = figure("Questions shown again")

MIN_REPEATS = 2

META = HeuristicMeta(
    id="nagging",
    title="You are asked again and again whether you really mean no",
    severity="medium",
    measures="repeated dialogs, repeated confirmation clicks and questions shown again on the goal path",
    why="One 'Are you sure?' may be a safeguard; asking again and again wears people down, and only the "
    "'no' is ever asked twice: the EDPB's 'Continuous prompting'. Withdrawing must be as easy as consenting "
    "(GDPR Art. 7(3)).",
    edpb=("4.1.1 Continuous prompting",),
    provisions=("GDPR Art. 5(1)(a)", "GDPR Art. 7(2)", "GDPR Art. 7(3)", "GDPR Art. 4(11)"),
    fix="Take the first 'no' as the answer; if a confirmation is needed, ask one neutral question once, the "
    "same as for 'yes'.",
    tags=("nagging", "continuous-prompting"),
    requires=(TracePart.GOAL_STEPS,),
    evidence=Measured,
)

CONFIRM = re.compile(
    r"^(?:yes|ja|oui|sí|si|ja)\b[^a-z]{0,3}(?:i'?m sure|i am sure|sure|really|confirm|reject|object|opt|"
    r"continue|proceed|ich bin sicher|je suis sûr|estoy seguro|sono sicuro)|"
    r"^confirm\b|^i(?:'m| am) sure\b|^i still want\b|^continue to (?:opt|reject|object|unsubscribe|cancel)|"
    r"^(?:bestätigen|confirmer|confirmar|conferma|bevestigen)\b",
    re.I,
)
_QUESTION = re.compile(r"(?:^|(?<=[.!?\n]) ?)([^.!?\n]{15,300}\?)")  # anchored: linear on long text


def _norm(s: str) -> str:
    return " ".join((s or "").lower().split())


def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    dialogs = [(s.number, d) for s in path.steps for d in s.dialogs]
    counts: dict[str, list[int]] = {}
    for number, d in dialogs:
        counts.setdefault(_norm(d.message), []).append(number)
    repeated_dialogs = {m: steps for m, steps in counts.items() if len(steps) >= 2}
    confirms = [d for _, d in dialogs if d.kind == "confirm"]
    confirm_clicks = [s for s in click_steps(path) if CONFIRM.search(s.target_element.label_text.strip())]
    # questions that leave the screen and come back
    presence: dict[str, list[bool]] = {}
    snaps = path.snapshots()
    for i, (_, snap) in enumerate(snaps):
        qs = {_norm(m.group(1)) for m in _QUESTION.finditer(scan_text(snap.text))}
        for q in qs:
            presence.setdefault(q, [False] * len(snaps))[i] = True
    shown_again = []
    for q, seen in presence.items():
        runs = sum(1 for i, v in enumerate(seen) if v and (i == 0 or not seen[i - 1]))
        if runs >= 2:
            shown_again.append((q, runs))

    repeats = 0
    facts = []
    for m, steps in repeated_dialogs.items():
        repeats += len(steps) - 1
        facts.append(f'the dialog "{short(m, 100)}" was raised {len(steps)} times (steps '
                     f'{", ".join(map(str, steps))})')
    if not repeated_dialogs and len(confirms) >= 2:
        repeats += len(confirms) - 1
        facts.append(f"{len(confirms)} confirm dialogs: " + "; ".join(f'"{short(d.message, 80)}"' for d in confirms))
    if len(confirm_clicks) >= 2:
        repeats += len(confirm_clicks) - 1
        facts.append(f"{len(confirm_clicks)} confirmation clicks: " + ", ".join(
            f'"{label(s.target_element)}" (step {s.number})' for s in confirm_clicks))
    for q, runs in shown_again:
        repeats += runs - 1
        facts.append(f'the question "{short(q, 100)}" was shown {runs} separate times')
    if repeats + 1 < MIN_REPEATS or not facts:
        return Checked(summary=f"{plural(len(dialogs), 'dialog')} and {plural(len(confirm_clicks), 'confirmation click')} "
                               f"on the goal path, no question shown twice; fires from {MIN_REPEATS} askings")
    candidates = ([steps[0] for steps in repeated_dialogs.values()] +
                  [n for n, d in dialogs if d.kind == "confirm"][:1] + [s.number for s in confirm_clicks[:1]])
    first_step = min(candidates) if candidates else None
    detail = (f"On the way to the goal the person was asked {repeats + 1} times: " + "; ".join(facts) +
              ". The opposite choice is never asked twice.")
    measured = {"times_asked": repeats + 1, "repeated_dialogs": {short(m, 200): s for m, s in repeated_dialogs.items()},
                "confirm_dialogs": len(confirms), "confirmation_clicks": [label(s.target_element)
                                                                          for s in confirm_clicks],
                "questions_shown_again": [short(q, 200) for q, _ in shown_again]}
    return [finding(META, title=f"You are asked {repeats + 1} times whether you really mean no", detail=detail,
                    path="goal", step=first_step, measured=measured)]
