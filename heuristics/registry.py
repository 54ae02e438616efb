"""Discovers heuristics: every module of this package with ``META`` and ``check``, plus third-party ones.

Third-party packages register a module (or any object with ``META`` and ``check``) under the entry point
group ``consent_audit.heuristics``; they appear in ``consent-audit heuristics`` and run like built-ins.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from importlib.metadata import entry_points

from auditor.trace import FlowTrace
from heuristics._words import classify_labels
from heuristics.base import Heuristic, HeuristicMeta, NotApplicable, Outcome, outcome_of

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


def run_one(h: Heuristic, trace: FlowTrace) -> Outcome:
    """One heuristic's outcome: not-applicable when a part it requires is absent (it is not run), error when
    it raises (the others still run: a broken heuristic must not hide their findings), else fired, incomplete or
    passed (base.outcome_of)."""
    try:  # the probes run on untrusted traces too: one that raises is this heuristic's error, not the audit's
        missing = [part for part in h.meta.requires if not part.present(trace)]
        if missing:
            return Outcome(h.id, "not-applicable", text="; ".join(p.absent for p in missing),
                           missing=tuple(p.value for p in missing))
        result = h.check(trace)
    except NotApplicable as why:
        return Outcome(h.id, "not-applicable", text=str(why))
    except Exception as exc:
        return Outcome(h.id, "error", text=f"{type(exc).__name__}: {exc}")
    return outcome_of(h, result)


def run_all(trace: FlowTrace, only: set[str] | None = None) -> list[Outcome]:
    """Exactly one outcome per registered heuristic (of ``only``, when given), in registry order."""
    classify_labels(trace)
    return [run_one(h, trace) for h in all_heuristics() if only is None or h.id in only]
