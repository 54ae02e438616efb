"""Best-first search over page states for the shortest refusal and the shortest acceptance.

A state is what a person sees after a click path from a fresh load (fingerprint.py). The search goes
level by level in clicks, and within a level state by state in order of classifier cost (the sum of the
ranks of the clicks that led there, candidates.py), each state's candidates best first. Every click costs
one; the classifier only orders the work. The first state found that is a refusal (goal.py) therefore has
the minimal number of clicks: when it is found at depth d, every state with fewer clicks was already
generated and judged, and no click path to a refusal is shorter. The same holds for the acceptance,
searched in the same pass.

Every state is reached by replaying its path from a clean slate (tab.py). What keeps that affordable:
only consent-UI controls are candidates; pressing towards the opposite choice, switching a purpose the
wrong way and re-ordering commuting toggles are never tried (candidates.py); a click that changes nothing
is a self-loop, the next candidate is tried in the same page and that control is not pressed again in
the states below; a toggle is undone by pressing it again instead of replaying the path; a confident
accept or close that has already closed the notice without a refusal is not pressed again in later
states (remembered by control identity); a state whose notice is gone is not expanded. Every press is
judged, even one leading to a state already seen: the same closed notice is a refusal or not depending
on what was pressed. A refusal is judged only once the acceptance is known (goal.py compares them).
Budgets (auditor.exploration.Budget) bound depth, clicks (replays included) and time.

The search also opens the settings layer once, even when neither minimal path goes through it, and
records which purposes are switched on there by default.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import Browser

from auditor.exploration import Action, Budget, Exploration, FoundPath, Goal
from auditor.gather.explore.candidates import Candidate, candidates, purposes_on
from auditor.gather.explore.goal import is_acceptance, is_refusal
from auditor.gather.explore.tab import Costs, Observation, PageFailed, Tab
from auditor.gather.explore.view import View

MAX_TRIED_LINES = 40
DEFAULT_BUDGET = Budget()  # depth 6, 80 clicks, 120 s: see auditor.exploration.Budget


@dataclass
class Node:
    obs: Observation
    path: tuple[Candidate, ...]
    cost: int
    parent: Node | None = None
    closed: bool = False
    outcome: str = ""
    inert: frozenset = frozenset()  # controls that changed nothing in this state

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def view(self) -> View:
        return self.obs.view

    @property
    def last_toggle_order(self) -> int | None:
        return self.path[-1].control.order if self.path and self.path[-1].control.toggle else None


class OutOfBudget(Exception):
    pass


class _Explorer:
    def __init__(self, browser: Browser, url: str, goal: Goal, budget: Budget, user_agent: str | None,
                 locale: str | None):
        self.browser, self.url, self.goal, self.budget = browser, url, goal, budget
        self.user_agent, self.locale = user_agent, locale
        self.costs = Costs()
        self.started = time.monotonic()
        self.seen: dict[str, Node] = {}
        self.edges: list[Node] = []  # every press that changed the state, in the order made
        self.tab: Tab | None = None
        self.refusal: Node | None = None
        self.acceptance: Node | None = None
        self.no_effect: set = set()  # identities of confident accept/close controls that closed without refusing
        self.tried: list[str] = []
        self.settings_node: Node | None = None
        self.stop_reason = ""
        self.root: Node | None = None

    # --- pages -------------------------------------------------------------------------------------------
    def _check_budget(self) -> None:
        if self.costs.actions >= self.budget.max_actions:
            raise OutOfBudget(f"the action budget ({self.budget.max_actions} clicks) was spent")
        if time.monotonic() - self.started >= self.budget.max_seconds:
            raise OutOfBudget(f"the time budget ({self.budget.max_seconds:g} s) ran out")

    def _close_tab(self) -> None:
        if self.tab is not None:
            self.tab.close()
            self.tab = None

    def _forget_tab_state(self) -> None:
        """The live page is in no state worth keeping: the next state is replayed from a clean slate."""
        if self.tab is not None:
            self.tab.fp = None

    def _fresh(self) -> Observation:
        """The page from a clean slate: a fresh context the first time, a cleared one after (tab.py)."""
        if self.tab is None:
            self.tab = Tab(self.browser, self.url, self.user_agent, self.locale, self.costs)
            return self.tab.load()
        return self.tab.restart()

    def _go_to(self, node: Node) -> bool:
        """Puts the live tab in ``node``'s state, replaying its path from a clean slate if needed."""
        if self.tab is not None and self.tab.fp == node.obs.fp:
            return True
        self._fresh()
        for step in node.path:
            self._check_budget()
            if not self.tab.press(step):
                return False
        obs = self.tab.observe()
        return obs.fp == node.obs.fp

    # --- judging -----------------------------------------------------------------------------------------
    def _acceptance_stored(self) -> dict[str, str] | None:
        return None if self.acceptance is None else self.acceptance.obs.stored

    def _judge_refusals(self, final: bool = False) -> None:
        if self.refusal is not None:
            return
        acceptance = self._acceptance_stored()
        if acceptance is None and final:
            acceptance = {}
        if acceptance is None:
            return  # a refusal is told from an acceptance only once the acceptance is known
        for node in sorted(self.edges, key=lambda n: (n.depth, n.cost)):
            if node.parent is not None and is_refusal(node.view, node.closed, node.obs.stored, node.parent.view,
                                                      node.path[-1].control, acceptance or {}):
                self.refusal = node
                return

    def _judge(self, node: Node) -> None:
        pressed = node.path[-1].control
        if self.acceptance is None and is_acceptance(node.view, node.closed, node.obs.stored, node.parent.view, pressed):
            self.acceptance = node
        self._judge_refusals()

    # --- the search ----------------------------------------------------------------------------------------
    def _choices_open(self) -> list[str]:
        return [c for c, found in (("refuse", self.refusal), ("accept", self.acceptance)) if found is None]

    def _candidates(self, node: Node) -> list[Candidate]:
        merged: dict[tuple, Candidate] = {}
        for choice in self._choices_open():
            for cand in candidates(node.view, choice, node.last_toggle_order):
                key = _key(cand)
                if key not in merged or cand.rank < merged[key].rank:
                    merged[key] = cand
        skip = set(self.no_effect)
        for above in _chain(node):
            skip |= above.inert
        return sorted((c for c in merged.values() if c.control.identity not in skip),
                      key=lambda c: (c.rank, -c.control.score, c.control.order))

    def _expand(self, node: Node, level: list[Node]) -> None:
        done: set = set()
        while self._choices_open():
            # Recomputed after every press: a choice found meanwhile drops the candidates only it needed.
            todo = [c for c in self._candidates(node) if _key(c) not in done]
            if not todo:
                return
            cand, more = todo[0], len(todo) > 1
            done.add(_key(cand))
            self._check_budget()
            if not self._go_to(node):
                self.tried.append(f"{_describe(node.path)}: the path could not be replayed")
                self._forget_tab_state()
                return
            pressed = self.tab.press(cand)
            path = node.path + (cand,)
            if not pressed:
                self.tried.append(f"{_describe(path)}: could not be pressed")
                self._forget_tab_state()
                continue
            obs = self.tab.observe()
            if obs.fp == node.obs.fp and not obs.left:
                node.inert = node.inert | {cand.control.identity}
                continue  # a self-loop: still in the parent state, the next candidate is tried here
            if cand.control.expands and _same_choices(node.obs, obs):
                # A disclosure that only showed text (a purpose's description): the same choices as before,
                # so no new state; folded again, and not unfolded again in the states below.
                node.inert = node.inert | {cand.control.identity}
                self._return_or_close(node, cand, more)
                continue
            child = Node(obs, path, node.cost + cand.rank, parent=node, closed=not obs.view.has_consent_ui)
            child.outcome = _outcome(child)
            self.edges.append(child)
            self.tried.append(f"{_describe(path)}: {child.outcome}")
            self._judge(child)  # every edge, even into a known state: the press, not only the state, decides
            if obs.fp not in self.seen and not obs.left:
                self.seen[obs.fp] = child
                if self.settings_node is None and _opens_settings(node, cand, child):
                    self.settings_node = child
                if not child.closed:
                    level.append(child)
            if child.closed and child is not self.acceptance and child is not self.refusal and \
                    cand.control.confident in ("accept", "dismiss") and not cand.control.toggle:
                self.no_effect.add(cand.control.identity)
            self._return_or_close(node, cand, more)

    def _return_or_close(self, node: Node, cand: Candidate, more: bool) -> None:
        """Back to ``node`` by pressing a toggle or disclosure again (one click instead of a replay) when
        ``node`` has more candidates to try, else leave the tab where it is (the next state may be this one)."""
        if not more:
            return
        if (cand.control.toggle in ("checkbox", "switch") or cand.control.expands) and self.tab is not None:
            self._check_budget()
            if self.tab.press(cand) and self.tab.observe().fp == node.obs.fp:
                return
        self._forget_tab_state()

    def run(self) -> Exploration:
        result = Exploration(url=self.url, goal=self.goal, status="found", budget=self.budget,
                             user_agent=self.user_agent or "")
        try:
            root_obs = self._fresh()
        except PageFailed as error:
            return self._finish(result, "page-failed", str(error))
        root = self.root = Node(root_obs, (), 0)
        self.seen[root_obs.fp] = root
        if not root_obs.view.has_consent_ui:
            return self._finish(result, "no-consent-ui", "no dialog, banner, overlay or frame offering a "
                                                         "consent choice was found after the page settled")
        level = [root]
        try:
            for depth in range(self.budget.max_depth):
                nxt: list[Node] = []
                for node in sorted(level, key=lambda n: n.cost):
                    self._expand(node, nxt)
                    if not self._choices_open():
                        break
                if not self._choices_open() or not nxt:
                    break
                if depth == self.budget.max_depth - 1:
                    self.stop_reason = (f"the depth budget ({self.budget.max_depth} clicks) was reached with "
                                        f"{len(nxt)} state(s) still open")
                level = nxt
            if not self.stop_reason and self._choices_open():
                self.stop_reason = "every click path in the consent UI was tried"
        except OutOfBudget as spent:
            self.stop_reason = str(spent)
        except PageFailed as error:
            self.stop_reason = f"the page failed to load again while replaying a path: {error}"
        self._judge_refusals(final=True)
        try:
            self._open_settings_once(root)
        except (OutOfBudget, PageFailed):
            pass
        self._close_tab()
        return self._finish(result, "found" if self.refusal else "goal-unreachable", None)

    def _open_settings_once(self, root: Node) -> None:
        """Opens the settings layer once if the search never did, to see what it pre-selects."""
        if self.settings_node is not None:
            return
        for cand in candidates(root.view, "refuse", None):
            if cand.control.confident != "settings":
                continue
            self._check_budget()
            if not self._go_to(root) or not self.tab.press(cand):
                continue
            obs = self.tab.observe()
            if obs.view.has_consent_ui and obs.fp != root.obs.fp:
                self.settings_node = Node(obs, (cand,), cand.rank, parent=root)
                return

    def _finish(self, result: Exploration, status: str, reason: str | None) -> Exploration:
        self._close_tab()
        result.status = status
        result.reason = reason
        if status in ("found", "goal-unreachable"):
            result.goal_path = _found_path(self.refusal)
            result.baseline_path = _found_path(self.acceptance)
            if status == "goal-unreachable":
                result.reason = f"no refusal found: {self.stop_reason}"
                result.tried = self.tried[:MAX_TRIED_LINES] + [f"stopped: {self.stop_reason}"]
        if self.settings_node is not None:
            result.settings_opened = True
            result.settings_defaults_on = [c.purpose for c in purposes_on(self.settings_node.view)]
        if self.root is not None:
            result.ui_css, result.ui_frame_url = _ui_root(self.root.view)
        result.states_visited = len(self.seen)
        result.actions_spent = self.costs.actions
        result.page_loads = self.costs.page_loads
        result.seconds = round(time.monotonic() - self.started, 2)
        return result


