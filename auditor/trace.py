"""FlowTrace: everything the driver saw, as plain data.

The trace is the only thing heuristics get. It must be loadable years later without a browser, so it is
pure pydantic data serialised to ``trace.json``; evidence files (screenshots) are referenced by paths
relative to the run folder, never embedded. Page-derived strings in here are untrusted: reporters escape
them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.exploration import Exploration

TRACE_SCHEMA_VERSION = 1

# no-consent-ui: `explore` found no consent notice on the page, so there was nothing to audit.
Status = Literal["complete", "incomplete", "goal-unreachable", "no-consent-ui"]


def is_finished(status: str, exploration: Exploration | None) -> bool:
    """The figures are a verdict on the whole flow: the audit completed, or ``explore`` finished its search
    and found no consent notice or no way out (findings about the site, not a stopped audit)."""
    return status == "complete" or (exploration is not None and exploration.status == status)


class _Data(BaseModel):
    # Unknown keys are ignored so that a newer trace still loads in an older tool (forward compatibility).
    model_config = ConfigDict(extra="ignore")


class Box(_Data):
    """A rectangle in CSS pixels, in page coordinates of the top document (scroll offset included)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def area(self) -> float:
        return max(self.width, 0.0) * max(self.height, 0.0)

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


class Element(_Data):
    """One interactive element (or form field) as a person would perceive it."""

    index: int = Field(description="position in the snapshot's element list (document order)")
    tag: str
    role: str = ""
    text: str = ""
    name: str = Field("", description="accessible name (aria-label, label, text, title, alt)")
    href: str | None = None
    box: Box | None = None
    visible: bool = True
    in_viewport: bool = Field(False, description="intersects the first viewport without scrolling")
    color: str = ""
    background: str = Field("", description="effective background after compositing ancestors")
    contrast: float | None = Field(None, description="WCAG 2 contrast ratio of text against background")
    contrast_unknown: str | None = Field(
        None, description="why the contrast could not be measured (a background image or gradient, a filter or "
        "layer of unknown colour, and the rendered pixels were not read); None when measured or not applicable")
    contrast_source: Literal["colours", "pixels"] | None = Field(
        None, description="how the contrast was measured: 'colours' composited from the CSS colours, 'pixels' "
        "read from the rendered page behind and on the text; None when not measured (older traces: colours)")
    font_size: float = 0.0
    font_weight: int = 400
    opacity: float = Field(1.0, description="product of the element's and its ancestors' opacity")
    text_decoration: str = ""
    has_fill: bool = Field(False, description="own background differs from what is behind it")
    has_border: bool = False
    cursor: str = ""
    in_prose: bool = Field(False, description="sits inside running text (a link within a paragraph)")
    covered: bool = Field(False, description="another element is on top of its centre")
    covered_fraction: float | None = Field(
        None, ge=0, le=1, description="share of a grid of 15 points across the control (centre, near the corners "
        "and edges) under another element, of those in the viewport; None when not measured")
    in_shadow: bool = False
    in_iframe: bool = False
    in_closed_details: bool = False
    disabled: bool = False
    # Form fields
    type: str | None = None
    label: str | None = None
    placeholder: str | None = None
    required: bool = False
    minlength: int | None = None
    maxlength: int | None = None
    value: str | None = None
    checked: bool | None = None
    path: str = Field("", description="a CSS path, for locating the element in evidence")
    layer: str = Field("", description="CSS path of the innermost dialog, modal or fixed/sticky box holding the "
                       "element (a banner, a settings panel); '' for the page itself")
    label_visible: bool | None = Field(None, description="checkbox/radio: one of its labels is painted, so a "
                                       "person perceives a styled-away input through it")
    master_toggle: bool = Field(False, description="a 'toggle all' switch that sets the others, not a purpose")

    @property
    def label_text(self) -> str:
        """What a person would call this element: the text they see on it, else its label, else its
        accessible name ("Tout refuser", not the screen-reader name "Cookies : Tout refuser")."""
        return (self.text or self.label or self.name or self.placeholder or self.value or "").strip()

    @property
    def accessible_name_differs(self) -> bool:
        """The accessible name says something other than the visible text (shown beside it in reports)."""
        seen = " ".join(self.label_text.split()).casefold()
        name = " ".join((self.name or "").split()).casefold()
        return bool(name) and name != seen

    @property
    def perceivable(self) -> bool:
        """A person can see it: painted with an area and not faded out, or (a styled-away checkbox) its
        label or switch is painted."""
        if not self.visible:
            return False
        painted = self.box is not None and self.box.width > 2 and self.box.height > 2 and self.opacity > 0.05
        return painted or bool(self.label_visible)

    @property
    def is_field(self) -> bool:
        return self.tag in {"input", "textarea", "select"}


