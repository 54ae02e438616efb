"""The aggregate figures of a batch, each with the population it is computed over (docs/summary.md).

- Outcomes count every site in the ledger.
- Click and effort distributions, the first-screen share and the friction histogram use complete audits
  only: an incomplete audit's counts stop where it stopped, so they would understate the cost.
- Heuristic frequencies use every site with a report (any status): a finding on a partial path was seen.
  They count open findings only; findings a team's suppression covered are counted apart (``suppressed_findings``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from auditor.judge.scoring import BANDS
from auditor.summary.table import SiteRow

STATUSES = ("complete", "incomplete", "no-consent-ui", "goal-unreachable")
FRICTION_BIN = 10  # the histogram's bins: 0-9, 10-19, ..., 90-100 (100 joins the last bin)


@dataclass(frozen=True)
class Share:
    count: int
    denominator: int

    @property
    def fraction(self) -> float | None:
        return self.count / self.denominator if self.denominator else None

    @property
    def percent_text(self) -> str:
        return "–" if self.fraction is None else f"{self.fraction * 100:.1f}%"


@dataclass(frozen=True)
class Distribution:
    """Five-number summary; quartiles by linear interpolation between order statistics (numpy's default)."""

    name: str
    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    def _q(self, q: float) -> float | None:
        return float(np.percentile(self.values, q)) if self.values else None

    @property
    def minimum(self) -> float | None:
        return self._q(0)

    @property
    def q1(self) -> float | None:
        return self._q(25)

    @property
    def median(self) -> float | None:
        return self._q(50)

    @property
    def q3(self) -> float | None:
        return self._q(75)

    @property
    def maximum(self) -> float | None:
        return self._q(100)


@dataclass(frozen=True)
class HeuristicFrequency:
    heuristic: str
    share: Share  # sites where it fired / sites with a report


@dataclass(frozen=True)
class Figures:
    sites: int
    outcomes: dict[str, int]  # status -> sites, every status listed (zero included)
    audited: int  # sites with a report
    complete: int
    first_screen_refusal: Share  # over complete audits
    goal_clicks: Distribution
    baseline_clicks: Distribution
    extra_clicks: Distribution
    goal_effort_s: Distribution
    baseline_effort_s: Distribution
    effort_ratio: Distribution
    heuristics: list[HeuristicFrequency]  # most frequent first, then by id
    suppressed_findings: int  # findings a suppression covered, over sites with a report: not in ``heuristics``
    sites_with_suppressed: int  # sites with a report that have any such finding
    friction_bins: list[tuple[str, int]]  # (label, complete audits in the bin)
    bands: dict[str, int]  # friction band -> complete audits
    seconds: Distribution  # wall time per site, over every site that recorded one


def _values(rows: Sequence[SiteRow], pick: Callable[[SiteRow], float | None], name: str) -> Distribution:
    return Distribution(name, tuple(float(v) for v in map(pick, rows) if v is not None))


def friction_bins(frictions: Sequence[int]) -> list[tuple[str, int]]:
    counts = Counter(min(f // FRICTION_BIN, 100 // FRICTION_BIN - 1) for f in frictions)
    last = 100 // FRICTION_BIN - 1
    return [(f"{i * FRICTION_BIN}–{100 if i == last else (i + 1) * FRICTION_BIN - 1}", counts.get(i, 0))
            for i in range(last + 1)]


def _bands(complete: Sequence[SiteRow]) -> dict[str, int]:
    counts = Counter(r.band or "–" for r in complete)
    order = [name for _, name in BANDS]
    return {b: counts.get(b, 0) for b in (*order, *sorted(set(counts) - set(order)))}


def compute(rows: Sequence[SiteRow], known_heuristics: Sequence[str] = ()) -> Figures:
    """The figures of a batch. ``known_heuristics`` are listed even when they never fired (0 of N)."""
    complete = [r for r in rows if r.complete]
    audited = [r for r in rows if r.has_report]
    statuses = Counter(r.status for r in rows)
    fired = Counter(h for r in audited for h in r.heuristics)
    ids = set(known_heuristics) | set(fired)
    heuristics = sorted((HeuristicFrequency(h, Share(fired[h], len(audited))) for h in ids),
                        key=lambda f: (-f.share.count, f.heuristic))
    return Figures(
        sites=len(rows),
        outcomes={s: statuses.get(s, 0) for s in (*STATUSES, *sorted(set(statuses) - set(STATUSES)))},
        audited=len(audited), complete=len(complete),
        first_screen_refusal=Share(sum(r.refusal_on_first_screen for r in complete), len(complete)),
        goal_clicks=_values(complete, lambda r: r.goal_clicks, "goal clicks"),
        baseline_clicks=_values(complete, lambda r: r.baseline_clicks, "baseline clicks"),
        extra_clicks=_values(complete, lambda r: r.extra_clicks, "extra clicks"),
        goal_effort_s=_values(complete, lambda r: r.goal_effort_s, "goal effort (s)"),
        baseline_effort_s=_values(complete, lambda r: r.baseline_effort_s, "baseline effort (s)"),
        effort_ratio=_values(complete, lambda r: r.effort_ratio, "effort ratio"),
        heuristics=heuristics,
        suppressed_findings=sum(r.suppressed for r in audited),
        sites_with_suppressed=sum(r.suppressed > 0 for r in audited),
        friction_bins=friction_bins([r.friction for r in complete if r.friction is not None]),
        bands=_bands(complete),
        seconds=_values(rows, lambda r: r.seconds, "seconds per site"),
    )


def registered_heuristics() -> list[str]:
    """The ids of every installed heuristic, so one that never fired still shows as 0 of N."""
    from heuristics.registry import all_heuristics

    return [h.id for h in all_heuristics()]
