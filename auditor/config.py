"""Project settings from the nearest pyproject.toml, so a CI gate lives next to the code it guards.

    [tool.consent-audit]
    max-friction = 30          # exit 1 above this friction score
    fail-on = "high"           # exit 1 on a finding of this severity or higher
    formats = ["sarif", "junit"]
    store = "reports/consent-audit.db"

The file is looked for in the current folder and then upwards. Options on the command line win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from auditor.findings import SEVERITY_ORDER

SEVERITIES = tuple(SEVERITY_ORDER)  # mildest first, as findings.py defines them
FORMATS = ("sarif", "junit")
TABLE = "consent-audit"


class ConfigError(ValueError):
    pass


@dataclass
class Settings:
    max_friction: int | None = None
    fail_on: str | None = None
    formats: list[str] = field(default_factory=list)
    store: str | None = None
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
    known = {"max-friction", "fail-on", "formats", "store"}
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
    return s
