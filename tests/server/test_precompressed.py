"""The server sends the build's precompressed copies by Accept-Encoding (server/precompressed.py),
with copies written by the real site build step (builder/compress.py)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient

from builder.compress import compress_tree
from server.app import create_app
from server.precompressed import accepts, qualities
from tests.server.support.app import make_settings

SCRIPT = b"export const words = '" + b"trail " * 2000 + b"';\n"
WASM = b"\x00asm\x01\x00\x00\x00" + bytes(4000)
FILES = {
    "index.html": b"<!doctype html><title>Tropa</title>" + b"<p>tropa</p>" * 500,
    "vendor/pkg@1.0.0/lib.mjs": SCRIPT,
    "vendor/pkg@1.0.0/lib.wasm": WASM,
    "models/m/model.onnx": os.urandom(4096),
    "app.0123456789ab.zip": os.urandom(2048),
}
EVERY = "gzip, deflate, br, zstd"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    for name, data in FILES.items():
        (dist / name).parent.mkdir(parents=True, exist_ok=True)
        (dist / name).write_bytes(data)
    compress_tree(dist, cache=None)
    return dist


@pytest.fixture
def client(site: Path, tmp_path: Path) -> TestClient:
    return TestClient(create_app(make_settings(f"sqlite:///{tmp_path}/db.sqlite", site)))


def raw_get(client: TestClient, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body exactly as sent (no decoding by the client)."""
    with client.stream("GET", path, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


def test_the_build_writes_copies_only_for_text_and_wasm(site: Path) -> None:
    copies = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in (".br", ".gz"))
    assert copies == ["index.html.br", "index.html.gz",
                      "vendor/pkg@1.0.0/lib.mjs.br", "vendor/pkg@1.0.0/lib.mjs.gz",
                      "vendor/pkg@1.0.0/lib.wasm.br", "vendor/pkg@1.0.0/lib.wasm.gz"]
    assert brotli.decompress((site / "index.html.br").read_bytes()) == FILES["index.html"]
    assert gzip.decompress((site / "vendor/pkg@1.0.0/lib.wasm.gz").read_bytes()) == WASM


@pytest.mark.parametrize(("accept", "coding", "decode"), [
    (EVERY, "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    ("br;q=0, *", "gzip", gzip.decompress),
    ("gzip;q=0.5, br;q=1.0", "br", brotli.decompress),
])
def test_a_copy_is_sent_with_its_encoding_and_the_original_type(
        client: TestClient, accept: str, coding: str, decode: object) -> None:
    status, headers, body = raw_get(client, "/vendor/pkg@1.0.0/lib.mjs", **{"accept-encoding": accept})
    assert status == 200
    assert headers["content-encoding"] == coding
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-length"] == str(len(body)) and len(body) < len(SCRIPT) / 10
    assert callable(decode) and decode(body) == SCRIPT
    assert headers["cross-origin-embedder-policy"] == "require-corp"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("accept", ["", "identity", "br;q=0, gzip;q=0", "zstd"])
def test_the_original_goes_to_a_client_that_takes_no_copy(client: TestClient, accept: str) -> None:
    status, headers, body = raw_get(client, "/vendor/pkg@1.0.0/lib.wasm", **{"accept-encoding": accept})
    assert (status, body) == (200, WASM)
    assert "content-encoding" not in headers
    assert headers["content-type"] == "application/wasm"
    assert headers["vary"] == "Accept-Encoding"  # the same URL has other representations


def test_the_page_at_slash_is_compressed_too(client: TestClient) -> None:
    status, headers, body = raw_get(client, "/", **{"accept-encoding": EVERY})
    assert status == 200 and headers["content-encoding"] == "br"
    assert brotli.decompress(body) == FILES["index.html"]
    assert headers["cache-control"] == "no-cache"


def test_each_encoding_has_its_own_etag(client: TestClient) -> None:
    tags = {accept: raw_get(client, "/index.html", **{"accept-encoding": accept})[1]["etag"]
            for accept in ("br", "gzip", "identity")}
    assert len(set(tags.values())) == 3
    status, headers, _ = raw_get(client, "/index.html",
                                 **{"accept-encoding": "br", "if-none-match": tags["br"]})
    assert status == 304 and headers["vary"] == "Accept-Encoding"
    # The brotli ETag does not validate the gzip representation.
    status, headers, body = raw_get(client, "/index.html",
                                    **{"accept-encoding": "gzip", "if-none-match": tags["br"]})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == FILES["index.html"]


def test_a_range_request_gets_bytes_of_the_original(client: TestClient) -> None:
    status, headers, body = raw_get(client, "/vendor/pkg@1.0.0/lib.mjs",
                                    **{"accept-encoding": EVERY, "range": "bytes=0-15"})
    assert (status, body) == (206, SCRIPT[:16])
    assert "content-encoding" not in headers


def test_files_without_copies_are_sent_as_they_are(client: TestClient) -> None:
    for path in ("/models/m/model.onnx", "/app.0123456789ab.zip"):
        status, headers, body = raw_get(client, path, **{"accept-encoding": EVERY})
        assert (status, body) == (200, FILES[path.lstrip("/")])
        assert "content-encoding" not in headers and "vary" not in headers


def test_a_copy_older_than_its_original_is_not_sent(client: TestClient, site: Path) -> None:
    changed = b"export const changed = true;\n"
    (site / "vendor/pkg@1.0.0/lib.mjs").write_bytes(changed)
    later = (site / "vendor/pkg@1.0.0/lib.mjs.br").stat().st_mtime_ns + 10**9
    os.utime(site / "vendor/pkg@1.0.0/lib.mjs", ns=(later, later))
    status, headers, body = raw_get(client, "/vendor/pkg@1.0.0/lib.mjs", **{"accept-encoding": EVERY})
    assert (status, body) == (200, changed)
    assert "content-encoding" not in headers


def test_accept_encoding_parsing() -> None:
    parsed = qualities("gzip;q=0.8, BR , identity;q=0, x;q=oops")
    assert parsed == {"gzip": 0.8, "br": 1.0, "identity": 0.0, "x": 0.0}
    assert accepts(parsed, "br") and accepts(parsed, "gzip") and not accepts(parsed, "x")
    assert not accepts(parsed, "zstd")
    assert accepts(qualities("*"), "zstd") and not accepts(qualities("*, br;q=0"), "br")
