"""delay: the way out makes you wait: disabled buttons, countdowns, "please wait" pages.

What it does
    Adds up the time the goal path spent waiting on the page rather than on the person:

    - a control the path acts on that was **disabled** when the page was captured: the time the action
      took (``StepTrace.action_ms``, which includes waiting for the control to become enabled);
    - a control that **appeared late**: the time spent waiting for it to become visible
      (``StepTrace.find_ms``), from 1 s on (a page that is simply loading takes less); not on huge pages
      (2000+ controls, or a truncated snapshot), where the auditor's own lookup takes seconds;
    - ``wait`` steps the flow's author had to write (their recorded duration), except a ``wait: {seconds:
      N}`` that the baseline also has (a wait of the same length anywhere on it): a pause both answers
      need is the auditor's pacing, not a cost the page puts on refusing;

    and notes two supporting signals: **countdown wording** on a goal page ("please wait", "in 5 seconds",
    "Reject (5)", "bitte warten", "veuillez patienter"...), and **interstitial pages**: pages after the
    first where the only thing the goal path did was click a "Continue" / "Next" / "OK"-like control.

    - **high**: 10 s or more of waiting;
    - **medium**: 2 s or more, or any countdown wording or interstitial page;
    - nothing otherwise.

Why is this bad?
    Waiting is a cost the design chooses to impose, and only on one answer: "Accept" works at once while
    "Reject" greys out for ten seconds, or an extra "Please wait while we process your request" page sits in
    the way. Every second loses people who meant to say no. The EDPB counts it as *Longer than necessary*
    (4.4.2); GDPR Art. 7(3) requires withdrawing to be as easy as consenting and Art. 12(2) requires the
    controller to facilitate the rights; California forbids a more time-consuming path for the protective
    option (11 CCR §7004(a)(2)), and DSA Art. 25(3)(c) targets making termination harder than signing up.

What a fair design does
    Every control works the moment it is shown; the choice takes effect on the click, without countdowns or
    "please wait" pages.
"""

from __future__ import annotations

import re

from auditor.findings import Finding
from auditor.trace import FlowTrace, StepTrace
from auditor.words.wording import goal_gerund
from heuristics._words import label, page, scan_text, sentence_around, short
from heuristics.base import Checked, Evidence, HeuristicMeta, TracePart, figure, finding


class Wait(Evidence):
    step: int = figure("Step")
    kind: str = figure("Kind of wait")
    ms: float = figure("Waited", "ms")
    control: str = figure("Control")


class Countdown(Evidence):
    step: int = figure("Step")
    wording: str = figure("Wording")


class Interstitial(Evidence):
    step: int = figure("Step")
    url: str = figure("Page")
    control: str = figure("Only control used")


class Thresholds(Evidence):
    high_wait_ms: int = figure("High from", "ms")
    medium_wait_ms: int = figure("Medium from", "ms")
    late_find_ms: int = figure("A control counts as late after", "ms")


class Measured(Evidence):
    total_wait_ms: float = figure("Forced waiting in total", "ms")
    waits: list[Wait] = figure("Waits")
    countdowns: list[Countdown] = figure("Countdowns")
    interstitials: list[Interstitial] = figure("'Continue'-only pages")
    thresholds: Thresholds = figure("Thresholds")

HIGH_WAIT_MS = 10_000
MEDIUM_WAIT_MS = 2_000
LATE_FIND_MS = 1_000
HUGE_PAGE_ELEMENTS = 2_000

META = HeuristicMeta(
    id="delay",
    title="The way out makes you wait",
    severity="medium",
    measures="time waiting for disabled or late controls on the goal path, wait steps, countdown wording "
    "and 'Continue'-only interstitial pages",
    why="Waiting is a cost chosen by the design and imposed on one answer only: 'Reject' greyed out for "
    "ten seconds, an extra 'please wait' page. Every second loses people who meant to say no: 'Longer "
    "than necessary' (EDPB 4.4.2); withdrawing must be as easy as consenting (GDPR Art. 7(3)).",
    edpb=("4.4.2 Longer than necessary",),
    provisions=("GDPR Art. 7(3)", "GDPR Art. 12(2)", "CCPA 11 CCR §7004(a)(2)"),
    fix="Make every control work the moment it is shown and let the choice take effect on the click, "
    "without countdowns or 'please wait' pages.",
    tags=("obstruction", "delay", "effort"),
    requires=(TracePart.GOAL_STEPS,),
    evidence=Measured,
)

COUNTDOWN = re.compile(
    r"\bplease wait\b|\b(?:wait|in|after|within) \d{1,3} ?(?:s|sec|secs|seconds?)\b|"
    r"\b\d{1,3} ?(?:seconds?|secs?) (?:remaining|left)\b|\bredirect(?:ing|ed)? (?:you )?in\b|"
    r"\bbitte warten\b|\bin \d{1,3} sekunden\b|\bnoch \d{1,3} sekunden\b|\bveuillez patienter\b|"
    r"\bdans \d{1,3} secondes\b|\bpor favor,? espere\b|\ben \d{1,3} segundos\b|\battendere\b|"
    r"\btra \d{1,3} secondi\b|\beven geduld\b|\bover \d{1,3} seconden\b",
    re.I,
)
_COUNTING_LABEL = re.compile(r"[(\[]\s*\d{1,3}\s*(?:s|sec)?\s*[)\]]|\b\d{1,3}\s*s\b")
CONTINUE = re.compile(
    r"^(?:continue|next|proceed|go on|ok(?:ay)?|got it|i understand|weiter|fortfahren|continuer|suivant|"
    r"continuar|siguiente|continua|avanti|prosegui|doorgaan|volgende|verder)\b",
    re.I,
)


