"""asymmetric-path: saying no costs more than saying yes.

What it does
    Compares the goal path (object, reject, opt out...) with the baseline path to the opposite choice
    (accept, close, keep), both run from a fresh browser context. It fires when the goal needs more clicks,
    more typed characters or more page loads than the baseline:

    - **high**: the goal needs 3 times the baseline's actions (clicks + fields filled + keys pressed) or
      more, or any typing where the baseline needs none;
    - **medium**: any other excess.

    No baseline, or a baseline that did not complete, gives no finding: an asymmetry must be measured on
    two finished paths (an unfinished goal path still counts, its figures are lower bounds).

Why is this bad?
    "It shall be as easy to withdraw as to give consent" (GDPR Art. 7(3)). When "Accept" is one click and
    "Reject" is a settings page, three toggles and a save button, the design spends the person's patience
    on one answer only. The CNIL fined Google EUR 150M and Facebook EUR 60M (Dec 2021) because "several
    clicks are necessary to refuse all cookies, against just one to accept them". The EDPB calls it
    *Longer than necessary* (4.4.2); California's CCPA regulations require *symmetry in choice*: the path
    to the more privacy-protective option "shall not be longer or more difficult or time-consuming" than
    the other (11 CCR §7004(a)(2)).

What a fair design does
    Gives both answers the same cost and the same place: "Object" next to "Close", "Reject all" next to
    "Accept all", each one click.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.measure.effort import path_effort
from auditor.trace import FlowTrace
from auditor.words.wording import goal_gerund, plural
from heuristics._paths import path_counts
from heuristics.base import Checked, Evidence, HeuristicMeta, TracePart, figure, finding

HIGH_RATIO = 3.0
# The counts compared, in the words a report shows for ``more`` (the keys are heuristics/_paths.py's).
COMPARED = {"clicks": "clicks", "typed_chars": "characters typed", "page_loads": "page loads"}


class Measured(Evidence):
    """Each of heuristics/_paths.py's counts for both paths, side by side."""

    goal_actions: int = figure("Actions (clicks, fields filled, key presses)", "actions",
                               compare="actions", side="goal")
    baseline_actions: int = figure("Actions (clicks, fields filled, key presses)", "actions",
                                   compare="actions", side="baseline")
    goal_clicks: int = figure("Clicks", "clicks", compare="clicks", side="goal")
    baseline_clicks: int = figure("Clicks", "clicks", compare="clicks", side="baseline")
    goal_fills: int = figure("Fields filled", compare="fills", side="goal")
    baseline_fills: int = figure("Fields filled", compare="fills", side="baseline")
    goal_presses: int = figure("Key presses", compare="presses", side="goal")
    baseline_presses: int = figure("Key presses", compare="presses", side="baseline")
    goal_typed_chars: int = figure("Typed characters", "characters", compare="typed_chars", side="goal")
    baseline_typed_chars: int = figure("Typed characters", "characters", compare="typed_chars", side="baseline")
    goal_steps: int = figure("Steps", "steps", compare="steps", side="goal")
    baseline_steps: int = figure("Steps", "steps", compare="steps", side="baseline")
    goal_page_loads: int = figure("Page loads", "page loads", compare="page_loads", side="goal")
    baseline_page_loads: int = figure("Page loads", "page loads", compare="page_loads", side="baseline")
    goal_dialogs: int = figure("Dialogs answered", compare="dialogs", side="goal")
    baseline_dialogs: int = figure("Dialogs answered", compare="dialogs", side="baseline")
    goal_seconds: float = figure("Estimated time", "s", compare="seconds", side="goal")
    baseline_seconds: float = figure("Estimated time", "s", compare="seconds", side="baseline")
    action_ratio: float | None = figure("Goal actions per baseline action (none when the baseline needs none)", "×")
    more: list[str] = figure("What the goal path needs more of")
    typing_only_on_goal: bool = figure("Only the goal path asks to type")
    goal_complete: bool = figure("Goal path finished")

