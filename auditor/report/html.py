"""The HTML report: one self-contained page a regulator or designer can open offline and read.

Inline CSS, screenshots embedded as ``data:`` URIs, no script and no external resource; a
Content-Security-Policy in the page itself forbids both, so even a bug in escaping could not run code.
Jinja2 autoescapes everything; page-derived text is never marked safe. Each numbered finding sits beside
its step's screenshot, cropped around the offending element, which is outlined by an absolutely
positioned box whose position is a percentage of the full-page screenshot (page CSS px at device scale 1).
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from auditor.evidence.run_folder import run_file
from auditor.report.consent_string import rows as consent_rows
from auditor.report.evidence_table import evidence_table
from auditor.report.model import (
    Report,
    category_rows,
    checked_rows,
    exploration_rows,
    findings_text,
    incomplete_checks,
    lower_bound_text,
    metric_rows,
    no_findings_text,
    outcome_counts_text,
    points_text,
    score_note,
    situation_text,
    suppression_rows,
)
from auditor.trace import Box

TEMPLATES = Path(__file__).parent / "templates"
FOCUS_ASPECT = 0.625  # a finding's screenshot window is 16:10, or taller when the element needs it
FOCUS_MARGIN = 160.0  # CSS px kept above and below a tall element


@dataclass(frozen=True)
class Image:
    src: str  # data: URI
    width: int
    height: int


@dataclass(frozen=True)
class Outline:
    left: float  # percentages of the full screenshot
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Shot:
    """A screenshot as shown: the image, the part of it in view, and the outline to draw."""

    path: str | None
    image: Image | None
    outline: Outline | None = None
    aspect: str = ""  # CSS aspect-ratio of the visible window ("" = the whole image)
    offset: float = 0.0  # how far the image is moved up, in % of the window height

    @property
    def missing(self) -> bool:
        return self.image is None


def image_size(data: bytes) -> tuple[str, int, int] | None:
    """(MIME type, width, height) of a PNG or JPEG, read from its header; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return ("image/png", width, height) if width and height else None
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2:i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return ("image/jpeg", width, height) if width and height else None
            i += 2 + length
    return None


def load_image(run_dir: Path, rel: str | None) -> Image | None:
    """The screenshot at ``run_dir / rel`` as a data: URI; None if missing, unreadable, not a PNG/JPEG,
    or outside the run folder (a doctored trace must not smuggle other local files into a report)."""
    if not rel:
        return None
    try:
        path = run_file(run_dir, rel)
        if path is None:
            return None
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    info = image_size(data)
    if info is None:
        return None
    mime, width, height = info
    return Image(f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", width, height)


def _outline(image: Image, box: Box | None) -> Outline | None:
    if box is None:
        return None
    x0, y0 = max(box.x, 0.0), max(box.y, 0.0)
    x1, y1 = min(box.x + box.width, image.width), min(box.y + box.height, image.height)
    if x1 <= x0 or y1 <= y0:
        return None  # off the captured page
    return Outline(left=x0 / image.width * 100, top=y0 / image.height * 100,
                   width=(x1 - x0) / image.width * 100, height=(y1 - y0) / image.height * 100)


def focus(image: Image | None, path: str | None, box: Box | None) -> Shot:
    """A window onto the screenshot centred on ``box`` (the top of the page when there is no box)."""
    if image is None:
        return Shot(path, None)
    outline = _outline(image, box)
    window = float(image.width) * FOCUS_ASPECT
    if outline is not None and box is not None:
        window = max(window, min(box.height, image.height) + 2 * FOCUS_MARGIN)
    window = min(window, float(image.height))
    top = 0.0
    if outline is not None and box is not None:
        centre = box.y + box.height / 2
        top = min(max(centre - window / 2, 0.0), image.height - window)
    return Shot(path, image, outline, aspect=f"{image.width} / {window:.2f}", offset=top / window * 100)


def whole(image: Image | None, path: str | None, box: Box | None) -> Shot:
    """The whole screenshot (shown in a scrolling frame), with the box outlined."""
    if image is None:
        return Shot(path, None)
    return Shot(path, image, _outline(image, box))


def web_url(url: str | None) -> str | None:
    """The URL if it is safe to make a link of (http or https), else None: it is then shown as text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: f"{v:.3f}%"
    env.filters["web_url"] = web_url
    return env


def _after_choice_rows(report: Report) -> list[tuple[str, str, str]]:
    """(what, after refusing, after accepting), when either path captured what its choice left behind."""
    cmp = report.after_choice
    if cmp is None or not any(p is not None and p.captured for p in (cmp.goal, cmp.baseline)):
        return []
    return consent_rows(cmp)


def render_html(report: Report, run_dir: Path) -> str:
    images: dict[str, Image | None] = {}

    def image(rel: str | None) -> Image | None:
        if rel and rel not in images:
            images[rel] = load_image(run_dir, rel)
        return images.get(rel) if rel else None

    finding_shots = {f.number: focus(image(f.screenshot), f.screenshot, f.element_box)
                     for f in report.findings if f.screenshot}
    step_shots = {f"{p.kind}-{s.number}": whole(image(s.screenshot), s.screenshot, s.target_box)
                  for p in report.paths for s in p.steps if s.screenshot}
    final_shots = {p.kind: whole(image(p.final_screenshot), p.final_screenshot, None)
                   for p in report.paths if p.final_screenshot}
    paths = {p.kind: p for p in report.paths}
    m = report.metrics
    scale = max(report.score_raw, 100.0)
    return environment().get_template("report.html.j2").render(
        report=report, m=m, metric_rows=metric_rows(m, report.touch), finding_shots=finding_shots, step_shots=step_shots,
        final_shots=final_shots, goal=paths.get("goal"), baseline=paths.get("baseline"), scale=scale,
        points_by_finding={f.number: f.points for f in report.findings},
        evidence={f.number: evidence_table(f.measured, report.figures_of(f.heuristic)) for f in report.findings},
        evidence_files=evidence_files(run_dir),
        no_findings=no_findings_text(report.finished, len(report.heuristic_failures), len(incomplete_checks(report))),
        exploration_rows=exploration_rows(report.exploration) if report.exploration else [],
        checked_rows=checked_rows(report), outcome_counts=outcome_counts_text(report),
        lower_bound=lower_bound_text(report), situation=situation_text(report), findings_text=findings_text(report),
        score_note=score_note(report), category_rows=category_rows(report), points_text=points_text,
        suppression_rows=suppression_rows(report), after_choice=_after_choice_rows(report),
    )


EVIDENCE_PATTERNS = ("*.trace.zip", "har/*.har", "video/*.webm", "video/*/*.webm")


def evidence_files(run_dir: Path) -> list[str]:
    """Playwright traces, HAR files and videos present in the run folder (names chosen by the tool)."""
    root = Path(run_dir)
    found: set[str] = set()
    for pattern in EVIDENCE_PATTERNS:
        found |= {p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file()}
    return sorted(found)
