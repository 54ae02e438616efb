"""Which control the way out competes with, and how much bigger that rival really is.

Shared by hidden-affordance and visual-asymmetry, so both answer "compared with what?" and "how much
smaller?" the same way (not a heuristic itself).

- The rival is the opposite choice *in the same layer*: when a settings panel covers the first banner,
  the panel's "Reject all" competes with the panel's "Accept all", not with the banner's "Accept all"
  underneath it.
- Size counts only beyond what the label explains: two buttons with the same fill, colour and font differ
  in width because "Reject" is shorter than "Accept all cookies", not because one is played down.
"""

from __future__ import annotations

from auditor.trace import Element, Snapshot
from heuristics._words import is_accept, same_control

SAME_FONT_TOLERANCE = 0.1  # font sizes within 10 % look the same
SAME_CONTRAST_TOLERANCE = 1.2  # a contrast at most 1.2x lower looks the same


def _competes(el: Element) -> bool:
    return el.visible and not el.covered


def rival_in_layer(control: Element, snapshot: Snapshot | None, chosen: Element | None) -> tuple[Element | None, bool]:
    """(rival, measured on the same screen) for ``control`` on the goal path.

    ``chosen`` is the control the baseline clicked instead. It is the rival when the goal step's
    ``snapshot`` shows it uncovered in the control's layer; when the snapshot shows it covered or in
    another layer, the rival is an accept-like control of the control's own layer (None if the layer has
    none). When the snapshot does not show it at all, it is used as measured in the baseline, provided it
    lived in the same layer.
    """
    if snapshot is not None:
        here = next((e for e in snapshot.elements if chosen is not None and same_control(e, chosen)), None)
        if here is not None and _competes(here) and here.layer == control.layer:
            return here, True
        if here is not None or chosen is None:
            own = next((e for e in snapshot.elements if e.layer == control.layer and _competes(e)
                        and not same_control(e, control) and is_accept(e.label_text)), None)
            return own, own is not None
    if chosen is not None and chosen.layer == control.layer:
        return chosen, False
    return None, False


def styled_no_weaker(small: Element, big: Element) -> bool:
    """``small`` has the same fill, outline and font as ``big`` and no lower contrast (a refusal in darker
    text than the accept is no weaker for it): the two look alike but for their words."""
    if (small.has_fill, small.has_border, small.font_weight) != (big.has_fill, big.has_border, big.font_weight):
        return False
    if small.font_size and big.font_size and \
            abs(small.font_size - big.font_size) > SAME_FONT_TOLERANCE * max(small.font_size, big.font_size):
        return False
    if small.contrast and big.contrast and big.contrast / small.contrast > SAME_CONTRAST_TOLERANCE:
        return False
    return True


def area_ratio(big: Element, small: Element) -> float | None:
    """How many times larger ``big`` is than ``small``, beyond what a longer label explains.

    For two controls of the same style, the width ratio is divided by the ratio of their label lengths
    (never below 1): a narrower button with a shorter word is not smaller. Height always counts.
    """
    if big.box is None or small.box is None or not big.box.area or not small.box.area:
        return None
    raw = big.box.area / small.box.area
    if not styled_no_weaker(small, big) or not small.box.width or not small.box.height:
        return round(raw, 2)
    longer = max(len(big.label_text), 1) / max(len(small.label_text), 1)
    width = max(1.0, (big.box.width / small.box.width) / max(1.0, longer)) if big.box.width > small.box.width \
        else big.box.width / small.box.width
    return round(width * big.box.height / small.box.height, 2)
