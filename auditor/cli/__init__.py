"""consent-audit: the command line. It parses arguments, calls the library, and maps outcomes to exit codes
(auditor.cli.common lists them). One module a family of commands; each registers itself on the shared app.
"""

from __future__ import annotations

import sys

from auditor.cli import batch, catalogue, evidence, run, summary  # noqa: F401  (registers the commands)
from auditor.cli.common import Exit, app, err, save_log


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run like Ctrl-C: evidence kept, exit 3


def main() -> None:
    # typer/click report bad options with exit 2 themselves; SystemExit passes through untouched.
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except Exception:  # anything that escaped the guards
        log = save_log()
        err.print(f"internal error; details saved in {log}", highlight=False)
        sys.exit(int(Exit.INTERNAL))
