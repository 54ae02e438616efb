"""dead-end: a control promises the goal, but the path leads nowhere, in a circle, or back to the prompt.

What it does
    Looks for five ways a goal path fails the person although each control did what the flow asked:

    - **unreachable** (high): every step ran, but the flow's ``done`` condition never held (status
      ``goal-unreachable``). If the last click changed nothing visible, the finding says so.
    - **no-way-out** (high): ``consent-audit explore`` searched the notice and found no path that ends in
      the refusal within its budget (status ``goal-unreachable``); the finding lists what was tried.
    - **loop** (high): after a click, the page is exactly one seen at an earlier step (same URL without
      fragment, same visible controls with the same labels and states, same text): the person went round
      in a circle.
    - **re-prompt** (high): after the goal path's last action, the first screen's prompt is back: most of
      the first page's sentences and its accept-like control (or the baseline's choice) are visible again,
      although some page in between had left them. The choice did not stick.
    - **error page** (high): a page reached by a goal click says "404", "not found", "page not found" (in
      six languages) or is blank (no visible control and no text).

    The signals are views of one fault, so they make **one** finding (scored once), titled after the most
    specific signal (error page, then re-prompt, loop, unreachable or no-way-out) and listing all of them.

Why is this bad?
    A "Reject" that reloads the banner, an "Opt out" link to a missing page, a settings page that forgets
    what was switched off: the person did everything asked and is still processed. The EDPB calls a broken
    or missing way to the control a *Dead end* (4.4.1) and a control that does something else than it says
    a *Misleading action* (4.4.3); GDPR Art. 12(2) obliges the controller to facilitate the rights, Art.
    25(1) to build the protection into the design, and California counts circular or broken links as an
    unnecessary burden (11 CCR §7004(a)(5)).

What a fair design does
    Every control that says it leads to the choice leads there, and the choice takes effect and stays in
    effect: the prompt does not come back and the settings are kept.
"""

from __future__ import annotations

import hashlib
import re

from auditor.findings import Finding
from auditor.trace import FlowTrace, Snapshot
from heuristics._words import (
    after_snapshot,
    click_steps,
    first_snapshot,
    is_accept,
    label,
    page,
    same_control,
    scan_text,
    short,
)
from heuristics.base import Evidence, HeuristicMeta, figure, finding

PROMPT_BACK_SHARE = 0.8  # this share of the first page's sentences visible again = the prompt is back
PROMPT_GONE_SHARE = 0.5


class ErrorPage(Evidence):
    step: int = figure("Step")
    url: str = figure("Page")
    control: str = figure("Control followed")
    says: str = figure("Error text")
    empty: bool = figure("Blank page")
    title: str = figure("Page title")


class Reprompt(Evidence):
    share_of_first_page_sentences_back: float = figure("First page's sentences visible again", "fraction")
    prompt_control: str = figure("Prompt control visible again")
    left_in_between: bool = figure("The prompt left in between")
    url: str = figure("Page")


class LoopBack(Evidence):
    step: int = figure("Step")
    back_to_step: int = figure("Back to the page of step")
    url: str = figure("Page")
    control: str = figure("Control clicked")


class Loops(Evidence):
    loops: list[LoopBack] = figure("Clicks leading back to an earlier page")


class SearchBudget(Evidence):
    max_depth: int = figure("Deepest", "clicks")
    max_actions: int = figure("Most", "actions")
    max_seconds: float = figure("Longest", "s")


class NoWayOut(Evidence):
    tried: list[str] = figure("Paths tried")
    states_visited: int = figure("States visited")
    actions_spent: int = figure("Clicks spent", "clicks")
    budget: SearchBudget = figure("Search budget")


class Unreachable(Evidence):
    steps_run: int = figure("Steps run", "steps")
    last_click_changed_nothing: bool = figure("Last click changed nothing visible")
    reason: str = figure("Why the goal was not reached")


class Measured(Evidence):
    kinds: list[str] = figure("Signals found, the one the title names first")
    error_page: ErrorPage = figure("Error page")
    re_prompt: Reprompt = figure("Prompt back after the goal")
    loop: Loops = figure("Loop")
    no_way_out: NoWayOut = figure("No way out found")
    unreachable: Unreachable = figure("Goal never reached")

