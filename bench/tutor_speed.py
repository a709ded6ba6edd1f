"""Time from Ask to the tutor's first answer token, as a learner waits for it: the first
question of a visit and the later ones, with the tutor warmed up at start-up and without.

    flock /tmp/bigmodel.lock .venv/bin/python bench/tutor_speed.py [--dist dist] [--rounds 2]
        [--think 20] [--later 3] [--tutor MODEL] [--json out.json]

The real server (``python -m server``) serves a snapshot of ``--dist``, and Chromium runs
the real app in one persistent profile (one origin, so one model store for every variant).
Setup, not timed: the profile's first visit asks one question, accepts the download
consent and waits until both models are loaded, so they are in the model store, as for a
learner who downloaded them on an earlier visit. Then each round is one visit per variant
(a fresh browser on the same profile, variants interleaved): open ``#/topic/<topic>``,
wait until the app is
interactive, wait ``--think`` seconds (a learner reading before asking), ask the first
question, then ``--later`` more questions one after another, each after the previous
answer ended.

Variants: ``warm`` (as built: the tutor's stored models load when the app starts,
``Shell.warm_up``) and ``cold`` (the preference ``tutor_warm=off``: the tutor starts at the
first Ask, as before).

Figures, per question: **first token** is from the Ask (the form's submit, seen in the page)
to the first animation frame that shows answer text; **total** to the frame where the
exchange has its final status. From the worker's own generate result (an init script
listens to the worker's replies): prompt tokens, the tokens whose keys and values came from
the reused system-prefix cache, the worker's time to first token, and **prefill tok/s** =
(prompt − reused) / worker time to first token. **Main thread in long tasks**: how much of the
ask the page's main thread (where Python runs) spent in tasks of 50 ms or more (the
``longtask`` performance entries), time the worker's threads may have lost a core to.
Rows are medians over rounds (later
questions: over every later question of every round). The load average is printed at start
and end: the machine is shared, so trust a run only when it was low.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server_process import running  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ANSWER_TIMEOUT_MS = 600_000
VARIANTS = {"cold": "off", "warm": None}  # variant → the tutor_warm preference
TOPIC = "python.virtual-environments"
FIRST = "How do I create and activate a virtual environment with venv?"
LATER = (
    "What does pip freeze write, and why keep a requirements file?",
    "How do I leave the virtual environment when I am done?",
    "Why should the .venv folder not be committed to git?",
    "How is a venv different from installing packages globally?",
)
FINAL = ("done", "passages", "stopped", "failed", "uncovered")
WATCH = """
(final) => {
  const log = { asks: [], results: [], frames: [], longtasks: [] };
  window.__speed = log;
  // The page's main thread busy for 50 ms or more at a time (Python runs there).
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) log.longtasks.push([task.startTime, task.duration]);
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('submit', (event) => {
    if (event.target?.dataset?.action === 'ask') {
      const count = document.querySelectorAll('#tutor-log .exchange').length;
      log.asks.push({ at: performance.now(), count });
    }
  }, true);
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      this.addEventListener('message', (event) => {
        const reply = event.data;
        if (reply?.type === 'result' && reply.payload && 'prompt_tokens' in reply.payload) {
          const { text, ...figures } = reply.payload;
          log.results.push({ at: performance.now(), chars: text.length, ...figures });
        }
        if (reply?.type === 'result' && 'isolated' in (reply.payload ?? {})) log.hello = reply.payload;
      });
    }
  };
  const tick = () => {
    const ask = log.asks.at(-1);
    if (ask) {
      const exchange = document.querySelectorAll('#tutor-log .exchange')[ask.count];
      if (exchange) {
        const text = exchange.querySelector('.answer-text')?.textContent.trim();
        if (text && ask.first === undefined) ask.first = performance.now();
        const status = exchange.dataset.status;
        if (ask.phases === undefined) ask.phases = {};
        if (ask.phases[status] === undefined) ask.phases[status] = performance.now() - ask.at;
        if (ask.end === undefined && final.includes(exchange.dataset.status)) {
          ask.end = performance.now();
          ask.status = exchange.dataset.status;
        }
      }
    }
    const models = [...document.querySelectorAll('#tutor-status .model')];
    const [embedder, generator] = [models.at(0), models.at(-1)];
    if (generator && generator.dataset.phase === 'ready' && log.generatorReady === undefined) {
      log.generatorReady = performance.now();
    }
    if (embedder && embedder.dataset.phase === 'ready' && log.embedderReady === undefined) {
      log.embedderReady = performance.now();
    }
    if (document.getElementById('app')?.dataset.state === 'ready' && log.interactive === undefined) {
      log.interactive = performance.now();
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def snapshot(dist: Path, target: Path) -> Path:
    """A copy of ``dist`` that a site build running meanwhile cannot change: copied, the
    models hard-linked (only the model build writes them)."""
    shutil.copytree(dist, target, ignore=lambda folder, _: ["models"] if Path(folder) == dist else [])
    shutil.copytree(dist / "models", target / "models", copy_function=os.link)
    return target


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def open_app(playwright: Playwright, profile: Path, warm: str | None) -> tuple[BrowserContext, Page]:
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=ARGS, headless=True)
    context.add_init_script(f"({WATCH})({json.dumps(FINAL)})")
    # The preference as LocalPreferences keeps it, set before the app reads it.
    script = ("localStorage.removeItem('tropa.tutor_warm')" if warm is None
              else f"localStorage.setItem('tropa.tutor_warm', {json.dumps(warm)})")
    context.add_init_script(script)
    page = context.pages[0] if context.pages else context.new_page()
    return context, page


def ask(page: Page, question: str) -> dict[str, Any]:
    """Ask ``question`` and wait for its final status; the page's figures of this ask."""
    asked = int(page.evaluate("window.__speed.asks.length"))
    page.locator("#tutor-form textarea").fill(question)
    page.locator("#tutor-form .ask").click()
    page.wait_for_function(f"window.__speed.asks.length > {asked} && "
                           f"window.__speed.asks[{asked}].end !== undefined", timeout=ANSWER_TIMEOUT_MS)
    figures: dict[str, Any] = page.evaluate(f"window.__speed.asks[{asked}]")
    return figures


def setup(playwright: Playwright, profile: Path, url: str, query: str) -> None:
    """The profile's first visit: the models downloaded into the model store."""
    context, page = open_app(playwright, profile, "off")
    try:
        page.goto(f"{url}/{query}#/topic/{TOPIC}")
        page.wait_for_function("window.__speed.interactive !== undefined", timeout=ANSWER_TIMEOUT_MS)
        page.locator("#tutor-form textarea").fill(FIRST)
        page.locator("#tutor-form .ask").click()
        page.locator("#tutor-consent button.consent-download").click(timeout=120_000)
        # Stored once both are loaded (a load reads them from the model store).
        page.wait_for_function("window.__speed.generatorReady !== undefined && "
                               "window.__speed.embedderReady !== undefined", timeout=ANSWER_TIMEOUT_MS)
    finally:
        context.close()


def visit(playwright: Playwright, profile: Path, url: str, query: str, warm: str | None,
          think: float, later: int) -> dict[str, Any]:
    context, page = open_app(playwright, profile, warm)
    try:
        page.goto(f"{url}/{query}#/topic/{TOPIC}")
        page.wait_for_function("window.__speed.interactive !== undefined", timeout=ANSWER_TIMEOUT_MS)
        page.wait_for_timeout(think * 1000)
        asks = [ask(page, FIRST)]
        asks += [ask(page, LATER[n % len(LATER)]) for n in range(later)]
        log: dict[str, Any] = page.evaluate("window.__speed")
    finally:
        context.close()
    results = log["results"]
    rows = []
    for n, asked in enumerate(asks):
        # The generate results that arrived during this ask (a language retry adds one).
        mine = [r for r in results if asked["at"] <= r["at"] <= asked["end"]]
        first = mine[0] if mine else {}
        prefill = first.get("prompt_tokens", 0) - first.get("reused_tokens", 0)
        ttft = first.get("ttft_ms")
        rows.append({
            "question": "first" if n == 0 else "later",
            "status": asked["status"],
            "first_token_ms": asked["first"] - asked["at"] if asked.get("first") is not None else None,
            "total_ms": asked["end"] - asked["at"],
            "prompt_tokens": first.get("prompt_tokens"),
            "reused_tokens": first.get("reused_tokens"),
            "worker_ttft_ms": ttft,
            "prefill_tok_s": prefill / (ttft / 1000) if ttft else None,
            "decode_tok_s": ((first["tokens"] - 1) / ((first["ms"] - ttft) / 1000)
                             if ttft and first.get("tokens", 0) > 1 and first["ms"] > ttft else None),
            "generations": len(mine),
            "main_busy_ms": busy(log["longtasks"], asked["at"], asked["end"]),
            "phases": asked.get("phases", {}),
        })
    ready, embedder = log.get("generatorReady"), log.get("embedderReady")
    return {"rows": rows, "interactive_ms": log["interactive"],
            "generator_ready_ms": ready - log["interactive"] if ready is not None else None,
            "embedder_ready_ms": embedder - log["interactive"] if embedder is not None else None,
            "first_ask_ms": asks[0]["at"] - log["interactive"],
            "isolated": log.get("hello", {}).get("isolated"), "threads": log.get("hello", {}).get("threads")}


def busy(longtasks: list[list[float]], start: float, end: float) -> float:
    """Milliseconds of the main thread's long tasks that fall within [start, end]."""
    return sum(max(0.0, min(end, at + duration) - max(start, at)) for at, duration in longtasks)


def median(values: list[Any]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


def table(visits: dict[str, list[dict[str, Any]]]) -> list[str]:
    measures = [("first_token_ms", "Ask → first token, ms", "{:.0f}"),
                ("total_ms", "Ask → answer ended, ms", "{:.0f}"),
                ("prompt_tokens", "prompt tokens", "{:.0f}"),
                ("reused_tokens", "reused prefix tokens", "{:.0f}"),
                ("worker_ttft_ms", "worker time to first token, ms", "{:.0f}"),
                ("prefill_tok_s", "prefill tok/s (prompt − reused)", "{:.1f}"),
                ("decode_tok_s", "decode tok/s", "{:.1f}"),
                ("main_busy_ms", "page main thread in long tasks, ms", "{:.0f}")]
    names = list(visits)
    lines = [f"| question | measure | {' | '.join(names)} |", f"|---|---|{'---:|' * len(names)}"]
    for which in ("first", "later"):
        for key, label, fmt in measures:
            cells = []
            for name in names:
                values = [row[key] for v in visits[name] for row in v["rows"] if row["question"] == which]
                found = [x for x in values if x is not None]
                cell = fmt.format(median(values)) if found else "–"
                if len(found) > 1 and key in ("first_token_ms", "total_ms"):
                    cell += f" ({fmt.format(min(found))}–{fmt.format(max(found))})"
                cells.append(cell)
            lines.append(f"| {which} | {label} | {' | '.join(cells)} |")
    for key, label in (("embedder_ready_ms", "embedder ready, ms after interactive"),
                       ("generator_ready_ms", "generator ready, ms after interactive"),
                       ("first_ask_ms", "first Ask, ms after interactive")):
        cells = []
        for name in names:
            value = median([v[key] for v in visits[name]])
            cells.append("–" if value is None else f"{value:.0f}")
        lines.append(f"| visit | {label} | {' | '.join(cells)} |")
    statuses = {name: sorted({row["status"] for v in visits[name] for row in v["rows"]}) for name in names}
    lines.append(f"| visit | final statuses | {' | '.join(', '.join(s) for s in statuses.values())} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--think", type=float, default=20.0,
                        help="seconds between the app being interactive and the first Ask")
    parser.add_argument("--later", type=int, default=3, help="questions after the first, per visit")
    parser.add_argument("--tutor", default="", help="a generator id for ?tutor= (default: the app's own)")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not all((args.dist / need).is_file() for need in ("content/library.json", "models/manifest.json")):
        parser.error(f"{args.dist} has no content or models: run `make build`")
    query = f"?tutor={args.tutor}" if args.tutor else ""
    started, load_before = time.monotonic(), load_average()
    visits: dict[str, list[dict[str, Any]]] = {name: [] for name in args.variants}
    with tempfile.TemporaryDirectory(prefix="tutor-speed-") as temp, sync_playwright() as playwright:
        work = Path(temp)
        dist = snapshot(args.dist, work / "dist")
        # One server and one profile for every variant: the same origin, so the same model
        # store; the variants differ only in the preference set before each visit.
        with running(dist, f"sqlite:///{work}/tropa.db", work / "server.log") as url:
            print("setup: downloading the models into a fresh profile…", flush=True)
            setup(playwright, work / "profile", url, query)
            for round_ in range(args.rounds):
                for name in args.variants:
                    found = visit(playwright, work / "profile", url, query, VARIANTS[name],
                                  args.think, args.later)
                    visits[name].append(found)
                    for row in found["rows"]:
                        print(f"    {row['question']}: phases (ms after Ask) "
                              + ", ".join(f"{k} {v:.0f}" for k, v in row["phases"].items()), flush=True)
                    firsts = ", ".join(f"{row['first_token_ms']:.0f}" if row["first_token_ms"] is not None
                                       else row["status"] for row in found["rows"])
                    print(f"[{name}] round {round_ + 1}: first token ms {firsts}", flush=True)
    first = next(iter(visits.values()))[0]
    print(f"\nload average {load_before} at start, {load_average()} at end; "
          f"{(time.monotonic() - started) / 60:.1f} min; worker isolated={first['isolated']} "
          f"threads={first['threads']}; generator {args.tutor or 'the app default'}; "
          f"think {args.think:g} s; {args.rounds} rounds × (1 + {args.later}) questions")
    print("\n".join(table(visits)))
    if args.json:
        args.json.write_text(json.dumps(visits, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
