"""The per-site table: a batch's ledger (batch_sites) joined with each site's run, metrics and findings.

The store is opened read-only, so summarising a batch that is still running never blocks or alters it,
and a folder that is not a batch is refused with a message instead of being turned into an empty store.
A finding a team's suppression covered (store schema 4, docs/suppressions.md) is not an open problem: the
score and the gates ignore it, so ``findings`` and ``heuristics`` count open findings only and
``suppressed`` counts the others apart. A store that cannot say (written before schema 4, and not migrated
because it is opened read-only) has only open findings.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, fields
from pathlib import Path

from auditor.evidence.store import OPEN_FINDING, SCHEMA_VERSION

STORE_NAME = "consent-audit.db"
BATCH_SCHEMA = 3  # the store version that added batch_sites
EXPECTED = (f"the --out folder of `consent-audit batch`, which holds {STORE_NAME} with at least one finished "
            "site in its batch_sites table")


class NotABatch(Exception):
    """The folder given to `consent-audit summary` is not a batch that can be summarised."""


@dataclass(frozen=True)
class SiteRow:
    """One site of the batch. Measures are None where the site has no report or the report has no value."""

    site: str
    kind: str
    input: str
    status: str
    reason: str | None
    friction: int | None
    band: str | None
    goal_clicks: int | None
    baseline_clicks: int | None
    extra_clicks: int | None
    goal_effort_s: float | None
    baseline_effort_s: float | None
    effort_ratio: float | None
    refusal_on_first_screen: bool
    findings: int  # open findings: those no suppression covered
    suppressed: int  # findings a suppression covered: in the site's report, not open problems
    heuristics: tuple[str, ...]  # the heuristics with an open finding
    run_dir: str | None
    seconds: float | None
    attempts: int
    worker: str | None
    manifest_sha256: str | None

    @property
    def has_report(self) -> bool:
        return self.friction is not None

    @property
    def complete(self) -> bool:
        return self.status == "complete"


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(SiteRow))

_QUERY = """
SELECT b.site, b.kind, b.input, b.status, b.reason, b.run_dir AS ledger_run_dir, b.seconds, b.attempts, b.worker,
       r.id AS run_id, r.friction, r.band, r.run_dir, r.manifest_sha256,
       (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.name = 'goal_clicks') AS goal_clicks,
       (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.name = 'baseline_clicks') AS baseline_clicks,
       (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.name = 'goal_effort_s') AS goal_effort_s,
       (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.name = 'baseline_effort_s') AS baseline_effort_s,
       (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.name = 'effort_ratio') AS effort_ratio,
       (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND {is_open}) AS findings,
       (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND NOT ({is_open})) AS suppressed
FROM batch_sites b LEFT JOIN runs r ON r.id = b.run_id
ORDER BY b.site
"""


def _open_condition(conn: sqlite3.Connection) -> str:
    """The store's OPEN_FINDING condition. A schema-3 store, opened read-only and so not migrated, has no
    ``suppressed`` column: all its findings are open."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(findings)")}
    return OPEN_FINDING if "suppressed" in columns else "1"


def open_batch_store(folder: Path) -> sqlite3.Connection:
    """DIR/consent-audit.db, read-only, after checking it is a batch store; NotABatch says why not."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotABatch(f"{folder}: no such folder; expected {EXPECTED}.")
    path = folder / STORE_NAME
    if not path.is_file():
        raise NotABatch(f"{folder}: there is no {STORE_NAME} in this folder; expected {EXPECTED}.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        has_ledger = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batch_sites'"
                                  ).fetchone() is not None
    except sqlite3.Error as exc:
        raise NotABatch(f"{path}: not a consent-audit run store ({exc}); expected {EXPECTED}.") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise NotABatch(f"{path}: the run store has schema version {version}, newer than this tool's "
                        f"{SCHEMA_VERSION}; upgrade consent-audit.")
    if version < BATCH_SCHEMA or not has_ledger:
        conn.close()
        raise NotABatch(f"{path}: a run store of single audits (no batch_sites table), not a batch; "
                        f"expected {EXPECTED}.")
    return conn


def load_sites(folder: Path) -> list[SiteRow]:
    """Every site in the batch's ledger, ordered by site key."""
    with closing(open_batch_store(folder)) as conn:
        try:
            is_open = _open_condition(conn)
            fired: dict[int, set[str]] = {}
            query = f"SELECT DISTINCT run_id, heuristic FROM findings f WHERE {is_open}"
            for run_id, heuristic in conn.execute(query):
                fired.setdefault(run_id, set()).add(heuristic)
            rows = [_site(r, fired.get(r["run_id"], set())) for r in conn.execute(_QUERY.format(is_open=is_open))]
        except sqlite3.Error as exc:
            raise NotABatch(f"{Path(folder) / STORE_NAME}: cannot read the batch ({exc}); expected {EXPECTED}."
                            ) from None
    if not rows:
        raise NotABatch(f"{Path(folder) / STORE_NAME}: the batch has no finished sites yet (batch_sites is "
                        f"empty); expected {EXPECTED}.")
    return rows


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _site(r: sqlite3.Row, heuristics: set[str]) -> SiteRow:
    goal, baseline = _int(r["goal_clicks"]), _int(r["baseline_clicks"])
    has_run = r["run_id"] is not None
    return SiteRow(
        site=r["site"], kind=r["kind"], input=r["input"], status=r["status"], reason=r["reason"],
        friction=r["friction"], band=r["band"], goal_clicks=goal, baseline_clicks=baseline,
        extra_clicks=goal - baseline if goal is not None and baseline is not None else None,
        goal_effort_s=r["goal_effort_s"], baseline_effort_s=r["baseline_effort_s"], effort_ratio=r["effort_ratio"],
        refusal_on_first_screen=r["status"] == "complete" and goal == 1,
        findings=r["findings"] if has_run else 0, suppressed=r["suppressed"] if has_run else 0,
        heuristics=tuple(sorted(heuristics)),
        run_dir=r["ledger_run_dir"] or r["run_dir"], seconds=r["seconds"], attempts=r["attempts"],
        worker=r["worker"], manifest_sha256=r["manifest_sha256"])
