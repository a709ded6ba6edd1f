"""Serving dist/: media types, caching, conditional requests, Range, isolation headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings
from server.static import DistMissingError, cache_control_for
from tests.server.support.app import make_settings

FILES = {
    "index.html": b"<!doctype html><title>Tropa</title>",
    "app/main.py": b"print('hi')\n",
    "pyscript.toml": b"packages = []\n",
    "content/python.json": b'{"id": "python"}',
    "worker.mjs": b"export const x = 1;\n",
    "sw.js": b"self.addEventListener('fetch', () => {});\n",
    "vendor/pyodide/pyodide.asm.wasm": b"\x00asm\x01\x00\x00\x00",
    "models/embedder/model.onnx": bytes(range(256)) * 64,
    "assets/app.3f9a1c2e.css": b"body{}",
    "nested/index.html": b"<p>nested</p>",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    for name, data in FILES.items():
        path = dist / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dist


@pytest.fixture
def static_client(site: Path, tmp_path: Path) -> TestClient:
    settings = make_settings(f"sqlite:///{tmp_path}/static.db", site)
    return TestClient(create_app(settings))


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/vendor/pyodide/pyodide.asm.wasm", "application/wasm"),
        ("/worker.mjs", "text/javascript; charset=utf-8"),
        ("/sw.js", "text/javascript; charset=utf-8"),
        ("/app/main.py", "text/x-python; charset=utf-8"),
        ("/content/python.json", "application/json"),
        ("/pyscript.toml", "text/plain; charset=utf-8"),
        ("/models/embedder/model.onnx", "application/octet-stream"),
    ],
)
def test_media_types(static_client: TestClient, path: str, media_type: str) -> None:
    response = static_client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type


def test_index_served_at_root_and_in_folders(static_client: TestClient) -> None:
    assert static_client.get("/").content == FILES["index.html"]
    assert static_client.get("/nested/").content == FILES["nested/index.html"]


@pytest.mark.parametrize("path", ["/", "/sw.js", "/vendor/pyodide/pyodide.asm.wasm", "/nope"])
def test_every_response_is_cross_origin_isolated(static_client: TestClient, path: str) -> None:
    headers = static_client.get(path).headers
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["cross-origin-embedder-policy"] == "require-corp"
    assert headers["cross-origin-resource-policy"] == "same-origin"


@pytest.mark.parametrize(
    ("path", "cache"),
    [
        ("/vendor/pyodide/pyodide.asm.wasm", "public, max-age=31536000, immutable"),
        ("/assets/app.3f9a1c2e.css", "public, max-age=31536000, immutable"),
        ("/", "no-cache"),
        ("/sw.js", "no-cache"),
        ("/models/embedder/model.onnx", "no-cache"),
    ],
)
def test_cache_control(static_client: TestClient, path: str, cache: str) -> None:
    assert static_client.get(path).headers["cache-control"] == cache


def test_short_hex_is_not_a_content_hash() -> None:
    assert cache_control_for("app.3f9a1c2.js") == "no-cache"
    assert cache_control_for("app.3F9A1C2Ez.js") == "no-cache"
    assert cache_control_for("chunks/model.00ff00ff00.bin") == "public, max-age=31536000, immutable"


def test_etag_revalidation_gives_304(static_client: TestClient) -> None:
    first = static_client.get("/sw.js")
    etag = first.headers["etag"]
    assert first.headers["last-modified"]
    again = static_client.get("/sw.js", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cross-origin-embedder-policy"] == "require-corp"
    changed = static_client.get("/sw.js", headers={"if-none-match": '"other"'})
    assert changed.status_code == 200


def test_last_modified_revalidation_gives_304(static_client: TestClient) -> None:
    last_modified = static_client.get("/").headers["last-modified"]
    response = static_client.get("/", headers={"if-modified-since": last_modified})
    assert response.status_code == 304


def test_range_request_returns_the_slice(static_client: TestClient) -> None:
    whole = FILES["models/embedder/model.onnx"]
    response = static_client.get("/models/embedder/model.onnx", headers={"range": "bytes=100-299"})
    assert response.status_code == 206
    assert response.content == whole[100:300]
    assert response.headers["content-range"] == f"bytes 100-299/{len(whole)}"
    assert static_client.head("/models/embedder/model.onnx").headers["accept-ranges"] == "bytes"


def test_suffix_range_and_unsatisfiable_range(static_client: TestClient) -> None:
    whole = FILES["models/embedder/model.onnx"]
    tail = static_client.get("/models/embedder/model.onnx", headers={"range": "bytes=-10"})
    assert tail.status_code == 206
    assert tail.content == whole[-10:]
    beyond = static_client.get("/models/embedder/model.onnx", headers={"range": f"bytes={len(whole) + 5}-"})
    assert beyond.status_code == 416


def test_path_traversal_is_refused(static_client: TestClient, site: Path) -> None:
    (site.parent / "secret.txt").write_text("secret")
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/app/..%2f..%2fsecret.txt"]:
        response = static_client.get(path)
        assert response.status_code == 404
        assert b"secret" not in response.content


def test_missing_file_is_404_and_unknown_api_is_json_404(static_client: TestClient) -> None:
    assert static_client.get("/missing.js").status_code == 404
    response = static_client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["detail"] == "No API route /api/nothing-here"


def test_missing_dist_stops_start_up(tmp_path: Path) -> None:
    settings = Settings(dist_dir=tmp_path / "dist", database_url=f"sqlite:///{tmp_path}/x.db")
    with pytest.raises(DistMissingError, match=r"dist/ not found: run `make build`"):
        create_app(settings)
