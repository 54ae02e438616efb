"""The controls worth pressing in a state, ranked by the classifier for the choice being sought.

Only controls inside the consent UI are candidates: the notice is where the choice is made, and links
that leave the page were already dropped (js/view.js). Toggles and checkboxes count one click each, and
only in the useful direction: switching a purpose on never helps a refusal, switching one off never
helps an acceptance, and clicking the radio already selected does nothing. Consecutive toggles commute,
so after a toggle only toggles later in the page are candidates (each set of switched purposes is
reached once, in page order, instead of in every order).

Two kinds of press cannot reach the choice sought and are left out: the opposite choice (a confident
accept when refusing; a confident refusal when accepting), and a save while a purpose is still set the
wrong way (goal.py judges that a partial choice; the save that follows the last switch is tried then).
The rank orders the rest: for a refusal, refuse/object first, then save when every purpose is already
off, switching a purpose off, settings, anything else; for an acceptance the mirror image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.classifier import REFUSING
from auditor.gather.explore.view import Control, View

Choice = Literal["refuse", "accept"]


@dataclass(frozen=True)
class Candidate:
    control: Control
    kind: Literal["click", "check", "uncheck"]
    rank: int


def purposes_on(view: View) -> list[Control]:
    """Purposes the consent UI shows switched on: enabled checked switches and checkboxes, and the selected
    radio of a purpose when it is not a refusal. A switched-on legitimate interest is a purpose too."""
    found = []
    for c in view.consent_controls:
        if c.disabled or not c.checked:
            continue
        if c.toggle in ("checkbox", "switch") or (c.toggle == "radio" and c.confident not in REFUSING):
            found.append(c)
    return found


def _toggle_kind(c: Control, choice: Choice) -> str | None:
    """"check"/"uncheck" when pressing the toggle moves towards the choice, else None."""
    if c.disabled:
        return None
    if c.toggle == "radio":
        if c.checked:
            return None
        refusing = c.confident in REFUSING
        wanted = refusing if choice == "refuse" else c.confident == "accept" or not refusing
        return "check" if wanted else None
    if choice == "refuse":
        return "uncheck" if c.checked else None
    return None if c.checked else "check"


def _rank(c: Control, choice: Choice, all_set: bool) -> int | None:
    """The candidate's rank (lower is tried first), None when pressing it cannot lead to ``choice``."""
    label = c.confident
    mine, theirs = (REFUSING, {"accept"}) if choice == "refuse" else ({"accept"}, REFUSING)
    if label in mine:
        return 0
    if label == "save":
        return 1 if all_set else None
    if label == "settings":
        return 3
    if label in theirs:
        return None
    return 5


def candidates(view: View, choice: Choice, last_toggle_order: int | None) -> list[Candidate]:
    """The consent UI's controls to try for ``choice``, best first."""
    on = purposes_on(view)
    all_set = not on if choice == "refuse" else not any(
        c.toggle in ("checkbox", "switch") and not c.checked and not c.disabled for c in view.consent_controls)
    found = []
    for c in view.consent_controls:
        if c.toggle:
            kind = _toggle_kind(c, choice)
            if kind is None or (last_toggle_order is not None and c.order <= last_toggle_order):
                continue
            found.append(Candidate(c, kind, 2))
        elif not c.disabled:
            rank = _rank(c, choice, all_set)
            if rank is not None:
                found.append(Candidate(c, "click", rank))
    return sorted(found, key=lambda x: (x.rank, -x.control.score, x.control.order))
