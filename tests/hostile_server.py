"""A fixture server for hostile-page tests: static files of fixtures/hostile/ plus misbehaving endpoints.

Test-only: it lives with the tests, not in auditor/gather/server.py, so the auditor's own server stays a plain
static server. Endpoints:

  /never-ends   200, a usable page whose response never ends (the 'load' event never fires)
  /no-answer    accepts the connection and never sends a byte
  /loop         302 to itself, forever
  /status/NNN   answers HTTP NNN with a small page
Everything else is a file under the served folder (a missing file is a plain 404).
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

NEVER_ENDS_PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Never ends</title></head>
<body><h1>We use your posts to train our AI</h1>
<button onclick="document.getElementById('r').textContent='Your objection is recorded'">Object</button>
<p id="r"></p>
<img src="/no-answer" alt="an image that never arrives">
"""


class _Handler(SimpleHTTPRequestHandler):
    stopping: threading.Event

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path.split("?", 1)[0]
        if path == "/never-ends":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(NEVER_ENDS_PAGE)
            self.wfile.flush()
            self._hold()
        elif path == "/no-answer":
            self._hold()
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path.startswith("/status/") and path[8:].isdigit():
            code = int(path[8:])
            body = f"<!DOCTYPE html><title>{code}</title><h1>Error {code}</h1><p>Something went wrong.</p>".encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def _hold(self) -> None:
        self.close_connection = True
        self.stopping.wait(120)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def hostile_server(folder: Path) -> Iterator[str]:
    stopping = threading.Event()
    handler = type("Handler", (_Handler,), {"stopping": stopping})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="hostile-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
