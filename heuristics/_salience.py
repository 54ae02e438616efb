"""The one salience measurement: which control the way out competes with, and how it compares.

Shared by hidden-affordance and visual-asymmetry, so both answer "compared with what?" and "how much
weaker?" the same way (not a heuristic itself): :func:`rival` is the one definition of the rival control,
:func:`compare` the one comparison (area, contrast, style, font weight, font size, position).

- The rival step is what the baseline clicks instead: for the goal path's first *choice* (the first
  click that differs from the baseline's, :func:`heuristics._words.first_choice_pair`) the baseline's
  click at that point; for any other goal click, a click the baseline makes on the same page that the
  goal path never makes (and, for the goal path's very first click, the baseline's first click).
- The rival is the opposite choice *in the same layer*: when a settings panel covers the first banner,
  the panel's "Reject all" competes with the panel's "Accept all", not with the banner's "Accept all"
  underneath it.
- Size counts only beyond what the label explains: two buttons with the same fill, colour and font differ
  in width because "Reject" is shorter than "Accept all cookies", not because one is played down.
- Only consent controls are judged (:func:`is_consent_control`): a content link the path clicks on the way
  ("Read today's story", which brings the notice back) is no answer to the question, so its size and
  colour say nothing about how the choice is presented. :func:`choice_step` is the first goal click that is
  one.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.trace import Element, FlowTrace, Snapshot, StepTrace
from heuristics._evidence import Evidence, figure
from heuristics._words import (
    affordance,
    click_steps,
    first_choice_pair,
    is_accept,
    label,
    page,
    same_control,
)

SAME_FONT_TOLERANCE = 0.1  # font sizes within 10 % look the same
SAME_CONTRAST_TOLERANCE = 1.2  # a contrast at most 1.2x lower looks the same
WEAKER_RATIO = 1.5  # accept / opt-out at or above this: the opt-out is weaker on that dimension

# Who charges what (docs/scoring.md, "One fault, one charge"). hidden-affordance owns "hard to see" (in
# absolute terms, and far smaller than the rival); visual-asymmetry owns "weaker than the rival". On the
# control visual-asymmetry judges, a relative dimension and a hidden-affordance signal that say the same
# thing are one fault: hidden-affordance charges it when it fires on that control, and visual-asymmetry
# cites it without counting it. This map (visual-asymmetry dimension -> hidden-affordance signal) is the
# one list of those pairs.
SAME_REASON: dict[str, str] = {
    "contrast": "low_contrast",
    "font_size": "small_text",
    "style": "looks_like_text",
    "area": "weaker_than_baseline",
}


# What a control does to the choice (auditor.classifier.labels) that makes it part of the consent UI even
# outside a notice layer. "other" outside a layer is page content (a story, navigation); "more-info" is
# page content beside a notice layer, and the route to the choice on a page that has none (a privacy page).
CONSENT_AFFORDANCES = frozenset({"accept", "reject", "object", "settings", "save", "dismiss"})


def is_consent_control(el: Element | None, snapshot: Snapshot | None = None) -> bool:
    """``el`` belongs to the consent UI: it sits in a notice layer (a dialog, modal or fixed box), or its
    label accepts, refuses, objects, opens or saves the choices, or dismisses the notice, or it leads to
    more information on a page (``snapshot``) that shows no notice layer."""
    if el is None:
        return False
    if el.layer:
        return True
    kind = affordance(el.label_text)
    if kind in CONSENT_AFFORDANCES:
        return True
    return kind == "more-info" and snapshot is not None and not any(e.layer for e in snapshot.elements)


def choice_step(trace: FlowTrace) -> StepTrace | None:
    """The goal step whose control is compared with the rival: the first choice
    (:func:`heuristics._words.first_choice_pair`) when it is a consent control, else the first later goal
    click that is one (the link to a story that brought the notice back is not the choice)."""
    pair = first_choice_pair(trace)
    if pair is None:
        return None
    clicks = click_steps(trace.goal)
    start = next((i for i, s in enumerate(clicks) if s is pair[0]), len(clicks))
    return next((s for s in clicks[start:] if is_consent_control(s.target_element, s.snapshot)), None)


def _competes(el: Element) -> bool:
    return el.visible and not el.covered


@dataclass(frozen=True)
class Rival:
    """The control a goal control competes with: ``element`` as measured (None when its layer has no
    opposite choice), whether it was measured on the goal step's own screen, and the baseline step."""

    element: Element | None
    same_screen: bool
    step: StepTrace | None


def rival_step(trace: FlowTrace, step: StepTrace) -> StepTrace | None:
    """The baseline step that clicks the control competing with the goal ``step`` (module docstring)."""
    if trace.baseline is None:
        return None
    pair = first_choice_pair(trace)
    if pair is not None and pair[0] is step:
        return pair[1]
    goal_clicks = click_steps(trace.goal)
    clicks = click_steps(trace.baseline)
    own = [b for b in clicks if not any(same_control(b.target_element, g.target_element) for g in goal_clicks)]
    for b in own:
        if page(b.url) == page(step.url):
            return b
    if goal_clicks and goal_clicks[0] is step and clicks and clicks[0] in own:
        return clicks[0]
    return None


def rival(trace: FlowTrace, step: StepTrace) -> Rival:
    """The rival of the control the goal ``step`` clicks: :func:`rival_step`, then :func:`rival_in_layer`.
    A control outside the consent UI has none (:func:`is_consent_control`)."""
    if not is_consent_control(step.target_element, step.snapshot):
        return Rival(None, False, None)
    base = rival_step(trace, step)
    element, same_screen = rival_in_layer(step.target_element, step.snapshot,
                                          base.target_element if base is not None else None)
    return Rival(element, same_screen, base)


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


