"""Runs a batch's sites through dask.distributed and commits each one the moment it finishes.

A local batch starts a LocalCluster of ``concurrency`` single-thread worker processes (one browser each);
``--scheduler`` sends the same tasks to an existing cluster. Only the client writes the ledger, so the
store never sees two writers and a worker that dies loses at most the site it was running. Tasks are
submitted a window at a time, so a million-site list does not become a million futures at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from auditor.batch.ledger import Done, Ledger
from auditor.batch.sites import Site
from auditor.batch.task import SiteResult, SiteTask, run_site
from auditor.evidence.store import BatchSite
from auditor.suppression import Suppression

WINDOW_PER_WORKER = 2  # tasks queued per worker: enough to keep it busy, few enough to stop quickly
# A local cluster's processes share the machine with the browsers they drive, and on two cores every CPU
# cycle dask spends is one the browsers wait for. Its housekeeping is tuned for clusters of number
# crunchers: a stack sample of every thread each 10 ms (the dashboard's profile, which a batch does not
# open), an event-loop health tick each 20 ms, the worker's memory read each 100 ms and the scheduler's
# system monitor each 500 ms. A site takes seconds, so these run ten to fifty times less often here
# (measured on 20 generated sites at concurrency 1: the client's CPU per site fell from 99 to 38 ms, the
# worker's Python from 164 to 118 ms, a site from 1.92 to 1.76 s). A remote cluster's workers keep
# their own configuration (docs/scale.md gives the same settings as environment variables).
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    concurrency: int = 2
    site_timeout: float = 300.0
    goal: str = "reject"
    retry_incomplete: bool = False
    scheduler: str | None = None  # tcp://HOST:PORT of an existing cluster; None = a local one
    evidence_dir: Path | None = None  # site folders' root, shared by client and workers (default OUT/sites)
    browser: str | None = None
    suppressions: tuple[Suppression, ...] = ()  # the project's, read by the client; every site is judged with them

    @property
    def sites_root(self) -> Path:
        return (self.evidence_dir or self.out / "sites").resolve()

    @property
    def packs(self) -> bool:
        """A remote cluster without a shared folder sends each site's folder back zipped."""
        return self.scheduler is not None and self.evidence_dir is None


def pending(sites: list[Site], done: dict[str, Done], retry_incomplete: bool) -> list[Site]:
    """The sites still to run: those without a ledger row, and with --retry-incomplete the incomplete ones."""
    return [s for s in sites if s.key not in done or (retry_incomplete and done[s.key].status == "incomplete")]


def run_batch(sites: list[Site], options: BatchOptions, ledger: Ledger,
              on_commit: Callable[[BatchSite], None]) -> None:
    """Runs ``sites`` (already filtered by ``pending``) and commits each as it completes."""
    from distributed import as_completed

    from auditor.batch.worker import BrowserTeardown

    done = ledger.done()
    with _client(options) as client:
        client.register_plugin(BrowserTeardown())
        workers = max(len(client.scheduler_info().get("workers", {})), options.concurrency, 1)
        queue = iter(sites)
        running: dict = {}
        completed = as_completed()

        def submit_next() -> None:
            site = next(queue, None)
            if site is not None:
                future = client.submit(run_site, _task(site, options), pure=False)
                running[future.key] = site
                completed.add(future)

        for _ in range(workers * WINDOW_PER_WORKER):
            submit_next()
        for future in completed:
            site = running.pop(future.key)
            result = _result_of(future)
            run_dir = options.sites_root / site.slug
            if result.folder_zip is not None:
                _unpack(result.folder_zip, run_dir)
            on_commit(ledger.commit(site, result, run_dir, done.get(site.key)))
            submit_next()


def _task(site: Site, options: BatchOptions) -> SiteTask:
    return SiteTask(site=site, run_dir=str(options.sites_root / site.slug), goal=options.goal,
                    timeout=options.site_timeout, browser=options.browser, pack=options.packs,
                    local=options.scheduler is None, suppressions=options.suppressions)


def _result_of(future) -> SiteResult:
    """The task's result; a worker that died under it (and dask's retries with it) makes the site incomplete."""
    try:
        return future.result()
    except Exception as exc:
        return SiteResult(status="incomplete", reason=f"the worker running the site failed: {type(exc).__name__}: "
                          f"{str(exc)[:300]}", report_json=None, manifest_sha256=None, seconds=0.0, worker="?")


def _unpack(data: bytes, run_dir: Path) -> None:
    from auditor.batch.transport import unzip_folder
    from auditor.evidence.run_folder import prepare_run_dir

    prepare_run_dir(run_dir)
    unzip_folder(data, run_dir)


@contextmanager
def _client(options: BatchOptions) -> Iterator:
    import dask
    from distributed import Client, LocalCluster

    if options.scheduler is not None:
        with Client(options.scheduler, timeout="30s") as client:
            yield client
        return
    with dask.config.set(LOCAL_CLUSTER_CONFIG), \
            LocalCluster(n_workers=options.concurrency, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client
