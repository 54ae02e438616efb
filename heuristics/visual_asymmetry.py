"""visual-asymmetry: on the same screen, the way out looks weaker than the way in.

What it does
    Takes the first control the goal path clicks and the first control the baseline path clicks instead
    (controls both paths click first, such as opening a notification, are skipped), when both are on the
    same page. The rival is the opposite choice in the same layer (heuristics/_salience.py): the baseline's
    control, measured in the goal path's own snapshot when it is there uncovered in the same layer (same
    page state), else in the baseline's; when a panel covers it, the panel's own accept-like control; none
    when the layer has no such control. It compares them on six dimensions, each a ratio *accept / opt
    out*, so a ratio above 1 means the opt-out is weaker:

    ============  ============================================  ==================
    dimension     measured                                      weaker when
    ============  ============================================  ==================
    area          box width x height, px²; for two controls of  ratio >= 1.5
                  the same style, width beyond label length
    contrast      WCAG 2 text contrast ratio                    ratio >= 1.5
    style         filled (2) > outlined (1) > plain text (0)    accept's level is higher
    font_weight   CSS weight                                    ratio >= 1.5
    font_size     CSS px                                        ratio >= 1.5
    position      accept comes first / higher on the screen     (supporting only)
    ============  ============================================  ==================

    Severity: **medium** when one measured dimension (area, contrast, style, weight, size) is weaker,
    **high** when several (2 or more) are. ``position`` is reported next to another weaker dimension but
    never counts toward the severity: accept-first alone is common in fair designs. Two identical buttons
    side by side give no finding.

Why is this bad?
    People choose what they see first and what looks like the main action. A big blue "Accept all" next to
    a small grey "Reject" link steers the choice without a word being said. The EDPB calls it *Hidden in
    plain sight* (4.3.2) and a prominent competing control *Look over there* (4.2.2); the CNIL's formal
    notices name reject links whose colour, size or style favour accept; California requires symmetry in
    choice (11 CCR §7004(a)(2)), and DSA Art. 25(3)(a) targets giving more prominence to certain choices.

What a fair design does
    Gives both answers the same size, the same fill, the same weight and contrast, side by side.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace
from heuristics._salience import area_ratio, rival_in_layer
from heuristics._words import first_choice_pair, label
from heuristics.base import HeuristicMeta, finding

WEAKER_RATIO = 1.5
HIGH_DIMENSIONS = 2  # measured dimensions; position never counts

META = HeuristicMeta(
    id="visual-asymmetry",
    title="The way out looks weaker than the way in",
    severity="medium",
    measures="area, contrast, fill/outline/plain style, font weight, font size and position of the goal "
    "path's first control against the baseline's, on the same screen; ratios accept / opt out",
    why="People pick what looks like the main action. A big filled 'Accept all' next to a small grey "
    "'Reject' link steers the choice without a word: the EDPB's 'Hidden in plain sight' and 'Look over "
    "there'. The CNIL names reject links styled to favour accept; CCPA requires symmetry in choice.",
    edpb=("4.3.2 Hidden in plain sight", "4.2.2 Look over there"),
    provisions=("GDPR Art. 5(1)(a)", "GDPR Art. 7(3)", "GDPR Art. 12(1)", "CCPA 11 CCR §7004(a)(2)"),
    fix="Give both answers the same size, fill, font weight and contrast, side by side.",
    tags=("visual-interference", "false-hierarchy", "asymmetry"),
)


def _style(el: Element) -> int:
    return 2 if el.has_fill else 1 if el.has_border else 0


_STYLE_NAME = {2: "filled button", 1: "outlined button", 0: "plain text"}


def _ratio(accept: float | None, optout: float | None) -> float | None:
    if not accept or not optout:
        return None
    return round(accept / optout, 2)


def compare(optout: Element, accept: Element) -> dict:
    """Ratios accept / opt-out per dimension and which dimensions make the opt-out weaker."""
    a_area = accept.box.area if accept.box else None
    o_area = optout.box.area if optout.box else None
    ratios = {
        "area": area_ratio(accept, optout),
        "contrast": _ratio(accept.contrast, optout.contrast),
        "font_weight": _ratio(accept.font_weight, optout.font_weight),
        "font_size": _ratio(accept.font_size, optout.font_size),
    }
    weaker = [k for k, v in ratios.items() if v is not None and v >= WEAKER_RATIO]
    if _style(accept) > _style(optout):
        weaker.insert(1 if "area" in weaker else 0, "style")
    accept_first = None
    if accept.box and optout.box:
        dy = accept.box.y - optout.box.y
        accept_first = dy < -4 or (abs(dy) <= 4 and accept.box.x < optout.box.x)
    counted = list(weaker)
    if accept_first and weaker:
        counted.append("position")
    return {"ratios": ratios, "weaker": counted, "accept_first": accept_first,
            "style": {"accept": _STYLE_NAME[_style(accept)], "opt_out": _STYLE_NAME[_style(optout)]},
            "area_px2": {"accept": round(a_area, 1) if a_area else a_area,
                         "opt_out": round(o_area, 1) if o_area else o_area},
            "contrast": {"accept": accept.contrast, "opt_out": optout.contrast},
            "font_weight": {"accept": accept.font_weight, "opt_out": optout.font_weight},
            "font_size": {"accept": accept.font_size, "opt_out": optout.font_size}}


def check(trace: FlowTrace) -> list[Finding]:
    pair = first_choice_pair(trace)
    if pair is None:
        return []
    goal_step, base_step = pair
    optout = goal_step.target_element
    rival, same_snapshot = rival_in_layer(optout, goal_step.snapshot, base_step.target_element)
    if rival is None:
        return []
    c = compare(optout, rival)
    if not c["weaker"]:
        return []
    n = len(c["weaker"])
    measured_dims = [d for d in c["weaker"] if d != "position"]
    severity = "high" if len(measured_dims) >= HIGH_DIMENSIONS else "medium"
    o, a = label(optout), label(rival)
    r = c["ratios"]
    facts = []
    for dim in c["weaker"]:
        if dim == "area":
            facts.append(f"{r['area']:g}x smaller ({c['area_px2']['opt_out']:g} vs {c['area_px2']['accept']:g} px²)")
        elif dim == "contrast":
            facts.append(f"{r['contrast']:g}x lower contrast ({optout.contrast:g}:1 vs {rival.contrast:g}:1)")
        elif dim == "style":
            facts.append(f"{c['style']['opt_out']} against a {c['style']['accept']}")
        elif dim == "font_weight":
            facts.append(f"lighter type (weight {optout.font_weight} vs {rival.font_weight})")
        elif dim == "font_size":
            facts.append(f"{r['font_size']:g}x smaller text ({optout.font_size:g} vs {rival.font_size:g} px)")
        elif dim == "position":
            facts.append(f'placed after "{a}"')
    detail = (f'Step {goal_step.number}: "{o}" (the way to the goal) is weaker than "{a}" (the opposite '
              f"choice) on {n} dimension{'s' if n > 1 else ''}: " + "; ".join(facts) + ".")
    if not same_snapshot:
        detail += " The opposite control was measured in the baseline's snapshot of the same page."
    measured = dict(c, opt_out_label=o, accept_label=a, url=goal_step.url, thresholds={
        "weaker_ratio": WEAKER_RATIO, "high_dimensions": HIGH_DIMENSIONS}, weaker_count=n)
    title = f'"{o}" is visually weaker than "{a}" ({", ".join(c["weaker"])})'
    return [finding(META, severity=severity, title=title, detail=detail, path="goal", step=goal_step.number,
                    element=goal_step.target, measured=measured)]
