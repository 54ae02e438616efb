"""consent-wall: the content is blocked until you accept, and the blocking layer offers no way to refuse.

What it does
    Reads the first screen of the goal path (step 1's snapshot), the controls a person can perceive there
    (a checkbox styled away under a switch counts through its switch). A layer covers the page when most of
    the page's own controls in the first viewport (links, buttons, fields) have ``covered=True``: another
    element lies on top of their centre. The controls that are *not* covered are the ones on that layer;
    when they sit in a dialog or fixed box of their own (``layer``), that box's controls are not the
    page's and do not count in the share (a settings wall with ten switches over three links covers the
    page all the same). It fires when

    - at least 2 page controls in the first viewport are covered, and they are at least 50 % of the
      visible controls there;
    - the layer offers a way to accept or move on (an accept-like label, or the baseline's first click);
    - and no control on the layer has a label meaning refuse / reject / object / opt out / only necessary.

    Severity **high**. The finding reports the covered share, how much of the viewport the covered
    controls span, and the layer's labels.

Why is this bad?
    A wall that hides the page until the person says yes makes consent the price of entry: it is not freely
    given. The EDPB's consent guidelines (05/2020, paras. 39-41) say access to content must not be made
    conditional on accepting cookies; GDPR Art. 7(4) treats bundling the service with consent to
    unnecessary processing as a sign consent is not free. The EDPB calls a forced choice with one way out
    *Longer than necessary* (4.4.2); Brignull and Gray et al. name it *Forced action*.

What a fair design does
    Lets the page be used while the question is open, or puts "Reject all" on the layer next to
    "Accept all", with the same weight.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import FlowTrace
from heuristics._words import (
    first_choice_pair,
    first_snapshot,
    is_accept,
    is_refuse,
    label,
    same_control,
)
from heuristics.base import HeuristicMeta, finding

MIN_COVERED = 2
MIN_COVERED_SHARE = 0.5

META = HeuristicMeta(
    id="consent-wall",
    title="The page is blocked until you accept, with no way to refuse on the wall",
    severity="high",
    measures="share of the first viewport's page controls covered by another layer, the span of the covered "
    "area, and the labels of the controls left usable on that layer",
    why="A wall that hides the page until the person says yes makes consent the price of entry, so it is not "
    "freely given (GDPR Art. 4(11), 7(4); EDPB consent guidelines 05/2020, paras. 39-41). It is the forced "
    "action the EDPB counts as 'Longer than necessary'.",
    edpb=("4.4.2 Longer than necessary",),
    provisions=("GDPR Art. 4(11)", "GDPR Art. 7(4)", "GDPR Art. 7(3)", "EDPB Guidelines 05/2020 §39-41"),
    fix="Let the page be used while the question is open, or put 'Reject all' on the layer next to 'Accept "
    "all', with the same weight.",
    tags=("forced-action", "consent-wall"),
)


def check(trace: FlowTrace) -> list[Finding]:
    step, snap = first_snapshot(trace.goal)
    if step is None or snap is None:
        return []
    screen = [e for e in snap.first_screen if e.perceivable]
    layer = [e for e in screen if not e.covered]
    walls = {e.layer for e in layer if e.layer}
    page_controls = [e for e in screen if e.layer not in walls]
    covered = [e for e in page_controls if e.covered]
    if len(covered) < MIN_COVERED or len(covered) / len(page_controls) < MIN_COVERED_SHARE:
        return []
    if any(is_refuse(e.label_text) for e in layer):
        return []
    yes = [e for e in layer if is_accept(e.label_text)]
    pair = first_choice_pair(trace)
    if pair is not None:
        rival = pair[1].target_element
        yes += [e for e in layer if same_control(e, rival) and e not in yes and not is_refuse(e.label_text)]
    if not yes:
        return []
    vw, vh = snap.viewport.width or 1, snap.viewport.height or 1
    boxes = [e.box for e in covered if e.box is not None]
    span = 0.0
    if boxes:
        x0 = max(min(b.x for b in boxes), snap.viewport.x)
        y0 = max(min(b.y for b in boxes), snap.viewport.y)
        x1 = min(max(b.x + b.width for b in boxes), snap.viewport.x + vw)
        y1 = min(max(b.y + b.height for b in boxes), snap.viewport.y + vh)
        span = round(max(0.0, x1 - x0) * max(0.0, y1 - y0) / (vw * vh), 2)
    share = round(len(covered) / len(page_controls), 2)
    layer_labels = [label(e) for e in layer if label(e)]
    covered_labels = [label(e) for e in covered if label(e)]
    quoted = ", ".join(f'"{x}"' for x in layer_labels[:5])
    detail = (f"On the first screen (step {step.number}) {len(covered)} of the page's {len(page_controls)} visible controls "
              f"({share:.0%}) lie under another layer, spanning {span:.0%} of the viewport (e.g. "
              + ", ".join(f'"{x}"' for x in covered_labels[:3]) + f"). The layer offers {quoted} and nothing "
              "that refuses: the page can only be used after saying yes or digging into another layer.")
    measured = {"covered": len(covered), "first_screen_controls": len(page_controls), "covered_share": share,
                "covered_span_of_viewport": span, "layer_controls": layer_labels,
                "accept_like": [label(e) for e in yes], "covered_examples": covered_labels[:5],
                "thresholds": {"min_covered": MIN_COVERED, "min_covered_share": MIN_COVERED_SHARE}}
    return [finding(META, title=f'The page is walled off until you choose "{label(yes[0])}"', detail=detail,
                    path="goal", step=step.number, element=yes[0].index, measured=measured)]
