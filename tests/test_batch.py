"""`consent-audit batch`: reading INPUT, the ledger's one-transaction commit, and local batches in Chromium
that survive a hanging site, `kill -9` and `--retry-incomplete` without redoing or losing a site.

The sites come from fixtures/batch/sites.py (generated pages on 127.0.0.1; kind n follows from n).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.batch.ledger import Done
from auditor.batch.runner import LOCAL_CLUSTER_CONFIG, pending
from auditor.batch.sites import Site, SitesError, read_sites, site_slug
from auditor.evidence.store import BatchSite, connect, record_site
from fixtures.batch.sites import EXPECTED, kind_of, serve_sites, write_flows
from tests.conftest import ROOT, run_cli
from tests.report_factory import make_report


def _rows(out: Path) -> dict[str, sqlite3.Row]:
    with sqlite3.connect(out / "consent-audit.db") as conn:
        conn.row_factory = sqlite3.Row
        return {r["site"]: r for r in conn.execute("SELECT * FROM batch_sites")}


def _committed(out: Path) -> int:
    """Sites committed so far by a batch still running (its store may not have its tables yet)."""
    try:
        return len(_rows(out))
    except sqlite3.OperationalError:
        return 0


def _runs(out: Path) -> int:
    with sqlite3.connect(out / "consent-audit.db") as conn:
        return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


# --- INPUT -----------------------------------------------------------------------------------------------

def test_text_list_skips_comments_and_blank_lines_and_keeps_order(tmp_path):
    f = tmp_path / "urls.txt"
    f.write_text("# crawl 1\nhttps://b.example/\n\n  https://a.example/x  \nhttps://b.example/\n")
    assert [s.key for s in read_sites(f)] == ["https://b.example/", "https://a.example/x"]


def test_csv_reads_the_url_column_or_the_first(tmp_path):
    named, plain = tmp_path / "named.csv", tmp_path / "plain.csv"
    named.write_text("rank,url\n1,https://a.example/\n2,https://b.example/\n")
    plain.write_text("https://c.example/,x\n")
    assert [s.key for s in read_sites(named)] == ["https://a.example/", "https://b.example/"]
    assert [s.key for s in read_sites(plain)] == ["https://c.example/"]


def test_a_line_that_is_not_a_url_names_the_file_and_line(tmp_path):
    f = tmp_path / "urls.txt"
    f.write_text("https://a.example/\nexample.org\n")
    with pytest.raises(SitesError, match=r"urls\.txt:2: 'example\.org' is not a web page address"):
        read_sites(f)


def test_missing_and_empty_inputs_are_refused(tmp_path):
    (tmp_path / "empty.txt").write_text("# nothing\n")
    with pytest.raises(SitesError, match="no such file"):
        read_sites(tmp_path / "nope.txt")
    with pytest.raises(SitesError, match="no sites"):
        read_sites(tmp_path / "empty.txt")


def test_a_flow_folder_keys_sites_by_relative_posix_path(tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "shop.yaml").write_text("x")
    (tmp_path / "a.yml").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    sites = read_sites(tmp_path)
    assert [(s.key, s.kind) for s in sites] == [("a.yml", "flow"), ("de/shop.yaml", "flow")]
    assert sites[1].input == str((tmp_path / "de" / "shop.yaml").resolve())


def test_slugs_are_readable_stable_and_distinct():
    a, b = site_slug("https://news.example/a b"), site_slug("https://news.example/a_b")
    assert a.startswith("news.example_a_b_") and a != b and a == site_slug("https://news.example/a b")
    assert site_slug("de/shop.yaml").startswith("de_shop_")


def test_pending_skips_done_sites_and_retries_only_incomplete_ones():
    sites = [Site(k, "url", k) for k in ("u1", "u2", "u3")]
    done = {"u1": Done("complete", 1), "u2": Done("incomplete", 1)}
    assert [s.key for s in pending(sites, done, retry_incomplete=False)] == ["u3"]
    assert [s.key for s in pending(sites, done, retry_incomplete=True)] == ["u2", "u3"]


def test_a_site_commit_is_one_transaction(tmp_path):
    """The run and the ledger row land together or not at all: a row that cannot be written takes the
    run's rows with it."""
    conn = connect(tmp_path / "store.db")
    row = BatchSite(site="u", kind="url", input="u", status="complete", reason=None, run_dir=str(tmp_path),
                    attempts=1, seconds=1.0, worker="local-0", finished_at="2026-11-30T00:00:00+00:00")
    with pytest.raises(sqlite3.IntegrityError):
        record_site(conn, BatchSite(**{**row.__dict__, "finished_at": None}), make_report())
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
    run_id = record_site(conn, row, make_report())
    assert conn.execute("SELECT run_id FROM batch_sites").fetchone()[0] == run_id
    assert conn.execute("SELECT COUNT(*) FROM metrics WHERE run_id = ?", (run_id,)).fetchone()[0] > 0