def _same_choices(a: Observation, b: Observation) -> bool:
    """The same controls in the same states and the same stored choice: only text differs."""
    def choices(obs: Observation) -> list:
        return [(c.layer, c.label, c.role, c.checked, c.disabled) for c in obs.view.consent_controls]
    return choices(a) == choices(b) and a.stored == b.stored and a.view.consent_layers == b.view.consent_layers


def _toggles(view: View) -> int:
    return sum(1 for c in view.consent_controls if c.toggle)


def _opens_settings(parent: Node, cand: Candidate, child: Node) -> bool:
    """The press opened the settings layer: the classifier says settings, or purpose switches appeared."""
    if child.closed or cand.control.toggle:
        return False
    return cand.control.confident == "settings" or _toggles(child.view) > _toggles(parent.view) == 0


def _chain(node: Node | None) -> list[Node]:
    """``node`` and its ancestors, nearest first."""
    chain = []
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def _key(cand: Candidate) -> tuple:
    return (cand.control.frame, cand.control.hops, cand.kind)


def _describe(path: tuple[Candidate, ...]) -> str:
    if not path:
        return "(the page as loaded)"
    words = {"click": "", "check": "check ", "uncheck": "uncheck "}
    return " → ".join(f"{words[c.kind]}{c.control.describe()}" for c in path)


