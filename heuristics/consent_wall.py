"""consent-wall: the content is blocked until you accept, and the blocking layer offers no way to refuse.

What it does
    Reads the first screen of the goal path (step 1's snapshot), the controls a person can perceive there
    (a checkbox styled away under a switch counts through its switch). A layer covers the page when most of
    the page's own controls in the first viewport (links, buttons, fields) have ``covered=True``: another
    element lies on top of their centre. The controls that are *not* covered are the ones on that layer;
    when they sit in a dialog or fixed box of their own (``layer``), that box's controls are not the
    page's and do not count in the share (a settings wall with ten switches over three links covers the
    page all the same). It fires when

    - the layer blocks the page, seen in one of two ways (``measured["detected_by"]``):

      - ``covered-share``: at least 2 page controls in the first viewport are covered, and they are at
        least 50 % of the visible controls there;
      - ``backdrop``: on a page with few controls of its own (a story whose text is blurred or cut off
        behind the layer), every page control in the first viewport is covered, and at least one lies
        more than 120 px above or below the layer's own controls: something wider than the notice (a
        backdrop) lies over the page, which a banner along an edge does not do;
    - the layer offers a way to accept or move on (an accept-like label, or the baseline's first click);
    - and no control on the layer has a label meaning refuse / reject / object / opt out / only necessary.
      A label that means paying ("Subscribe", "Abonnieren", "S'abonner": ``auditor/words/phrases/
      payment.py``) is no refusal, whatever the classifier reads in it: a "pay or okay" wall whose only
      alternative to accepting is a subscription has no refusal, and the finding says so.

    Severity **high**. The finding reports the covered share, how much of the viewport the covered
    controls and the layer span together, the layer's labels and its paid alternative. The snapshot
    does not yet record the layer's own box, ``aria-modal``, a scroll lock or blurred content (asked for
    in /work/coord/REQUESTS.md): the wall is measured through the controls it covers and holds.

Why is this bad?
    A wall that hides the page until the person says yes makes consent the price of entry: it is not freely
    given. The EDPB's consent guidelines (05/2020, paras. 39-41) say access to content must not be made
    conditional on accepting cookies; GDPR Art. 7(4) treats bundling the service with consent to
    unnecessary processing as a sign consent is not free. The EDPB calls a forced choice with one way out
    *Longer than necessary* (4.4.2); Brignull and Gray et al. name it *Forced action*.

What a fair design does
    Lets the page be used while the question is open, or puts "Reject all" on the layer next to
    "Accept all", with the same weight. A paid, tracking-free version may be offered beside a free
    refusal, not instead of it (EDPB Opinion 08/2024, on "consent or pay" models).
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import Box, Element, FlowTrace
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

MIN_COVERED = 2
MIN_COVERED_SHARE = 0.5
BACKDROP_MARGIN_PX = 120  # a covered control this far above or below the layer's controls: not the notice itself


class Thresholds(Evidence):
    min_covered: int = figure("Fires from covered controls")
    min_covered_share: float = figure("Fires from a covered share of", "fraction")
    backdrop_margin_px: int = figure("Backdrop: a covered control at least this far from the layer", "px")


class Measured(Evidence):
    detected_by: str = figure("Detected by (covered-share or backdrop)")
    covered: int = figure("Page controls covered")
    first_screen_controls: int = figure("Page controls on the first screen")
    covered_share: float = figure("Share of page controls covered", "fraction")
    covered_span_of_viewport: float = figure("Viewport spanned by the covered controls and the layer", "fraction")
    layer_controls: list[str] = figure("Controls on the layer")
    accept_like: list[str] = figure("Accept-like controls on the layer")
    paid_alternative: list[str] = figure("Paid alternatives on the layer")
    covered_examples: list[str] = figure("Covered controls (examples)")
    thresholds: Thresholds = figure("Thresholds")

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
    provisions=("GDPR Art. 4(11)", "GDPR Art. 7(4)", "GDPR Art. 7(3)", "EDPB Guidelines 05/2020 §39-41",
                "EDPB Opinion 08/2024"),
    fix="Let the page be used while the question is open, or put 'Reject all' on the layer next to 'Accept "
    "all', with the same weight. A paid option may stand beside a free refusal, not replace it.",
    tags=("forced-action", "consent-wall"),
    requires=(TracePart.FIRST_LAYER,),
    evidence=Measured,
)


def _is_paid(el: Element) -> bool:
    return bool(PAID_ALTERNATIVE.search(el.label_text))


def _backdrop(covered: list[Element], page_controls: list[Element], layer: list[Element]) -> bool:
    """Every page control in view is covered, one of them well above or below the layer's own controls."""
    own = [e.box for e in layer if e.layer and e.box is not None]
    if not covered or len(covered) < len(page_controls) or not own:
        return False
    top, bottom = min(b.y for b in own), max(b.y + b.height for b in own)
    return any(e.box is not None and (e.box.center[1] < top - BACKDROP_MARGIN_PX
                                      or e.box.center[1] > bottom + BACKDROP_MARGIN_PX) for e in covered)


