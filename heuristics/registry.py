"""Discovers heuristics: every module of this package with ``META`` and ``check``, plus third-party ones.

Third-party packages register a module (or any object with ``META`` and ``check``) under the entry point
group ``consent_audit.heuristics``; they appear in ``consent-audit heuristics`` and run like built-ins.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from importlib.metadata import entry_points

from auditor.findings import Finding
from auditor.trace import FlowTrace
from heuristics._words import classify_labels
from heuristics.base import Heuristic, HeuristicMeta

ENTRY_POINT_GROUP = "consent_audit.heuristics"
_NOT_HEURISTICS = {"base", "registry", "common"}


def _from_module(obj, origin: str) -> Heuristic:
    meta, check = getattr(obj, "META", None), getattr(obj, "check", None)
    if not isinstance(meta, HeuristicMeta) or not callable(check):
        raise TypeError(f"{origin} has no META (HeuristicMeta) and check(trace) -> list[Finding]")
    return Heuristic(meta=meta, check=check)


@lru_cache(maxsize=1)
def all_heuristics() -> tuple[Heuristic, ...]:
    import heuristics as package

    found: dict[str, Heuristic] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in _NOT_HEURISTICS:
            continue
        h = _from_module(importlib.import_module(f"heuristics.{info.name}"), f"heuristics.{info.name}")
        found[h.id] = h
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        h = _from_module(ep.load(), f"entry point {ep.name!r} ({ep.value})")
        if h.id in found:
            raise ValueError(f"entry point {ep.name!r} reuses the heuristic id {h.id!r}")
        found[h.id] = h
    return tuple(found.values())


def get(heuristic_id: str) -> Heuristic:
    for h in all_heuristics():
        if h.id == heuristic_id:
            return h
    raise KeyError(heuristic_id)


def metadata() -> dict[str, HeuristicMeta]:
    return {h.id: h.meta for h in all_heuristics()}


def run_all(trace: FlowTrace, only: set[str] | None = None) -> tuple[list[Finding], list[str]]:
    """All findings, and a list of heuristics that crashed (reported, never silently dropped)."""
    findings: list[Finding] = []
    failures: list[str] = []
    classify_labels(trace)
    for h in all_heuristics():
        if only is not None and h.id not in only:
            continue
        try:
            findings.extend(h.check(trace))
        except Exception as exc:  # a broken heuristic must not hide the others' findings
            failures.append(f"{h.id}: {type(exc).__name__}: {exc}")
    return findings, failures
