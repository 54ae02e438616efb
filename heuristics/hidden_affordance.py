"""hidden-affordance: the control that leads to the goal is made hard to see.

What it does
    Looks at every control the goal path clicks (``click`` steps; submit buttons are skipped, since a form's
    own submit button is judged by the form heuristics) and counts the ways it is made easy to miss, as
    measured in the page:

    ====================  ============================================================  ========
    signal                measured                                                      strong?
    ====================  ============================================================  ========
    low_contrast          text contrast below 4.5:1 (WCAG 2 AA for body text)            < 3:1
    small_text            font size below 14 px                                          < 10 px
    looks_like_text       neither a filled background nor a border: a link, not a button no
    in_prose              sits inside running text (a link within a paragraph)           no
    below_fold            outside the viewport: the person must scroll to find it        > 1 screen
    faint                 opacity below 0.5                                              < 0.3
    covered               another element lies on top of its centre, also a translucent  yes
                          sheet that lets clicks through (pointer-events: none)
    partly_covered        its centre is clear but >= 20% of it lies under another        >= 30%
                          element (a sticky bar, a chat widget): ``covered_fraction``
    in_closed_details     inside a collapsed ``<details>`` section (see below)           yes
    delayed               appeared >= 1 s after the page was ready, later than the       >= 2 s
                          baseline's control
    vague_label           classified more-info: no refusal in it ("Learn more")          no
    weaker_than_baseline  the rival in the same layer is >= 2x its area (beyond what a   no
                          longer label explains; heuristics/_salience.py)
    ====================  ============================================================  ========

    It fires when a control shows 2 or more signals, or 1 strong one. Severity is **high** with 3 or more
    signals, **medium** otherwise. ``below_fold`` only counts when the element's box was measured (an
    element without a box has an unknown position); ``measured["below_fold_px"]`` says how far below the
    bottom of the screen the control starts. The *rival* is the one definition of heuristics/_salience.py
    (``rival``): the control the baseline path clicks instead, on the same page, in the same layer (e.g.
    "Close" where the goal path clicks "right to object").

    One fault, one charge (heuristics/_salience.py, SAME_REASON). This heuristic owns "hard to see";
    visual-asymmetry owns "weaker than the rival". Where this heuristic fires on the control
    visual-asymmetry judges with ``low_contrast``, ``small_text``, ``looks_like_text`` or
    ``weaker_than_baseline``, visual-asymmetry cites them (``charged_signals``) instead of charging its
    contrast, font-size, style or area dimension again.

    Collapsed sections. A control inside a closed ``<details>`` is not visible, so no flow (and no person)
    can click it before opening the section: the path clicks the ``<summary>`` first. The trick is judged
    at *that* step: when a later goal control is inside a closed ``<details>`` in the summary step's
    snapshot, the summary click gets the strong ``in_closed_details`` signal, with the folded control's
    label (``folded_control``) and step (``folded_step``) in ``measured``. The control itself, once the
    section is open, is judged on its own looks at its own step (not a second time for the folding).

    Delay. ``delayed`` uses the time the driver waited for the control to become visible (``find_ms``):
    a control that appears 2.5 s after "Accept" is missed by everyone who answers at once. It counts only
    when the baseline's rival appeared at least 1 s sooner (or is unknown), so a slow page that renders
    both answers late is not blamed.

    Contrast that could not be measured. Over a background image or gradient whose rendered pixels could
    not be read, under a blur or a blend mode, the contrast is unknown (``Element.contrast_unknown``): it is
    no ``low_contrast`` signal, and no pass either. ``measured`` records the reason (``contrast_unknown``)
    and how a known contrast was measured (``contrast_source``: CSS colours or rendered pixels). When no
    control fires, the outcome is ``incomplete`` (not ``passed``): the contrast of that control could not
    be measured; when one fires, the outcome notes it beside the findings.

    Shadow DOM and iframes are no trick by themselves (a person cannot tell), but tools that do not pierce
    them miss the control; ``measured`` records ``in_shadow`` and ``in_iframe`` so a report shows the
    control was measured where it really lives (colours are composited across shadow hosts and frames).

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
from heuristics._salience import Rival, area_ratio, is_consent_control, rival
from heuristics._words import affordance, page, same_control
from heuristics.base import Checked, Evidence, HeuristicMeta, TracePart, figure, finding

MIN_CONTRAST = 4.5  # WCAG 2 AA, normal text
STRONG_CONTRAST = 3.0  # below even the large-text minimum
MIN_FONT_PX = 14.0
STRONG_FONT_PX = 10.0  # fine print: most people need to zoom to read it
MIN_OPACITY = 0.5
STRONG_OPACITY = 0.3
STRONG_BELOW_FOLD_SCREENS = 1.0  # more than a whole screen of scrolling before it shows
DELAY_S = 1.0
STRONG_DELAY_S = 2.0
DELAY_MARGIN_S = 1.0  # how much later than the baseline's control it must appear
BASELINE_AREA_RATIO = 2.0
PARTLY_COVERED = 0.2  # share of the control's sample points under another element (snapshot.js)
STRONG_PARTLY_COVERED = 0.3  # a third of a short label is words a person cannot read
HIGH_SIGNALS = 3


class Measured(Evidence):
    """The control the goal path clicks as the page drew it, beside its rival where both were measured
    (the accept-side figures are the rival's: heuristics/_salience.py), and the signals it showed."""

    label: str = figure("Label", compare="label", side="refusal")
    baseline_label: str = figure("Label", compare="label", side="accept")
    area: float | None = figure("Area", "px²", compare="area", side="refusal")
    baseline_area: float | None = figure("Area", "px²", compare="area", side="accept")
    area_ratio: float = figure("How many times larger the accept control is, beyond a longer label", "×")
    appeared_after_s: float | None = figure("Appeared after the page was ready", "s",
                                            compare="appeared", side="refusal")
    baseline_appeared_after_s: float = figure("Appeared after the page was ready", "s",
                                              compare="appeared", side="accept")
    delayed: bool = figure("Appeared late, after the opposite choice")
    contrast: float | None = figure("Text contrast (WCAG 2)", ":1")
    contrast_unknown: str = figure("Why the text contrast could not be measured")
    contrast_source: str = figure("How the contrast was measured (CSS colours or rendered pixels)")
    font_size: float = figure("Font size", "px")
    has_fill: bool = figure("Has a filled background")
    has_border: bool = figure("Has a border")
    in_prose: bool = figure("Inside running text")
    in_viewport: bool = figure("In the first screen, without scrolling")
    below_fold_px: float = figure("Distance below the first screen", "px")
    below_fold_screens: float | None = figure("Distance below the first screen, in screen heights")
    opacity: float = figure("Opacity (1 is fully opaque)")
    covered: bool = figure("Another element lies on its centre")
    covered_fraction: float | None = figure("Share of it under another element", "fraction")
    in_closed_details: bool = figure("Inside a collapsed section, or opens one that hides the way out")
    folded_control: str = figure("Control folded in the collapsed section")
    folded_step: int = figure("Step that clicks the folded control")
    in_shadow: bool = figure("Inside a shadow DOM")
    in_iframe: bool = figure("Inside an iframe")
    vague_label: bool = figure("Label announces information, not a choice")
    signals: list[str] = figure("Signals")
    strong_signals: list[str] = figure("Strong signals (one is enough to fire)")
    signal_count: int = figure("Signals counted")


META = HeuristicMeta(
    id="hidden-affordance",
    title="The way out is a small, faint link hidden in the text",
    severity="medium",
    measures="contrast (composited across opacity, shadow hosts, iframes and overlays), font size, "
    "button-vs-text styling, position in prose and against the fold, opacity, covering, collapsed sections, "
    "late rendering, vague labels ('Learn more') and area against the baseline's control, for every control "
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
    requires=(TracePart.GOAL_CLICKS,),
    evidence=Measured,
)


def _label(el: Element) -> str:
    text = " ".join(el.label_text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _folded(trace: FlowTrace, step: StepTrace) -> tuple[Element, int] | None:
    """A later goal control that sits inside a closed ``<details>`` in this step's snapshot, if any."""
    snap = step.snapshot
    if snap is None:
        return None
    for later in trace.goal.steps[step.number:]:
        el = later.target_element
        if el is None or page(later.url) != page(step.url):
            continue
        for candidate in snap.elements:
            if candidate.in_closed_details and candidate.tag == el.tag and same_control(candidate, el):
                return el, later.number
    return None


def _contrast_evidence(el: Element) -> dict:
    """How the contrast was measured, and why it could not be when it could not (then it is no signal,
    and no pass either: see :func:`check`)."""
    out = {}
    if el.contrast is None and el.contrast_unknown:
        out["contrast_unknown"] = el.contrast_unknown
    if el.contrast_source is not None:
        out["contrast_source"] = el.contrast_source
    return out


def _signals(el: Element, opposite: Rival, step: StepTrace,
             folded: tuple[Element, int] | None) -> tuple[list[str], list[str], dict]:
    """(signals, strong signals, measured values) for one control."""
    signals: list[str] = []
    strong: list[str] = []
    area = el.box.area if el.box is not None else None
    snap = step.snapshot
    rival_step = opposite.step
    appeared = round(step.find_ms / 1000, 2) if step.find_ms is not None else None
    rival_appeared = (round(rival_step.find_ms / 1000, 2)
                      if rival_step is not None and rival_step.find_ms is not None else None)
    measured: dict = {
        "label": _label(el),
        "contrast": el.contrast,
        **_contrast_evidence(el),
        "font_size": el.font_size,
        "has_fill": el.has_fill,
        "has_border": el.has_border,
        "in_prose": el.in_prose,
        "in_viewport": el.in_viewport,
        "opacity": el.opacity,
        "covered": el.covered,
        "covered_fraction": el.covered_fraction,
        "in_closed_details": el.in_closed_details or folded is not None,
        "in_shadow": el.in_shadow,
        "in_iframe": el.in_iframe,
        # A label announcing information, not a choice ("Learn more"): not what someone looking for "Reject" reads.
        "vague_label": affordance(el.label_text) == "more-info",
        "appeared_after_s": appeared,
        "delayed": False,
        "area": round(area, 1) if area is not None else None,
    }
    if snap is not None and el.box is not None and not el.in_viewport:
        bottom = snap.viewport.y + snap.viewport.height
        below = max(0.0, el.box.y - bottom)
        measured["below_fold_px"] = round(below, 1)
        measured["below_fold_screens"] = round(below / snap.viewport.height, 2) if snap.viewport.height else None
    if folded is not None:
        measured["folded_control"] = _label(folded[0])
        measured["folded_step"] = folded[1]
    if el.contrast is not None and el.contrast < MIN_CONTRAST:
        signals.append("low_contrast")
        if el.contrast < STRONG_CONTRAST:
            strong.append("low_contrast")
    if 0 < el.font_size < MIN_FONT_PX:
        signals.append("small_text")
        if el.font_size < STRONG_FONT_PX:
            strong.append("small_text")
    if not el.has_fill and not el.has_border:
        signals.append("looks_like_text")
    if el.in_prose:
        signals.append("in_prose")
    if el.box is not None and not el.in_viewport:
        signals.append("below_fold")
        if (measured.get("below_fold_screens") or 0) > STRONG_BELOW_FOLD_SCREENS:
            strong.append("below_fold")
    if el.opacity < MIN_OPACITY:
        signals.append("faint")
        if el.opacity < STRONG_OPACITY:
            strong.append("faint")
    if el.covered:
        signals.append("covered")
        strong.append("covered")
    elif (el.covered_fraction or 0) >= PARTLY_COVERED:
        signals.append("partly_covered")
        if el.covered_fraction >= STRONG_PARTLY_COVERED:
            strong.append("partly_covered")
    if el.in_closed_details or folded is not None:
        signals.append("in_closed_details")
        strong.append("in_closed_details")
    if appeared is not None and appeared >= DELAY_S and (
            rival_appeared is None or appeared - rival_appeared >= DELAY_MARGIN_S):
        measured["delayed"] = True
        if rival_appeared is not None:
            measured["baseline_appeared_after_s"] = rival_appeared
        signals.append("delayed")
        if appeared >= STRONG_DELAY_S:
            strong.append("delayed")
    if measured["vague_label"]:
        signals.append("vague_label")
    if opposite.element is not None:
        rival_el = opposite.element
        rival_area = rival_el.box.area if rival_el.box is not None else None
        measured["baseline_label"] = _label(rival_el)
        measured["baseline_area"] = round(rival_area, 1) if rival_area is not None else None
        ratio = area_ratio(rival_el, el)
        if ratio is not None:
            measured["area_ratio"] = ratio
            if ratio >= BASELINE_AREA_RATIO:
                signals.append("weaker_than_baseline")
    return signals, strong, measured


def _fires(signals: list[str], strong: list[str]) -> bool:
    return len(signals) >= 2 or bool(strong)


def _judged(step: StepTrace) -> bool:
    """A click this heuristic judges: a consent control (heuristics/_salience.py), not a content link the
    path follows; submit buttons belong to the form heuristics."""
    el = step.target_element
    return step.action == "click" and is_consent_control(el, step.snapshot) and (el.type or "").lower() != "submit"


def _assess(trace: FlowTrace, step: StepTrace) -> tuple[list[str], list[str], dict]:
    return _signals(step.target_element, rival(trace, step), step, _folded(trace, step))


def charged_signals(trace: FlowTrace, step: StepTrace) -> list[str]:
    """The signals this heuristic charges on the control of ``step`` (none when it does not fire there):
    visual-asymmetry cites these instead of charging the same fault again (heuristics/_salience.py)."""
    if not _judged(step):
        return []
    signals, strong, _ = _assess(trace, step)
    return signals if _fires(signals, strong) else []


def _describe(el: Element, signals: list[str], measured: dict) -> tuple[str, str]:
    """(title, detail) in plain words, quoting the figures."""
    adjectives = []
    if "small_text" in signals:
        adjectives.append("small")
    if "low_contrast" in signals:
        adjectives.append("low-contrast")
    if "faint" in signals:
        adjectives.append("faded")
    if "vague_label" in signals:
        adjectives.append("vaguely labelled")
    noun = "link" if "looks_like_text" in signals else "control"
    where = []
    if "in_prose" in signals:
        where.append("inside running text")
    if "below_fold" in signals:
        where.append("below the first screen")
    if "in_closed_details" in signals:
        where.append(f'hiding "{measured["folded_control"]}" in a collapsed section' if "folded_control" in measured
                     else "inside a collapsed section")
    if "covered" in signals:
        where.append("under another element")
    if "partly_covered" in signals:
        where.append(f'partly covered ({measured["covered_fraction"]:.0%})')
    if "delayed" in signals:
        where.append(f'appearing only after {measured["appeared_after_s"]:g} s')
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
        px = measured.get("below_fold_px")
        facts.append(f"{px:g} px below the bottom of the screen" if px else "outside the viewport")
    if "faint" in signals:
        facts.append(f"opacity {el.opacity:g}")
    if "covered" in signals:
        facts.append("covered by another element")
    if "partly_covered" in signals:
        facts.append(f'{measured["covered_fraction"]:.0%} of it lies under another element (its centre is clear)')
    if "in_closed_details" in signals:
        if "folded_control" in measured:
            facts.append(f'"{measured["folded_control"]}" (step {measured["folded_step"]}) is folded inside a '
                         "closed <details> section that this control opens")
        else:
            facts.append("inside a closed <details> section")
    if "delayed" in signals:
        rival = measured.get("baseline_appeared_after_s")
        facts.append(f'it appeared {measured["appeared_after_s"]:g} s after the page was ready'
                     + (f" (the opposite choice after {rival:g} s)" if rival is not None else ""))
    if "vague_label" in signals:
        facts.append(f'its label "{measured["label"]}" does not say it refuses anything')
    if "weaker_than_baseline" in signals:
        facts.append(f'{measured["area_ratio"]:g} times smaller than the opposite choice\'s '
                     f'"{measured["baseline_label"]}" ({measured["baseline_area"]:g} vs '
                     f'{measured["area"]:g} px²)')
    detail = (f'The control the person must click, "{measured["label"]}", is hard to notice: '
              + "; ".join(facts) + f" ({len(signals)} signals).")
    if "contrast_unknown" in measured:
        detail += (f' Its text contrast could not be measured ({measured["contrast_unknown"]}), so it is not '
                   "counted either way.")
    return title, detail


def _check_step(trace: FlowTrace, step: StepTrace) -> Finding | None:
    signals, strong, measured = _assess(trace, step)
    if not _fires(signals, strong):
        return None
    measured.update(signals=signals, strong_signals=strong, signal_count=len(signals))
    title, detail = _describe(step.target_element, signals, measured)
    severity = "high" if len(signals) >= HIGH_SIGNALS else "medium"
    return finding(META, severity=severity, title=title, detail=detail, path="goal", step=step.number,
                   element=step.target, measured=measured)


def _unmeasured(judged: list[StepTrace]) -> list[str]:
    """'the contrast of "Reject" could not be measured (why)' for each judged control whose contrast is
    unknown, once per label."""
    seen: dict[str, str] = {}
    for step in judged:
        el = step.target_element
        if el.contrast is None and el.contrast_unknown:
            seen.setdefault(_label(el), el.contrast_unknown)
    return [f'the contrast of "{name}" could not be measured ({why})' for name, why in seen.items()]


def check(trace: FlowTrace) -> list[Finding]:
    judged = [step for step in trace.goal.steps if _judged(step)]
    findings = [f for f in (_check_step(trace, step) for step in judged) if f is not None]
    unmeasured = _unmeasured(judged)
    if not unmeasured:
        return findings
    summary = "" if findings else "its other signals were checked: none fired"
    return Checked(findings, summary=summary, incomplete="; ".join(unmeasured))
