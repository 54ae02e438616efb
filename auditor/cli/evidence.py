"""The commands that read finished runs: verify a folder against its manifest, diff two runs, a flow's history."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from auditor.cli.common import (
    BadInput,
    Exit,
    app,
    console,
    err,
    guard,
)


@app.command()
@guard
def verify(
    run_dir: Path = typer.Argument(..., help="a run folder with manifest.json"),
    expect: Optional[str] = typer.Option(None, "--expect", help="the manifest sha256 printed at the end of the run"),
) -> None:
    """Re-hash a run folder against its manifest.json: exit 0 intact, 1 altered, 2 no manifest."""
    from auditor.evidence.manifest import NoManifest
    from auditor.evidence.manifest import verify as verify_folder

    try:
        result = verify_folder(run_dir)
    except NoManifest as exc:
        raise BadInput(str(exc)) from None
    problems = [("missing", result.missing), ("added", result.added), ("changed", result.changed)]
    for label, names in problems:
        for name in names:
            console.print(f"{label}: {escape(name)}", highlight=False)
    manifest_ok = expect is None or expect.strip().lower() == result.manifest_sha256
    if not manifest_ok:
        console.print(f"changed: manifest.json (sha256 {result.manifest_sha256}, expected {escape(expect or '')})",
                      highlight=False)
    console.print(f"manifest sha256: {result.manifest_sha256}", highlight=False, soft_wrap=True)
    if result.intact and manifest_ok:
        console.print(f"intact: every file of {escape(str(run_dir))} matches its manifest", highlight=False)
        raise typer.Exit(int(Exit.DONE))
    counts = ", ".join(f"{len(names)} {label}" for label, names in problems)
    err.print(f"verify: {escape(str(run_dir))} does not match its manifest ({counts}"
              f"{'' if manifest_ok else ', manifest altered'})", highlight=False)
    raise typer.Exit(int(Exit.GATE))


@app.command("diff")
@guard
def diff_cmd(
    run_a: Path = typer.Argument(..., help="the earlier run folder (or its report.json)"),
    run_b: Path = typer.Argument(..., help="the later run folder (or its report.json)"),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="also write the diff as Markdown to FILE"),
) -> None:
    """What changed between two audits of the same flow: findings, metrics and friction."""
    from auditor.evidence.atomic import write_text_atomic
    from auditor.evidence.diff import diff_runs, render_markdown
    from auditor.evidence.diff import render_terminal as render_diff

    result = diff_runs(run_a, run_b)
    render_diff(result, console)
    if markdown is not None:
        try:
            write_text_atomic(markdown, render_markdown(result))
        except OSError as exc:
            raise BadInput(f"cannot write {markdown} ({exc.strerror or exc})") from None
        console.print(f"Markdown diff in {escape(str(markdown))}", highlight=False)


@app.command()
@guard
def history(
    flow: str = typer.Argument(..., help="a flow name or flow file path"),
    store: Optional[str] = typer.Option(None, "--store", help="run store (default reports/consent-audit.db)"),
) -> None:
    """List a flow's audits over time from the run store: open findings, and those a suppression covered."""
    from auditor.config import load_settings
    from auditor.evidence.store import history as load_history
    from auditor.evidence.store import store_path

    location = store or load_settings().store or ""
    rows = load_history(location, flow)
    if not rows:
        console.print(f"No audits of {escape(flow)} in {escape(str(store_path(location)))}", highlight=False)
        return
    table = Table(title=f"Audits of {escape(rows[-1].flow_name)}")
    numbers = ("#", "friction", "open findings", "suppressed")
    for column in ("#", "time (UTC)", "status", "friction", "open findings", "suppressed", "run folder"):
        table.add_column(column, justify="right" if column in numbers else "left")
    for r in rows:
        when = (r.started_at or r.recorded_at or "").replace("T", " ").removesuffix("+00:00")
        table.add_row(str(r.id), when, r.status, str(r.friction), str(r.findings), str(r.suppressed),
                      escape(r.run_dir or ""))
    console.print(table)