META = HeuristicMeta(
    id="asymmetric-path",
    title="Saying no takes more clicks, typing or pages than saying yes",
    severity="high",
    measures="clicks, steps, typed characters, page loads and estimated seconds of the goal path "
    "against the baseline path to the opposite choice",
    why="Withdrawing or refusing must be as easy as agreeing (GDPR Art. 7(3)); a protective option that "
    "takes more steps is the EDPB's 'Longer than necessary'. The CNIL fined Google and Facebook in 2021 "
    "because refusing took several clicks and accepting one; California requires symmetry in choice.",
    edpb=("4.4.2 Longer than necessary",),
    provisions=("GDPR Art. 7(3)", "GDPR Art. 12(2)", "GDPR Art. 21(1)", "CCPA 11 CCR §7004(a)(2)"),
    fix="Give both answers the same cost and the same place: one 'Object' button next to 'Close', "
    "'Reject all' next to 'Accept all'.",
    tags=("obstruction", "asymmetry", "effort"),
    requires=(TracePart.GOAL_STEPS, TracePart.BASELINE),
    evidence=Measured,
)


def _ratio(goal: int, baseline: int) -> float | None:
    """goal / baseline, None when the baseline needs no action at all (the ratio is unbounded)."""
    return round(goal / baseline, 2) if baseline else None


def check(trace: FlowTrace) -> list[Finding]:
    base_path = trace.baseline
    if base_path is None or base_path.status != "complete":
        return []
    goal, base = path_counts(trace.goal), path_counts(base_path)

    more = {k: goal[k] > base[k] for k in COMPARED}
    if not any(more.values()):
        return Checked(summary=f"the goal path costs no more than the baseline: {plural(goal['clicks'], 'click')}, "
                               f"{plural(goal['page_loads'], 'page load')}, {goal['typed_chars']} typed characters "
                               f"against {base['clicks']}, {base['page_loads']} and {base['typed_chars']}")

    ratio = _ratio(goal["actions"], base["actions"])
    typing_only_on_goal = goal["typed_chars"] > 0 and base["typed_chars"] == 0
    many_more = (ratio is None and goal["actions"] > 0) or (ratio is not None and ratio >= HIGH_RATIO)
    severity = "high" if many_more or typing_only_on_goal else "medium"

    goal_s, base_s = path_effort(trace.goal).seconds, path_effort(base_path).seconds
    complete = trace.goal.status == "complete"
    at_least = "" if complete else "at least "
    gerund = goal_gerund(trace.flow.goal)

    def cost(c: dict) -> str:
        s = f"{plural(c['actions'], 'action')} ({plural(c['clicks'], 'click')}"
        if c["typed_chars"]:
            s += f", {plural(c['typed_chars'], 'typed character')}"
        return s + f") over {plural(c['steps'], 'step')} and {plural(c['page_loads'], 'page load')}"

    detail = (f"{gerund} takes {at_least}{cost(goal)}, about {goal_s:g} s; the opposite choice takes "
              f"{cost(base)}, about {base_s:g} s.")
    if ratio is not None and ratio > 1:
        detail += f" That is {ratio:g} times the actions."
    if typing_only_on_goal:
        detail += " Only the goal path asks the person to type."
    if not complete:
        detail += f" The goal path did not finish ({trace.goal.status}), so the real gap is larger."

    measured = {f"goal_{k}": v for k, v in goal.items()}
    measured.update({f"baseline_{k}": v for k, v in base.items()})
    measured.update(action_ratio=ratio, goal_seconds=goal_s, baseline_seconds=base_s,
                    more=[COMPARED[k] for k, v in more.items() if v], typing_only_on_goal=typing_only_on_goal,
                    goal_complete=complete)
    if ratio is None and goal["actions"]:
        title = f"{gerund} takes {at_least}{goal['actions']} actions; the opposite choice takes none"
    elif ratio is not None and ratio > 1:
        title = f"{gerund} takes {at_least}{ratio:g}x the actions of the opposite choice"
    else:
        words = {"clicks": "clicks", "typed_chars": "typing", "page_loads": "page loads"}
        title = (f"{gerund} needs more {' and '.join(words[k] for k, v in more.items() if v)} "
                 f"than the opposite choice")
    if typing_only_on_goal and ratio is not None and ratio > 1:
        title += ", including typing the other does not need"
    return [finding(META, severity=severity, title=title, detail=detail, path="goal", measured=measured)]
