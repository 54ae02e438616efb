"""The figures each heuristic declares for its findings (its ``Measured`` model), as the report carries them.

The judge copies them into the report's heuristic catalogue, so reporters render labelled tables without
importing heuristic code, and a report.json keeps the labels and units it was written with. ``diff``, which
compares two reports, asks here for the figures the heuristics declare today.
"""

from __future__ import annotations

from functools import lru_cache

from auditor.findings import Figure
from heuristics._evidence import Evidence, declared_figures
from heuristics.base import HeuristicMeta
from heuristics.registry import metadata


@lru_cache(maxsize=256)
def _figures(model: type[Evidence]) -> tuple[Figure, ...]:
    return tuple(declared_figures(model))


def declared(meta: HeuristicMeta) -> list[Figure] | None:
    """The figures ``meta``'s heuristic declares; None when it declares none (a plugin's own dict)."""
    return list(_figures(meta.evidence)) if meta.evidence is not None else None


def figures_of(heuristic: str) -> list[Figure] | None:
    """The figures the registered heuristic ``heuristic`` declares; None when it is unknown."""
    try:
        meta = metadata().get(heuristic)
    except Exception:  # noqa: BLE001  a broken plugin must not stop a diff from being read
        return None
    return declared(meta) if meta is not None else None