def style_level(el: Element) -> int:
    """filled (2) > outlined (1) > plain text (0)."""
    return 2 if el.has_fill else 1 if el.has_border else 0


STYLE_NAME = {2: "filled button", 1: "outlined button", 0: "plain text"}


def _ratio(accept: float | None, optout: float | None) -> float | None:
    if not accept or not optout:
        return None
    return round(accept / optout, 2)


class Ratios(Evidence):
    """Accept / refusal on each measured dimension: above 1 the refusal control is the weaker one."""

    area: float | None = figure("Area, beyond what a longer label explains", "×")
    contrast: float | None = figure("Text contrast", "×")
    font_weight: float | None = figure("Font weight", "×")
    font_size: float | None = figure("Font size", "×")


class Salience(Evidence):
    """The one accept-vs-refusal comparison, as figures: each dimension of the two controls side by side,
    the ratios, and the dimensions on which the refusal is weaker (visual-asymmetry reports it whole)."""

    opt_out_label: str = figure("Label", compare="label", side="refusal")
    accept_label: str = figure("Label", compare="label", side="accept")
    opt_out_area: float | None = figure("Area", "px²", compare="area", side="refusal")
    accept_area: float | None = figure("Area", "px²", compare="area", side="accept")
    opt_out_contrast: float | None = figure("Text contrast", ":1", compare="contrast", side="refusal")
    accept_contrast: float | None = figure("Text contrast", ":1", compare="contrast", side="accept")
    opt_out_contrast_unknown: str = figure("Why the text contrast could not be measured",
                                           compare="contrast_unknown", side="refusal")
    accept_contrast_unknown: str = figure("Why the text contrast could not be measured",
                                          compare="contrast_unknown", side="accept")
    opt_out_style: str = figure("Look", compare="style", side="refusal")
    accept_style: str = figure("Look", compare="style", side="accept")
    opt_out_font_weight: int = figure("Font weight (CSS)", compare="font_weight", side="refusal")
    accept_font_weight: int = figure("Font weight (CSS)", compare="font_weight", side="accept")
    opt_out_font_size: float = figure("Font size", "px", compare="font_size", side="refusal")
    accept_font_size: float = figure("Font size", "px", compare="font_size", side="accept")
    ratios: Ratios = figure("Accept control against refusal control")
    weaker: list[str] = figure("Dimensions on which the refusal is weaker")
    accept_first: bool | None = figure("Accept control comes first (higher, or left on the same line)")


def _area(el: Element) -> float | None:
    return round(el.box.area, 1) if el.box is not None else None


def contrast_not_compared(c: Salience) -> str | None:
    """'contrast not compared ("Reject": why)' when either side's contrast is unknown, so a comparison that
    could not look at contrast never reads as "as prominent in contrast"; None when both were measured."""
    if c.opt_out_contrast is not None and c.accept_contrast is not None:
        return None
    why = [f'"{name}": {reason or "no text contrast was measured"}'
           for name, value, reason in ((c.opt_out_label, c.opt_out_contrast, c.opt_out_contrast_unknown),
                                       (c.accept_label, c.accept_contrast, c.accept_contrast_unknown))
           if value is None]
    return f"contrast not compared ({'; '.join(why)})"


def compare(optout: Element, accept: Element) -> Salience:
    """The two controls side by side, the ratios accept / opt-out per dimension, and the dimensions on
    which the opt-out is weaker.

    ``weaker`` lists area, style, contrast, font_weight and font_size when they are weaker, then
    ``position`` (accept first) when at least one other is: accept-first alone is common in fair designs.
    A side whose contrast could not be measured carries the reason (``*_contrast_unknown``) and contrast
    is not compared (:func:`contrast_not_compared`).
    """
    ratios = Ratios(
        area=area_ratio(accept, optout),
        contrast=_ratio(accept.contrast, optout.contrast),
        font_weight=_ratio(accept.font_weight, optout.font_weight),
        font_size=_ratio(accept.font_size, optout.font_size),
    )
    weaker = [k for k, v in ratios.model_dump().items() if v is not None and v >= WEAKER_RATIO]
    if style_level(accept) > style_level(optout):
        weaker.insert(1 if "area" in weaker else 0, "style")
    accept_first = None
    if accept.box and optout.box:
        dy = accept.box.y - optout.box.y
        accept_first = dy < -4 or (abs(dy) <= 4 and accept.box.x < optout.box.x)
    if accept_first and weaker:
        weaker.append("position")
    # only the sides whose contrast could not be measured carry a reason (unset fields stay out of reports)
    unknown = {f"{side}_contrast_unknown": el.contrast_unknown
               for side, el in (("opt_out", optout), ("accept", accept)) if el.contrast is None and el.contrast_unknown}
    return Salience(
        opt_out_label=label(optout), accept_label=label(accept),
        opt_out_area=_area(optout), accept_area=_area(accept),
        opt_out_contrast=optout.contrast, accept_contrast=accept.contrast,
        **unknown,
        opt_out_style=STYLE_NAME[style_level(optout)], accept_style=STYLE_NAME[style_level(accept)],
        opt_out_font_weight=optout.font_weight, accept_font_weight=accept.font_weight,
        opt_out_font_size=optout.font_size, accept_font_size=accept.font_size,
        ratios=ratios, weaker=weaker, accept_first=accept_first)
