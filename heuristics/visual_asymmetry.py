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

    One fault, one charge (heuristics/_salience.py, SAME_REASON). This heuristic owns "weaker than the
    rival"; hidden-affordance owns "hard to see". When hidden-affordance fires on the same control with
    the signal that says the same as a weaker dimension (``weaker_than_baseline`` for area,
    ``low_contrast`` for contrast, ``small_text`` for font size, ``looks_like_text`` for style), that
    dimension is listed in ``cited_from_hidden_affordance`` and not counted here; ``charged`` lists the
    dimensions that set the severity. When every weaker dimension is cited, the finding is **info**
    (0 points): it shows the comparison without charging it twice.

    Contrast that could not be measured. Over a background image or gradient whose pixels could not be
    read, under a blur or a blend mode, a control's contrast is unknown (``Element.contrast_unknown``).
    Then contrast is not compared: the reason is in ``opt_out_contrast_unknown`` /
    ``accept_contrast_unknown``, the finding's detail says "contrast not compared", and when nothing else
    is weaker the outcome is ``incomplete`` (never "passed", never "as prominent in contrast"); when a
    finding fires, the outcome notes the contrast not compared beside it. A control without text has no
    text contrast to measure: contrast is not compared, and that alone does not make the check incomplete.

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
from auditor.trace import FlowTrace
from heuristics import hidden_affordance
from heuristics._salience import (
    SAME_REASON,
    WEAKER_RATIO,
    Salience,
    choice_step,
    compare,
    contrast_not_compared,
    rival,
)
from heuristics._words import first_choice_pair, label
from heuristics.base import (
    Checked,
    Evidence,
    HeuristicMeta,
    NotApplicable,
    TracePart,
    figure,
    finding,
)

HIGH_DIMENSIONS = 2  # measured dimensions; position never counts


class Thresholds(Evidence):
    weaker_ratio: float = figure("A dimension is weaker from", "×")
    high_dimensions: int = figure("High severity from this many weaker dimensions")


class Measured(Salience):
    """The comparison (heuristics/_salience.py, ``Salience``) and how this heuristic charged it."""

    weaker_count: int = figure("Weaker dimensions")
    charged: list[str] = figure("Dimensions charged here")
    cited_from_hidden_affordance: list[str] = figure("Dimensions already charged by hidden-affordance, cited only")
    url: str = figure("Page")
    thresholds: Thresholds = figure("Thresholds")


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
    requires=(TracePart.CHOICE_PAIR,),
    evidence=Measured,
)


def check(trace: FlowTrace) -> list[Finding]:
    if first_choice_pair(trace) is None:
        return []
    goal_step = choice_step(trace)
    if goal_step is None:
        raise NotApplicable("the goal path's choice clicks are content links, not consent controls")
    optout = goal_step.target_element
    opposite = rival(trace, goal_step)
    if opposite.element is None:
        raise NotApplicable(f'no accept control in the layer of "{label(optout)}" to compare it with')
    rival_el, same_snapshot = opposite.element, opposite.same_screen
    c = compare(optout, rival_el)
    unmeasured = contrast_not_compared(c)
    # incomplete only when a measurement failed (a reason was recorded); a control without text has no
    # text contrast to measure, which says nothing about how the choice is presented
    incomplete = unmeasured if c.opt_out_contrast_unknown or c.accept_contrast_unknown else ""
    if not c.weaker:
        if unmeasured is None:
            return Checked(summary=f'"{c.opt_out_label}" is as prominent as "{c.accept_label}" in area, contrast, '
                                   "style, font weight, font size and position")
        summary = (f'"{c.opt_out_label}" is as prominent as "{c.accept_label}" in area, style, font weight, '
                   "font size and position")
        return Checked(summary=summary if incomplete else f"{summary}; {unmeasured}", incomplete=incomplete)
    n = len(c.weaker)
    charged_there = set(hidden_affordance.charged_signals(trace, goal_step))
    cited = [d for d in c.weaker if SAME_REASON.get(d) in charged_there]
    charged = [d for d in c.weaker if d != "position" and d not in cited]
    severity = "high" if len(charged) >= HIGH_DIMENSIONS else "medium" if charged else "info"
    o, a = c.opt_out_label, c.accept_label
    r = c.ratios
    facts = []
    for dim in c.weaker:
        if dim == "area":
            facts.append(f"{r.area:g}x smaller ({c.opt_out_area:g} vs {c.accept_area:g} px²)")
        elif dim == "contrast":
            facts.append(f"{r.contrast:g}x lower contrast ({c.opt_out_contrast:g}:1 vs {c.accept_contrast:g}:1)")
        elif dim == "style":
            facts.append(f"{c.opt_out_style} against a {c.accept_style}")
        elif dim == "font_weight":
            facts.append(f"lighter type (weight {c.opt_out_font_weight} vs {c.accept_font_weight})")
        elif dim == "font_size":
            facts.append(f"{r.font_size:g}x smaller text ({c.opt_out_font_size:g} vs {c.accept_font_size:g} px)")
        elif dim == "position":
            facts.append(f'placed after "{a}"')
    detail = (f'Step {goal_step.number}: "{o}" (the way to the goal) is weaker than "{a}" (the opposite '
              f"choice) on {n} dimension{'s' if n > 1 else ''}: " + "; ".join(facts) + ".")
    if cited:
        detail += (f" Already charged under hidden-affordance, which found the control hard to see in absolute "
                   f"terms for the same reason: {', '.join(cited)}; cited here, not counted again.")
    if unmeasured is not None:
        detail += f" {unmeasured[:1].upper() + unmeasured[1:]}."
    if not same_snapshot:
        detail += " The opposite control was measured in the baseline's snapshot of the same page."
    measured = Measured(**c.model_dump(exclude_unset=True), url=goal_step.url, weaker_count=n, charged=charged,
                        cited_from_hidden_affordance=cited,
                        thresholds=Thresholds(weaker_ratio=WEAKER_RATIO, high_dimensions=HIGH_DIMENSIONS))
    title = f'"{o}" is visually weaker than "{a}" ({", ".join(c.weaker)})'
    return Checked([finding(META, severity=severity, title=title, detail=detail, path="goal",
                            step=goal_step.number, element=goal_step.target, measured=measured)],
                   incomplete=incomplete)
