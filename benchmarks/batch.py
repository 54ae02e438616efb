"""Batch throughput: `consent-audit batch` against a pool of bare Playwright runs doing the same clicks.

Issue 15's target: at the best concurrency, the batch keeps at least 80% of the sites per minute of a pool of
bare Playwright processes doing the same work. Both sides get the same generated local sites
(fixtures/batch/sites.py, one flow file each) and the same concurrency N:

- ours: auditor.batch.runner.run_batch, the code behind the CLI: a LocalCluster of N single-thread worker
  processes, one kept Chromium each, a fresh context per path, every site committed to a fresh run store;
- bare: N processes, one Chromium each (the auditor's own launch flags), taking sites from a queue; per site
  and per path a fresh context: goto, then each step's screenshot and click, and a final screenshot
  (benchmarks/overhead.py's bare path, the baseline of the single-audit benchmark).

Only sites with a consent notice are used (first-layer and settings kinds, served with ``hostile=False``):
hanging, looping and notice-less sites would measure the timeouts both sides wait out, not the work, so
they are excluded from the comparison on both sides. ``--urls`` runs ours on URL input instead (explore,
then audit), against the same bare pool: the explorer's search is work the bare pool does not do.

Each concurrency is measured in interleaved blocks (ours, bare, bare, ours on the two halves of the sites),
so a change in the machine's load during the run favours neither side. A block's wall time includes its
start-up (the cluster or pool, the browsers): sites per minute = sites / summed wall time. The time to the
first finished site is recorded beside it, and so is the steady rate (sites finished after the first one,
over the time between the first and the last), which is what a long crawl sees.

Memory is sampled every half second with psutil over this process's descendants, grouped by browser (a
Chromium process whose parent is not Chromium, with its Chromium descendants): peak RSS summed per browser,
peak RSS of one browser's renderer processes (one context's page at a time: the cost of a context), the
same two as PSS (a page shared by several processes counted once), and the whole tree's peak (workers,
Playwright drivers, browsers). Figures go to a table and to benchmarks/results/batch.json.

    .venv/bin/python benchmarks/batch.py [--sites 200] [--concurrency 1,2,4,8] [--quick] [--urls] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fixtures.batch.sites import flow_yaml, kind_of, serve_sites

TARGET = 0.80  # ours / bare sites per minute at the best concurrency
SITE_TIMEOUT_S = 120.0  # generous: no benchmark site should come near it
MEASURED_KINDS = ("first-layer", "settings")


@dataclass
class Block:
    """One timed run of one side over some sites."""

    side: str
    sites: int
    wall_s: float
    first_s: float  # time to the first finished site: start-up plus one site
    finish_times: list[float] = field(default_factory=list)  # seconds after the block's start
    failed: int = 0  # sites that did not end as expected (complete for ours, no exception for bare)


@dataclass
class Memory:
    """Peaks in MB over one side's blocks at one concurrency."""

    browser_rss: float = 0.0
    browser_pss: float = 0.0
    context_rss: float = 0.0
    context_pss: float = 0.0
    tree_rss: float = 0.0
    browsers_seen: int = 0


# --- the sites ------------------------------------------------------------------------------------------

def notice_sites(count: int) -> list[int]:
    """The first ``count`` site numbers whose page has a consent notice (no-notice pages are skipped)."""
    numbers, n = [], 0
    while len(numbers) < count:
        if kind_of(n, hostile=False) in MEASURED_KINDS:
            numbers.append(n)
        n += 1
    return numbers