class Layer(_Data):
    """A dialog, modal or fixed/sticky box that elements sit in (one per distinct ``Element.layer``), measured
    itself: what a consent wall is made of, whether or not the page has controls of its own to cover."""

    path: str = Field(description="CSS path, the same as the ``layer`` of the elements in it")
    box: Box | None = Field(None, description="its bounding box, in top-page coordinates like element boxes")
    position: str = Field("", description="computed position (fixed, sticky, absolute, static)")
    aria_modal: bool = Field(False, description='aria-modal="true" on it or an ancestor, or a <dialog> opened '
                             "with showModal(): the page behind it is declared unusable")
    role: str = Field("", description="its role (dialog, alertdialog, region...), 'dialog' for a <dialog>")
    z_index: int | None = Field(None, description="computed z-index; None for auto")
    viewport_share: float | None = Field(
        None, ge=0, le=1, description="share of an 8x6 grid of points across the viewport where it, a fixed box "
        "holding it or an empty backdrop sheet is on top (catches the clicks); None when not measured (a layer "
        "in another origin's frame)")


class Snapshot(_Data):
    url: str
    title: str = ""
    viewport: Box
    page_width: float = 0
    page_height: float = 0
    text: str = Field("", description="visible text of the page, whitespace-collapsed")
    elements: list[Element] = Field(default_factory=list)
    truncated: bool = Field(False, description="element list or text was cut at the snapshot's limits")
    layers: list[Layer] = Field(default_factory=list, description="the layers elements sit in, measured "
                                "(older traces: none recorded)")
    scroll_locked: bool = Field(False, description="the page cannot scroll: overflow(-y) hidden or clip on "
                                "<html> or <body>, or <body> fixed in place")
    content_obscured: list[str] = Field(
        default_factory=list, description="what hides the page's content outside the layers: 'blur' (a blur "
        "filter over text, or a backdrop-filter on a layer or its backdrop), 'inert' (inert or aria-hidden on "
        "the content), 'truncated' (text cut by a max-height or faded out by a mask gradient)")

    def layer(self, path: str) -> Layer | None:
        return next((layer for layer in self.layers if layer.path == path), None)

    @property
    def first_screen(self) -> list[Element]:
        return [e for e in self.elements if e.visible and e.in_viewport]

    def element(self, index: int | None) -> Element | None:
        if index is None or not (0 <= index < len(self.elements)):
            return None
        return self.elements[index]


class Dialog(_Data):
    kind: str
    message: str
    answer: str = "accept"


