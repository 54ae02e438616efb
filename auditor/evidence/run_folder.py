"""The run folder: where one audit's evidence lands, and the extra evidence a run can ask for.

File names in the run folder are chosen by the tool (path kind, step number), never by page content, and
every file a report names is looked up inside the folder (``run_file``), so a doctored trace cannot point a
report at a file elsewhere on the disk.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from auditor.evidence.atomic import RunFolderError

VIDEO_DIR = "video"
HAR_DIR = "har"
WRITE_PROBE = ".write-test"  # the check that the run folder takes files
# What a run writes; a new run into the same folder removes what an earlier one left, so the evidence
# is only this run's. Nothing else in the folder is touched.
OWNED_OUTPUTS = ("report.json", "report.md", "report.html", "trace.json", "report.sarif", "junit.xml",
                 "manifest.json", "goal.trace.zip", "baseline.trace.zip", "explored-flow.yaml",
                 "devices.md", "devices.json")  # the last two: --device given twice (auditor.pipeline.audit_devices)
OWNED_FOLDERS = {"screenshots": ("*.png", "*.html"), VIDEO_DIR: ("*.webm",), HAR_DIR: ("*.har",)}


def prepare_run_dir(run_dir: Path) -> None:
    """Creates the run folder, checks it takes files, and clears what an earlier run of ours left there."""
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / WRITE_PROBE
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise RunFolderError(f"cannot write to the output folder {run_dir} ({exc.strerror or exc}); "
                             "expected a folder this user can create files in (--out DIR)") from None
    for name in OWNED_OUTPUTS:
        (run_dir / name).unlink(missing_ok=True)
    for folder, patterns in OWNED_FOLDERS.items():
        if (run_dir / folder).is_dir():
            for pattern in patterns:
                for old in (run_dir / folder).rglob(pattern):
                    old.unlink()


@dataclass(frozen=True)
class EvidenceOptions:
    """Extra evidence the driver records per path context (each costs time and disk)."""

    playwright_trace: bool = False  # <kind>.trace.zip: screenshots + DOM snapshots (playwright show-trace)
    video: bool = False  # video/<kind>-NN.webm
    har: bool = False  # har/<kind>.har: every request and response

    def context_options(self, run_dir: Path, kind: str) -> dict:
        """Extra keyword arguments for ``browser.new_context`` of the ``kind`` path."""
        options: dict = {}
        if self.video:
            folder = Path(run_dir) / VIDEO_DIR / kind
            folder.mkdir(parents=True, exist_ok=True)
            options["record_video_dir"] = str(folder)
        if self.har:
            (Path(run_dir) / HAR_DIR).mkdir(parents=True, exist_ok=True)
            options["record_har_path"] = str(Path(run_dir) / HAR_DIR / f"{kind}.har")
        return options

    def start(self, context) -> None:
        """Starts Playwright tracing on a new context (call right after ``new_context``)."""
        if self.playwright_trace:
            context.tracing.start(screenshots=True, snapshots=True, sources=False)

    def stop(self, context, run_dir: Path, kind: str) -> None:
        """Saves the context's Playwright trace (call before ``context.close``); never raises."""
        if not self.playwright_trace:
            return
        try:
            context.tracing.stop(path=str(Path(run_dir) / f"{kind}.trace.zip"))
        except Exception:  # a trace that cannot be saved must not lose the audit itself
            pass


def tidy_videos(run_dir: Path) -> list[Path]:
    """Playwright names videos after page ids; rename them ``video/<kind>-NN.webm`` in a stable order."""
    root = Path(run_dir) / VIDEO_DIR
    out: list[Path] = []
    if not root.is_dir():
        return out
    for kind_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        videos = sorted(kind_dir.glob("*.webm"), key=lambda p: (p.stat().st_mtime, p.name))
        for n, video in enumerate(videos, start=1):
            target = root / f"{kind_dir.name}-{n:02d}.webm"
            video.replace(target)
            out.append(target)
        try:
            kind_dir.rmdir()
        except OSError:
            pass
    return out


def run_file(run_dir: Path, rel: str) -> Path | None:
    """The regular file ``rel`` names inside ``run_dir`` (links resolved), or None when there is none there:
    a doctored trace must not reach files outside the run folder."""
    root = Path(run_dir).resolve()
    path = (root / rel).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def copy_evidence(trace_file: Path, dst: Path, trace) -> None:
    """The trace and the files it names into a new run folder, so reports made there can show them.
    The trace's own bytes are copied, not a re-serialisation: the copy must hash like the original."""
    src = Path(trace_file).parent
    shutil.copyfile(trace_file, dst / "trace.json")
    paths = [p for p in (trace.goal, trace.baseline) if p]
    rels = {f for p in paths for s in p.steps for f in (s.screenshot, s.html) if f}
    rels |= {f for p in paths for f in (p.final_screenshot, p.final_html) if f}
    for rel in sorted(rels):
        source = run_file(src, rel)
        if source is not None and source != (dst / rel).resolve():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dst / rel)
