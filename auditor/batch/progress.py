"""What a batch shows while it runs: a progress bar with rate, ETA and the outcome counts, then a tally."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

STATUSES = ("complete", "incomplete", "no-consent-ui", "goal-unreachable")


class BatchProgress:
    """Counts outcomes; draws a live bar only on a terminal (a log or a pipe gets the final tally alone)."""

    def __init__(self, console: Console, total: int, skipped: int, live: bool):
        self.counts: Counter[str] = Counter()
        self.skipped = skipped
        self.total = total
        self._progress = Progress(TextColumn("batch"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
                                  TextColumn("{task.fields[counts]}"), console=console, disable=not live,
                                  speed_estimate_period=300, transient=False)
        self._task = self._progress.add_task("sites", total=total, rate="", counts=self._counts())

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def site_done(self, status: str) -> None:
        self.counts[status] += 1
        self._progress.advance(self._task)
        speed = self._progress.tasks[0].speed
        self._progress.update(self._task, counts=self._counts(),
                              rate=f"{speed * 60:.1f} sites/min" if speed else "")

    def _counts(self) -> str:
        return " ".join(f"{s} {self.counts[s]}" for s in STATUSES)

    def tally(self) -> str:
        ran = sum(self.counts.values())
        return (f"{ran} of {self.total} sites run ({self.skipped} already done): " +
                ", ".join(f"{self.counts[s]} {s}" for s in STATUSES))
