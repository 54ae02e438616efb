"""A finding's measured figures as a readable table: labels and units from the heuristic's declared evidence.

Every text renderer (HTML, Markdown, terminal) shows the same rows, built here once from the figures the
heuristic declares (its ``Measured`` model, heuristics/_evidence.py, which the judge copies into the
report's ``heuristics`` as ``Figure`` entries, so rendering needs no heuristic code and an old report.json
renders with the labels it was written with): a row per figure with its label and a value in its unit, and
one row per comparison with the sides as columns ("Clicks: 5 clicks | 1 click"). Values are words, never
Python reprs: lists joined, floats rounded, booleans yes/no, None "–". A finding whose heuristic is not
known here (an older run, a plugin no longer installed) or a key its model no longer declares falls back
to the key, humanised. Strings stay raw: each renderer escapes for its own medium.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from auditor.findings import SIDES, UNITS, Figure

MISSING = "–"


@dataclass(frozen=True)
class EvidenceRow:
    label: str
    values: tuple[str, ...]  # one per column: one for a figure, one per side (table.sides) for a comparison
    key: str = ""  # the field's path in ``measured`` ("thresholds.high_actions"), for the raw view and diff


@dataclass(frozen=True)
class EvidenceTable:
    sides: tuple[str, ...]  # column headings of the comparison rows, e.g. ("Goal path", "Baseline path")
    compared: tuple[EvidenceRow, ...]  # one row per comparison, a value per side
    figures: tuple[EvidenceRow, ...]  # one row per other figure, one value
    raw: str  # the measured object as indented JSON: what the rows were read from
    typed: bool  # False: no declared model was found, the rows are the keys humanised

    def __bool__(self) -> bool:
        return bool(self.compared or self.figures)


def humanise(key: str) -> str:
    """'typed_chars' -> 'Typed chars': the fallback label of a key no model declares."""
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def _number(value: float | int) -> str:
    if isinstance(value, float):
        value = round(value, 2)
        if value == int(value):
            value = int(value)
    return f"{value:,}"


def format_value(value: Any, unit: str = "") -> str:
    """One figure in words, in its unit: '5 clicks', '1 click', '4.52:1', '40%', 'yes', '–'."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if unit == "fraction":
            pct = value * 100
            return "<1%" if 0 < pct < 1 else f"{_number(round(pct))}%"
        one, many = UNITS.get(unit, ("", ""))
        return f"{_number(value)}{one if value == 1 else many}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v, unit) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v, unit)}" for k, v in value.items()) if value else "none"
    return str(value) or MISSING


@dataclass(frozen=True)
class Cell:
    """One figure as found in ``measured``: its path, label, value in words and raw value."""

    key: str
    label: str
    text: str
    raw: Any
    declared: bool = True  # False: no model declares the key; ``label`` is the key humanised
    compare: str | None = None
    side: str | None = None

    @property
    def side_label(self) -> str:
        """'Clicks (goal path)': the label with its side, for a figure shown outside its comparison row."""
        return self.label if self.side is None else f"{self.label} ({SIDES[self.side].lower()})"


def _item_text(figures: dict[str, Figure], prefix: str, item: Any) -> str:
    """One element of a list of sub-models, on one line: 'Step: 2 · Waited: 1,500 ms'."""
    if not isinstance(item, dict):
        return format_value(item)
    parts = []
    for name, value in item.items():
        f = figures.get(prefix + name)
        parts.append(f"{f.own_label}: {format_value(value, f.unit)}" if f else
                     f"{humanise(name)}: {format_value(value)}")
    return " · ".join(parts)


def _cells(figures: dict[str, Figure], measured: dict, prefix: str = "", parent: str = "") -> list[Cell]:
    declared = [k.removeprefix(prefix) for k in figures if k.startswith(prefix) and "." not in k[len(prefix):]]
    names = [n for n in declared if n in measured] + [k for k in measured if k not in declared]
    out: list[Cell] = []
    for name in names:
        value, key = measured[name], f"{prefix}{name}"
        f = figures.get(key)
        if f is None:
            label = humanise(name)
            out.append(Cell(key, f"{parent}: {label}" if parent else label, format_value(value), value,
                            declared=False))
        elif f.group == "one" and isinstance(value, dict):
            out += _cells(figures, value, f"{key}.", f.label)
        elif f.group == "many" and isinstance(value, list) and value:
            out += [Cell(f"{key}.{i}", f"{f.label} ({i + 1})", _item_text(figures, f"{key}[].", item), item)
                    for i, item in enumerate(value)]
        else:
            group = f"{prefix}{f.compare}" if f.compare else None
            out.append(Cell(key, f.label, format_value(value, f.unit), value, True, group, f.side))
    return out


def figure_cells(measured: dict, figures: list[Figure] | None) -> list[Cell]:
    """Every figure of one finding's ``measured``, flattened, declared ones first in declaration order;
    ``figures`` None (an unknown heuristic) names every key humanised."""
    return _cells({f.key: f for f in figures or ()}, measured)


def evidence_table(measured: dict, figures: list[Figure] | None) -> EvidenceTable:
    """The rows every renderer shows for one finding's ``measured`` figures, as its heuristic declares
    them (``figures``; None: the heuristic is unknown, so its keys are shown humanised)."""
    typed, cells = figures is not None, figure_cells(measured, figures)
    groups: dict[str, list[Cell]] = {}
    for c in cells:
        if c.compare is not None:
            groups.setdefault(c.compare, []).append(c)
    groups = {g: cs for g, cs in groups.items() if len(cs) >= 2}  # a lone side is a plain figure
    sides = tuple(dict.fromkeys(c.side for cs in groups.values() for c in cs))
    compared, figures = [], []
    for c in cells:
        if c.compare not in groups:
            figures.append(EvidenceRow(c.side_label, (c.text,), c.key))
        elif c is groups[c.compare][0]:
            by_side = {g.side: g.text for g in groups[c.compare]}
            compared.append(EvidenceRow(c.label, tuple(by_side.get(s, MISSING) for s in sides), c.compare))
    return EvidenceTable(sides=tuple(SIDES[s] for s in sides), compared=tuple(compared), figures=tuple(figures),
                         raw=json.dumps(measured, indent=2, ensure_ascii=False), typed=typed)