def _span(boxes: list[Box], viewport: Box) -> float:
    """The share of the viewport the bounding box of ``boxes`` covers."""
    if not boxes:
        return 0.0
    vw, vh = viewport.width or 1, viewport.height or 1
    x0, y0 = max(min(b.x for b in boxes), viewport.x), max(min(b.y for b in boxes), viewport.y)
    x1 = min(max(b.x + b.width for b in boxes), viewport.x + vw)
    y1 = min(max(b.y + b.height for b in boxes), viewport.y + vh)
    return round(max(0.0, x1 - x0) * max(0.0, y1 - y0) / (vw * vh), 2)


def check(trace: FlowTrace) -> list[Finding]:
    step, snap = first_snapshot(trace.goal)
    if step is None or snap is None:
        return []
    screen = [e for e in snap.first_screen if e.perceivable]
    layer = [e for e in screen if not e.covered]
    walls = {e.layer for e in layer if e.layer}
    page_controls = [e for e in screen if e.layer not in walls]
    covered = [e for e in page_controls if e.covered]
    if len(covered) >= MIN_COVERED and len(covered) / len(page_controls) >= MIN_COVERED_SHARE:
        detected_by = "covered-share"
    elif _backdrop(covered, page_controls, layer):
        detected_by = "backdrop"
    else:
        return Checked(summary=f"{len(covered)} of the first screen's {len(page_controls)} page controls lie under "
                               f"another layer; a wall needs at least {MIN_COVERED} and {MIN_COVERED_SHARE:.0%}, "
                               "or all of them under a backdrop")
    paid = [e for e in layer if _is_paid(e)]
    refusal = next((e for e in layer if is_refuse(e.label_text) and not _is_paid(e)), None)
    if refusal is not None:
        return Checked(summary=f'a layer covers the page and offers a refusal, "{label(refusal)}"')
    yes = [e for e in layer if is_accept(e.label_text) and not _is_paid(e)]
    pair = first_choice_pair(trace)
    if pair is not None:
        rival = pair[1].target_element
        yes += [e for e in layer if same_control(e, rival) and e not in yes and not is_refuse(e.label_text)
                and not _is_paid(e)]
    if not yes:
        return []
    span = _span([e.box for e in covered + layer if e.box is not None], snap.viewport)
    share = round(len(covered) / len(page_controls), 2)
    layer_labels = [label(e) for e in layer if label(e)]
    covered_labels = [label(e) for e in covered if label(e)]
    paid_labels = [label(e) for e in paid if label(e)]
    quoted = ", ".join(f'"{x}"' for x in layer_labels[:5])
    how = (f"{len(covered)} of the page's {len(page_controls)} visible controls ({share:.0%}) lie under another layer"
           if detected_by == "covered-share" else
           f"all of the page's {len(page_controls)} visible controls lie under a layer that reaches past its own "
           "controls (a backdrop over the page)")
    detail = (f"On the first screen (step {step.number}) {how}; the covered controls and the layer span {span:.0%} "
              "of the viewport (e.g. " + ", ".join(f'"{x}"' for x in covered_labels[:3]) + f"). The layer offers "
              f"{quoted} and nothing that refuses: the page can only be used after saying yes or digging into "
              "another layer.")
    if paid_labels:
        detail += (f' Its only other way on is to pay ("{paid_labels[0]}"): paying is not a free refusal (EDPB '
                   "Opinion 08/2024 on \"consent or pay\" models), so this wall offers no refusal at all.")
    measured = {"detected_by": detected_by, "covered": len(covered), "first_screen_controls": len(page_controls),
                "covered_share": share, "covered_span_of_viewport": span, "layer_controls": layer_labels,
                "accept_like": [label(e) for e in yes], "paid_alternative": paid_labels,
                "covered_examples": covered_labels[:5],
                "thresholds": {"min_covered": MIN_COVERED, "min_covered_share": MIN_COVERED_SHARE,
                               "backdrop_margin_px": BACKDROP_MARGIN_PX}}
    title = (f'The page is walled off until you choose "{label(yes[0])}" or pay' if paid_labels
             else f'The page is walled off until you choose "{label(yes[0])}"')
    return [finding(META, title=title, detail=detail, path="goal", step=step.number, element=yes[0].index,
                    measured=measured)]
