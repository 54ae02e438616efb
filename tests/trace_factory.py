"""Small builders for hand-made traces, so heuristic tests state only what matters to them.

Defaults describe a fair, clearly visible button in the first screen; a test overrides what it is about:

    make_element(tag="a", text="right to object", contrast=2.5, font_size=12, in_prose=True)
    make_step(2, "click", target_element=link)          # clicks defaults to 1 for click-like actions
    make_trace([step1, step2], baseline_steps=[close])  # both paths complete unless told otherwise
"""

from __future__ import annotations

from auditor.trace import Box, Element, FlowInfo, FlowTrace, PathTrace, Snapshot, StepTrace

START = "https://example.test/notice"
VIEWPORT = Box(x=0, y=0, width=1280, height=720)
_CLICKS = {"click", "check", "uncheck", "select"}


def make_element(**overrides) -> Element:
    """A visible, readable, filled button in the first viewport, 120x40 px; override any field."""
    text = overrides.get("text", "Button")
    key = text or overrides.get("name") or overrides.get("label") or "field"
    data = dict(
        index=0,
        tag="button",
        role="button",
        text=text,
        name=text,
        box=Box(x=100, y=100, width=120, height=40),
        visible=True,
        in_viewport=True,
        color="rgb(255, 255, 255)",
        background="rgb(0, 90, 200)",
        contrast=7.0,
        font_size=16.0,
        font_weight=600,
        opacity=1.0,
        has_fill=True,
        has_border=False,
        path=f'[data-test="{key}"]',
    )
    data.update(overrides)
    return Element(**data)


def make_snapshot(elements: list[Element] | None = None, url: str = START, text: str = "",
                  title: str = "") -> Snapshot:
    """A page with these elements, re-indexed in list order (the index is the position)."""
    elements = [el.model_copy(update={"index": i}) for i, el in enumerate(elements or [])]
    return Snapshot(url=url, title=title, viewport=VIEWPORT, page_width=1280, page_height=2000, text=text,
                    elements=elements)


def make_step(number: int, action: str, target_element: Element | None = None, *,
              clicks: int | None = None, typed_chars: int = 0, page_loads: int = 0, url: str = START,
              others: list[Element] | None = None, snapshot: Snapshot | None = None, text: str = "",
              **extra) -> StepTrace:
    """One step. With a target element and no snapshot, the snapshot is ``others + [target]`` on ``url``
    (with ``text`` as the page's visible text).

    ``clicks`` defaults to 1 for click, check, uncheck and select, else 0 (as the driver counts).
    """
    target = None
    if snapshot is None and (target_element is not None or others):
        page = list(others or []) + ([target_element] if target_element is not None else [])
        snapshot = make_snapshot(page, url=url, text=text)
        target = len(others or []) if target_element is not None else None
    elif target_element is not None:
        # a given snapshot: find the target by its CSS path
        matches = [e.index for e in snapshot.elements if e.path == target_element.path]
        if not matches:
            raise ValueError(f"target {target_element.path!r} is not in the given snapshot")
        target = matches[0]
    if clicks is None:
        clicks = 1 if action in _CLICKS else 0
    return StepTrace(number=number, action=action, url=url, snapshot=snapshot, target=target, clicks=clicks,
                     typed_chars=typed_chars, page_loads=page_loads, **extra)


def make_path(kind: str, steps: list[StepTrace], status: str = "complete",
              final: Snapshot | None = None) -> PathTrace:
    return PathTrace(kind=kind, start=START, steps=steps, status=status, done=status == "complete",
                     final=final)


def make_trace(goal_steps: list[StepTrace], baseline_steps: list[StepTrace] | None = None, *,
               goal: str = "object", goal_status: str = "complete", baseline_status: str = "complete",
               final: Snapshot | None = None) -> FlowTrace:
    """A FlowTrace of a goal path and (if baseline_steps is given) a baseline path."""
    baseline = make_path("baseline", baseline_steps, baseline_status) if baseline_steps is not None else None
    return FlowTrace(
        flow=FlowInfo(name="hand-made", goal=goal, start=START),
        goal=make_path("goal", goal_steps, goal_status, final=final),
        baseline=baseline,
    )
