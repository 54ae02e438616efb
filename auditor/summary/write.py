"""Summarise a batch folder: read the ledger once, compute the figures, write the four files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.evidence.atomic import write_text_atomic
from auditor.summary.export import write_csv, write_parquet
from auditor.summary.figures import Figures, compute, registered_heuristics
from auditor.summary.markdown import render_markdown
from auditor.summary.page import render_html
from auditor.summary.plots import all_plots
from auditor.summary.table import SiteRow, load_sites

OUTPUT_NAMES = ("summary.md", "summary.html", "sites.csv", "sites.parquet")


@dataclass(frozen=True)
class Summary:
    figures: Figures
    rows: list[SiteRow]
    files: list[Path]


def summarise(folder: Path, out_dir: Path | None = None) -> Summary:
    """Writes summary.md, summary.html, sites.csv and sites.parquet into out_dir (default: the batch folder).
    Raises NotABatch for a folder that is not a batch, OSError for an out_dir that refuses the files."""
    folder = Path(folder)
    rows = load_sites(folder)
    figures = compute(rows, registered_heuristics())
    out = Path(out_dir) if out_dir is not None else folder
    out.mkdir(parents=True, exist_ok=True)
    title = folder.resolve().name or str(folder.resolve())
    md, html, csv_path, parquet = (out / name for name in OUTPUT_NAMES)
    write_text_atomic(md, render_markdown(title, figures, rows))
    write_text_atomic(html, render_html(title, figures, rows, all_plots(figures), out))
    write_csv(rows, csv_path)
    write_parquet(rows, parquet)
    return Summary(figures, rows, [md, html, csv_path, parquet])
