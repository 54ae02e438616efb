"""A site's run folder as bytes, for a remote worker whose disk the client cannot see."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def unzip_folder(data: bytes, folder: Path) -> None:
    """Unpacks into ``folder`` (already prepared by the caller); the manifest last, as the pipeline writes
    it, so a folder a kill interrupts never looks complete. zipfile drops absolute paths and '..'."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist(), key=lambda n: n == "manifest.json")
        for name in names:
            archive.extract(name, folder)
