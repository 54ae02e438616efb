"""The commands that describe the tool: its heuristics, its affordance classifier, its version."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from auditor import __version__
from auditor.cli.common import (
    BadInput,
    app,
    console,
    guard,
)


@app.command("heuristics")
@guard
def list_heuristics(
    output: str = typer.Option("table", "--format", help="table (default) or json"),
) -> None:
    """List every heuristic: id, severity, EDPB category, the provisions it evidences and the trace parts
    it needs. Ids are never cut short (they go into CI settings); --format json prints the catalogue."""
    import json

    from heuristics.registry import all_heuristics

    if output not in ("table", "json"):
        raise BadInput(f"--format {output!r}: expected table or json")
    metas = [h.meta for h in all_heuristics()]
    if output == "json":
        print(json.dumps([{"id": m.id, "title": m.title, "severity": m.severity, "version": m.version,
                           "edpb": list(m.edpb), "provisions": list(m.provisions),
                           "requires": [p.value for p in m.requires]} for m in metas],
                         ensure_ascii=False, indent=2))
        return
    rows = [(m.id, m.severity, "; ".join(m.edpb), "; ".join(m.provisions),
             ", ".join(p.value for p in m.requires) or "-", m.title) for m in metas]
    header = ("id", "severity", "EDPB 03/2022", "provisions", "needs", "title")
    if not console.is_terminal:  # piped or redirected: one tab-separated line per heuristic, nothing cut
        for row in (header, *rows):
            print("\t".join(row))
        return
    table = Table(title="consent-audit heuristics", show_lines=False)
    # The id column never wraps or shrinks; the others fold onto more lines when the terminal is narrow.
    table.add_column(header[0], no_wrap=True, min_width=max(len(m.id) for m in metas))
    for column in header[1:]:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)


def _texts_to_classify(texts: Optional[list[str]], file: Optional[Path]) -> list[str]:
    """The command line's texts, then the file's lines (UTF-8, blank lines skipped)."""
    out = [t for t in texts or [] if t.strip()]
    if file is not None:
        try:
            content = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BadInput(f"{file}: no such file; expected a UTF-8 text file with one text per line") from None
        except UnicodeDecodeError as exc:
            raise BadInput(f"{file}: not UTF-8 text (byte {exc.start}); expected a UTF-8 text file with one "
                           "text per line") from None
        except OSError as exc:  # a folder, no permission, an I/O error
            raise BadInput(f"{file}: cannot read the file ({exc.strerror or exc})") from None
        out += [line.strip() for line in content.splitlines() if line.strip()]
    if not out:
        where = f"{file} has no non-blank line" if file is not None else "no TEXT was given"
        raise BadInput(f"nothing to classify: {where}; pass texts (classify \"Reject all\") or --file FILE "
                       "with one text per line")
    return out


@app.command()
@guard
def classify(
    texts: Optional[list[str]] = typer.Argument(None, help="control labels to classify"),
    file: Optional[Path] = typer.Option(None, "--file", help="a UTF-8 file with one text per line"),
    output: str = typer.Option("table", "--format", help="table (default) or json"),
) -> None:
    """Say what each control label does on a consent notice: accept, reject, object, settings, save,
    dismiss, more-info or other, with the classifier's probability."""
    import json

    from auditor.classifier import classify as classify_texts

    if output not in ("table", "json"):
        raise BadInput(f"--format {output!r}: expected table or json")
    items = _texts_to_classify(texts, file)
    predictions = classify_texts(items)
    if output == "json":
        print(json.dumps([{"text": t, "label": p.label, "score": p.score} for t, p in zip(items, predictions)],
                         ensure_ascii=False))
        return
    table = Table(title="Affordances")
    for column in ("text", "label", "score"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for t, p in zip(items, predictions):
        table.add_row(escape(t), p.label, f"{p.score:.2f}")
    console.print(table)


@app.command()
def version() -> None:
    """Print the tool's version."""
    console.print(f"consent-audit {__version__}")
