"""What a batch audits: the sites read from INPUT (a list of URLs, or a folder of flow files)."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

Kind = Literal["url", "flow"]
FLOW_SUFFIXES = (".yaml", ".yml")


class SitesError(ValueError):
    """INPUT cannot be read as a list of sites: the message names the file (and line) and what was expected."""


@dataclass(frozen=True)
class Site:
    """One site of a batch. ``key`` is its identity in the ledger: the URL as given (stripped), or the flow
    file's path relative to the INPUT folder with POSIX separators, so a re-run finds it again."""

    key: str
    kind: Kind
    input: str  # the URL, or the flow file's absolute path

    @property
    def slug(self) -> str:
        return site_slug(self.key)


def site_slug(key: str) -> str:
    """A stable folder name for a site: readable (host and path, or the flow file's path) and unique (the
    first 8 hex of the key's sha256, so two keys that sanitise alike never share a folder)."""
    parsed = urlparse(key)
    readable = f"{parsed.hostname or ''}{parsed.path}" if parsed.scheme in ("http", "https") else key
    readable = re.sub(r"\.ya?ml$", "", readable)
    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", readable).strip("_.")[:80] or "site"
    return f"{readable}_{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}"


def read_sites(source: Path) -> list[Site]:
    """The sites of INPUT in its order, each once: a .txt file (a URL a line; blank lines and # comments
    skipped), a .csv file (the column named url, else the first), or a folder of flow files (recursive)."""
    if source.is_dir():
        sites = _flow_folder(source)
    elif not source.exists():
        raise SitesError(f"{source}: no such file or folder; expected a .txt or .csv list of URLs, or a folder "
                         "of flow files")
    elif source.suffix.lower() == ".csv":
        sites = _csv(source)
    else:
        sites = _text(source)
    unique: dict[str, Site] = {}
    for site in sites:
        unique.setdefault(site.key, site)  # a site listed twice is audited once
    if not unique:
        raise SitesError(f"{source}: no sites in it (expected a URL a line, a url column, or *.yaml flow files)")
    return list(unique.values())


def _read(source: Path) -> str:
    try:
        return source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SitesError(f"{source}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None


def _text(source: Path) -> list[Site]:
    sites = []
    for number, line in enumerate(_read(source).splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            sites.append(_url_site(text, f"{source}:{number}"))
    return sites


def _csv(source: Path) -> list[Site]:
    rows = list(csv.reader(_read(source).splitlines()))
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = header.index("url") if "url" in header else 0
    body = rows[1:] if "url" in header else rows
    start = 2 if "url" in header else 1
    return [_url_site(row[column].strip(), f"{source}:{number}")
            for number, row in enumerate(body, start=start) if len(row) > column and row[column].strip()]


def _url_site(text: str, where: str) -> Site:
    try:
        parsed = urlparse(text)
        parsed.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        parsed = None
    if parsed is None or parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        raise SitesError(f"{where}: {text[:200]!r} is not a web page address; expected an absolute http:// or "
                         "https:// URL with a host on each line")
    return Site(key=text, kind="url", input=text)


def _flow_folder(folder: Path) -> list[Site]:
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in FLOW_SUFFIXES and p.is_file())
    return [Site(key=p.relative_to(folder).as_posix(), kind="flow", input=str(p.resolve())) for p in files]
