"""What a path cost, counted once: the figures path-length and asymmetric-path both judge (not a heuristic).

One definition, so that "the goal takes 5 actions" in one finding and "5 actions against 1" in the other
can never disagree. A step is any scripted step except ``wait`` (waiting is not something the person does).
Actions are the clicks the driver counted (click, check, uncheck, select), plus one per ``fill`` and
``press`` step; page loads and typed characters are the driver's counts.
"""

from __future__ import annotations

from auditor.trace import PathTrace


def path_counts(path: PathTrace) -> dict:
    """steps, clicks, fills, presses, actions, typed_chars, page_loads and dialogs of ``path``."""
    fills = sum(1 for s in path.steps if s.action == "fill")
    presses = sum(1 for s in path.steps if s.action == "press")
    return {
        "steps": sum(1 for s in path.steps if s.action != "wait"),
        "clicks": path.clicks,
        "fills": fills,
        "presses": presses,
        "actions": path.clicks + fills + presses,
        "typed_chars": path.typed_chars,
        "page_loads": path.page_loads,
        "dialogs": sum(len(s.dialogs) for s in path.steps),
    }
