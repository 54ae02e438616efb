"""benchmarks/batch.py runs: a --quick smoke run (4 sites, concurrency 1) measures both sides and writes figures.

The figures themselves depend on the machine; what is checked is that both the batch runner and the bare
pool did every site, and that the memory sampler found the browsers.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# A LocalCluster, two browsers and eight audits: about 40 s even on a quiet machine, so it runs with the
# slow proofs (make prove), not in every test run.
pytestmark = [pytest.mark.browser, pytest.mark.exhaustive]


def test_quick_run_measures_both_sides(tmp_path):
    figures_path = tmp_path / "batch.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks/batch.py"), "--quick", "--json", str(figures_path)],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "best concurrency for ours: 1" in done.stdout
    figures = json.loads(figures_path.read_text())
    (row,) = figures["rows"]
    assert row["concurrency"] == 1 and row["sites"] == 4
    for side in ("ours", "bare"):
        (block,) = row["blocks"][side]
        assert block["sites"] == 4 and block["failed"] == 0, (side, block)
        memory = row["memory_mb"][side]
        assert memory["browsers_seen"] >= 1 and memory["browser_rss"] > memory["context_rss"] > 0, (side, memory)
    assert row["ours_sites_per_min"] > 0 and row["bare_sites_per_min"] > 0
    assert figures["disk"]["site_folders"] == 4 and figures["disk"]["mean_kb"] > 0
