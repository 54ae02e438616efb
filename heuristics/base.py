"""What every heuristic is: metadata that explains *why*, and a pure function of the trace.

Modelled on ruff's rule docs and axe-core's rule metadata: a stable id users can put in CI configs, a
severity, the EDPB deceptive-design category and the legal provisions the pattern evidences, and a
"why it matters" a designer can act on. The docs catalogue is generated from this metadata.

Every heuristic also declares the parts of the trace it needs (``requires``, like Lighthouse's
``requiredArtifacts``), so that a run can tell "checked and fine" from "nothing to check": the runner
(heuristics/registry.py) gives each heuristic one outcome per audit, ``fired``, ``passed``,
``incomplete``, ``not-applicable`` or ``error`` (see :class:`Outcome`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Iterable, Literal

from pydantic import ValidationError

from auditor.findings import Finding, Severity
from auditor.trace import FlowTrace
from heuristics._evidence import Evidence, figure  # noqa: F401  (figure: re-exported for heuristics)
from heuristics._words import first_choice_pair

Check = Callable[[FlowTrace], list[Finding]]
OutcomeKind = Literal["fired", "passed", "incomplete", "not-applicable", "error"]
_FIELD_TYPES = {"text", "email", "tel", "password", "number", "search", "url", "file", ""}
_TOGGLE_ROLES = {"checkbox", "switch", "radio"}


class TracePart(str, Enum):
    """A part of a trace a heuristic can need; the one vocabulary of ``HeuristicMeta.requires``.

    Each member's meaning, and what a report says when it is absent, is in ``PARTS`` below (the docs
    catalogue prints that table). A heuristic whose required part is absent is ``not-applicable``, never
    a pass: it had nothing to look at.
    """

    GOAL_STEPS = "goal-steps"
    PAGES = "pages"
    FIRST_LAYER = "first-layer"
    GOAL_CLICKS = "goal-clicks"
    BASELINE = "baseline"
    CHOICE_PAIR = "choice-pair"
    FORM = "form"
    TOGGLES = "toggles"
    AFTERMATH = "aftermath"

    @property
    def description(self) -> str:
        return PARTS[self].description

    @property
    def absent(self) -> str:
        return PARTS[self].absent

    def present(self, trace: FlowTrace) -> bool:
        return PARTS[self].probe(trace)


@dataclass(frozen=True)
class PartSpec:
    description: str  # what the part is, for the docs
    absent: str  # what a not-applicable outcome says when it is missing
    probe: Callable[[FlowTrace], bool]


def _goal_elements(trace: FlowTrace):
    return (el for _, snap in trace.goal.snapshots() for el in snap.elements if el.visible)


def _choice_pair(trace: FlowTrace) -> bool:
    return first_choice_pair(trace) is not None


PARTS: dict[TracePart, PartSpec] = {
    TracePart.GOAL_STEPS: PartSpec(
        "the goal path recorded at least one step (what the person did to refuse or object)",
        "the goal path recorded no step",
        lambda t: bool(t.goal.steps)),
    TracePart.PAGES: PartSpec(
        "at least one page state of the goal path was captured (its text and controls)",
        "no page state of the goal path was captured",
        lambda t: bool(t.goal.snapshots())),
    TracePart.FIRST_LAYER: PartSpec(
        "the first screen of the goal path, as the person first saw it (a step's snapshot, before any action)",
        "no step of the goal path captured the first screen",
        lambda t: any(s.snapshot is not None for s in t.goal.steps)),
    TracePart.GOAL_CLICKS: PartSpec(
        "the goal path clicked at least one control that the snapshot identifies",
        "the goal path clicked no identified control",
        lambda t: any(s.action == "click" and s.target_element is not None for s in t.goal.steps)),
    TracePart.BASELINE: PartSpec(
        "the baseline (the opposite choice, accepting) was audited and completed",
        "no completed baseline: the opposite choice was not audited or did not finish",
        lambda t: t.baseline is not None and t.baseline.status == "complete"),
    TracePart.CHOICE_PAIR: PartSpec(
        "the goal path's and the baseline's first different clicks, on the same page: the two controls "
        "of the choice, to compare",
        "no pair of choice controls: there is no baseline, or its first own click is not on the page of "
        "the goal path's",
        _choice_pair),
    TracePart.FORM: PartSpec(
        "a visible field to fill in (text input, text area, select) on a page of the goal path",
        "no page of the goal path shows a field to fill in",
        lambda t: any(el.tag in ("textarea", "select") or (el.tag == "input" and (el.type or "").lower()
                      in _FIELD_TYPES) for el in _goal_elements(t))),
    TracePart.TOGGLES: PartSpec(
        "a checkbox, radio button or switch on a page of the goal path",
        "no page of the goal path shows a checkbox, radio button or switch",
        lambda t: any((el.type or "").lower() in ("checkbox", "radio") or el.role in _TOGGLE_ROLES
                      for _, snap in t.goal.snapshots() for el in snap.elements)),
    TracePart.AFTERMATH: PartSpec(
        "the state after the refusal: cookies, storage, requests to other sites and the consent APIs, "
        "captured once the done condition held and again after a reload",
        "the state after the refusal was not captured (settings.after_choice is off, or the done condition "
        "did not hold)",
        lambda t: t.goal.aftermath is not None and t.goal.aftermath.after is not None),
}


@dataclass(frozen=True)
class HeuristicMeta:
    id: str
    title: str
    severity: Severity
    measures: str
    why: str
    edpb: tuple[str, ...]
    provisions: tuple[str, ...]
    fix: str
    version: str = "1"
    tags: tuple[str, ...] = field(default_factory=tuple)
    weight: float = 1.0  # multiplies the severity's points in the friction score
    requires: tuple[TracePart, ...] = ()  # parts of the trace without which there is nothing to check
    evidence: type[Evidence] | None = None  # the figures its findings measure (heuristics/_evidence.py)

    @property
    def help_url(self) -> str:
        return f"docs/heuristics.md#{self.id}"


@dataclass(frozen=True)
class Heuristic:
    meta: HeuristicMeta
    check: Check

    @property
    def id(self) -> str:
        return self.meta.id


class Checked(list):
    """What ``check`` returns when it can say what it measured: its findings (this *is* the list, so
    callers and plugins that expect a plain list are unaffected) and a one-line summary shown when the
    heuristic passed ("2 actions over 1 page load; fires from 3 actions"). A plain list passes with the
    heuristic's ``measures`` text instead.

    ``incomplete`` says what the check needed but could not measure, and why ('the contrast of "Reject
    all" could not be measured (a background image)'): with no findings the outcome is ``incomplete``,
    not ``passed`` (``summary`` then says what *was* measured), as axe-core files a rule it could not
    decide under "incomplete". With findings the outcome stays ``fired`` and the note is kept beside them.
    """

    def __init__(self, findings: Iterable[Finding] = (), summary: str = "", incomplete: str = ""):
        super().__init__(findings)
        self.summary = summary
        self.incomplete = incomplete


class NotApplicable(Exception):
    """Raised by ``check`` when the trace has its declared parts but not what this run needs (no accept
    control beside the refusal to compare with): the outcome is not-applicable with this message as the
    reason, never a pass."""


@dataclass(frozen=True)
class Outcome:
    """One heuristic's result on one trace, as axe-core sorts rules into violations, passes, inapplicable
    and incomplete, and Lighthouse gives a crashed audit no score: ``fired`` (with its findings),
    ``passed`` (``text`` says what it checked), ``incomplete`` (applicable, but a measurement it needs
    could not be made: ``incomplete`` says which and why, ``text`` what it did measure), ``not-applicable``
    (``missing`` names the absent parts, ``text`` says why) or ``error`` (``text`` keeps the exception).
    A ``fired`` outcome may carry ``incomplete`` too: its findings stand, and what it could not measure is
    noted beside them."""

    heuristic: str
    kind: OutcomeKind
    findings: tuple[Finding, ...] = ()
    text: str = ""
    missing: tuple[str, ...] = ()
    incomplete: str = ""


def outcome_of(h: Heuristic, result: list[Finding]) -> Outcome:
    """The outcome of a check that ran and returned ``result`` (a plain list or :class:`Checked`):
    ``fired`` when it found something, else ``incomplete`` when part of the check could not be made,
    else ``passed``; a check without a summary is described by its ``measures`` text."""
    incomplete = getattr(result, "incomplete", "") or ""
    if result:
        return Outcome(h.id, "fired", findings=tuple(result), incomplete=incomplete)
    text = getattr(result, "summary", "") or f"checked {h.meta.measures}"
    return Outcome(h.id, "incomplete" if incomplete else "passed", text=text, incomplete=incomplete)


def finding(meta: HeuristicMeta, *, measured: Evidence | dict | None = None, **kwargs) -> Finding:
    """A finding pre-filled with the heuristic's id, default severity and fair-design fix.

    ``measured`` (a ``Measured`` instance or a dict) is validated against the heuristic's declared
    ``evidence`` model: a field the model does not declare, or a value of the wrong type, raises
    ``ValueError`` naming the heuristic and the field, so evidence can never silently drift from its
    declaration. The finding keeps the JSON dump of the figures that were given (a dict, so report.json,
    the run store and older runs read the same)."""
    kwargs.setdefault("severity", meta.severity)
    kwargs.setdefault("fix", meta.fix)
    return Finding(heuristic=meta.id, measured=_validated(meta, measured), **kwargs)


def _validated(meta: HeuristicMeta, measured: Evidence | dict | None) -> dict:
    if measured is None:
        return {}
    model = meta.evidence
    if model is None:  # a plugin that declares no evidence: kept as given
        return measured.model_dump(mode="json", exclude_unset=True) if isinstance(measured, Evidence) \
            else dict(measured)
    if isinstance(measured, Evidence) and not isinstance(measured, model):
        raise TypeError(f"heuristic {meta.id!r}: measured is a {type(measured).__name__}, "
                         f"not its declared {model.__name__}")
    try:
        typed = measured if isinstance(measured, model) else model.model_validate(measured)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: "
                             f"{'not a declared field' if e['type'] == 'extra_forbidden' else e['msg']}"
                             for e in exc.errors())
        raise ValueError(f"heuristic {meta.id!r}: measured does not match {model.__name__}: {problems}") from None
    return typed.model_dump(mode="json", exclude_unset=True)
