"""Typed evidence: the figures a heuristic measures, declared once with a human label and a unit.

A finding's ``measured`` object is what a regulator reads to check a judgement, so it must not be an
ad-hoc dict whose keys drift from heuristic to heuristic. Each heuristic declares a ``Measured`` model
(a subclass of :class:`Evidence`) with one :func:`figure` per field; ``finding()`` validates the figures
against it and refuses any field the model does not declare. The reports render the declared labels and
units (never snake_case keys), the JSON Schema documents each model, and ``diff`` compares by field.

Units are one small vocabulary (:data:`UNITS`) so that the same quantity reads the same in every report.
Two or more fields that share ``compare`` are the two sides of one comparison (the goal path against the
baseline, the refusal control against the accept control) and are shown side by side in one row, under
the label of the group's first field; ``side`` names the column, from :data:`SIDES`.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auditor.findings import SIDES, UNITS, Figure


class Evidence(BaseModel):
    """The base of every heuristic's measured figures: a field it does not declare is an error."""

    model_config = ConfigDict(extra="forbid")


def figure(label: str, unit: str = "", *, compare: str | None = None, side: str | None = None,
           default: Any = None, **kw: Any) -> Any:
    """One measured figure: a pydantic field titled ``label`` whose JSON Schema carries ``unit`` and,
    for one side of a comparison, ``compare`` (the group) and ``side`` (the column). Figures are optional
    (``default`` None): a finding reports the figures it passes, and only those."""
    if unit not in UNITS:
        raise ValueError(f"figure {label!r}: unknown unit {unit!r}; use one of {sorted(UNITS)}")
    if (compare is None) != (side is None):
        raise ValueError(f"figure {label!r}: compare and side go together")
    if side is not None and side not in SIDES:
        raise ValueError(f"figure {label!r}: unknown side {side!r}; use one of {sorted(SIDES)}")
    extra = {k: v for k, v in (("unit", unit), ("compare", compare), ("side", side)) if v is not None}
    return Field(default, title=label, json_schema_extra=extra, **kw)


def figure_info(model: type[Evidence], name: str) -> tuple[str, str, str | None, str | None]:
    """(label, unit, compare, side) of a declared field of ``model``."""
    info = model.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return (info.title or name.replace("_", " ").capitalize(), str(extra.get("unit", "")),
            extra.get("compare"), extra.get("side"))


def sub_model(annotation: Any) -> tuple[type[Evidence] | None, bool]:
    """(the Evidence sub-model in a field's annotation, whether the field is a list of them)."""
    if isinstance(annotation, type) and issubclass(annotation, Evidence):
        return annotation, False
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            model, many = sub_model(arg)
            if model is not None:
                return model, many or origin in (list, tuple)
    return None, False


def nested_label(parent: str, label: str) -> str:
    """'Thresholds: high from': a sub-model's figure under its parent's label ("TC string" keeps its case)."""
    return f"{parent}: {label if label[1:2].isupper() else label[:1].lower() + label[1:]}"


def declared_figures(model: type[Evidence], prefix: str = "", parent: str = "") -> list[Figure]:
    """Every figure ``model`` declares, in declaration order, sub-models flattened after their own entry
    (``group``): what the judge puts in the report, so reporters need no heuristic code, and what the docs
    catalogue lists."""
    out: list[Figure] = []
    for name, info in model.model_fields.items():
        own, unit, compare, side = figure_info(model, name)
        label = nested_label(parent, own) if parent else own
        sub, many = sub_model(info.annotation)
        group = None if sub is None else ("many" if many else "one")
        out.append(Figure(key=prefix + name, label=label, own_label=own, unit=unit, compare=compare, side=side,
                          group=group))
        if sub is not None:
            out += declared_figures(sub, f"{prefix}{name}{'[]' if many else ''}.", label)
    return out
