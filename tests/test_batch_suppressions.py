"""`consent-audit batch` judges every site with the project's `[tool.consent-audit] suppress`, as `audit` and
`explore` do: read once by the client, carried to the workers in each SiteTask, applied to URL sites (explored)
and to flow-file sites (after the flow file's own `suppress:`). A bad entry is bad input before any site starts.

The sites come from fixtures/batch/sites.py; site 1 is a "settings" notice, on which asymmetric-path (whole
flow), ambiguous-wording ("Settings", goal step 1) and no-first-layer-option ("Accept all", goal step 1) fire.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

from auditor.batch.runner import BatchOptions, _task
from auditor.batch.sites import Site
from auditor.suppression import Suppression
from fixtures.batch.sites import serve_sites, write_flows
from tests.conftest import run_cli

PROJECT = """\
[tool.consent-audit]
suppress = [
  {heuristic = "asymmetric-path", reason = "the second layer is the CMP's; reviewed with legal"},
  {heuristic = "no-first-layer-option", element = "Accept all", path = "goal", step = 1, reason = "known"},
]
"""
OWN = """suppress:
  - heuristic: ambiguous-wording
    reason: the label is the brand's
"""


def test_each_task_carries_the_projects_suppressions_to_the_worker(tmp_path):
    accepted = Suppression(heuristic="delay", reason="reviewed", kind="external", source="pyproject.toml:3")
    options = BatchOptions(out=tmp_path, suppressions=(accepted,))
    task = _task(Site(key="https://a.test/", kind="url", input="https://a.test/"), options)
    assert task.suppressions == (accepted,)
    shipped = pickle.loads(pickle.dumps(task))  # what dask does to reach a worker process
    assert shipped == task and shipped.suppressions[0].source == "pyproject.toml:3"
    hash(task)  # still hashable: the suppressions stay out of the hash


def test_a_bad_suppress_entry_is_bad_input_before_any_site_starts(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.consent-audit]\nsuppress = [\n  {heuristic = "no-such-check", reason = "x"},\n]\n')
    (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/\n")
    out = tmp_path / "out"
    result = run_cli("batch", "urls.txt", "--out", str(out), "-j", "1", "-q", cwd=tmp_path, timeout=120)
    assert result.returncode == 2, (result.stdout, result.stderr)
    message = " ".join(result.stderr.split())
    assert "pyproject.toml:3" in message and "unknown heuristic 'no-such-check'" in message
    assert not (out / "batch.json").exists() and not (out / "consent-audit.db").exists()  # nothing started


def _findings(out: Path) -> dict[str, tuple]:
    with sqlite3.connect(out / "consent-audit.db") as conn:
        rows = conn.execute("SELECT heuristic, suppressed, suppression_source FROM findings").fetchall()
    return {heuristic: (suppressed, (source or "").split(":")[0]) for heuristic, suppressed, source in rows}


@pytest.mark.browser
def test_url_and_flow_sites_are_judged_with_the_projects_suppressions(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    with serve_sites(2) as urls:
        (tmp_path / "urls.txt").write_text(urls[1] + "\n")
        first, flow = write_flows(tmp_path / "flows", urls)  # site n's flow fits site n: keep site 1's
        first.unlink()
        flow.write_text(flow.read_text() + OWN)
        for source in ("urls.txt", "flows"):
            result = run_cli("batch", source, "--out", f"out-{source}", "-j", "1", "-q", cwd=tmp_path, timeout=240)
            assert result.returncode == 0, result.stderr
            assert "1 complete" in result.stdout
    explored = _findings(tmp_path / "out-urls.txt")
    assert explored == {"asymmetric-path": (1, "pyproject.toml"), "no-first-layer-option": (1, "pyproject.toml"),
                        "ambiguous-wording": (0, "")}  # the explored flow has no suppress: of its own
    scripted = _findings(tmp_path / "out-flows")
    assert scripted == {"asymmetric-path": (1, "pyproject.toml"), "no-first-layer-option": (1, "pyproject.toml"),
                        "ambiguous-wording": (1, str(flow))}
