"""no-first-layer-option: the first screen lets you say yes, but not no.

What it does
    Reads the first screen of the goal path (step 1's snapshot: the controls that are visible without
    scrolling). It fires when that screen offers a way to say yes or move on (accept, agree, allow, OK,
    continue, close, got it... in en, de, fr, es, it, nl; or the control the baseline path clicks first)
    and no control whose label means no: refuse, reject, decline, object, opt out, "only necessary",
    "continue without accepting"... A label that means paying ("No thanks, subscribe instead") is no
    refusal: paying is not a free "no" (EDPB Opinion 08/2024).

    - **high**: no refusal control anywhere on that page, visible or not;
    - **medium**: a refusal control exists on the page, but outside the first screen (below the fold,
      hidden, or folded away).

Why is this bad?
    When "Accept" is one click away and "Reject" is a settings page, a second layer or a link at the end of
    a policy, most people take the button in front of them. The EDPB Cookie Banner Taskforce (Jan 2023)
    found that a layer with an accept button and no reject option does not collect valid consent, and the
    CNIL fined Google and Facebook for a refusal that took several clicks against one to accept. Meta's
    2024 notice had one large "Close" button and no way to object on it (Tantacrul: "where there's clearly
    room for two"). The EDPB names the pattern *Longer than necessary* (4.4.2) and, for the prominent
    alternative, *Look over there* (4.2.2).

What a fair design does
    Puts "Reject all" / "Object" / "Opt out" on the first layer, next to "Accept", with the same weight.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace
from auditor.words.phrases import PAID_ALTERNATIVE
from heuristics._words import (
    first_choice_pair,
    first_snapshot,
    is_accept,
    is_refuse,
    label,
    same_control,
)
from heuristics.base import Checked, Evidence, HeuristicMeta, TracePart, figure, finding


class Measured(Evidence):
    url: str = figure("Page")
    first_screen_controls: int = figure("Controls in the first screen")
    accept_like: list[str] = figure("Ways to say yes in the first screen")
    refuse_like_in_first_screen: int = figure("Ways to say no in the first screen")
    refuse_like_elsewhere_on_page: list[str] = figure("Ways to say no elsewhere on the page (hidden or below)")


META = HeuristicMeta(
    id="no-first-layer-option",
    title="The first screen offers yes but no way to say no",
    severity="high",
    measures="labels of the controls visible in the first screen of the goal path: accept-like controls "
    "against refuse-like ones, in six languages",
    why="People take the button in front of them. A first layer with 'Accept' and no 'Reject' does not "
    "collect valid consent (EDPB Cookie Banner Taskforce, 2023); the CNIL fined Google and Facebook for "
    "making refusal take more clicks. GDPR Art. 7(3) and Art. 21(4) require the no to be as easy and as "
    "clearly presented as the yes.",
    edpb=("4.4.2 Longer than necessary", "4.2.2 Look over there"),
    provisions=("GDPR Art. 7(3)", "GDPR Art. 12(2)", "GDPR Art. 21(4)", "GDPR Art. 4(11)"),
    fix="Put 'Reject all' / 'Object' / 'Opt out' on the first layer, next to 'Accept', with the same weight.",
    tags=("obstruction", "forced-action", "first-layer"),
    requires=(TracePart.FIRST_LAYER,),
    evidence=Measured,
)


def _baseline_first(trace: FlowTrace) -> Element | None:
    pair = first_choice_pair(trace)
    if pair is None:
        return None
    goal_step, base_step = pair
    # only the baseline's choice on the very first page counts as a first-layer "yes"
    first_step, _ = first_snapshot(trace.goal)
    return base_step.target_element if first_step is not None and goal_step.url == first_step.url else None


def _refuses(el: Element) -> bool:
    """A free refusal: paying ("Subscribe", "Abonnieren") is not one, whatever else its label says (EDPB
    Opinion 08/2024 on "consent or pay")."""
    return is_refuse(el.label_text) and not PAID_ALTERNATIVE.search(el.label_text)


def check(trace: FlowTrace) -> list[Finding]:
    step, snap = first_snapshot(trace.goal)
    if step is None or snap is None:
        return []
    screen = snap.first_screen
    yes = [e for e in screen if is_accept(e.label_text)]
    rival = _baseline_first(trace)
    if rival is not None:
        in_snap = next((e for e in screen if same_control(e, rival)), None)
        if in_snap is not None and not is_refuse(in_snap.label_text) and in_snap not in yes:
            yes.append(in_snap)
    if not yes:
        return Checked(summary=f"no accept-like control among the first screen's {len(screen)} controls, "
                               "so no unbalanced choice")
    refuse = next((e for e in screen if _refuses(e)), None)
    if refuse is not None:
        return Checked(summary=f'the first screen offers a refusal ("{label(refuse)}") beside '
                               f'"{label(yes[0])}"')
    elsewhere = [e for e in snap.elements if _refuses(e)]
    severity = "medium" if elsewhere else "high"
    yes_labels = [label(e) for e in yes]
    quoted = ", ".join(f'"{x}"' for x in yes_labels[:4])
    detail = (f"The first screen (step {step.number}) shows {len(screen)} controls, among them {quoted}, "
              f"but none whose label means refuse, reject, object or opt out.")
    if elsewhere:
        where = elsewhere[0]
        reason = ("below the first screen" if where.visible and not where.in_viewport
                  else "hidden or folded away")
        detail += f' A refusal ("{label(where)}") exists on the page, {reason}.'
    else:
        detail += " There is none anywhere on that page: saying no needs another layer or page."
    measured = Measured(url=snap.url, first_screen_controls=len(screen), accept_like=yes_labels,
                        refuse_like_in_first_screen=0, refuse_like_elsewhere_on_page=[label(e) for e in elsewhere])
    title = f'The first screen offers "{yes_labels[0]}" but no way to say no'
    return [finding(META, severity=severity, title=title, detail=detail, path="goal", step=step.number,
                    element=yes[0].index, measured=measured)]
