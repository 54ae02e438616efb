"""summary.html: one self-contained page with the figures, the plots and the per-site table.

Plots are embedded as ``data:`` URIs; no script, no external resource, and a Content-Security-Policy in
the page forbids both. Jinja2 autoescapes everything, and nothing from the store is marked safe: site
keys, reasons and heuristic ids are untrusted text. Site links are made only for http(s) URLs, and a
site's report.html only by a relative path the page computes itself.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from auditor import __version__
from auditor.report.html import web_url
from auditor.summary.figures import Figures
from auditor.summary.plots import Plot
from auditor.summary.table import SiteRow
from auditor.summary.text import DISTRIBUTION_HEADER, distributions, key_figures, number

TEMPLATES = Path(__file__).parent / "templates"
MAX_SITES_SHOWN = 1000  # beyond this the page would be slow to open; sites.csv and sites.parquet have all


@dataclass(frozen=True)
class ShownSite:
    row: SiteRow
    report_href: str | None  # relative link from the page to the site's report.html, when it exists


def report_href(row: SiteRow, out_dir: Path) -> str | None:
    if not row.run_dir:
        return None
    report = Path(row.run_dir) / "report.html"
    if not report.is_file():
        return None
    return quote(Path(os.path.relpath(report.resolve(), Path(out_dir).resolve())).as_posix(), safe="/-_.~")


def data_uri(png: bytes) -> str:
    return f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["web_url"] = web_url
    env.filters["number"] = number
    env.filters["data_uri"] = data_uri
    return env


def render_html(title: str, figures: Figures, rows: Sequence[SiteRow], plots: Sequence[Plot],
                out_dir: Path) -> str:
    shown = [ShownSite(r, report_href(r, out_dir)) for r in rows[:MAX_SITES_SHOWN]]
    return environment().get_template("summary.html.j2").render(
        title=title, f=figures, key_figures=key_figures(figures), distribution_header=DISTRIBUTION_HEADER,
        distributions=distributions(figures), plots=plots, sites=shown, hidden=max(len(rows) - len(shown), 0),
        tool_version=__version__)
