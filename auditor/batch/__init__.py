"""`consent-audit batch`: many sites through one pipeline, on one machine or a dask.distributed cluster.

sites (what to audit) -> task (one site inside a worker, its browser kept across sites) -> runner (dask:
a local cluster or an existing scheduler) -> ledger (the client commits each finished site at once, so a
killed batch resumes without redoing or losing a site). /work/coord/BATCH_API.md and docs/batch.md give
the folder layout and the ledger's contract.
"""
