"""Whether a state is the choice sought: a refusal, or an acceptance, proved by what the page stored.

A refusal is reached when the page has stored a choice and either closed its consent UI or shows every
non-essential purpose off (some panels stay open after "Deny all" and show the choice only in their
switches). Saving while a purpose is still on is no refusal unless the click itself refused (a "Reject
all" also switches the purposes off). Where the page keeps the choice (acceptance stored something), the
refusal must store something different that grants less, and refuse every flag acceptance grants (or
keep its value: a purpose nobody can refuse); a "No, thanks" that stores an acceptance is a decoy, and a
purpose left undecided is no refusal. A page that stores nothing at all is judged by what a person sees: the notice was
closed by a control that refuses.

An acceptance is a stored choice made by an accept control (or a save with every purpose on) that
closed the notice or left every purpose on.
"""

from __future__ import annotations

from auditor.classifier import REFUSING
from auditor.gather.explore.candidates import purposes_on
from auditor.gather.explore.stored import granted, refuses_all_granted, same_choice
from auditor.gather.explore.view import Control, View


def _purposes_off(view: View) -> list[Control]:
    return [c for c in view.consent_controls if c.toggle in ("checkbox", "switch") and not c.disabled and not c.checked]


def is_refusal(view: View, closed: bool, stored: dict[str, str], before: View, pressed: Control,
               acceptance: dict[str, str] | None) -> bool:
    """``view``/``stored``: the state after pressing ``pressed`` in ``before``; ``acceptance``: what the
    acceptance path stored (None while unknown)."""
    refused_by_click = pressed.confident in REFUSING and not pressed.toggle
    if not stored:
        return acceptance == {} and closed and refused_by_click
    if purposes_on(before) and not refused_by_click:
        return False  # saved with a purpose still on: a partial choice
    if not closed and purposes_on(view):
        return False
    if acceptance:
        return (not same_choice(stored, acceptance) and granted(stored) < granted(acceptance)
                and refuses_all_granted(stored, acceptance))
    return True


def is_acceptance(view: View, closed: bool, stored: dict[str, str], before: View, pressed: Control) -> bool:
    by_click = pressed.confident == "accept" and not pressed.toggle
    saved_all = pressed.confident == "save" and not _purposes_off(before)
    if not (by_click or saved_all):
        return False
    if not closed and _purposes_off(view):
        return False
    return bool(stored) or closed
