"""The model's quiz questions in the real page: how many the on-device generator writes
for a topic, how many pass the key check (as written or re-keyed), how many are dropped,
and how long its turn takes.

    .venv/bin/python bench/quiz_model.py [--topics git.bisect python.loops ...] [--json out.json]

The real server serves dist/; Chromium opens the first topic, asks the tutor one
question (that loads the embedder and the generator, after the download consent), then
for each topic starts its quiz and presses "Add questions written by the on-device
model" and reads the page's own account of the turn (``#quiz-model-status``'s
data: asked, parsed, verified, re-keyed, dropped, cut by the budget, seconds, and why
each dropped reply was dropped). Every
topic of the library would take hours on two cores (up to the 90 s budget a topic), so
it runs on a sample, by default two per trail.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server_process import running  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def sample(library: dict[str, Any], per_trail: int) -> list[str]:
    chosen: list[str] = []
    for roadmap in library["roadmaps"]:
        if roadmap["lang"] != "en":
            continue
        ids = [tid for section in roadmap["sections"] for tid in section["topics"]]
        step = max(1, len(ids) // per_trail)
        chosen += ids[step // 2::step][:per_trail]
    return chosen


def load_models(page: Page, topic: str) -> float:
    started = time.monotonic()
    page.goto(f"/#/topic/{topic}")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=180_000)
    page.locator("#tutor-form textarea").fill("What is this topic about?")
    page.locator("#tutor-form .ask").click()
    consent = page.locator("#tutor-consent button.consent-download")
    exchange = page.locator("#tutor-log .exchange").last
    expect(consent.or_(exchange)).to_be_visible(timeout=60_000)
    if consent.is_visible():
        consent.click()
    expect(exchange).to_have_attribute("data-status", re.compile("done|stopped|passages"),
                                       timeout=15 * 60_000)
    return time.monotonic() - started


def model_turn(page: Page, topic: str) -> dict[str, Any]:
    page.evaluate("hash => { location.hash = hash }", f"#/topic/{topic}")
    expect(page.locator("article.topic")).to_have_attribute("data-topic", topic)
    page.locator("section.quiz button.quiz-start").click()
    page.locator("#quiz-stage .ask-model").click()
    status = page.locator("#quiz-model-status")
    expect(status).to_have_attribute("data-state", re.compile("done|unavailable|failed"), timeout=5 * 60_000)
    if status.get_attribute("data-state") != "done":
        return {"topic": topic, "error": status.inner_text()}
    row: dict[str, Any] = {"topic": topic}
    for name in ("asked", "parsed", "verified", "rekeyed", "dropped", "cut"):
        row[name] = int(status.get_attribute(f"data-{name}") or 0)
    row["seconds"] = float(status.get_attribute("data-seconds") or 0)
    row["why"] = [w for w in (status.get_attribute("data-why") or "").split(" | ") if w]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topics", nargs="*", help="topic ids (default: a sample of each trail)")
    parser.add_argument("--per-trail", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    library = json.loads((ROOT / "dist/content/library.json").read_text(encoding="utf-8"))
    topics = args.topics or sample(library, args.per_trail)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work, \
            running(ROOT / "dist", f"sqlite:///{work}/bench.db", Path(work) / "server.log") as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(base_url=url, service_workers="block")
        page = context.new_page()
        print(f"models loaded by the tutor in {load_models(page, topics[0]):.0f} s", flush=True)
        for topic in topics:
            row = model_turn(page, topic)
            rows.append(row)
            print(row, flush=True)
        browser.close()
    done = [r for r in rows if "asked" in r]
    asked = sum(r["asked"] for r in done)
    verified = sum(r["verified"] for r in done)
    rekeyed = sum(r["rekeyed"] for r in done)
    dropped = sum(r["dropped"] for r in done)
    parsed = sum(r["parsed"] for r in done)
    print(f"topics {len(done)}/{len(rows)}; asked {asked}; parsed {parsed}; verified {verified} "
          f"({100 * verified / max(asked, 1):.0f}%, of which re-keyed {rekeyed}); "
          f"dropped {dropped} ({100 * dropped / max(asked, 1):.0f}%, of which cut by the budget "
          f"{sum(r['cut'] for r in done)}); "
          f"seconds per turn: {[r['seconds'] for r in done]}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
