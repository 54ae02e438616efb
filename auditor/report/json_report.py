"""The JSON report, and writing a run's reports to its folder.

``report.json`` is ``Report`` as pydantic serialises it; its published JSON Schema is generated from the
same model by auditor/schema.py (which adds each heuristic's ``measured`` figures from the registry).
"""

from __future__ import annotations

from pathlib import Path

from auditor.evidence.atomic import write_text_atomic
from auditor.report.html import render_html
from auditor.report.markdown import render_markdown
from auditor.report.model import Report

REPORT_FILES = {"json": "report.json", "md": "report.md", "html": "report.html"}


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def write_reports(report: Report, run_dir: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.html into the run folder, each atomically.

    Returns the paths keyed by format: ``{"json": ..., "md": ..., "html": ...}``.
    """
    run_dir = Path(run_dir)
    rendered = {"json": render_json(report), "md": render_markdown(report), "html": render_html(report, run_dir)}
    paths: dict[str, Path] = {}
    for fmt, text in rendered.items():
        paths[fmt] = run_dir / REPORT_FILES[fmt]
        write_text_atomic(paths[fmt], text)
    return paths
