"""Refresh auditor/aftermath_data/: the tracker list and the cookie database of the after-choice checks.

- EasyPrivacy (the EasyList authors; GPL-3.0+ or CC-BY-SA-3.0+), as Debian ships it inside
  ``webext-ublock-origin-chromium`` (uBlock Origin's bundled copy): fetched with ``apt-get download``.
- The Open Cookie Database (jkwakman, Apache-2.0), as vendored by the npm package
  ``@slashgear/gdpr-cookie-scanner`` (MIT): fetched with ``npm pack``.

Both are pinned below; bump a pin, run this from the repository root (needs apt-get, npm and the network;
the tests need none of them), then update the versions and digests in auditor/aftermath_data/SOURCES.md:

    .venv/bin/python scripts/refresh_aftermath_data.py

The files are stored gzip-compressed without timestamps, so a rerun with the same pins is byte-identical.
"""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

UBLOCK_DEB = "webext-ublock-origin-chromium=1.67.0+dfsg-1~deb12u1"
EASYPRIVACY_IN_DEB = "usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easyprivacy.txt"
COOKIE_SCANNER_NPM = "@slashgear/gdpr-cookie-scanner@3.8.2"
COOKIE_DB_IN_NPM = "package/src/data/open-cookie-database.json"
OUT = Path(__file__).resolve().parent.parent / "auditor" / "aftermath_data"


def _store(data: bytes, name: str) -> None:
    (OUT / name).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


def _easyprivacy(work: Path) -> bytes:
    subprocess.run(["apt-get", "download", UBLOCK_DEB], cwd=work, check=True)
    deb = next(work.glob("webext-ublock-origin-chromium_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "deb")], check=True)
    return (work / "deb" / EASYPRIVACY_IN_DEB).read_bytes()


def _cookie_db(work: Path) -> bytes:
    name = subprocess.run(["npm", "pack", COOKIE_SCANNER_NPM], cwd=work, check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]
    with tarfile.open(work / name) as tar:
        member = tar.extractfile(COOKIE_DB_IN_NPM)
        if member is None:
            sys.exit(f"{COOKIE_DB_IN_NPM} is not in {COOKIE_SCANNER_NPM}")
        return member.read()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _store(_easyprivacy(work), "easyprivacy.txt.gz")
        _store(_cookie_db(work), "open-cookie-database.json.gz")


if __name__ == "__main__":
    main()
