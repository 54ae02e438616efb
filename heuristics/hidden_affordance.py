"""hidden-affordance: the control that leads to the goal is made hard to see.

What it does
    Looks at every control the goal path clicks (``click`` steps; submit buttons are skipped, since a form's
    own submit button is judged by the form heuristics) and counts the ways it is made easy to miss, as
    measured in the page:

    ====================  ============================================================  ========
    signal                measured                                                      strong?
    ====================  ============================================================  ========
    low_contrast          text contrast below 4.5:1 (WCAG 2 AA for body text)            < 3:1
    small_text            font size below 14 px                                          no
    looks_like_text       neither a filled background nor a border: a link, not a button no
    in_prose              sits inside running text (a link within a paragraph)           no
    below_fold            outside the first viewport: the person must scroll to find it  no
    faint                 opacity below 0.5                                              < 0.3
    covered               another element lies on top of its centre                      yes
    in_closed_details     inside a collapsed ``<details>`` section                       yes
    weaker_than_baseline  the baseline's rival control is >= 2x its area                 no
    ====================  ============================================================  ========

    It fires when a control shows 2 or more signals, or 1 strong one. Severity is **high** with 3 or more
    signals, **medium** otherwise. ``below_fold`` only counts when the element's box was measured (an
    element without a box has an unknown position). The baseline's *rival* is the control the baseline
    path clicks on the same page and the goal path never clicks (e.g. "Close" where the goal path clicks
    "right to object"); for the goal path's first click it falls back to the baseline's first click.

Why is this bad?
    A right is only usable if people can find it. In Meta's 2024 notice the "right to object" was tiny
    hyperlink text near the end of the second paragraph, while a large "Close" button sat below it "where
    there's clearly room for two" (Tantacrul). The EDPB calls this *Hidden in plain sight* (4.3.2); a
    prominent competing control is *Look over there* (4.2.2), a control placed where nobody looks
    *Decontextualising* (4.5.2). GDPR Art. 21(4) is explicit: the right to object "shall be explicitly
    brought to the attention of the data subject and shall be presented clearly and separately from any
    other information"; Art. 12(1)-(2) require clear and plain communication and facilitating the rights.
    The CNIL's formal notices name reject links styled to favour accept, and reject options embedded in
    text.

What a fair design does
    Presents the choice as a button of its own, with the same size, colour weight and position as the
    opposite one, in the first screen, readable (contrast >= 4.5:1, text >= 14 px), not folded away.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import Element, FlowTrace, StepTrace
from heuristics.base import HeuristicMeta, finding

MIN_CONTRAST = 4.5  # WCAG 2 AA, normal text
STRONG_CONTRAST = 3.0  # below even the large-text minimum
MIN_FONT_PX = 14.0
MIN_OPACITY = 0.5
STRONG_OPACITY = 0.3
BASELINE_AREA_RATIO = 2.0
HIGH_SIGNALS = 3

META = HeuristicMeta(
    id="hidden-affordance",
    title="The way out is a small, faint link hidden in the text",
    severity="medium",
    measures="contrast, font size, button-vs-text styling, position in prose and in the first screen, "
    "opacity, covering, collapsed sections, and area against the baseline's control, for every control "
    "the goal path clicks",
    why="A right people cannot see is a right they do not use. A small low-contrast link in a paragraph "
    "next to a big 'Close' button is the EDPB's 'Hidden in plain sight' and 'Look over there'; GDPR "
    "Art. 21(4) requires the right to object to be presented clearly and separately from any other "
    "information.",
    edpb=("4.3.2 Hidden in plain sight", "4.2.2 Look over there", "4.5.2 Decontextualising"),
    provisions=("GDPR Art. 12(1)", "GDPR Art. 12(2)", "GDPR Art. 21(4)"),
    fix="Make the choice a button of its own, as large and as visible as the opposite one, in the first "
    "screen, with contrast of at least 4.5:1 and text of at least 14 px.",
    tags=("visual-interference", "false-hierarchy"),
)


def _label(el: Element) -> str:
    text = " ".join(el.label_text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _page(url: str) -> str:
    return url.split("#", 1)[0]


def _same_control(a: Element, b: Element) -> bool:
    if a.path and b.path:
        return a.path == b.path
    return a.tag == b.tag and a.label_text == b.label_text


def _baseline_rival(trace: FlowTrace, step: StepTrace, first_goal_click: bool) -> Element | None:
    """The control the baseline clicks instead of this one (usually 'Accept' / 'Close'), if any.

    That is a control the baseline clicks on the same page (URL without fragment) and the goal path never
    clicks; for the goal path's first click, failing that, the baseline's first click (both paths start
    on the same page, whose URL may still differ by a session token). Controls both paths click (opening
    the notification) are never rivals.
    """
    if trace.baseline is None:
        return None
    goal_controls = [s.target_element for s in trace.goal.steps
                     if s.action == "click" and s.target_element is not None]
    clicks = [s for s in trace.baseline.steps if s.action == "click" and s.target_element is not None]
    own = [b for b in clicks if not any(_same_control(b.target_element, g) for g in goal_controls)]
    for b in own:
        if _page(b.url) == _page(step.url):
            return b.target_element
    if first_goal_click and clicks and clicks[0] in own:
        return clicks[0].target_element
    return None


def _signals(el: Element, rival: Element | None) -> tuple[list[str], list[str], dict]:
    """(signals, strong signals, measured values) for one control."""
    signals: list[str] = []
    strong: list[str] = []
    area = el.box.area if el.box is not None else None
    measured: dict = {
        "label": _label(el),
        "contrast": el.contrast,
        "font_size": el.font_size,
        "has_fill": el.has_fill,
        "has_border": el.has_border,
        "in_prose": el.in_prose,
        "in_viewport": el.in_viewport,
        "opacity": el.opacity,
        "covered": el.covered,
        "in_closed_details": el.in_closed_details,
        "area": round(area, 1) if area is not None else None,
    }
    if el.contrast is not None and el.contrast < MIN_CONTRAST:
        signals.append("low_contrast")
        if el.contrast < STRONG_CONTRAST:
            strong.append("low_contrast")
    if 0 < el.font_size < MIN_FONT_PX:
        signals.append("small_text")
    if not el.has_fill and not el.has_border:
        signals.append("looks_like_text")
    if el.in_prose:
        signals.append("in_prose")
    if el.box is not None and not el.in_viewport:
        signals.append("below_fold")
    if el.opacity < MIN_OPACITY:
        signals.append("faint")
        if el.opacity < STRONG_OPACITY:
            strong.append("faint")
    if el.covered:
        signals.append("covered")
        strong.append("covered")
    if el.in_closed_details:
        signals.append("in_closed_details")
        strong.append("in_closed_details")
    if rival is not None:
        rival_area = rival.box.area if rival.box is not None else None
        measured["baseline_label"] = _label(rival)
        measured["baseline_area"] = round(rival_area, 1) if rival_area is not None else None
        if rival_area and area:
            ratio = round(rival_area / area, 2)
            measured["area_ratio"] = ratio
            if ratio >= BASELINE_AREA_RATIO:
                signals.append("weaker_than_baseline")
    return signals, strong, measured


def _describe(el: Element, signals: list[str], measured: dict) -> tuple[str, str]:
    """(title, detail) in plain words, quoting the figures."""
    adjectives = []
    if "small_text" in signals:
        adjectives.append("small")
    if "low_contrast" in signals:
        adjectives.append("low-contrast")
    if "faint" in signals:
        adjectives.append("faded")
    noun = "link" if "looks_like_text" in signals else "control"
    where = []
    if "in_prose" in signals:
        where.append("inside running text")
    if "below_fold" in signals:
        where.append("below the first screen")
    if "in_closed_details" in signals:
        where.append("inside a collapsed section")
    if "covered" in signals:
        where.append("under another element")
    title = f'"{measured["label"]}" is a {", ".join(adjectives) + " " if adjectives else ""}{noun}'
    if where:
        title += " " + ", ".join(where)
    if "weaker_than_baseline" in signals:
        title += f', {measured["area_ratio"]:g}x smaller than "{measured["baseline_label"]}"'

    facts = []
    if "low_contrast" in signals:
        facts.append(f"text contrast {el.contrast:g}:1 (WCAG AA asks 4.5:1)")
    if "small_text" in signals:
        facts.append(f"{el.font_size:g} px text")
    if "looks_like_text" in signals:
        facts.append("no button background or border")
    if "in_prose" in signals:
        facts.append("placed inside a paragraph")
    if "below_fold" in signals:
        facts.append("outside the first viewport")
    if "faint" in signals:
        facts.append(f"opacity {el.opacity:g}")
    if "covered" in signals:
        facts.append("covered by another element")
    if "in_closed_details" in signals:
        facts.append("inside a closed <details> section")
    if "weaker_than_baseline" in signals:
        facts.append(f'{measured["area_ratio"]:g} times smaller than the opposite choice\'s '
                     f'"{measured["baseline_label"]}" ({measured["baseline_area"]:g} vs '
                     f'{measured["area"]:g} px²)')
    detail = (f'The control the person must click, "{measured["label"]}", is hard to notice: '
              + "; ".join(facts) + f" ({len(signals)} signals).")
    return title, detail


def _check_step(step: StepTrace, rival: Element | None) -> Finding | None:
    el = step.target_element
    signals, strong, measured = _signals(el, rival)
    if len(signals) < 2 and not strong:
        return None
    measured.update(signals=signals, strong_signals=strong, signal_count=len(signals))
    title, detail = _describe(el, signals, measured)
    severity = "high" if len(signals) >= HIGH_SIGNALS else "medium"
    return finding(META, severity=severity, title=title, detail=detail, path="goal", step=step.number,
                   element=step.target, measured=measured)


def check(trace: FlowTrace) -> list[Finding]:
    out = []
    first_click = True
    for step in trace.goal.steps:
        el = step.target_element
        if step.action != "click" or el is None:
            continue
        is_first, first_click = first_click, False
        if (el.type or "").lower() == "submit":
            continue
        f = _check_step(step, _baseline_rival(trace, step, is_first))
        if f is not None:
            out.append(f)
    return out
