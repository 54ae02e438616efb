"""Hand-made Reports (and tiny screenshots) for reporter tests: no browser, no heuristics."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from auditor.report.model import Metrics, PathSummary, Report, ReportFinding, StepSummary
from auditor.trace import Box, FlowInfo

# Page-derived text that tries to be HTML, rich console markup and Markdown at once.
INJECTION = "<script>alert(1)</script> [bold]x[/] **md** [link](http://x)"


def png_bytes(width: int = 320, height: int = 640, rgb: tuple[int, int, int] = (240, 240, 240)) -> bytes:
    """A valid, uncompressed-looking PNG of one colour (no PIL needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))


def write_screenshots(run_dir: Path, report: Report, width: int = 320, height: int = 640) -> list[Path]:
    """Create every screenshot the report names (PNG files) under run_dir."""
    rels = {f.screenshot for f in report.findings} | {s.screenshot for p in report.paths for s in p.steps}
    rels |= {p.final_screenshot for p in report.paths}
    out = []
    for rel in sorted(r for r in rels if r):
        path = Path(run_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png_bytes(width, height))
        out.append(path)
    return out


def make_finding(number: int = 1, **overrides) -> ReportFinding:
    data = dict(
        number=number, heuristic="hidden-affordance", severity="high",
        title="The objection link is tiny hyperlink text; Close is a big button",
        detail="Link 11 px, contrast 3.1:1, inside paragraph 2; Close button 44 px high, filled.",
        path="goal", step=2, points=20.0, measured={"font_size": 11.0, "contrast": 3.1},
        fix="Offer 'Object' as a button of the same size and style as 'Close'.",
        why="A refusal that looks like body text is not noticed.",
        edpb=["4.3.2 Hidden in plain sight"], provisions=["GDPR Art. 12(2)", "GDPR Art. 21(4)"],
        url="https://example.test/notice", screenshot="screenshots/goal-02.png",
        element_label="right to object", element_box=Box(x=40, y=300, width=120, height=16), flow_line=7,
    )
    data.update(overrides)
    return ReportFinding(**data)


def make_report(findings: list[ReportFinding] | None = None, **overrides) -> Report:
    """A complete report of a 3-step goal path against a 1-step baseline, with two findings by default;
    the second carries INJECTION in its title, detail and element label."""
    if findings is None:
        findings = [
            make_finding(1),
            make_finding(2, heuristic="required-justification", severity="critical", title=f"Title {INJECTION}",
                         detail=f"Detail {INJECTION}", element_label=f"Label {INJECTION}", step=3, points=30.0,
                         url="https://example.test/form?a=1&b=2", screenshot="screenshots/goal-03.png",
                         element_box=Box(x=20, y=500, width=280, height=90), measured={"minlength": 20},
                         fix="Make the reason optional.", edpb=["4.4.2 Longer than necessary"],
                         provisions=["GDPR Art. 21(1)"]),
        ]
    goal = PathSummary(kind="goal", status="complete", steps=[
        StepSummary(number=1, action="click", description='click "Learn more"', url="https://example.test/",
                    screenshot="screenshots/goal-01.png", target_box=Box(x=10, y=10, width=100, height=30)),
        StepSummary(number=2, action="click", description='click "right to object"',
                    url="https://example.test/notice", screenshot="screenshots/goal-02.png",
                    target_box=Box(x=40, y=300, width=120, height=16)),
        StepSummary(number=3, action="fill", description=f'fill "Reason" = "{INJECTION}"',
                    url="https://example.test/form?a=1&b=2", screenshot="screenshots/goal-03.png",
                    target_box=Box(x=20, y=500, width=280, height=90)),
    ], final_screenshot="screenshots/goal-final.png")
    baseline = PathSummary(kind="baseline", status="complete", steps=[
        StepSummary(number=1, action="click", description='click "Accept"', url="https://example.test/",
                    screenshot="screenshots/baseline-01.png", target_box=Box(x=200, y=10, width=100, height=30)),
    ])
    points = sum(f.points for f in findings)
    data = dict(
        flow=FlowInfo(name="Example objection flow", goal="object", start="https://example.test/"),
        status="complete", headline="Objecting takes about 95 s, 2 clicks and 3 pages; accepting takes 1 tap.",
        friction=min(round(points), 100), band="high" if points < 75 else "extreme", score_raw=points,
        score_capped=points > 100,
        metrics=Metrics(goal_steps=3, goal_clicks=2, goal_typed_chars=60, goal_page_loads=2, goal_inbox_trips=0,
                        goal_reading_words=180, goal_effort_s=95.3, baseline_steps=1, baseline_clicks=1,
                        baseline_typed_chars=0, baseline_page_loads=0, baseline_effort_s=3.1, effort_ratio=30.7),
        findings=findings, paths=[goal, baseline], warnings=[f"goal step 2: two matches for {INJECTION}"],
        started_at="2025-01-01T00:00:00Z", ended_at="2025-01-01T00:01:00Z",
        browser={"name": "chromium", "version": "130.0"},
    )
    data.update(overrides)
    return Report(**data)
