"""Project settings from the nearest pyproject.toml, so a CI gate lives next to the code it guards.

    [tool.consent-audit]
    max-friction = 30          # exit 1 above this friction score
    fail-on = "high"           # exit 1 on a finding of this severity or higher
    formats = ["sarif", "junit"]
    store = "reports/consent-audit.db"

    suppress = [                   # reviewed findings: out of the score and gates, still in every report
      {heuristic = "delay", reason = "the 2 s animation is the brand's; legal agreed", until = "2027-03-31"},
      {heuristic = "hidden-affordance", element = "Manage options", path = "goal", step = 1, reason = "..."},
    ]

    [tool.consent-audit.regions]   # named exits for settings.region / --region (docs/situations.md)
    eu = "http://eu-proxy.internal:3128"
    us = "socks5://{env.US_PROXY_USER}:{env.US_PROXY_PASSWORD}@us-proxy.internal:1080"

The file is looked for in the current folder and then upwards. Options on the command line win.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from pydantic import ValidationError

from auditor.findings import SEVERITY_ORDER
from auditor.suppression import Suppression

SEVERITIES = tuple(SEVERITY_ORDER)  # mildest first, as findings.py defines them
FORMATS = ("sarif", "junit")
PROXY_SCHEMES = ("http", "https", "socks5")
TABLE = "consent-audit"


class ConfigError(ValueError):
    pass


@dataclass
class Settings:
    max_friction: int | None = None
    fail_on: str | None = None
    formats: list[str] = field(default_factory=list)
    store: str | None = None
    regions: dict[str, str] = field(default_factory=dict)  # region name -> proxy URL
    suppressions: list[Suppression] = field(default_factory=list)  # SARIF kind "external"
    source: Path | None = None  # the pyproject.toml the settings came from


def find_pyproject(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | None = None) -> Settings:
    """Settings from ``[tool.consent-audit]`` of the nearest pyproject.toml (empty when there is none)."""
    path = find_pyproject(start)
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    table = data.get("tool", {}).get(TABLE)
    if table is None:
        return Settings(source=path)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    known = {"max-friction", "fail-on", "formats", "store", "regions", "suppress"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{path}: [tool.{TABLE}] has unknown key(s) {', '.join(unknown)}; "
                          f"expected {', '.join(sorted(known))}")
    s = Settings(source=path)
    if "max-friction" in table:
        v = table["max-friction"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 100:
            raise ConfigError(f"{path}: [tool.{TABLE}] max-friction must be an integer 0..100, got {v!r}")
        s.max_friction = v
    if "fail-on" in table:
        v = table["fail-on"]
        if v not in SEVERITIES:
            raise ConfigError(f"{path}: [tool.{TABLE}] fail-on must be one of {', '.join(SEVERITIES)}, got {v!r}")
        s.fail_on = v
    if "formats" in table:
        v = table["formats"]
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or any(f not in FORMATS for f in v):
            raise ConfigError(f"{path}: [tool.{TABLE}] formats must be a list of {', '.join(FORMATS)}, got {v!r}")
        s.formats = list(dict.fromkeys(v))
    if "store" in table:
        v = table["store"]
        if not isinstance(v, str) or not v:
            raise ConfigError(f"{path}: [tool.{TABLE}] store must be a path or sqlite:/// URL")
        s.store = v
    if "regions" in table:
        s.regions = _regions(path, table["regions"])
    if "suppress" in table:
        s.suppressions = _suppressions(path, table["suppress"])
    return s


def _suppressions(path: Path, entries) -> list[Suppression]:
    """[tool.consent-audit] suppress: each entry validated, located at its line for the reports and errors."""
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: [tool.{TABLE}] suppress must be a list of tables "
                          "({heuristic = ..., reason = ...}); see docs/suppressions.md")
    lines = _entry_lines(path.read_text(encoding="utf-8"), len(entries))
    out = []
    for i, entry in enumerate(entries):
        where = f"{path}:{lines[i]}" if lines[i] else str(path)
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: [tool.{TABLE}] suppress entry {i + 1} must be a table "
                              "such as {heuristic = \"delay\", reason = \"...\"}")
        try:
            out.append(Suppression(**entry, kind="external", source=f"{path.name}:{lines[i] or '?'}"))
        except (ValidationError, TypeError) as exc:
            raise ConfigError(f"{where}: [tool.{TABLE}] suppress entry {i + 1}: {_first_problem(exc)}") from None
    return out


def _first_problem(exc: Exception) -> str:
    if not isinstance(exc, ValidationError):
        return str(exc)
    e = exc.errors()[0]
    key = ".".join(str(p) for p in e["loc"])
    if e["type"] == "missing":
        return f"missing required key {key!r}"
    if e["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    return f"{key}: {e['msg'].removeprefix('Value error, ')}"


_ARRAY_START = re.compile(r"^\s*suppress\s*=\s*\[")
_TABLE_HEADER = re.compile(rf"^\s*\[\[\s*tool\.{re.escape(TABLE)}\.suppress\s*\]\]")
_SECTION = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


def _entry_lines(text: str, count: int) -> list[int | None]:
    """The 1-based line where each suppress entry starts (tomllib keeps no positions): the lines of
    ``[[tool.consent-audit.suppress]]`` headers, or of the ``{`` opening each table of ``suppress = [...]``
    under ``[tool.consent-audit]``. None where the layout is too unusual to tell."""
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines, start=1) if _TABLE_HEADER.match(line)]
    if headers:
        return (headers + [None] * count)[:count]
    found: list[int | None] = []
    section, depth, quote = None, 0, None
    for n, line in enumerate(lines, start=1):
        if depth == 0:
            m = _SECTION.match(line)
            if m:
                section = m.group(1).strip()
                continue
            if section != f"tool.{TABLE}" or not _ARRAY_START.match(line):
                continue
            line = line[line.index("[") + 1:]
            depth = 1
        for ch in line:
            if quote:
                quote = None if ch == quote else quote
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                if ch == "{" and depth == 1:
                    found.append(n)
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    break
    return (found + [None] * count)[:count]


def _regions(path: Path, table) -> dict[str, str]:
    """Region name -> proxy URL; credentials belong in {env.NAME} placeholders, resolved at run time."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}.regions] must be a table of name = \"proxy URL\"")
    for name, url in table.items():
        parsed = urlparse(url) if isinstance(url, str) else None
        if parsed is None or parsed.scheme not in PROXY_SCHEMES or not parsed.hostname:
            raise ConfigError(f"{path}: [tool.{TABLE}.regions] {name} must be a proxy URL such as "
                              f"http://host:3128 (schemes: {', '.join(PROXY_SCHEMES)})")
    return dict(table)