def test_bad_input_exits_2_naming_the_line(tmp_path):
    f = tmp_path / "urls.txt"
    f.write_text("ftp://a.example/\n")
    result = run_cli("batch", str(f), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2 and "urls.txt:1" in result.stderr


def test_an_unwritable_out_folder_exits_2(tmp_path):
    f = tmp_path / "urls.txt"
    f.write_text("https://a.example/\n")
    (tmp_path / "file").write_text("")
    result = run_cli("batch", str(f), "--out", str(tmp_path / "file"), timeout=60)
    assert result.returncode == 2 and "cannot write" in result.stderr


def _housekeeping() -> dict:
    import dask

    return {key: dask.config.get(key) for key in LOCAL_CLUSTER_CONFIG}


def test_a_local_clusters_workers_run_with_less_dask_housekeeping(tmp_path):
    """The worker processes, not only the client, see the settings that leave the cores to the browsers."""
    from auditor.batch.runner import BatchOptions, _client

    with _client(BatchOptions(out=tmp_path, concurrency=1)) as client:
        seen = client.run(_housekeeping)
    assert list(seen.values()) == [LOCAL_CLUSTER_CONFIG]
    assert _housekeeping() != LOCAL_CLUSTER_CONFIG  # the client's own configuration is left as it was


# --- local batches in Chromium ---------------------------------------------------------------------------

URL_SITES = (0, 1, 3, 7)  # first-layer, settings, no-notice, hang


@pytest.fixture(scope="module")
def sites_server():
    with serve_sites(10) as urls:
        yield urls


@pytest.fixture(scope="module")
def url_batch(sites_server, tmp_path_factory):
    """A URL batch with a hanging site, run once for the tests below: (urls file, out, result). The site
    timeout is generous (a loaded machine slows every site); the hanging page ends at the auditor's own
    navigation timeout, the retry below ends it with a short site timeout."""
    base = tmp_path_factory.mktemp("url-batch")
    urls = base / "urls.txt"
    urls.write_text("".join(sites_server[n] + "\n" for n in URL_SITES))
    out = base / "out"
    result = run_cli("batch", str(urls), "--out", str(out), "--site-timeout", "60", "--concurrency", "2",
                     timeout=240)
    return urls, out, result


@pytest.mark.browser
def test_a_url_batch_records_every_site_and_exits_0(url_batch, sites_server):
    _, out, result = url_batch
    assert result.returncode == 0, result.stderr
    assert "4 of 4 sites run" in result.stdout
    rows = _rows(out)
    assert {site: r["status"] for site, r in rows.items()} == {sites_server[n]: EXPECTED[kind_of(n)]
                                                               for n in URL_SITES}
    for n in (0, 1, 3):  # a finished audit: a folder with its manifest, and its run in the store
        row = rows[sites_server[n]]
        assert row["run_id"] is not None and (Path(row["run_dir"]) / "manifest.json").is_file()
        assert row["worker"].startswith("local-") and row["attempts"] == 1
    assert rows[sites_server[7]]["reason"]  # the hanging site says why


@pytest.mark.browser
def test_retry_incomplete_redoes_only_the_incomplete_sites(url_batch, sites_server):
    urls, out, _ = url_batch
    before = _rows(out)
    result = run_cli("batch", str(urls), "--out", str(out), "--site-timeout", "3", "--retry-incomplete",
                     timeout=120)
    assert result.returncode == 0, result.stderr
    assert "1 of 1 sites run (3 already done)" in result.stdout
    after = _rows(out)
    hung = sites_server[7]
    assert after[hung]["attempts"] == 2 and after[hung]["reason"] == "timed out after 3 s"
    for site in set(before) - {hung}:
        assert tuple(after[site]) == tuple(before[site])


FLOW_SITES = 8  # sites 0..7 of the cycle minus the no-notice and hang ones: six flows that finish


@pytest.mark.browser
def test_kill_9_then_rerun_redoes_nothing_and_loses_nothing(sites_server, tmp_path):
    flows = [f for f in write_flows(tmp_path / "flows", sites_server[:FLOW_SITES])
             if kind_of(int(f.stem[-4:])) in ("first-layer", "settings")]
    for f in set((tmp_path / "flows").iterdir()) - set(flows):
        f.unlink()
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "auditor.cli", "batch", str(tmp_path / "flows"), "--out", str(out), "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _committed(out) < 2:
            assert time.monotonic() < deadline and proc.poll() is None, "no site was committed"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = _rows(out)
    assert 2 <= len(before) < len(flows)
    result = run_cli("batch", str(tmp_path / "flows"), "--out", str(out), "-j", "2", timeout=180)
    assert result.returncode == 0, result.stderr
    after = _rows(out)
    assert len(after) == len(flows) and all(r["status"] == "complete" and r["attempts"] == 1 for r in after.values())
    for site, row in before.items():  # a committed site is never redone
        assert (after[site]["run_id"], after[site]["finished_at"]) == (row["run_id"], row["finished_at"])
    assert _runs(out) == len(flows)  # every site's run exactly once
