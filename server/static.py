"""Serving the built site from ``dist_dir`` with the types, caching and isolation
headers the browser app needs (PyScript, wasm, model chunks with Range requests)."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from starlette.datastructures import URL, Headers
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from server import precompressed

MEDIA_TYPES = {
    ".html": "text/html",
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".py": "text/x-python",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".toml": "text/plain",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".onnx": "application/octet-stream",
    ".bin": "application/octet-stream",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".tar": "application/x-tar",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# name.<8 or more hex>.ext, e.g. app.3f9a1c2e.js or chunk-0.deadbeefcafe.bin
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.[A-Za-z0-9]+$")


class DistMissingError(RuntimeError):
    pass


def media_type_for(path: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def cache_control_for(relative_path: str) -> str:
    """Immutable for versioned vendor files and content-hashed names, revalidate otherwise."""
    parts = PurePosixPath(relative_path).parts
    if parts and parts[0] == "vendor":
        return IMMUTABLE
    if HASHED_NAME.search(parts[-1] if parts else ""):
        return IMMUTABLE
    return REVALIDATE


class DistFiles(StaticFiles):
    """StaticFiles with our media types and Cache-Control; ETag, Last-Modified, 304 and
    Range (206/416) come from Starlette's FileResponse and StaticFiles."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise DistMissingError(f"{directory}/ not found: run `make build`")
        self.root = directory.resolve()
        super().__init__(directory=directory, html=True, check_dir=True)

    async def get_response(self, path: str, scope: Scope) -> Response:
        """As StaticFiles, but a directory redirects to a path on this site (``/docs`` to
        ``/docs/``), never to the Host header's site, and never to ``//other`` (which a
        browser reads as another host)."""
        response = await super().get_response(path, scope)
        if isinstance(response, RedirectResponse):
            url = URL(scope=scope)
            location = "/" + url.path.lstrip("/") + "/" + (f"?{url.query}" if url.query else "")
            return RedirectResponse(location, status_code=response.status_code)
        return response

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        relative = Path(full_path).resolve().relative_to(self.root).as_posix()
        choice = precompressed.choose(Path(full_path), stat_result, Headers(scope=scope))
        response = FileResponse(
            choice.path,
            status_code=status_code,
            stat_result=choice.stat,
            media_type=media_type_for(relative),
            headers={"cache-control": cache_control_for(relative), **choice.headers},
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response
