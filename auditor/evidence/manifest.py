"""The sha256 manifest of a run folder, and its verification.

``manifest.json`` lists every file of the run folder (except itself) with its size and sha256, and the
facts a reader needs to reproduce or challenge the run: tool version, browser name, version and user agent,
viewport, locale, time zone, start and end time (UTC), the flow file's sha256, the sha256 of the trace the
reports were computed from (``trace_sha256``: after a ``rescore`` it equals the original run's trace.json
entry, which ties the new folder to the evidence it re-judged; ``source_trace`` then also names the
original trace.json's path), and the version of every heuristic that judged the trace. The manifest's own sha256 is printed at the end of the run, so a
regulator who wrote it down can tell later that neither the evidence nor the manifest was altered
(``consent-audit verify DIR --expect SHA``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from auditor.evidence.atomic import write_bytes_atomic
from auditor.evidence.run_folder import WRITE_PROBE

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
# Created by the tool while a run is written; never evidence.
_TRANSIENT_PREFIXES = (WRITE_PROBE,)


def sha256_file(path: Path) -> str:
    """The file's sha256; a symbolic link is hashed as its target's name, never followed (evidence is
    the folder's own bytes, not whatever a link points at)."""
    if Path(path).is_symlink():
        return hashlib.sha256(b"symlink:" + str(Path(path).readlink()).encode("utf-8", "surrogateescape")).hexdigest()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def evidence_files(run_dir: Path) -> dict[str, Path]:
    """Every regular file under the run folder, keyed by its POSIX path relative to it (manifest excluded)."""
    root = Path(run_dir)
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        if not (path.is_file() or path.is_symlink()) or (path.is_symlink() and path.is_dir()):
            continue
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST or path.name.startswith(_TRANSIENT_PREFIXES):
            continue
        out[rel] = path
    return out


def hash_folder(run_dir: Path) -> dict[str, dict]:
    return {rel: {"sha256": sha256_file(p), "bytes": p.lstat().st_size} for rel, p in evidence_files(run_dir).items()}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def build_manifest(run_dir: Path, trace, heuristic_versions: dict[str, str],
                   flow_file: Path | str | None = None, source_trace: Path | str | None = None) -> dict:
    """The manifest of ``run_dir`` for a run that produced ``trace`` (a FlowTrace), judged by heuristics of
    ``heuristic_versions`` (id -> version). ``source_trace``: the trace.json a rescore re-judged, when the
    reports were written elsewhere than beside it."""
    flow_path = Path(flow_file) if flow_file else (Path(trace.flow.file) if trace.flow.file else None)
    flow_sha = None
    if flow_path is not None and flow_path.is_file():
        flow_sha = sha256_file(flow_path)
    b = trace.browser
    trace_path = Path(run_dir) / "trace.json"
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "tool": {"name": "consent-audit", "version": trace.tool_version},
        "created_at": _now(),
        "started_at": trace.started_at,
        "ended_at": trace.ended_at,
        "status": trace.status,
        "flow": {"name": trace.flow.name, "goal": trace.flow.goal, "start": trace.flow.start,
                 "file": str(flow_path) if flow_path else trace.flow.file,
                 "sha256": flow_sha or trace.flow.sha256,
                 "text_sha256": trace.flow.sha256},
        "browser": {"name": b.name, "version": b.version, "executable": b.executable, "user_agent": b.user_agent,
                    "viewport": b.viewport, "locale": b.locale, "timezone": b.timezone},
        "trace_sha256": sha256_file(trace_path) if trace_path.is_file() else None,
        "heuristics": dict(sorted(heuristic_versions.items())),
    }
    if source_trace is not None:
        manifest["source_trace"] = str(Path(source_trace).resolve())
    manifest["files"] = hash_folder(run_dir)
    return manifest


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(run_dir: Path, trace, heuristic_versions: dict[str, str],
                   flow_file: Path | str | None = None, source_trace: Path | str | None = None) -> str:
    """Writes ``manifest.json`` atomically (last, after every other file) and returns its sha256."""
    data = manifest_bytes(build_manifest(run_dir, trace, heuristic_versions, flow_file, source_trace))
    write_bytes_atomic(Path(run_dir) / MANIFEST, data)
    return hashlib.sha256(data).hexdigest()


@dataclass
class Verification:
    manifest_sha256: str
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not (self.missing or self.added or self.changed)


class NoManifest(Exception):
    pass


def verify(run_dir: Path) -> Verification:
    """Re-hashes the run folder against its manifest."""
    path = Path(run_dir) / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NoManifest(f"{run_dir}: no {MANIFEST}; expected a run folder written by 'consent-audit audit'") from None
    except OSError as exc:
        raise NoManifest(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        manifest = json.loads(raw)
        recorded = manifest["files"]
        if not isinstance(recorded, dict):
            raise TypeError("files is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise NoManifest(f"{path}: not a consent-audit manifest ({exc})") from None
    result = Verification(manifest_sha256=hashlib.sha256(raw).hexdigest())
    present = evidence_files(run_dir)
    for rel, entry in sorted(recorded.items()):
        if rel not in present:
            result.missing.append(rel)
        elif not isinstance(entry, dict) or sha256_file(present[rel]) != entry.get("sha256"):
            result.changed.append(rel)
    result.added = sorted(set(present) - set(recorded))
    return result