META = HeuristicMeta(
    id="dead-end",
    title="A control promises the goal but leads nowhere, in a circle or back to the prompt",
    severity="high",
    measures="whether the done condition held; page fingerprints after each click against earlier pages; "
    "the first prompt re-appearing after the goal's last action; error or empty pages on the goal path",
    why="A 'Reject' that reloads the banner or an 'Opt out' link to a missing page leaves the person "
    "processed after doing everything asked: the EDPB's 'Dead end' and 'Misleading action'. The controller "
    "must facilitate the rights (GDPR Art. 12(2)) and build protection into the design (Art. 25(1)).",
    edpb=("4.4.1 Dead end", "4.4.3 Misleading action"),
    provisions=("GDPR Art. 12(2)", "GDPR Art. 25(1)", "GDPR Art. 7(3)", "CCPA 11 CCR §7004(a)(5)"),
    fix="Make every control that says it leads to the choice lead there, and make the choice take effect and "
    "stay in effect: no prompt coming back, no settings forgotten.",
    tags=("obstruction", "dead-end", "misleading-action"),
    evidence=Measured,
)

_ERROR = re.compile(
    r"\b404\b|\bpage not found\b|\bnot found\b|\bfile not found\b|\bthis page (?:isn'?t|is not|could not be) "
    r"(?:available|found)\b|\bseite nicht gefunden\b|\bnicht gefunden\b|\bpage introuvable\b|\bintrouvable\b|"
    r"\bpágina no encontrada\b|\bno encontrad[ao]\b|\bpagina non trovata\b|\bnon trovat[ao]\b|"
    r"\bpagina niet gevonden\b|\bniet gevonden\b",
    re.I,
)
_SENTENCE = re.compile(r"(?:^|(?<=[.!?]) )([^.!?]{30,400}[.!?])")  # anchored: linear on long text


def fingerprint(snap: Snapshot) -> str:
    """What a person would call 'the same page': URL, visible controls with their state, and text."""
    # checked is True/False/None: None sorts after both (comparing it with a bool raised TypeError)
    controls = sorted(((e.tag, e.label_text, e.checked, e.value or "") for e in snap.elements if e.visible),
                      key=lambda c: (c[0], c[1], c[2] is None, bool(c[2]), c[3]))
    raw = repr((page(snap.url), snap.text[:20000], controls))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


MAX_PROMPT_SENTENCES = 40


def _sentences(text: str) -> set[str]:
    """The first page's long sentences (the first 40): what 'the prompt is on screen' means."""
    out: set[str] = set()
    for m in _SENTENCE.finditer(scan_text(text)):
        out.add(" ".join(m.group(1).split()))
        if len(out) >= MAX_PROMPT_SENTENCES:
            break
    return out


def _share(sentences: set[str], text: str) -> float:
    if not sentences:
        return 0.0
    norm = " ".join(scan_text(text).split())
    return sum(1 for s in sentences if s in norm) / len(sentences)


def _loops(trace: FlowTrace) -> tuple[list[dict], list[str | None], str | None]:
    """Clicks that lead back to an earlier page state; the fingerprint of every step's snapshot and of the
    final page (each page state is hashed once: the page after a step is the next snapshot or the final)."""
    path = trace.goal
    before = [fingerprint(s.snapshot) if s.snapshot is not None else None for s in path.steps]
    final = fingerprint(path.final) if path.final is not None else None
    out = []
    for i, step in enumerate(path.steps):
        if step.action != "click":
            continue
        after = after_snapshot(path, i)
        if after is None:
            continue
        fp = next((f for f in before[i + 1:] if f is not None), final)  # after's fingerprint
        for j in range(i):  # strictly earlier steps: a loop back
            if before[j] == fp:
                out.append({"step": step.number, "back_to_step": path.steps[j].number, "url": page(after.url),
                            "control": label(step.target_element)})
                break
    return out, before, final


def _error_pages(trace: FlowTrace) -> list[dict]:
    path = trace.goal
    out = []
    for i, step in enumerate(path.steps):
        if step.action not in {"click", "goto", "press"}:
            continue
        after = after_snapshot(path, i)
        if after is None:
            continue
        m = _ERROR.search(after.title + " " + after.text[:2000])
        visible = [e for e in after.elements if e.visible]
        empty = not after.text.strip() and not visible
        if m or empty:
            out.append({"step": step.number, "url": after.url, "control": label(step.target_element),
                        "says": short(m.group(0), 60) if m else "", "empty": empty and not m,
                        "title": short(after.title, 80)})
            break
    return out


