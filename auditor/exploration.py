"""What an exploration found, in the shape the flow converter, the trace and the reports read.

Plain data beside trace.py (the FlowTrace carries it), so the trace and the reports read it without
importing the explorer that produced it (auditor/gather/explore/).

The explorer starts from a URL alone; this module fixes the vocabulary it hands back: the actions a
person would take, the minimal paths proved for the goal and for acceptance, the budget that bounded
the search and what was tried when no way out was found.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Goal = Literal["reject", "object", "opt-out"]
Status = Literal["found", "no-consent-ui", "goal-unreachable", "page-failed"]


class Action(BaseModel):
    """One click a person makes; a toggle or checkbox click is one action too."""

    kind: Literal["click", "check", "uncheck"]
    label: str
    role: str | None = None
    frame_url: str | None = None
    in_shadow: bool = False
    css: str | None = None
    affordance: str = "other"
    score: float = 0.0
    label_unique: bool | None = None  # role + label named exactly one visible control across the frames


class FoundPath(BaseModel):
    """A minimal path and the evidence that it reached its choice."""

    actions: list[Action]
    clicks: int
    stored_choice: dict[str, str] = Field(default_factory=dict)
    closed: bool = False
    purposes_off: list[str] = Field(default_factory=list)


class Budget(BaseModel):
    """Limits that keep a search on a hostile page finite.

    Depth 6 covers the deepest real flows seen (banner -> settings -> vendor tab -> toggles -> save ->
    confirm); 80 actions and 120 seconds keep one URL within a batch audit's time slot.
    """

    max_depth: int = 6
    max_actions: int = 80
    max_seconds: float = 120.0


class Exploration(BaseModel):
    """The outcome of exploring one URL for one goal, with how the search went."""

    url: str
    goal: Goal
    status: Status
    reason: str | None = None
    goal_path: FoundPath | None = None
    baseline_path: FoundPath | None = None
    settings_opened: bool = False
    settings_defaults_on: list[str] = Field(default_factory=list)
    states_visited: int = 0
    actions_spent: int = 0
    page_loads: int = 0
    seconds: float = 0.0
    budget: Budget = Field(default_factory=Budget)
    tried: list[str] = Field(default_factory=list)
    user_agent: str = ""
    ui_css: str | None = None  # a selector of the consent UI's root (dialog, banner) as first seen
    ui_frame_url: str | None = None  # the frame that root is in (None: the main frame)
