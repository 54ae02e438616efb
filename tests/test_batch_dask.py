"""`consent-audit batch --scheduler`: the same batch on an existing dask cluster (a scheduler and two
single-thread workers on 127.0.0.1, started here as a user would), evidence shipped back to the client."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.batch.sites import serve_sites, write_flows
from tests.conftest import run_cli

DASK = str(Path(sys.executable).with_name("dask"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """tcp://127.0.0.1:PORT of a scheduler with two `--nthreads 1` workers; all stopped afterwards."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    logs = (tmp_path / "dask.log").open("w")
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                               "--no-dashboard"], cwd=tmp_path, stdout=logs, stderr=logs, start_new_session=True)]
    procs += [subprocess.Popen([DASK, "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                                "--name", f"w{n}"], cwd=tmp_path, stdout=logs, stderr=logs, start_new_session=True)
              for n in range(2)]
    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        logs.close()


@pytest.mark.browser
def test_a_batch_on_a_scheduler_with_two_workers(cluster, tmp_path):
    with serve_sites(5) as urls:
        flows = write_flows(tmp_path / "flows", [urls[n] for n in (0, 1, 2, 4)])  # first-layer, settings
        out = tmp_path / "out"
        result = run_cli("batch", str(tmp_path / "flows"), "--out", str(out), "--scheduler", cluster, timeout=180)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(out / "consent-audit.db") as conn:
        rows = conn.execute("SELECT site, status, worker, run_dir, run_id FROM batch_sites").fetchall()
    assert sorted(r[0] for r in rows) == sorted(f.name for f in flows)
    for site, status, worker, run_dir, run_id in rows:
        assert status == "complete" and worker.startswith("tcp://127.0.0.1:") and run_id is not None
        # the worker wrote to a temporary folder of its own; the client unpacked it under --out
        assert Path(run_dir).parent == (out / "sites").resolve() and (Path(run_dir) / "manifest.json").is_file()
