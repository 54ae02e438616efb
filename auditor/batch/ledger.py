"""The batch's ledger: which sites are done, and the commit that makes a finished site done.

The client alone writes the run store (DIR/consent-audit.db), one transaction a site, as soon as the site's
result arrives; workers never touch it. A ledger row exists exactly when the site's folder is complete on
disk and its run is recorded, which is what lets a killed batch resume without redoing or losing a site.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from auditor.batch.sites import Site
from auditor.batch.task import SiteResult
from auditor.clock import utc_now
from auditor.evidence.store import BatchSite, connect, record_site

STORE_NAME = "consent-audit.db"


@dataclass(frozen=True)
class Done:
    """What the ledger says of a finished site: enough to skip it, retry it, or count it."""

    status: str
    attempts: int


class Ledger:
    def __init__(self, out: Path):
        self.conn: sqlite3.Connection = connect(out / STORE_NAME)

    def done(self) -> dict[str, Done]:
        rows = self.conn.execute("SELECT site, status, attempts FROM batch_sites").fetchall()
        return {r["site"]: Done(r["status"], r["attempts"]) for r in rows}

    def commit(self, site: Site, result: SiteResult, run_dir: Path, previous: Done | None) -> BatchSite:
        """Records the site's run (when it has a report) and its ledger row in one transaction."""
        from auditor.report.model import Report

        report = Report.model_validate_json(result.report_json) if result.report_json else None
        row = BatchSite(site=site.key, kind=site.kind, input=site.input, status=result.status, reason=result.reason,
                        run_dir=str(run_dir.resolve()), attempts=(previous.attempts + 1) if previous else 1,
                        seconds=round(result.seconds, 3), worker=result.worker, finished_at=utc_now())
        record_site(self.conn, row, report, result.manifest_sha256)
        return row

    def close(self) -> None:
        self.conn.close()
