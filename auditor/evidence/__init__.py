"""Around the pipeline, evidence: the run folder, its sha256 manifest, the SQLite store of every run, and
diffs between runs. What a regulator keeps, checks and compares."""
