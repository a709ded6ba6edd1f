"""Bytes a learner's browser downloads on a first and a second visit, with and without the
build's precompressed copies.

    .venv/bin/python bench/first_visit.py [--dist dist] [--json out.json]

For each variant the real server (``python -m server``) serves the dist: ``compressed``
is ``--dist`` as built (with its ``.br``/``.gz`` copies), ``plain`` a hard-linked copy
without them. Chromium opens ``/`` in a fresh persistent profile and waits until the app
has booted (``#app[data-state]`` is ready or error) and the service worker controls the
page (its precache is complete by then); then the browser is closed and the same
profile opens ``/`` again. Bytes are Chromium's own counts of what arrived over the
network for each request (encoded body + headers, ``Request.sizes()``), split into the
page's requests (the page and its workers) and the service worker's own (its precache
download); answers the service worker served from its cache count 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from playwright.sync_api import Request, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server_process import running  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
BOOT_TIMEOUT_MS = 180_000


def plain_copy(dist: Path, target: Path) -> Path:
    """``dist`` without its precompressed copies (hard links where possible)."""
    def link(source: str, dest: str) -> None:
        try:
            os.link(source, dest)
        except OSError:
            shutil.copy2(source, dest)

    shutil.copytree(dist, target, copy_function=link, ignore=shutil.ignore_patterns("*.br", "*.gz"))
    return target


def tally(requests: list[Request]) -> dict[str, Any]:
    """Network bytes by who asked (page / service worker), with the largest files."""
    totals: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    files: list[tuple[int, str]] = []
    for request in requests:
        response = request.response()
        if response is None or response.from_service_worker:
            continue
        sizes = request.sizes()
        size = max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        who = "service_worker" if request.service_worker else "page"
        totals[who] += size
        counts[who] += 1
        files.append((size, f"{who}: {request.url.split('/', 3)[-1]} ({response.status})"))
    files.sort(reverse=True)
    listing = [f"{s:>10} {n}" for s, n in files]
    return {"bytes": dict(totals), "requests": dict(counts), "total_bytes": sum(totals.values()),
            "largest": listing[:8], "files": listing}


def visit(playwright: Any, profile: Path, url: str) -> dict[str, Any]:
    """One visit of ``url`` in the persistent ``profile``; the bytes it took."""
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=ARGS, headless=True)
    finished: list[Request] = []
    context.on("requestfinished", lambda request: finished.append(request))
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(url + "/")
        page.wait_for_selector("#app[data-state=ready], #app[data-state=error]", timeout=BOOT_TIMEOUT_MS)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT_MS)
        state = page.evaluate("document.getElementById('app').dataset.state")
        result = tally(finished)
        result["app_state"] = state
        return result
    finally:
        context.close()


def measure(dist: Path, work: Path) -> dict[str, Any]:
    with running(dist, f"sqlite:///{work}/bench.db", work / "server.log") as url, \
            sync_playwright() as playwright:
        profile = work / "profile"
        return {"first": visit(playwright, profile, url), "second": visit(playwright, profile, url)}


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (args.dist / "index.html").is_file():
        parser.error(f"{args.dist}/index.html not found: run `make build`")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="first-visit-") as temp:
        work = Path(temp)
        variants = {"plain": plain_copy(args.dist, work / "plain-dist"), "compressed": args.dist}
        for name, dist in variants.items():
            (work / name).mkdir()
            results[name] = measure(dist, work / name)
    print(f"{'variant':<11} {'visit':<7} {'page':>10} {'sw precache':>12} {'total':>10}  requests (page/sw)")
    for name, visits in results.items():
        for which, tallied in visits.items():
            got = tallied["bytes"]
            print(f"{name:<11} {which:<7} {mb(got.get('page', 0)):>10} "
                  f"{mb(got.get('service_worker', 0)):>12} "
                  f"{mb(tallied['total_bytes']):>10}  {tallied['requests'].get('page', 0)}/"
                  f"{tallied['requests'].get('service_worker', 0)}  app {tallied['app_state']}")
    for name in results:
        print(f"\nlargest downloads, first visit, {name}:")
        print("\n".join(results[name]["first"]["largest"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
