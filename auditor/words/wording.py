"""Words shared by heuristics and reports, so a goal is named the same way in a finding and a headline."""

from __future__ import annotations

GOAL_GERUND = {
    "object": "Objecting",
    "reject": "Rejecting",
    "opt-out": "Opting out",
    "withdraw": "Withdrawing consent",
    "unsubscribe": "Unsubscribing",
    "delete": "Deleting your data",
}


def goal_gerund(goal: str) -> str:
    """'Objecting', 'Opting out'...: the goal as the subject of a sentence."""
    return GOAL_GERUND.get(goal.strip().lower(), "Reaching the goal")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