def _lookup_is_cheap(step: StepTrace) -> bool:
    """On a huge page the auditor's own lookup takes seconds: that is not a wait the page imposed."""
    snap = step.snapshot
    return snap is not None and not snap.truncated and len(snap.elements) < HUGE_PAGE_ELEMENTS


def _scripted_seconds(step: StepTrace) -> float | None:
    """N for a ``wait: {seconds: N}`` step, as the flow file says it; None for any other step."""
    args = step.spec.get("wait") if step.action == "wait" else None
    seconds = args.get("seconds") if isinstance(args, dict) else None
    return float(seconds) if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else None


def _shared_waits(trace: FlowTrace) -> set[int]:
    """Goal steps whose scripted wait the baseline has too (each baseline wait pairs with one goal wait)."""
    if trace.baseline is None:
        return set()
    unpaired = [n for n in map(_scripted_seconds, trace.baseline.steps) if n is not None]
    shared = set()
    for step in trace.goal.steps:
        n = _scripted_seconds(step)
        if n is not None and n in unpaired:
            unpaired.remove(n)
            shared.add(step.number)
    return shared


def _waits(step: StepTrace, shared: set[int]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    el = step.target_element
    if step.action == "wait" and step.number not in shared:
        out.append(("wait-step", step.action_ms if step.action_ms is not None else step.duration_ms))
    if el is not None and el.disabled and step.action_ms:
        out.append(("disabled-control", step.action_ms))
    if step.find_ms is not None and step.find_ms >= LATE_FIND_MS and _lookup_is_cheap(step):
        out.append(("late-control", step.find_ms))
    return out


def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    waits: list[dict] = []
    shared = _shared_waits(trace)
    for step in path.steps:
        for kind, ms in _waits(step, shared):
            waits.append({"step": step.number, "kind": kind, "ms": round(ms, 1),
                          "control": label(step.target_element)})
    total_ms = round(sum(w["ms"] for w in waits), 1)
    countdowns: list[dict] = []
    seen: set[str] = set()
    for step in path.steps:
        if step.snapshot is None:
            continue
        el = step.target_element
        m = COUNTDOWN.search(scan_text(step.snapshot.text))
        if m:
            s = short(sentence_around(step.snapshot.text, m.start(), m.end()), 120)
            if s.lower() not in seen:
                seen.add(s.lower())
                countdowns.append({"step": step.number, "wording": s})
        if el is not None and el.disabled and _COUNTING_LABEL.search(el.label_text):
            countdowns.append({"step": step.number, "wording": short(el.label_text, 80)})
    interstitials = []
    by_page: dict[str, list[StepTrace]] = {}
    for step in path.steps:
        by_page.setdefault(page(step.url), []).append(step)
    first_page = page(path.steps[0].url) if path.steps else None
    for url, steps in by_page.items():
        acting = [s for s in steps if s.action != "wait"]
        if url == first_page or len(acting) != 1:
            continue
        s = acting[0]
        if s.action == "click" and s.target_element is not None and CONTINUE.search(s.target_element.label_text):
            interstitials.append({"step": s.number, "url": url, "control": label(s.target_element)})

    if total_ms >= HIGH_WAIT_MS:
        severity = "high"
    elif total_ms >= MEDIUM_WAIT_MS or countdowns or interstitials:
        severity = "medium"
    else:
        return Checked(summary=f"{total_ms / 1000:.1f} s of forced waiting on the goal path, no countdown and no "
                               f"'Continue'-only page; fires from {MEDIUM_WAIT_MS / 1000:g} s")
    facts = []
    words = {"wait-step": "a wait the flow had to script", "disabled-control": "a disabled control",
             "late-control": "a control that appeared late"}
    for w in waits:
        facts.append(f'step {w["step"]}: {w["ms"] / 1000:.1f} s on {words[w["kind"]]}'
                     + (f' ("{w["control"]}")' if w["control"] else ""))
    for c in countdowns:
        facts.append(f'step {c["step"]}: countdown wording "{c["wording"]}"')
    for i in interstitials:
        facts.append(f'step {i["step"]}: an interstitial page whose only control used is "{i["control"]}"')
    detail = (f"The goal path waited {total_ms / 1000:.1f} s on the page: " + "; ".join(facts) +
              ". Doing nothing takes no time at all.")
    if total_ms >= MEDIUM_WAIT_MS:
        title = f"{goal_gerund(trace.flow.goal)} makes you wait {total_ms / 1000:.1f} s"
    elif countdowns:
        title = f'The way out shows a countdown: "{short(countdowns[0]["wording"], 60)}"'
    else:
        title = f'An extra "{interstitials[0]["control"]}" page stands in the way'
    first_step = min([w["step"] for w in waits] + [c["step"] for c in countdowns] +
                     [i["step"] for i in interstitials])
    measured = {"total_wait_ms": total_ms, "waits": waits, "countdowns": countdowns,
                "interstitials": interstitials,
                "thresholds": {"high_wait_ms": HIGH_WAIT_MS, "medium_wait_ms": MEDIUM_WAIT_MS,
                               "late_find_ms": LATE_FIND_MS}}
    return [finding(META, severity=severity, title=title, detail=detail, path="goal", step=first_step,
                    measured=measured)]
