"""The shipped training data: every ``data/*.csv`` (columns text,label,lang,source), read and fingerprinted.

Several files are merged (hand-labelled texts, texts taken from consent libraries' translation files), so a
new source is a new file. The fingerprint (sha256 over the files' names and bytes) keys the model cache.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from auditor.classifier.labels import LABELS

DATA_DIR = Path(__file__).with_name("data")
COLUMNS = ("text", "label", "lang", "source")


class DataError(ValueError):
    """A training file that does not follow the columns or the label vocabulary."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    lang: str
    source: str


def data_files(folder: Path = DATA_DIR) -> list[Path]:
    return sorted(folder.glob("*.csv"))


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def read_file(path: Path) -> list[Example]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise DataError(f"{path}: columns {reader.fieldnames}, expected {','.join(COLUMNS)}")
    rows = []
    for row in reader:
        text, label = (row["text"] or "").strip(), (row["label"] or "").strip()
        if label not in LABELS:
            raise DataError(f"{path}:{reader.line_num}: label {label!r} is not one of {', '.join(LABELS)}")
        if text:
            rows.append(Example(text, label, (row["lang"] or "").strip(), (row["source"] or "").strip()))
    return rows


def load_examples(files: list[Path] | None = None) -> list[Example]:
    """Every row of every file, in file order; one text keeps its first label (files are sorted by name)."""
    seen: set[str] = set()
    out = []
    for f in data_files() if files is None else files:
        for ex in read_file(f):
            key = ex.text.casefold()
            if key not in seen:
                seen.add(key)
                out.append(ex)
    return out
