"""`consent-audit summary DIR`: the figures researchers publish about a finished (or running) batch.

table.py reads the batch's run store into one typed row per site; figures.py computes the aggregates and
text.py words them; plots.py draws them; page.py (HTML), markdown.py and terminal.py render them;
export.py writes the per-site table as CSV and Parquet; write.py ties one summary together.
docs/summary.md defines every figure.
"""
