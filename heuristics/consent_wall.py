"""consent-wall: the content is blocked until you accept, and the blocking layer offers no way to refuse.

What it does
    Reads the first screen of the goal path (step 1's snapshot), the controls a person can perceive there
    (a checkbox styled away under a switch counts through its switch). The controls not covered by another
    element are the ones on the layer; when they sit in a dialog or fixed box of their own (``layer``), that
    box's controls are not the page's. It fires when

    - the layer blocks the page, seen in one of these ways (``measured["detected_by"]`` names it in words,
      ``DETECTED_BY``):

      - ``layer``: the layer holding the accept choice is measured itself (``Snapshot.layers``): with its
        backdrop it lies over at least 60 % of the viewport, and the page behind it is declared or made
        unusable: ``aria-modal``, a scroll lock (``overflow: hidden`` on ``<html>``/``<body>``, or a fixed
        ``<body>``), or content hidden outside the layers (blurred, inert, or cut short by a max-height or
        a mask gradient). This sees a wall on a page with few controls of its own (a story blurred or cut
        off behind it), where nothing is there to be covered;
      - ``covered-share``: at least 2 page controls in the first viewport are covered, and they are at
        least 50 % of the visible controls there (a settings wall with ten switches over three links
        covers the page all the same);
      - ``backdrop`` (inferred): only for traces recorded before layers were
        measured: every page control in the first viewport is covered, and one lies more than 120 px
        above or below the layer's own controls, so something wider than the notice lies over the page;
    - the layer offers a way to accept or move on (an accept-like label, or the baseline's first click);
    - and no control on the layer has a label meaning refuse / reject / object / opt out / only necessary.
      A label that means paying ("Subscribe", "Abonnieren", "S'abonner": ``auditor/words/phrases/
      payment.py``) is no refusal, whatever the classifier reads in it: a "pay or okay" wall whose only
      alternative to accepting is a subscription has no refusal, and the finding says so.

    A banner along an edge that leaves the page usable is no wall: it covers little of the viewport, and a
    large panel that is neither modal nor locks the page nor hides its content is not one either.

    Severity **high**. The finding reports the layer's share of the viewport, whether it is ``aria-modal``,
    the scroll lock and what hides the content, the covered share of the page's controls, the layer's
    labels and its paid alternative.

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
from auditor.trace import Box, Element, FlowTrace, Layer, Snapshot
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
MIN_LAYER_SHARE = 0.6  # the layer (with its backdrop) lies over this much of the viewport
BACKDROP_MARGIN_PX = 120  # a covered control this far above or below the layer's controls: not the notice itself
# How the wall was seen -> what ``measured["detected_by"]`` says, in the words a report shows.
DETECTED_BY = {
    "layer": "the layer itself (its share of the viewport and how it blocks the page)",
    "covered-share": "the share of the page's controls it covers",
    "backdrop": "a backdrop over the page (inferred: this trace has no layer facts)",
}


class Thresholds(Evidence):
    min_layer_share: float = figure("Layer: fires from a viewport share of", "fraction")
    min_covered: int = figure("Fires from covered controls")
    min_covered_share: float = figure("Fires from a covered share of", "fraction")
    backdrop_margin_px: int = figure("Backdrop: a covered control at least this far from the layer", "px")


class Measured(Evidence):
    detected_by: str = figure("Detected by")
    layer_viewport_share: float | None = figure("Viewport the layer holding the choice lies over", "fraction")
    layer_aria_modal: bool | None = figure("Layer is aria-modal")
    scroll_locked: bool | None = figure("Page scroll locked")
    content_obscured: list[str] | None = figure("Content hidden outside the layer (blur, inert, truncated)")
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
    measures="the viewport share of the layer holding the choice, its aria-modal, the page's scroll lock and "
    "content hidden behind it; the share of the first viewport's page controls it covers; the labels of the "
    "controls left usable on that layer",
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
    """Every page control in view is covered, one of them well above or below the layer's own controls.
    Only for traces recorded without layer facts: a guess at the backdrop that ``Snapshot.layers`` measures."""
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


def _share(layer: Layer, viewport: Box) -> float:
    """The viewport the layer lies over: measured by hit tests, else (another origin's frame) its box."""
    if layer.viewport_share is not None:
        return layer.viewport_share
    return _span([layer.box], viewport) if layer.box is not None else 0.0


def _choice_layer(snap: Snapshot, yes: list[Element]) -> Layer | None:
    """Of the layers holding an accept-like control, the one lying over most of the viewport."""
    held = [lay for lay in (snap.layer(e.layer) for e in yes if e.layer) if lay is not None]
    return max(held, key=lambda lay: _share(lay, snap.viewport), default=None)


def _blocking_signs(layer: Layer, snap: Snapshot) -> list[str]:
    """What says the page behind the layer cannot be used, in words for the detail."""
    signs = ["it is aria-modal"] if layer.aria_modal else []
    if snap.scroll_locked:
        signs.append("the page cannot scroll")
    signs += [{"blur": "the content is blurred", "inert": "the content is inert or hidden from assistive "
               "technology", "truncated": "the content is cut short"}.get(x, x) for x in snap.content_obscured]
    return signs


def _layer_walls(layer: Layer | None, snap: Snapshot) -> bool:
    return (layer is not None and _share(layer, snap.viewport) >= MIN_LAYER_SHARE
            and bool(_blocking_signs(layer, snap)))


def _layer_summary(layer: Layer | None, snap: Snapshot) -> str:
    if layer is None:
        return ""
    signs = _blocking_signs(layer, snap)
    return (f"; the layer holding the choice lies over {_share(layer, snap.viewport):.0%} of the viewport "
            f"(a wall needs {MIN_LAYER_SHARE:.0%}), " + (", ".join(signs) if signs else
                                                         "is not modal, the page scrolls and its content is readable"))


def check(trace: FlowTrace) -> list[Finding]:
    step, snap = first_snapshot(trace.goal)
    if step is None or snap is None:
        return []
    screen = [e for e in snap.first_screen if e.perceivable]
    layer = [e for e in screen if not e.covered]
    walls = {e.layer for e in layer if e.layer}
    page_controls = [e for e in screen if e.layer not in walls]
    covered = [e for e in page_controls if e.covered]
    yes = [e for e in layer if is_accept(e.label_text) and not _is_paid(e)]
    pair = first_choice_pair(trace)
    if pair is not None:
        rival = pair[1].target_element
        yes += [e for e in layer if same_control(e, rival) and e not in yes and not is_refuse(e.label_text)
                and not _is_paid(e)]
    choice = _choice_layer(snap, yes)
    if _layer_walls(choice, snap):
        detected_by = "layer"
    elif len(covered) >= MIN_COVERED and len(covered) / len(page_controls) >= MIN_COVERED_SHARE:
        detected_by = "covered-share"
    elif not snap.layers and _backdrop(covered, page_controls, layer):
        detected_by = "backdrop"
    else:
        return Checked(summary=f"{len(covered)} of the first screen's {len(page_controls)} page controls lie under "
                               f"another layer; a wall needs at least {MIN_COVERED} and {MIN_COVERED_SHARE:.0%}"
                               + (_layer_summary(choice, snap) if snap.layers else ", or all of them under a backdrop"))
    paid = [e for e in layer if _is_paid(e)]
    refusal = next((e for e in layer if is_refuse(e.label_text) and not _is_paid(e)), None)
    if refusal is not None:
        return Checked(summary=f'a layer covers the page and offers a refusal, "{label(refusal)}"')
    if not yes:
        return []
    return [_finding(step.number, snap, detected_by, choice, covered, page_controls, layer, yes, paid)]


def _finding(step: int, snap: Snapshot, detected_by: str, choice: Layer | None, covered: list[Element],
             page_controls: list[Element], layer: list[Element], yes: list[Element], paid: list[Element]) -> Finding:
    span = _span([e.box for e in covered + layer if e.box is not None], snap.viewport)
    share = round(len(covered) / len(page_controls), 2) if page_controls else 0.0
    layer_labels = [label(e) for e in layer if label(e)]
    covered_labels = [label(e) for e in covered if label(e)]
    paid_labels = [label(e) for e in paid if label(e)]
    quoted = ", ".join(f'"{x}"' for x in layer_labels[:5])
    if detected_by == "layer":
        how = (f"the layer holding the choice lies over {_share(choice, snap.viewport):.0%} of the viewport and "
               + ", ".join(_blocking_signs(choice, snap))
               + f"; {len(covered)} of the page's {len(page_controls)} visible controls lie under it")
    elif detected_by == "covered-share":
        how = f"{len(covered)} of the page's {len(page_controls)} visible controls ({share:.0%}) lie under another layer"
    else:
        how = (f"all of the page's {len(page_controls)} visible controls lie under a layer that reaches past its own "
               "controls (a backdrop over the page, inferred: this trace has no layer facts)")
    examples = (" (e.g. " + ", ".join(f'"{x}"' for x in covered_labels[:3]) + ")") if covered_labels else ""
    detail = (f"On the first screen (step {step}) {how}; the covered controls and the layer span {span:.0%} "
              f"of the viewport{examples}. The layer offers {quoted} and nothing that refuses: the page can only "
              "be used after saying yes or digging into another layer.")
    if paid_labels:
        detail += (f' Its only other way on is to pay ("{paid_labels[0]}"): paying is not a free refusal (EDPB '
                   "Opinion 08/2024 on \"consent or pay\" models), so this wall offers no refusal at all.")
    measured = {"detected_by": DETECTED_BY[detected_by], "covered": len(covered),
                "first_screen_controls": len(page_controls),
                "covered_share": share, "covered_span_of_viewport": span, "layer_controls": layer_labels,
                "accept_like": [label(e) for e in yes], "paid_alternative": paid_labels,
                "covered_examples": covered_labels[:5],
                "thresholds": {"min_layer_share": MIN_LAYER_SHARE, "min_covered": MIN_COVERED,
                               "min_covered_share": MIN_COVERED_SHARE, "backdrop_margin_px": BACKDROP_MARGIN_PX}}
    if snap.layers:  # facts recorded: reported whichever way the wall was seen
        measured.update(layer_viewport_share=_share(choice, snap.viewport) if choice else None,
                        layer_aria_modal=choice.aria_modal if choice else None,
                        scroll_locked=snap.scroll_locked, content_obscured=list(snap.content_obscured))
    title = (f'The page is walled off until you choose "{label(yes[0])}" or pay' if paid_labels
             else f'The page is walled off until you choose "{label(yes[0])}"')
    return finding(META, title=title, detail=detail, path="goal", step=step, element=yes[0].index,
                   measured=measured)