def _outcome(node: Node) -> str:
    stored = "stored " + ", ".join(sorted(node.obs.stored)) if node.obs.stored else "stored nothing"
    if node.obs.left:
        return "left the page"
    if node.closed:
        return f"the consent UI closed; {stored}"
    on = purposes_on(node.view)
    return f"the consent UI is still open ({len(on)} purpose(s) on); {stored}"


def _action(cand: Candidate, seen_in: View) -> Action:
    c = cand.control
    same = sum(1 for other in seen_in.controls if other.role == c.role and other.label == c.label)
    return Action(kind=cand.kind, label=c.label, role=c.role or None, frame_url=c.frame_url, in_shadow=c.in_shadow,
                  css=c.css or None, affordance=c.affordance, score=c.score, label_unique=same == 1)


def _found_path(node: Node | None) -> FoundPath | None:
    if node is None:
        return None
    chain = list(reversed(_chain(node)))  # root first: chain[i] is where path[i] was pressed
    actions = [_action(cand, chain[i].view) for i, cand in enumerate(node.path)]
    seen_states: dict[str, bool] = {}
    for n in chain:
        for c in n.view.consent_controls:
            if c.toggle in ("checkbox", "switch") and not c.disabled:
                seen_states[c.label] = bool(c.checked)
    for c in node.path:
        if c.kind == "uncheck":
            seen_states[c.control.label] = False
    return FoundPath(actions=actions, clicks=len(actions), stored_choice=dict(node.obs.stored), closed=node.closed,
                     purposes_off=[label for label, on in seen_states.items() if not on])


