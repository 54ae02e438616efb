""""Now in UTC", defined once: the timestamps of traces, run folders and reports all read this clock."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second (``2026-11-30T14:58:02+00:00``)."""
    return datetime.now(UTC).isoformat(timespec="seconds")
