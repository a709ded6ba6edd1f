"""Time until a topic's text is readable and until the app is interactive, with and
without the prerendered pages, cold, warm and offline.

    .venv/bin/python bench/boot.py [--dist dist] [--runs 3] [--json out.json]

The real server (``python -m server``) serves a copy of ``--dist`` as built
(``prerendered``; copied, since other builds may rewrite dist/ meanwhile; models left out,
no tutor is asked) and a copy whose ``index.html`` is the page as it was before
prerendering (``splash``: the boot splash in ``#app``, no page script; the rest the same).
For each run, Chromium opens ``/#/topic/<id>`` in a fresh persistent profile (``cold``:
nothing cached, no service worker), then in the same profile again (``warm``: HTTP cache
and the service worker's precache), then offline (``offline``: the service worker only).
An init script checks on every animation frame, from the document's creation, whether the
topic's title is shown in ``article.topic h1`` and ``#app`` is not hidden (``readable``)
and whether ``#app`` has ``data-state="ready"`` (``interactive``); each figure is
``performance.now()`` at that frame, milliseconds from the navigation's start. Medians of
``--runs`` runs, the runs of the two variants interleaved.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server_process import running  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 180_000
VISITS = ("cold", "warm", "offline")
WATCH = """
(title) => {
  const seen = {};
  window.__boot = seen;
  const tick = () => {
    const now = performance.now();
    const app = document.getElementById('app');
    const heading = document.querySelector('article.topic h1');
    if (seen.readable === undefined && app && heading && heading.textContent === title
        && getComputedStyle(app).visibility !== 'hidden') seen.readable = now;
    if (seen.interactive === undefined && app && app.dataset.state === 'ready') seen.interactive = now;
    if (seen.readable === undefined || seen.interactive === undefined) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""
SPLASH = re.compile(r'<template id="boot-splash">\s*(.*?)\s*</template>', re.S)
APP = re.compile(r'<div id="app" aria-live="polite">.*?</div>\n', re.S)
SCRIPT = re.compile(r'\s*<script src="/prerender\.[0-9a-f]+\.js"></script>')


def snapshot(dist: Path, target: Path) -> Path:
    """A copy of ``dist`` without its models."""
    shutil.copytree(dist, target, ignore=lambda folder, _: ["models"] if Path(folder) == dist else [])
    return target


def splash_copy(dist: Path, target: Path) -> Path:
    """A copy of ``dist`` with the page as before prerendering: the splash in ``#app``."""
    shutil.copytree(dist, target)
    for stale in target.glob("index.html*"):
        stale.unlink()
    page = (dist / "index.html").read_text(encoding="utf-8")
    found = SPLASH.search(page)
    if found is None or not APP.search(page) or not SCRIPT.search(page):
        raise SystemExit(f"{dist}/index.html has no prerendered page to take out: rebuild the site")
    splash = f'<div id="app" aria-live="polite">\n    {found.group(1)}\n  </div>\n'
    page = SCRIPT.sub("", APP.sub(lambda _: splash, page, count=1), count=1)
    (target / "index.html").write_text(page, encoding="utf-8")
    return target


def visit(playwright: Playwright, profile: Path, url: str, title: str, offline: bool) -> dict[str, float]:
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=ARGS, headless=True)
    try:
        context.add_init_script(f"({WATCH})({json.dumps(title)})")
        if offline:
            context.set_offline(True)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function("window.__boot && window.__boot.readable !== undefined "
                               "&& window.__boot.interactive !== undefined", timeout=TIMEOUT_MS)
        if not offline:  # the next visits need the shell in the service worker's precache
            page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=TIMEOUT_MS)
        result: dict[str, float] = page.evaluate("window.__boot")
        return result
    finally:
        context.close()


def first_topic(dist: Path) -> tuple[str, str]:
    library = json.loads((dist / "content/library.json").read_text(encoding="utf-8"))
    roadmap = next(r for r in library["roadmaps"] if r["id"] == "python" and r["lang"] == "en")
    topic_id = roadmap["sections"][1]["topics"][0]
    topic = next(t for t in library["topics"] if t["id"] == topic_id and t["lang"] == "en")
    return topic_id, topic["title"]


def measure(variants: dict[str, Path], work: Path, runs: int, topic: tuple[str, str]) -> dict[str, Any]:
    """variant → visit → {"readable": [ms...], "interactive": [ms...]}."""
    found: dict[str, Any] = {name: {v: {"readable": [], "interactive": []} for v in VISITS}
                             for name in variants}
    with sync_playwright() as playwright:
        for run in range(runs):
            for name, dist in variants.items():
                with running(dist, f"sqlite:///{work}/{name}-{run}.db", work / f"{name}.log") as url:
                    profile = work / f"profile-{name}-{run}"
                    for which in VISITS:
                        got = visit(playwright, profile, f"{url}/#/topic/{topic[0]}", topic[1],
                                    offline=which == "offline")
                        for key in ("readable", "interactive"):
                            found[name][which][key].append(got[key])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (args.dist / "content/library.json").is_file():
        parser.error(f"{args.dist}/content/library.json not found: run `make build`")
    topic = first_topic(args.dist)
    with tempfile.TemporaryDirectory(prefix="boot-") as temp:
        work = Path(temp)
        built = snapshot(args.dist, work / "dist")
        variants = {"splash": splash_copy(built, work / "splash-dist"), "prerendered": built}
        results = measure(variants, work, args.runs, topic)
    print(f"topic #/topic/{topic[0]}, median of {args.runs} runs, ms from navigation start")
    print(f"{'visit':<8} {'readable':>22} {'interactive':>22}")
    print(f"{'':<8} {'splash':>10} {'prerender':>11} {'splash':>10} {'prerender':>11}")
    for which in VISITS:
        row = [statistics.median(results[name][which][key])
               for key in ("readable", "interactive") for name in variants]
        print(f"{which:<8} {row[0]:>10.0f} {row[1]:>11.0f} {row[2]:>10.0f} {row[3]:>11.0f}")
    if args.json:
        args.json.write_text(json.dumps({"topic": topic[0], "runs": results}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