def _ui_root(view: View) -> tuple[str | None, str | None]:
    """(css, frame url) of the first consent layer: its root element's selector in its frame (through open
    shadow roots), or None when the layer is a whole child frame's document."""
    if not view.consent_layers:
        return None, None
    frame, _, layer = view.consent_layers[0].partition("|")
    frame_url = frame.rsplit("#", 1)[0] or None
    return layer or None, frame_url


def explore(url: str, goal: Goal = "reject", budget: Budget = DEFAULT_BUDGET, *, browser: Browser | None = None,
            user_agent: str | None = None, locale: str | None = None) -> Exploration:
    """Finds and proves the shortest path to ``goal`` (a refusal) and to acceptance on ``url``.

    ``browser``: a launched Playwright Browser to share (each state still gets a fresh context); None
    launches one. ``user_agent``: None presents as an ordinary desktop Chrome (the browser's own agent
    without "Headless", which some consent libraries hide from)."""
    from auditor.gather.browser import ordinary_user_agent

    if browser is None:
        from auditor.gather.session import browser_session

        with browser_session() as session:
            return explore(url, goal, budget, browser=session.browser, user_agent=user_agent, locale=locale)
    agent = user_agent or ordinary_user_agent(browser)
    return _Explorer(browser, url, goal, budget, agent, locale).run()