class StepTrace(_Data):
    """One step of a path: the page as the person saw it, what they did, and what it cost."""

    number: int = Field(description="1-based position in its path")
    action: str
    spec: dict = Field(default_factory=dict, description="the step as written in the flow file")
    flow_line: int | None = Field(None, description="line of this step in the flow file")
    url: str = Field("", description="page URL when the step began")
    url_after: str = ""
    snapshot: Snapshot | None = Field(None, description="page state before the action")
    target: int | None = Field(None, description="index of the acted-on element in the snapshot")
    screenshot: str | None = Field(None, description="path relative to the run folder")
    html: str | None = Field(None, description="the page's rendered HTML when the snapshot was taken (main "
                             "frame), path relative to the run folder: what a reader shows beside the screenshot")
    clicks: int = 0
    typed_chars: int = 0
    page_loads: int = 0
    dialogs: list[Dialog] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    duration_ms: float = 0.0
    find_ms: float | None = Field(None, description="time spent waiting for the target to become visible")
    action_ms: float | None = Field(None, description="time the action took, including waiting for its "
                                    "target to become enabled (a countdown or a disabled button)")
    error: str | None = None
    http_status: int | None = Field(None, description="HTTP status of a page the step loaded, when it was 4xx/5xx")
    retried: bool = Field(False, description="the click changed nothing at first, so the auditor clicked once "
                          "more after a second, as a person would (see retry_reason)")
    retry_reason: str | None = None

    @property
    def target_element(self) -> Element | None:
        return self.snapshot.element(self.target) if self.snapshot else None


class Situation(_Data):
    """Who the site saw: the device, the region and the sign-in a path ran with (docs/situations.md).
    Never holds a secret: a proxy is recorded without its credentials, a sign-in only as how it was done."""

    device: str | None = Field(None, description="Playwright device descriptor emulated (None: the desktop "
                               "browser of the flow's settings)")
    viewport: dict = Field(default_factory=dict, description="the viewport the page got (CSS pixels)")
    has_touch: bool = Field(False, description="a touch screen: clicks were taps, the effort model's touch figures")
    is_mobile: bool = False
    device_scale_factor: float = 1.0
    signed_in: Literal["storage-state", "login", "storage-state+login"] | None = Field(
        None, description="how the path was signed in before its first step (None: signed out)")
    login: str | None = Field(None, description='e.g. "signed in: login ran, 3 steps" (the login steps are '
                              "neither counted, judged nor recorded)")
    region: str | None = Field(None, description="the named region ([tool.consent-audit.regions]) the visit came from")
    proxy: str | None = Field(None, description="the proxy server the browser used, without credentials")
    exit_ip: str | None = Field(None, description="the address the site saw, as settings.ip_echo_url reported it")


class SeenCookie(_Data):
    """One cookie of the path's browser context. Values are compared by digest and kept only for consent
    records (a TC string, a CMP's stored choice): a session cookie's value is nobody's business here."""

    name: str
    domain: str
    path: str = "/"
    third_party: bool = Field(False, description="set for a site other than the start page's")
    expires: float | None = Field(None, description="Unix seconds; None: a session cookie")
    value_sha256: str = Field("", description="first 16 hex digits of the value's SHA-256")
    value: str | None = Field(None, description="the value, only for consent records, cut at 4,000 characters")


class StoredItem(_Data):
    """One localStorage or sessionStorage item of one frame (values as for cookies)."""

    store: Literal["local", "session"]
    origin: str
    key: str
    value_sha256: str = ""
    value: str | None = None


class SeenRequest(_Data):
    """A request to a site other than the start page's."""

    url: str = Field(description="cut at 500 characters")
    resource_type: str = ""
    frame_url: str = Field("", description="the frame that made it (its URL, cut at 200 characters)")


class AfterCapture(_Data):
    """What the browser held and sent at one moment of a path (auditor/gather/aftermath.py)."""

    moment: Literal["before-choice", "after-choice", "after-reload"]
    cookies: list[SeenCookie] = Field(default_factory=list)
    storage: list[StoredItem] = Field(default_factory=list)
    third_party_requests: list[SeenRequest] = Field(
        default_factory=list, description="before-choice: from the start page load to the first step; "
        "after-choice: from the first step until the done condition held and the page settled; "
        "after-reload: from the reload until the page settled")
    consent_strings: dict[str, str] = Field(default_factory=dict, description="what the page's consent APIs "
                                            "answered: 'tcfapi' (getTCData's tcString), 'gpp' (gppString)")