def _reprompt(trace: FlowTrace) -> dict | None:
    path = trace.goal
    step1, first = first_snapshot(path)
    if step1 is None or first is None or path.final is None:  # a step with a snapshot: path.steps is not empty
        return None
    sentences = _sentences(first.text)
    yes = [e for e in first.first_screen if is_accept(e.label_text)]
    if trace.baseline is not None:
        base_clicks = click_steps(trace.baseline)
        if base_clicks:
            yes += [e for e in first.first_screen if same_control(e, base_clicks[0].target_element)]
    if not sentences or not yes:
        return None
    later = [s for n, s in path.snapshots()[1:]]  # after the first action
    left = any(_share(sentences, s.text) < PROMPT_GONE_SHARE or
               not any(same_control(y, e) and e.visible and e.in_viewport for y in yes for e in s.elements)
               for s in later[:-1])
    final = path.final
    back_share = _share(sentences, final.text)
    yes_back = [e for e in final.first_screen if any(same_control(y, e) for y in yes)]
    if back_share >= PROMPT_BACK_SHARE and yes_back and left:
        return {"share_of_first_page_sentences_back": round(back_share, 2), "prompt_control": label(yes_back[0]),
                "left_in_between": left, "url": final.url}
    return None


def _in_words(key: str) -> str:
    """A signal as the report names it: the label of the figure holding its data ("error page", "goal never
    reached"), so the list of signals reads like the rows under it."""
    label = Measured.model_fields[key].title or key
    return label[:1].lower() + label[1:]


def check(trace: FlowTrace) -> list[Finding]:
    """One finding: the signals are views of the same fault, so they are listed together, scored once."""
    path = trace.goal
    signals: list[tuple[str, str, str, int | None, int | None, dict]] = []  # kind, title, detail, step, el, data
    loops, before, final = _loops(trace)
    reprompt = _reprompt(trace)
    for err in _error_pages(trace):
        what = f'says "{err["says"]}"' if err["says"] else "is blank"
        title_part = f' (title "{err["title"]}")' if err["title"] else ""
        signals.append(("error-page", f'"{err["control"] or "The next step"}" leads to an error page',
                        f'Step {err["step"]}: following "{err["control"]}" opens {short(err["url"], 100)}, which '
                        f"{what}{title_part}.", err["step"], None, err))
    if reprompt:
        signals.append(("re-prompt", "After objecting, the prompt comes back",
                        f"After the goal path's last action the first prompt is on screen again: "
                        f"{reprompt['share_of_first_page_sentences_back']:.0%} of the first page's sentences and "
                        f'its "{reprompt["prompt_control"]}" control are visible. The choice did not stick.',
                        None, None, reprompt))
    if loops:
        lp = loops[0]
        more = f" {len(loops) - 1} more loop(s) follow." if len(loops) > 1 else ""
        signals.append(("loop", f'"{lp["control"]}" leads back to the page of step {lp["back_to_step"]}',
                        f'Step {lp["step"]}: clicking "{lp["control"]}" brought the person back to exactly the '
                        f'page seen at step {lp["back_to_step"]} ({short(lp["url"], 100)}): same controls, same '
                        f"state, same text.{more}", lp["step"], None, {"loops": loops}))
    explored = trace.exploration
    if explored is not None and explored.status == "goal-unreachable":  # explore found no way out
        tried = "; ".join(explored.tried) or "nothing the search could click"
        signals.append(("no-way-out", f"No way to {explored.goal} was found in the consent notice",
                        f"A search of the notice ({explored.states_visited} states, {explored.actions_spent} "
                        f"clicks, up to {explored.budget.max_depth} deep) found no path that ends in a refusal. "
                        f"Tried: {short(tried, 600)}.", None, None,
                        {"tried": explored.tried, "states_visited": explored.states_visited,
                         "actions_spent": explored.actions_spent, "budget": explored.budget.model_dump()}))
    elif path.status == "goal-unreachable" and path.failed_step is None:  # every step ran
        last = path.steps[-1] if path.steps else None
        unchanged = bool(last is not None and last.action == "click" and final is not None
                         and before and before[-1] == final)
        detail = (f"All {len(path.steps)} steps of the goal path ran, but the promised result never appeared: "
                  f"{short(path.reason or 'the done condition did not hold', 200)}.")
        if unchanged:
            detail += f' The last click ("{label(last.target_element)}") changed nothing visible on the page.'
        title = (f'"{label(last.target_element)}" changes nothing; the goal is never reached' if unchanged
                 else "Every step ran, but the goal was never reached")
        signals.append(("unreachable", title, detail, last.number if last else None,
                        last.target if last else None,
                        {"steps_run": len(path.steps), "last_click_changed_nothing": unchanged,
                         "reason": short(path.reason or "", 300)}))
    if not signals:
        return []
    kind, title, _, step, element, _ = signals[0]
    detail = " ".join(d for _, _, d, _, _, _ in signals)
    measured: dict = {"kinds": []}
    for k, _, _, _, _, data in signals:
        key = k.replace("-", "_")
        measured["kinds"].append(_in_words(key))
        measured[key] = data
    return [finding(META, title=title, detail=detail, path="goal", step=step, element=element,
                    measured=measured)]