def write_flow_files(folder: Path, urls: list[str], numbers: list[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n in numbers:
        files.append(folder / f"site-{n:04d}.yaml")
        files[-1].write_text(flow_yaml(n, urls[n]), encoding="utf-8")
    return files


# --- ours: the real batch runner ------------------------------------------------------------------------

def run_ours(inputs: list[Path] | list[str], concurrency: int, out: Path) -> Block:
    """The batch runner over ``inputs`` (flow files or URLs) into a fresh batch folder ``out``."""
    from auditor.batch.ledger import Ledger
    from auditor.batch.runner import BatchOptions, run_batch
    from auditor.batch.sites import read_sites

    listing = out.parent / f"{out.name}-input"
    if isinstance(inputs[0], Path):
        listing.mkdir(parents=True)
        for flow in inputs:
            (listing / flow.name).symlink_to(flow)
    else:
        listing = listing.with_suffix(".txt")
        listing.write_text("\n".join(inputs) + "\n", encoding="utf-8")
    sites = read_sites(listing)
    out.mkdir(parents=True)
    ledger = Ledger(out)
    finished: list[tuple[float, str]] = []
    started = time.perf_counter()
    try:
        run_batch(sites, BatchOptions(out=out, concurrency=concurrency, site_timeout=SITE_TIMEOUT_S), ledger,
                  lambda row: finished.append((time.perf_counter() - started, row.status)))
    finally:
        ledger.close()
    wall = time.perf_counter() - started
    times = sorted(t for t, _ in finished)
    return Block("ours", len(sites), wall, times[0] if times else wall, times,
                 failed=sum(status != "complete" for _, status in finished) + len(sites) - len(finished))


# --- bare: a pool of plain Playwright processes -----------------------------------------------------------

def _bare_worker(jobs, results) -> None:
    """One pool process: one Chromium, then sites from the queue until None."""
    from overhead import _bare_path
    from playwright.sync_api import sync_playwright

    from auditor.flow.spec import load_flow
    from auditor.gather.browser import launch, resolve_browser

    with sync_playwright() as pw:
        browser = launch(pw, resolve_browser(None, pw))
        while (job := jobs.get()) is not None:
            flow_file, out = Path(job[0]), Path(job[1])
            (out / "screenshots").mkdir(parents=True)
            try:
                flow = load_flow(flow_file)
                _bare_path(browser, flow, flow.start, flow.path, out, "goal")
                _bare_path(browser, flow, flow.baseline.start or flow.start, flow.baseline.path, out, "baseline")
                ok = True
            except Exception:  # noqa: BLE001 - a site the bare run could not do: counted, never retried
                ok = False
            results.put((time.perf_counter(), ok))
        browser.close()


def run_bare(flows: list[Path], concurrency: int, out: Path) -> Block:
    spawn = multiprocessing.get_context("spawn")  # like dask's worker processes: nothing inherited
    jobs, results = spawn.Queue(), spawn.Queue()
    for i, flow in enumerate(flows):
        jobs.put((str(flow), str(out / f"{i:04d}")))
    for _ in range(concurrency):
        jobs.put(None)
    started = time.perf_counter()
    pool = [spawn.Process(target=_bare_worker, args=(jobs, results), daemon=True) for _ in range(concurrency)]
    for process in pool:
        process.start()
    done = [results.get(timeout=SITE_TIMEOUT_S * len(flows)) for _ in flows]
    for process in pool:
        process.join(timeout=30)
    wall = time.perf_counter() - started
    times = sorted(t - started for t, _ in done)
    return Block("bare", len(flows), wall, times[0], times, failed=sum(not ok for _, ok in done))


# --- memory ---------------------------------------------------------------------------------------------

def _is_chromium(proc: psutil.Process) -> bool:
    return "chrom" in proc.name().lower()


@contextmanager
def sampled_memory(memory: Memory, interval: float = 0.5):
    """Samples this process's descendants while the block runs; raises ``memory``'s peaks."""
    stop = threading.Event()

    def sample_once() -> None:
        me = psutil.Process()
        tree_rss, browsers = 0, {}
        procs = {}
        for proc in me.children(recursive=True):
            try:
                procs[proc.pid] = (proc, _is_chromium(proc), proc.ppid())
            except psutil.Error:
                continue
        for pid, (proc, chromium, ppid) in procs.items():
            try:
                info = proc.memory_full_info() if chromium else proc.memory_info()
            except psutil.Error:
                continue
            tree_rss += info.rss
            if not chromium:
                continue
            root = pid  # climb to the browser process: the Chromium whose parent is not Chromium
            while root in procs and procs[root][2] in procs and procs[procs[root][2]][1]:
                root = procs[root][2]
            try:
                renderer = "--type=renderer" in " ".join(proc.cmdline())
            except psutil.Error:
                renderer = False
            totals = browsers.setdefault(root, [0, 0, 0, 0])  # rss, pss, renderer rss, renderer pss
            totals[0] += info.rss
            totals[1] += info.pss
            if renderer:
                totals[2] += info.rss
                totals[3] += info.pss
        mb = 1024 * 1024
        memory.tree_rss = max(memory.tree_rss, tree_rss / mb)
        memory.browsers_seen = max(memory.browsers_seen, len(browsers))
        for rss, pss, r_rss, r_pss in browsers.values():
            memory.browser_rss = max(memory.browser_rss, rss / mb)
            memory.browser_pss = max(memory.browser_pss, pss / mb)
            memory.context_rss = max(memory.context_rss, r_rss / mb)
            memory.context_pss = max(memory.context_pss, r_pss / mb)

    def loop() -> None:
        while not stop.wait(interval):
            sample_once()

    sampler = threading.Thread(target=loop, daemon=True)
    sampler.start()
    try:
        yield memory
    finally:
        stop.set()
        sampler.join()


# --- the comparison -------------------------------------------------------------------------------------

def _rate(blocks: list[Block]) -> float:
    return 60 * sum(b.sites for b in blocks) / sum(b.wall_s for b in blocks)


def _steady_rate(blocks: list[Block]) -> float | None:
    sites = sum(len(b.finish_times) - 1 for b in blocks if len(b.finish_times) > 1)
    seconds = sum(b.finish_times[-1] - b.finish_times[0] for b in blocks if len(b.finish_times) > 1)
    return 60 * sites / seconds if seconds > 0 else None


def measure(concurrency: int, flows: list[Path], urls: list[str] | None, order: int, blocks: int,
            tmp: Path) -> dict:
    """Interleaved blocks of both sides at one concurrency: ABBA over halves (AB for one block)."""
    size = -(-len(flows) // blocks)
    chunks = [list(range(len(flows)))[i:i + size] for i in range(0, len(flows), size)]
    sides = ("ours", "bare") if order % 2 == 0 else ("bare", "ours")
    results: dict[str, list[Block]] = {"ours": [], "bare": []}
    memory = {"ours": Memory(), "bare": Memory()}
    for k, chunk in enumerate(chunks):
        for side in sides if k % 2 == 0 else sides[::-1]:
            out = tmp / f"c{concurrency}-{side}-{k}"
            with sampled_memory(memory[side]):
                if side == "ours":
                    block = run_ours([urls[i] for i in chunk] if urls else [flows[i] for i in chunk], concurrency, out)
                else:
                    block = run_bare([flows[i] for i in chunk], concurrency, out)
            results[side].append(block)
            print(f"  c={concurrency} {side:4s} block {k}: {block.sites} sites in {block.wall_s:.1f} s "
                  f"(first after {block.first_s:.1f} s, {block.failed} not as expected)", flush=True)
    ours, bare = _rate(results["ours"]), _rate(results["bare"])
    steady_ours, steady_bare = _steady_rate(results["ours"]), _steady_rate(results["bare"])
    return {
        "concurrency": concurrency, "sites": len(flows),
        "ours_sites_per_min": round(ours, 2), "bare_sites_per_min": round(bare, 2), "ratio": round(ours / bare, 3),
        "steady_ours_sites_per_min": round(steady_ours, 2) if steady_ours else None,
        "steady_bare_sites_per_min": round(steady_bare, 2) if steady_bare else None,
        "steady_ratio": round(steady_ours / steady_bare, 3) if steady_ours and steady_bare else None,
        "blocks": {side: [{k: v for k, v in asdict(b).items() if k != "finish_times"} for b in bs]
                   for side, bs in results.items()},
        "memory_mb": {side: {k: round(v, 1) for k, v in asdict(m).items()} for side, m in memory.items()},
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def site_folder_bytes(root: Path) -> dict:
    """The average and median size of the batch's site folders (the disk a crawl needs per site)."""
    sizes = [sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
             for out in root.glob("c*-ours-*") if (out / "sites").is_dir() for d in (out / "sites").iterdir()]
    stores = [(out / "consent-audit.db").stat().st_size for out in root.glob("c*-ours-*")
              if (out / "consent-audit.db").is_file()]
    site_count = max(len(sizes), 1)
    return {"site_folders": len(sizes), "mean_kb": round(statistics.mean(sizes) / 1024, 1) if sizes else None,
            "median_kb": round(statistics.median(sizes) / 1024, 1) if sizes else None,
            "store_kb_per_site": round(sum(stores) / site_count / 1024, 2) if stores else None}


def print_table(rows: list[dict]) -> dict:
    print()
    print(f"{'conc':>4s} {'ours/min':>9s} {'bare/min':>9s} {'ratio':>6s} {'steady':>7s} "
          f"{'browser RSS/PSS MB':>19s} {'context RSS/PSS MB':>19s} {'bare browser':>13s} {'tree MB':>8s}")
    for r in rows:
        ours, bare = r["memory_mb"]["ours"], r["memory_mb"]["bare"]
        steady = f"{r['steady_ratio']:.2f}" if r["steady_ratio"] else "-"
        print(f"{r['concurrency']:4d} {r['ours_sites_per_min']:9.1f} {r['bare_sites_per_min']:9.1f} "
              f"{r['ratio']:6.2f} {steady:>7s} {ours['browser_rss']:9.0f}/{ours['browser_pss']:<9.0f} "
              f"{ours['context_rss']:9.0f}/{ours['context_pss']:<9.0f} {bare['browser_rss']:6.0f}/{bare['browser_pss']:<6.0f} "
              f"{ours['tree_rss']:8.0f}")
    best = max(rows, key=lambda r: r["ours_sites_per_min"])
    verdict = "meets" if best["ratio"] >= TARGET else "misses"
    print(f"best concurrency for ours: {best['concurrency']} ({best['ours_sites_per_min']:.1f} sites/min); "
          f"ratio to the bare pool there {best['ratio']:.2f} ({verdict} the target >= {TARGET:.2f})")
    return {"concurrency": best["concurrency"], "ratio": best["ratio"], "meets_target": best["ratio"] >= TARGET}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200, help="sites per concurrency (default 200)")
    parser.add_argument("--concurrency", default="1,2,4,8", help="comma-separated (default 1,2,4,8)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 4 sites at concurrency 1, one block each")
    parser.add_argument("--urls", action="store_true", help="ours on URL input (explore, then audit)")
    parser.add_argument("--json", default=str(ROOT / "benchmarks/results/batch.json"),
                        help="where the figures are written ('' for nowhere)")
    parser.add_argument("--keep", type=Path, help="keep the batch folders here (default: a temporary folder)")
    args = parser.parse_args()
    count = 4 if args.quick else args.sites
    concurrencies = [1] if args.quick else [int(c) for c in args.concurrency.split(",")]
    blocks = 1 if args.quick else 2
    load_before = os.getloadavg()
    numbers = notice_sites(count)
    with serve_sites(numbers[-1] + 1, hostile=False) as all_urls, \
            tempfile.TemporaryDirectory(prefix="batch-bench-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        flows = write_flow_files(tmp / "flows", all_urls, numbers)
        urls = [all_urls[n] for n in numbers] if args.urls else None
        print(f"{count} sites ({'URL input' if args.urls else 'flow files'}), concurrency {concurrencies}, "
              f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f}", flush=True)
        rows = [measure(c, flows, urls, i, blocks, tmp) for i, c in enumerate(concurrencies)]
        disk = site_folder_bytes(tmp)
    best = print_table(rows)
    print(f"site folder: mean {disk['mean_kb']} KiB, median {disk['median_kb']} KiB over {disk['site_folders']} "
          f"folders; run store {disk['store_kb_per_site']} KiB per site")
    if args.json:
        figures = {
            "sites": count, "input": "urls" if args.urls else "flow files", "kinds": list(MEASURED_KINDS),
            "excluded": "hanging, looping and notice-less sites (on both sides)", "blocks_per_side": blocks,
            "rows": rows, "best": best, "target": TARGET, "disk": disk,
            "load_average": {"before": [round(x, 2) for x in load_before],
                             "after": [round(x, 2) for x in os.getloadavg()]},
            "cpus": os.cpu_count(), "memory_total_mb": round(psutil.virtual_memory().total / 2**20),
            "python": platform.python_version(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {path}")


if __name__ == "__main__":
    main()
