"""path-length: the way to the goal takes many actions and pages, while doing nothing takes none.

What it does
    Counts what the goal path (object, reject, opt out, withdraw...) cost the person: steps, clicks,
    fields filled, characters typed and page loads, as the driver recorded them. It fires when the
    person must act many times or move through several pages:

    - **high**: 5 or more actions (clicks + fields filled + keys pressed), or 3 or more page loads;
    - **medium**: 3 or 4 actions;
    - nothing below 3 actions: one or two clicks is what a fair opt-out costs.

Why is this bad?
    The default is the processing: a person who does nothing is opted in, at a cost of zero steps. Every
    step the opt-out adds loses people who meant to object: growth teams measure this funnel and know that
    each extra step "dramatically" lowers the share who finish (Tantacrul's breakdown of Meta's 2024
    AI-training objection, which took six steps and an e-mail round trip). The EDPB calls a control that
    can only be reached through many pages a *Privacy Maze* (4.1.2) and a protective option that needs more
    steps than necessary *Longer than necessary* (4.4.2). GDPR Art. 12(2) obliges the controller to
    *facilitate* the right to object (Art. 21(1)); Brazil's ANPD made Meta let "any user object ... with a
    single click".

What a fair design does
    Puts the choice where the notice is: one "Object" / "Opt out" button next to "Close", which takes
    effect on that click; no extra pages, forms or confirmations.

Counting
    A step is any scripted step except ``wait`` (waiting is not something the person does). Actions are
    the clicks the driver counted (click, check, uncheck, select), plus one per ``fill`` and ``press``
    step. If the goal path did not finish, the figures are lower bounds and the finding says "at least".
    The counts come from heuristics/_paths.py, the one place asymmetric-path also reads them from.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import FlowTrace
from auditor.words.wording import goal_gerund, plural
from heuristics._paths import path_counts
from heuristics.base import Checked, Evidence, HeuristicMeta, TracePart, figure, finding

HIGH_ACTIONS = 5
HIGH_PAGE_LOADS = 3
MEDIUM_ACTIONS = 3


class Thresholds(Evidence):
    high_actions: int = figure("High from", "actions")
    high_page_loads: int = figure("High from", "page loads")
    medium_actions: int = figure("Medium from", "actions")


class Measured(Evidence):
    steps: int = figure("Steps", "steps")
    clicks: int = figure("Clicks", "clicks")
    fills: int = figure("Fields filled")
    presses: int = figure("Key presses")
    actions: int = figure("Actions (clicks, fields filled, key presses)", "actions")
    typed_chars: int = figure("Typed characters", "characters")
    page_loads: int = figure("Page loads", "page loads")
    dialogs: int = figure("Dialogs answered")
    doing_nothing_steps: int = figure("Steps of doing nothing", "steps")
    complete: bool = figure("Goal path finished")
    thresholds: Thresholds = figure("Thresholds")

META = HeuristicMeta(
    id="path-length",
    title="Opting out takes many clicks and pages; doing nothing takes none",
    severity="high",
    measures="steps, clicks, fields filled, typed characters and page loads on the goal path, "
    "against the zero steps of doing nothing",
    why="The default is the processing, so every extra step on the way out loses people who meant to "
    "object. A control reachable only through many pages is the EDPB's Privacy Maze; a protective option "
    "that needs more steps than necessary is 'Longer than necessary'. The controller must facilitate the "
    "right to object (GDPR Art. 12(2), 21(1)).",
    edpb=("4.1.2 Privacy Maze", "4.4.2 Longer than necessary"),
    provisions=("GDPR Art. 12(2)", "GDPR Art. 21(1)"),
    fix="Offer the choice where the notice is: one 'Object' or 'Opt out' button that takes effect on "
    "that click, with no extra pages, forms or confirmations.",
    tags=("obstruction", "effort"),
    requires=(TracePart.GOAL_STEPS,),
    evidence=Measured,
)

def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    c = path_counts(path)
    if c["actions"] >= HIGH_ACTIONS or c["page_loads"] >= HIGH_PAGE_LOADS:
        severity = "high"
    elif c["actions"] >= MEDIUM_ACTIONS:
        severity = "medium"
    else:
        return Checked(summary=f"{plural(c['actions'], 'action')} and {plural(c['page_loads'], 'page load')} "
                               f"on the goal path; fires from {MEDIUM_ACTIONS} actions or {HIGH_PAGE_LOADS} page loads")

    complete = path.status == "complete"
    at_least = "" if complete else "at least "
    gerund = goal_gerund(trace.flow.goal)
    parts = [plural(c["clicks"], "click")]
    if c["fills"]:
        typed = plural(c["typed_chars"], "typed character")
        parts.append(f"{plural(c['fills'], 'field')} filled with {typed}")
    if c["presses"]:
        parts.append(plural(c["presses"], "key press"))
    detail = (
        f"{gerund} takes {at_least}{plural(c['actions'], 'action')} ({', '.join(parts)}) over "
        f"{plural(c['steps'], 'step')} and {plural(c['page_loads'], 'page load')}; "
        f"doing nothing (and being processed) takes 0 steps."
    )
    if c["dialogs"]:
        detail += f" The path also raised {plural(c['dialogs'], 'dialog')} that had to be answered."
    if not complete:
        detail += f" The path did not finish ({path.status}), so the real cost is higher."
    measured = Measured(**c, doing_nothing_steps=0, complete=complete,
                        thresholds=Thresholds(high_actions=HIGH_ACTIONS, high_page_loads=HIGH_PAGE_LOADS,
                                              medium_actions=MEDIUM_ACTIONS))
    title = (f"{gerund} takes {at_least}{plural(c['actions'], 'action')} across "
             f"{plural(c['page_loads'], 'page load')}; doing nothing takes none")
    return [finding(META, severity=severity, title=title, detail=detail, path="goal", measured=measured)]
