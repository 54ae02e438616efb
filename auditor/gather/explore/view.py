"""What a person sees of a page now, across its frames: the controls they could press and their layers.

One ``evaluate`` per frame (js/view.js). Cross-origin frames are read through Playwright's frames, so a
hosted consent notice in another origin's iframe is seen like one in the page. A frame that the page
hides (no box) shows nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

from auditor.classifier import MIN_SCORE, classify

FrameKey = tuple[str, int]  # ("" for the main frame, else the frame's URL; index among frames with that URL)


@lru_cache(maxsize=1)
def view_script() -> str:
    return files("auditor.gather.explore").joinpath("js/view.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Control:
    """One thing a person could press, with where it is and what the classifier says it does."""

    frame: FrameKey
    hops: tuple
    css: str
    label: str
    role: str
    toggle: str | None  # "checkbox", "switch", "radio" or None for a plain control
    checked: bool | None
    disabled: bool
    group: str | None  # a radio's purpose (fieldset legend or name)
    in_shadow: bool
    expands: bool  # a disclosure (aria-expanded, <summary>): shows more, chooses nothing
    layer: str  # frame-qualified layer id
    order: int  # position in the view, frames in page order
    affordance: str
    score: float

    @property
    def frame_url(self) -> str | None:
        return self.frame[0] or None

    @property
    def purpose(self) -> str:
        """The purpose a toggle stands for: a radio's group (its own label is "Allow"/"Deny"), else its label."""
        return (self.group if self.toggle == "radio" and self.group else self.label) or "(unnamed)"

    @property
    def confident(self) -> str:
        return self.affordance if self.score >= MIN_SCORE else "other"

    @property
    def identity(self) -> tuple:
        """What makes it the same control in another state of the same page (for remembered effects)."""
        return (self.frame, self.layer, self.label, self.role, self.toggle)

    def describe(self) -> str:
        where = " (in a frame)" if self.frame[0] else ""
        return f"'{self.label or '(unnamed)'}'{where}"


@dataclass
class View:
    url: str
    controls: list[Control]
    layer_texts: dict[str, str]
    page_text: str
    consent_layers: list[str] = field(default_factory=list)

    @property
    def consent_controls(self) -> list[Control]:
        return [c for c in self.controls if c.layer in self.consent_layers]

    @property
    def has_consent_ui(self) -> bool:
        return bool(self.consent_layers)


def frame_keys(page: Page) -> list[tuple[FrameKey, Frame]]:
    seen: dict[str, int] = {}
    keyed = []
    for frame in page.frames:
        url = "" if frame == page.main_frame else frame.url
        index = seen.get(url, 0)
        seen[url] = index + 1
        keyed.append(((url, index), frame))
    return keyed


def find_frame(page: Page, key: FrameKey) -> Frame | None:
    return next((frame for k, frame in frame_keys(page) if k == key), None)


def _frame_shown(frame: Frame) -> bool:
    try:
        box = frame.frame_element().bounding_box()
    except PlaywrightError:
        return False
    return bool(box and box["width"] >= 4 and box["height"] >= 4)


def read_view(page: Page) -> View:
    """Every frame's controls and layers, classified; which layers are consent UI is consent_ui's call."""
    raw_controls, layer_texts, page_text = [], {}, ""
    for key, frame in frame_keys(page):
        if key[0] and not _frame_shown(frame):
            continue
        try:
            raw = frame.evaluate(view_script())
        except PlaywrightError:
            continue  # detached or navigating: it shows nothing now
        prefix = f"{key[0]}#{key[1]}|"
        for layer in raw["layers"]:
            layer_texts[prefix + layer["id"]] = layer["text"]
        if key[0] == "":
            page_text = raw.get("body_text", "")
        for c in raw["controls"]:
            raw_controls.append((key, prefix, c))
    predictions = classify([c["label"] for _, _, c in raw_controls]) if raw_controls else []
    controls = [
        Control(frame=key, hops=tuple(tuple(h) for h in c["hops"]), css=c["css"], label=c["label"], role=c["role"],
                toggle=c["toggle"], checked=c["checked"], disabled=c["disabled"], group=c["group"],
                in_shadow=c["in_shadow"], expands=c["expands"], layer=prefix + c["layer"], order=i, affordance=p.label, score=p.score)
        for i, ((key, prefix, c), p) in enumerate(zip(raw_controls, predictions))]
    return View(url=page.url, controls=controls, layer_texts=layer_texts, page_text=page_text)
