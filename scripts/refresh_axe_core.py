"""Refresh tests/vendor/axe-core/: Deque's axe-core, the oracle tests/test_contrast.py checks our contrast
figures against (its ``color-contrast`` rule).

axe-core (Deque Systems; MPL-2.0) is fetched from the npm registry with ``npm pack`` at the pin below and
stored unchanged: ``axe.min.js``, its ``LICENSE`` and ``LICENSE-3RD-PARTY.txt``. Bump the pin, run this
from the repository root (needs npm and the network; the tests need neither), then update the version and
digest in tests/vendor/axe-core/SOURCES.md:

    .venv/bin/python scripts/refresh_axe_core.py
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

AXE_CORE_NPM = "axe-core@4.14.1"
FILES = {"package/axe.min.js": "axe.min.js", "package/LICENSE": "LICENSE",
         "package/LICENSE-3RD-PARTY.txt": "LICENSE-3RD-PARTY.txt"}
OUT = Path(__file__).resolve().parent.parent / "tests" / "vendor" / "axe-core"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", AXE_CORE_NPM], cwd=tmp, check=True, capture_output=True,
                              text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(Path(tmp) / name) as tar:
            for member, target in FILES.items():
                data = tar.extractfile(member)
                if data is None:
                    sys.exit(f"{member} is not in {AXE_CORE_NPM}")
                content = data.read()
                (OUT / target).write_bytes(content)
                print(f"{target}: {len(content)} bytes, sha256 {hashlib.sha256(content).hexdigest()}")


if __name__ == "__main__":
    main()
