"""`consent-audit summary DIR`: the figures of a batch, printed and written as Markdown, HTML, CSV and Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from auditor.cli.common import BadInput, app, console, guard


@app.command("summary")
@guard
def summary_cmd(
    folder: Path = typer.Argument(..., help="a batch folder (the --out of `consent-audit batch`)"),
    out: Optional[Path] = typer.Option(None, "--out", help="where to write the summary files (default: FOLDER)"),
) -> None:
    """Summarise a batch: first-screen refusals, clicks, effort, heuristics, friction and outcomes."""
    from auditor.summary.table import NotABatch
    from auditor.summary.terminal import print_summary
    from auditor.summary.write import summarise

    try:
        result = summarise(folder, out)
    except NotABatch as exc:
        raise BadInput(str(exc)) from None
    except OSError as exc:
        raise BadInput(f"cannot write the summary into {out or folder} ({exc.strerror or exc})") from None
    print_summary(result.figures, console)
    written = ", ".join(p.name for p in result.files)
    console.print(f"Summary in {escape(str(result.files[0].parent))}: {written}", highlight=False, soft_wrap=True)
