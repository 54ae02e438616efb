"""The run store: every audit's run, findings and metrics in SQLite, for history and diffs over time.

The database is a plain file (default ``reports/consent-audit.db``); ``--store PATH`` or a
``sqlite:///path`` URL chooses another. Each run is recorded in one transaction, so a crash never leaves
half a run. The schema is versioned with ``PRAGMA user_version``; ``migrate`` brings an older file up to
date step by step and refuses a file from a newer tool.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

DEFAULT_STORE = Path("reports") / "consent-audit.db"
# SQL true for an open finding (alias ``f``): ``suppressed`` is 0, or NULL where it was not recorded.
OPEN_FINDING = "f.suppressed IS NOT 1"


class StoreError(Exception):
    pass


# Each entry takes the schema from version (index) to version (index + 1).
_MIGRATIONS: list[str] = [
    # 0 -> 1: runs, findings, metrics
    """
    CREATE TABLE runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at   TEXT NOT NULL,
        flow_name     TEXT NOT NULL,
        flow_file     TEXT,
        flow_sha256   TEXT,
        goal          TEXT NOT NULL,
        started_at    TEXT,
        ended_at      TEXT,
        status        TEXT NOT NULL,
        reason        TEXT,
        friction      INTEGER NOT NULL,
        score_raw     REAL NOT NULL,
        band          TEXT,
        tool_version  TEXT,
        run_dir       TEXT
    );
    CREATE INDEX runs_flow_name ON runs (flow_name);
    CREATE INDEX runs_flow_file ON runs (flow_file);
    CREATE TABLE findings (
        run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        number        INTEGER NOT NULL,
        heuristic     TEXT NOT NULL,
        severity      TEXT NOT NULL,
        path          TEXT NOT NULL,
        step          INTEGER,
        title         TEXT NOT NULL,
        points        REAL NOT NULL,
        measured      TEXT NOT NULL DEFAULT '{}',
        element_label TEXT,
        url           TEXT,
        PRIMARY KEY (run_id, number)
    );
    CREATE TABLE metrics (
        run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        value         REAL,
        PRIMARY KEY (run_id, name)
    );
    """,
    # 1 -> 2: the evidence manifest's digest and the browser, so history can name the evidence it rests on
    """
    ALTER TABLE runs ADD COLUMN manifest_sha256 TEXT;
    ALTER TABLE runs ADD COLUMN browser_version TEXT;
    """,
    # 2 -> 3: a batch's ledger, one row per finished site, so a re-run skips what is done (consent-audit batch)
    """
    CREATE TABLE batch_sites (
        site          TEXT PRIMARY KEY,
        kind          TEXT NOT NULL,
        input         TEXT NOT NULL,
        status        TEXT NOT NULL,
        reason        TEXT,
        run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        run_dir       TEXT,
        attempts      INTEGER NOT NULL DEFAULT 1,
        seconds       REAL,
        worker        TEXT,
        finished_at   TEXT NOT NULL
    );
    """,
    # 3 -> 4: whether a team's suppression covered each finding, and why, so history and diffs never count an
    # accepted finding as an open problem. NULL: recorded before the store kept it (read as not suppressed).
    """
    ALTER TABLE findings ADD COLUMN suppressed INTEGER;
    ALTER TABLE findings ADD COLUMN suppression_reason TEXT;
    ALTER TABLE findings ADD COLUMN suppression_source TEXT;
    """,
]
SCHEMA_VERSION = len(_MIGRATIONS)


def store_path(location: str | Path | None) -> Path:
    """A filesystem path from a path or a ``sqlite:///relative`` / ``sqlite:////absolute`` URL."""
    if location is None or str(location) == "":
        return DEFAULT_STORE
    text = str(location)
    if text.startswith("sqlite:"):
        if not text.startswith("sqlite:///"):
            raise StoreError(f"{text}: only local sqlite URLs are supported (sqlite:///relative/path or "
                             "sqlite:////absolute/path)")
        path = unquote(text[len("sqlite:///"):])  # sqlite:///reports/x.db is relative, like SQLAlchemy's
        if not path:
            raise StoreError(f"{text}: no file path in the sqlite URL")
        return Path(path)
    return Path(text)


def migrate(conn: sqlite3.Connection) -> int:
    """Brings the schema to SCHEMA_VERSION; returns the version the file had."""
    (found,) = conn.execute("PRAGMA user_version").fetchone()
    if found > SCHEMA_VERSION:
        raise StoreError(f"the run store has schema version {found}, newer than this tool's {SCHEMA_VERSION}; "
                         "upgrade consent-audit")
    for version in range(found, SCHEMA_VERSION):
        # executescript commits first; the version bump is in the same script, so a step is all or nothing.
        conn.executescript(f"BEGIN;\n{_MIGRATIONS[version]}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
    return found


def connect(location: str | Path | None = None) -> sqlite3.Connection:
    path = store_path(location)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the run store {path}: {exc}") from None
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path} is not a consent-audit run store ({exc})") from None
    except StoreError:
        conn.close()
        raise
    return conn