class Aftermath(_Data):
    """Whether the choice is respected: the path's cookies, storage and third-party requests before the
    first step, after the done condition, and after a reload (docs/after-the-choice.md)."""

    site: str = Field("", description="the start page's site: what counts as first party")
    before: AfterCapture | None = None
    after: AfterCapture | None = None
    reload: AfterCapture | None = None
    prompt_returned: bool | None = Field(None, description="after the reload the first step's target was "
                                         "visible again (None: not checked)")
    prompt_probe: str = Field("", description="what was looked for after the reload (the first step's locator)")
    seconds: float = Field(0.0, description="what the capture added to the path (settling and the reload)")
    notes: list[str] = Field(default_factory=list)


class PathTrace(_Data):
    """The run of one path (the goal path or the baseline) from a fresh browser context."""

    kind: Literal["goal", "baseline"]
    start: str
    steps: list[StepTrace] = Field(default_factory=list)
    final: Snapshot | None = Field(None, description="the page after the last step")
    final_screenshot: str | None = None
    final_html: str | None = Field(None, description="the final page's rendered HTML, path relative to the run folder")
    done: bool = False
    status: Status = "incomplete"
    reason: str | None = None
    failure: Literal["flow-mismatch", "page-fault", "timeout", "interrupted"] | None = Field(
        None, description="flow-mismatch: the flow file does not fit the page (bad input); the others: "
        "the page or browser stopped the audit")
    failed_step: int | None = None
    start_status: int | None = Field(None, description="HTTP status of the start page")
    situation: Situation | None = Field(None, description="device, region and sign-in of this path's browser "
                                        "context (None: a desktop browser, signed out, no proxy)")
    aftermath: Aftermath | None = Field(None, description="cookies, storage and third-party requests before "
                                        "the first step, after the choice and after a reload (None: not captured)")

    @property
    def clicks(self) -> int:
        return sum(s.clicks for s in self.steps)

    @property
    def typed_chars(self) -> int:
        return sum(s.typed_chars for s in self.steps)

    @property
    def page_loads(self) -> int:
        return sum(s.page_loads for s in self.steps)

    def snapshots(self) -> list[tuple[int, Snapshot]]:
        """(step number, snapshot) for every page state seen, in order; the final page is numbered len+1."""
        out: list[tuple[int, Snapshot]] = []
        for s in self.steps:
            if s.snapshot is not None:
                out.append((s.number, s.snapshot))
        if self.final is not None:
            out.append((len(self.steps) + 1, self.final))
        return out


class FlowInfo(_Data):
    name: str
    goal: str
    start: str
    file: str | None = None
    sha256: str | None = None


class BrowserInfo(_Data):
    name: str = "chromium"
    version: str = ""
    executable: str = ""
    user_agent: str = ""
    looks_ordinary: bool = Field(False, description="presented as an ordinary Chrome of the same version: "
                                 "'Headless' removed from the user agent, navigator.webdriver false")
    viewport: dict = Field(default_factory=dict)
    locale: str = ""
    timezone: str = ""


class FlowTrace(_Data):
    schema_version: int = TRACE_SCHEMA_VERSION
    tool_version: str = ""
    flow: FlowInfo
    browser: BrowserInfo = Field(default_factory=BrowserInfo)
    started_at: str = ""
    ended_at: str = ""
    goal: PathTrace
    baseline: PathTrace | None = None
    exploration: Exploration | None = Field(None, description="how `consent-audit explore` found the paths "
                                            "(None for a scripted flow)")

    @property
    def situation(self) -> Situation | None:
        """The goal path's situation: who the site saw (both paths run in the same one)."""
        return self.goal.situation

    @property
    def status(self) -> Status:
        """The audit's status is the goal path's: a baseline failure only weakens comparisons."""
        return self.goal.status

    @property
    def finished(self) -> bool:
        return is_finished(self.status, self.exploration)

    @classmethod
    def load(cls, path: Path) -> "FlowTrace":
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))
