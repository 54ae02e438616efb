"""The folder tree is the pipeline (docs/architecture.md), and these tests keep it honest: data flows one
way, reporters only render, heuristics build on a small stable API, only the gatherer drives a browser,
and no module grows past what one person can hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600

# What a heuristic may build on: the trace (with the exploration it may carry), findings, the project's
# words and the computed measures.
STABLE_API = ("auditor.trace", "auditor.exploration", "auditor.findings", "auditor.words", "auditor.classifier",
              "auditor.measure", "auditor.aftermath")


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (hidden imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _offending(paths: list[Path], allowed, prefixes: tuple[str, ...]) -> list[str]:
    return [f"{p.relative_to(ROOT)} imports {m}" for p in paths for m in sorted(_imports(p))
            if m.startswith(prefixes) and not allowed(m)]


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_heuristics_import_only_the_stable_api():
    bad = _offending(_modules("heuristics"), lambda m: _under(m, STABLE_API), ("auditor",))
    assert not bad, "heuristics may import only " + ", ".join(STABLE_API) + ":\n" + "\n".join(bad)


def test_the_stable_api_imports_nothing_downstream():
    paths = [p for p in _modules("auditor") if _under(".".join(p.relative_to(ROOT).with_suffix("").parts),
                                                        STABLE_API)]
    assert len(paths) > 10
    bad = _offending(paths, lambda m: _under(m, STABLE_API), ("auditor", "heuristics"))
    assert not bad, "the stable API must not import the stages built on it:\n" + "\n".join(bad)


def test_reporters_only_render():
    downstream = ("heuristics", "auditor.judge", "auditor.gather", "auditor.pipeline", "auditor.measure")
    bad = _offending(_modules("auditor/report"), lambda m: False, downstream)
    assert not bad, "reporters render the Report the judge built; they compute nothing:\n" + "\n".join(bad)


def test_only_the_gatherer_drives_a_browser():
    outside = [p for p in _modules("auditor", "heuristics") if "gather" not in p.relative_to(ROOT).parts]
    bad = _offending(outside, lambda m: False, ("playwright",))
    assert not bad, "Playwright belongs to auditor/gather:\n" + "\n".join(bad)


@pytest.mark.parametrize("folder", ["auditor", "heuristics"])
def test_no_module_over_the_line_limit(folder):
    long = {str(p.relative_to(ROOT)): n for p in _modules(folder)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these by responsibility (limit {MAX_LINES} lines): {long}"