def record_run(location: str | Path | None, report, run_dir: Path | None = None,
               manifest_sha256: str | None = None) -> int:
    """Records a Report (its run, findings and metrics) in one transaction; returns the run id."""
    with closing(connect(location)) as conn:
        with conn:  # one transaction: all of the run or none of it
            return _insert_run(conn, report, run_dir, manifest_sha256)


@dataclass(frozen=True)
class BatchSite:
    """A finished site of a batch: its row in the ledger (batch_sites; see /work/coord/BATCH_API.md)."""

    site: str
    kind: str
    input: str
    status: str
    reason: str | None
    run_dir: str | None
    attempts: int
    seconds: float | None
    worker: str | None
    finished_at: str


def record_site(conn: sqlite3.Connection, site: BatchSite, report=None,
                manifest_sha256: str | None = None) -> int | None:
    """Commits a finished site: its run (when a report was written) and its ledger row, in ONE transaction,
    so a row exists exactly when the site is done, and a crash in between leaves neither. A row already
    there (a retried incomplete site) is replaced; its earlier run stays in the history. Returns the run id."""
    with conn:
        run_id = _insert_run(conn, report, site.run_dir, manifest_sha256) if report is not None else None
        conn.execute(
            "INSERT OR REPLACE INTO batch_sites (site, kind, input, status, reason, run_id, run_dir, attempts, "
            "seconds, worker, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (site.site, site.kind, site.input, site.status, site.reason, run_id, site.run_dir, site.attempts,
             site.seconds, site.worker, site.finished_at))
    return run_id


def _insert_run(conn: sqlite3.Connection, report, run_dir: Path | str | None, manifest_sha256: str | None) -> int:
    cur = conn.execute(
        "INSERT INTO runs (recorded_at, flow_name, flow_file, flow_sha256, goal, started_at, ended_at, "
        "status, reason, friction, score_raw, band, tool_version, run_dir, manifest_sha256, browser_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (datetime.now(timezone.utc).isoformat(timespec="seconds"), report.flow.name,
         _abs(report.flow.file), report.flow.sha256, report.flow.goal, report.started_at, report.ended_at,
         report.status, report.reason, report.friction, report.score_raw, report.band, report.tool_version,
         str(Path(run_dir).resolve()) if run_dir else None, manifest_sha256,
         (report.browser or {}).get("version")))
    run_id = cur.lastrowid
    conn.executemany(
        "INSERT INTO findings (run_id, number, heuristic, severity, path, step, title, points, measured, "
        "element_label, url, suppressed, suppression_reason, suppression_source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, f.number, f.heuristic, f.severity, f.path, f.step, f.title, f.points,
          json.dumps(f.measured, sort_keys=True, default=str), f.element_label, f.url,
          int(f.suppressed is not None), f.suppressed.reason if f.suppressed else None,
          f.suppressed.source if f.suppressed else None)
         for f in report.findings])
    conn.executemany("INSERT INTO metrics (run_id, name, value) VALUES (?, ?, ?)",
                     [(run_id, name, value) for name, value in report.metrics.model_dump().items()])
    return run_id


def _abs(file: str | None) -> str | None:
    if not file:
        return None
    try:
        return str(Path(file).resolve())
    except OSError:
        return file


@dataclass
class HistoryRow:
    id: int
    recorded_at: str
    started_at: str | None
    flow_name: str
    flow_file: str | None
    status: str
    friction: int
    findings: int  # open findings: those no suppression covered (what the score and the gates judged)
    suppressed: int  # findings the team's suppressions covered: in the run's reports, not open problems
    run_dir: str | None
    manifest_sha256: str | None


def history(location: str | Path | None, flow: str) -> list[HistoryRow]:
    """A flow's runs, oldest first, by flow name or flow file path."""
    path = store_path(location)
    if not path.is_file():
        return []
    candidates = {flow}
    if Path(flow).exists():
        candidates.add(str(Path(flow).resolve()))
    marks = ", ".join("?" for _ in candidates)
    with closing(connect(location)) as conn:
        rows = conn.execute(
            f"SELECT r.id, r.recorded_at, r.started_at, r.flow_name, r.flow_file, r.status, r.friction, r.run_dir, "
            f"r.manifest_sha256, "
            f"(SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND {OPEN_FINDING}) AS n, "
            f"(SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND NOT ({OPEN_FINDING})) AS muted "
            f"FROM runs r WHERE r.flow_name IN ({marks}) OR r.flow_file IN ({marks}) ORDER BY r.id",
            (*candidates, *candidates)).fetchall()
    return [HistoryRow(id=r["id"], recorded_at=r["recorded_at"], started_at=r["started_at"], flow_name=r["flow_name"],
                       flow_file=r["flow_file"], status=r["status"], friction=r["friction"], findings=r["n"],
                       suppressed=r["muted"], run_dir=r["run_dir"], manifest_sha256=r["manifest_sha256"]) for r in rows]
