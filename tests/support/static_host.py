"""dist/ from a plain static file server, as a static host or a CDN serves it: Python's
``http.server`` with the file types the page needs and, unless told otherwise, the
cross-origin isolation headers README asks a static host for. Nothing else: no API, no
precompressed copies, no cache rules.

>>> with serving(Path("dist")) as url:
...     urllib.request.urlopen(url + "/index.html")          # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

# The headers README's static-host section names (server/security.py sends them too).
ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}
TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".webmanifest": "application/manifest+json",
         ".toml": "text/plain", ".svg": "image/svg+xml"}


class _Handler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def __init__(self, *args: Any, isolated: bool, cors: bool = False, **kwargs: Any) -> None:
        self.isolated = isolated
        self.cors = cors
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        if self.cors:  # as raw.githubusercontent.com and most CDNs answer
            self.send_header("Access-Control-Allow-Origin", "*")
        if self.isolated:
            for name, value in ISOLATION.items():
                self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(directory: Path, *, isolated: bool = True, cors: bool = False) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port in a thread; yield its URL. ``cors``:
    any origin may read the files (a course pack's host, tests/app/ui/test_packs.py)."""
    handler = partial(_Handler, directory=str(directory), isolated=isolated, cors=cors)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
