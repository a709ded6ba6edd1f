"""The tutor's quality on a question set of our own, through the real page and ML worker.

The questions, their gold topics and key facts are in ``bench/data/tutor_quality.json``
(EN and RU over the three trails, Russian questions on the English-only Git and SQL trails,
off-topic questions, follow-ups, exercise and plan requests). Every key fact is checked
against its gold topic's Markdown first, so a fact the library does not hold cannot be
asked for.

    .venv/bin/python bench/tutor_quality.py --retrieval-only    # the page, no generator (fast)
    .venv/bin/python bench/tutor_quality.py                     # also generates every answer
    .venv/bin/python bench/tutor_quality.py --cpython           # no browser: native embedder

The page is the built site (``dist/``) served by the real server on a fixed port, in
Chromium with a persistent profile (``--profile``; the model store in IndexedDB keeps the
models between runs, so only the first run downloads them). The learner's own database
(conversations, preferences) is deleted before each pass; the models' database is kept.

Passes:
- ``retrieval``: the address names a generator that does not exist (``?tutor=none``), so
  the tutor answers with its retrieved passages only; each question is asked on its trail's
  page (``scoped``) and on the library page (``library``), in file order, so a follow-up is
  asked right after the question it follows (the others also follow the one before them,
  as they would for a learner: the follow-up rule decides).
- ``answer`` (unless ``--retrieval-only``): the default generator, each question asked once
  on its trail's page; the answer's text, its sources, the prompt the page posted to the
  worker and the worker's result (prompt tokens, its time to first token) are recorded.

Figures: retrieval hit@1 / hit@3 / MRR of the gold topic among the topics the exchange shows
(its passages, or for a refusal the related topics), scoped and library-wide, per language
and for Russian questions on English-only trails; off-topic refusal rate (status
``uncovered``) and on-topic refusal rate; the intent of exercise and plan requests; with
answers: gold topic cited, answers with inline ``[n]`` markers, markers pointing past the
prompt's passages, language match (``app.core.tutor.answer.in_language``), key-fact recall,
prompt tokens, time from Ask to the first answer token and to the end (the page's clock).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.tutor.answer import in_language  # noqa: E402

DATA = ROOT / "bench" / "data" / "tutor_quality.json"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ON_TOPIC = ("question", "follow-up", "exercise")
FINAL = ("done", "stopped", "passages", "uncovered", "failed")
ENGLISH_ONLY = ("git", "sql")
BOOT_MS = 180_000
ANSWER_MS = 8 * 60_000
LEARNER_DB = "tropa"

# Installed before the page's scripts: every generate request posted to the ML worker and
# every result it sends back, and for each exchange of the tutor's log the page-clock time
# its answer text first appeared and its status became final.
RECORD = """
window.__bench = {generate: [], results: [], seen: {}};
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.type === 'generate') {
    window.__bench.generate.push({id: message.id, at: performance.now(),
                                  messages: message.payload.messages});
    if (!this.__benchListening) {
      this.__benchListening = true;
      this.addEventListener('message', (event) => {
        const reply = event.data;
        if (reply && reply.type === 'result' && reply.payload && 'prompt_tokens' in reply.payload)
          window.__bench.results.push({id: reply.id, at: performance.now(), ...reply.payload});
      });
    }
  }
  return post.call(this, message, ...rest);
};
const watch = () => {
  const now = performance.now();
  const target = window.__bench.watch;  // {key, index}: the exchange being timed
  const li = target && document.querySelectorAll('#tutor-log .exchange')[target.index];
  if (li) {
    const seen = window.__bench.seen[target.key] || (window.__bench.seen[target.key] = {});
    const text = li.querySelector('.answer-text');
    if (seen.first === undefined && text && text.textContent.trim()) seen.first = now;
    if (seen.final === undefined && FINAL.includes(li.dataset.status)) seen.final = now;
  }
  requestAnimationFrame(watch);
};
requestAnimationFrame(watch);
""".replace("FINAL", json.dumps(list(FINAL)))


def load_questions(path: Path = DATA) -> list[dict[str, Any]]:
    """The question set, checked: ids unique, a follow-up right after the question it
    follows on the same trail, every key fact present in its gold topic's Markdown."""
    questions: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["questions"]
    ids = [q["id"] for q in questions]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{path}: duplicate question ids")
    for before, question in zip([None, *questions], questions, strict=False):
        if question["kind"] == "follow-up" and (
                before is None or before["id"] != question.get("after")
                or before["trail"] != question["trail"]):
            raise SystemExit(f"{path}: follow-up {question['id']} must come right after "
                             f"{question.get('after')} on the same trail")
        if question["gold"]:
            trail, slug = question["gold"].split(".")
            text = "".join(p.read_text(encoding="utf-8") for p in
                           (ROOT / "content").glob(f"*/{trail}/{slug}.md")).lower()
            for fact in question["facts"]:
                if not any(spelling.lower() in text for spelling in fact):
                    raise SystemExit(f"{path}: {question['id']}: no spelling of {fact} is in "
                                     f"{question['gold']}")
    return questions


# -- the page ----------------------------------------------------------------------------------

def topic_of(href: str) -> str:
    return href.rsplit("/", 1)[-1]


def set_language(page: Any, lang: str) -> None:
    name = {"en": "English", "ru": "Русский"}[lang]
    button = page.get_by_role("button", name=name, exact=True)
    if button.count() and button.first.get_attribute("aria-pressed") != "true":
        button.first.click()
        page.wait_for_function(f"document.documentElement.lang === {json.dumps(lang)}",
                               timeout=30_000)


def ask(page: Any, question: str, key: str, timeout_ms: int) -> dict[str, Any]:
    """Ask in the panel; wait for the exchange's final status; what it shows."""
    log = page.locator("#tutor-log .exchange")
    # The panel stays busy until the last exchange is saved on the device.
    page.locator("#tutor-form .ask:not([disabled])").wait_for(timeout=timeout_ms)
    before = log.count()
    page.locator("#tutor-form textarea").fill(question)
    page.evaluate(f"window.__bench.watch = {{key: {json.dumps(key)}, index: {before}}}")
    asked = page.evaluate("performance.now()")
    page.locator("#tutor-form .ask").click(timeout=60_000)
    consent = page.locator("#tutor-consent button.consent-download")
    deadline = time.monotonic() + 120
    while log.count() <= before:
        if consent.count() and consent.first.is_visible():
            consent.first.click()
        if time.monotonic() > deadline:
            raise RuntimeError(f"no exchange began for {question!r}")
        page.wait_for_timeout(100)
    exchange = log.nth(before)
    page.wait_for_function(
        f"(window.__bench.seen[{json.dumps(key)}] || {{}}).final !== undefined",
        timeout=timeout_ms)
    shown = exchange.evaluate("""(li) => ({
      status: li.dataset.status, intent: li.dataset.intent,
      passages: [...li.querySelectorAll('.passages li a')].map(a => a.getAttribute('href')),
      related: [...li.querySelectorAll('.related a')].map(a => a.getAttribute('href')),
      sources: [...li.querySelectorAll('.sources a')].map(a => a.dataset.topic),
      cites: [...li.querySelectorAll('.answer-text a.cite')].map(a => a.getAttribute('href')),
      text: (li.querySelector('.answer-text') || {innerText: ''}).innerText,
      notice: (li.querySelector('.notice') || {innerText: ''}).innerText})""")
    seen = page.evaluate(f"window.__bench.seen[{json.dumps(key)}]")
    shown["ranked"] = list(dict.fromkeys(topic_of(h) for h in shown["passages"] + shown["related"]))
    shown["first_ms"] = seen["first"] - asked if "first" in seen else None
    shown["total_ms"] = seen["final"] - asked
    return shown


def open_page(context: Any, url: str, path: str) -> Any:
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url + path)
    page.locator("#app[data-state='ready']").wait_for(state="attached", timeout=BOOT_MS)
    return page


def forget_learner(context: Any, url: str) -> None:
    """Delete the learner's database (conversations, preferences) and the service worker
    with its precache, keep the models' store. A kept service worker would go on serving
    the app of an earlier build (a new version waits for the learner's Update), so the
    run would measure old code."""
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url + "/healthz")
    cdp = context.new_cdp_session(page)
    cdp.send("Storage.clearDataForOrigin",
             {"origin": url, "storageTypes": "service_workers,cache_storage"})
    cdp.detach()
    page.evaluate(f"""() => new Promise((done, fail) => {{
      const request = indexedDB.deleteDatabase({json.dumps(LEARNER_DB)});
      request.onsuccess = () => done(true); request.onerror = () => fail(request.error);
      request.onblocked = () => done(false); }})""")


def run_pass(context: Any, url: str, questions: Sequence[dict[str, Any]], scope: str,
             generator: str, timeout_ms: int, echo: Callable[[str], None]) -> list[dict[str, Any]]:
    forget_learner(context, url)
    rows = []
    page = None
    for n, question in enumerate(questions):
        path = f"/?tutor={generator}" + (f"#/roadmap/{question['trail']}" if scope == "scoped"
                                         else "#/")
        if page is None or page.url != url + path:
            page = open_page(context, url, path)
        set_language(page, question["lang"])
        generated = page.evaluate("window.__bench.generate.length")
        results = page.evaluate("window.__bench.results.length")
        try:
            # The first question of a fresh profile downloads and compiles the models.
            shown = ask(page, question["q"], f"{scope}-{n}", timeout_ms if n else ANSWER_MS)
        except Exception as error:  # one stuck question must not lose the run: count it
            echo(f"{scope:7} {question['id']:16} ERROR {type(error).__name__}: {error}"[:300])
            rows.append({"id": question["id"], "scope": scope, "status": "error", "intent": "",
                         "ranked": [], "sources": [], "cites": [], "text": "", "passages": [],
                         "first_ms": None, "total_ms": None, "prompts": [], "results": []})
            page = None  # open it again
            continue
        shown["prompts"] = page.evaluate(f"window.__bench.generate.slice({generated})")
        shown["results"] = page.evaluate(f"window.__bench.results.slice({results})")
        row = {"id": question["id"], "scope": scope, **shown}
        rows.append(row)
        echo(f"{scope:7} {question['id']:16} {row['status']:9} {row['intent']:7} "
             f"{(row['total_ms'] or 0) / 1000:6.1f}s  {row['ranked'][:3]}")
    return rows


def answer_sample(questions: list[dict[str, Any]], every: int) -> list[dict[str, Any]]:
    """Every ``every``-th question, and each follow-up with the question it follows (the
    whole set with 1): generating takes most of a run."""
    chosen = {q["id"] for i, q in enumerate(questions) if i % every == 0}
    chosen |= {q["id"] for q in questions if q["kind"] == "follow-up"}
    chosen |= {q["after"] for q in questions if q["kind"] == "follow-up"}
    return [q for q in questions if q["id"] in chosen]


def snapshot(dist: Path, target: Path) -> Path:
    """A copy of ``dist`` to serve, so that a rebuild meanwhile does not change what the
    page reads mid-run; the models are hard links (they are only ever replaced whole)."""
    shutil.copytree(dist, target, ignore=lambda folder, _: ["models"] if Path(folder) == dist else [])
    shutil.copytree(dist / "models", target / "models", copy_function=os.link)
    return target


def browse(args: argparse.Namespace, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    from tests.support.server_process import running

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work, \
            running(snapshot(args.dist, Path(work) / "dist"), f"sqlite:///{work}/bench.db",
                    Path(work) / "server.log", port=args.port) as url, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            args.profile, executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context.add_init_script(RECORD)
            for scope in ("scoped", "library"):
                rows += run_pass(context, url, questions, scope, "none", 120_000, print)
            if not args.retrieval_only:
                answered = run_pass(context, url, answer_sample(questions, args.answer_every),
                                    "scoped", args.generator, ANSWER_MS, print)
                rows += [{**row, "scope": "answer"} for row in answered]
        finally:
            context.close()
    return rows


# -- without a browser -----------------------------------------------------------------------

def native(questions: list[dict[str, Any]], lexical: bool = True) -> list[dict[str, Any]]:
    """The retrieval pass in CPython: the built ONNX embedder natively, the app's ranking
    and floor, the follow-up rule on the question before (fast, for iterating; the
    browser's int8 vectors differ slightly)."""
    from app.core.tutor import retrieval
    from app.core.tutor.conversation import follows_up
    from app.core.tutor.lexical import Lexicon, build_index
    from app.core.tutor.vectors import blend, dot
    from app.services import retriever as service
    from bench.tutor_retrieval import load_library, search
    from models.embedder import Embedder

    embedder = Embedder(ROOT / "dist" / "models" / "multilingual-e5-small", batch_size=1)
    passages, vectors = load_library()
    floors = retrieval.COVER_FLOORS["multilingual-e5-small"]
    # The index the content compiler writes, built here from the same texts.
    lexicon = Lexicon.from_json(build_index([f"{p.title}: {p.text}" for p in passages]),
                                len(passages)) if lexical else None

    cache_file = Path(tempfile.gettempdir()) / "tutor_quality_vectors.json"
    cache: dict[str, list[float]] = (json.loads(cache_file.read_text(encoding="utf-8"))
                                     if cache_file.is_file() else {})

    def embed(text: str) -> list[float]:
        if text not in cache:
            cache[text] = [float(x) for x in embedder.embed([text], prefix="query: ")[0]]
            cache_file.write_text(json.dumps(cache), encoding="utf-8")
        return cache[text]

    rows = []
    for scope in ("scoped", "library"):
        before: dict[str, Any] | None = None
        previous: tuple[str, list[float]] | None = None
        for question in questions:
            vector = embed(question["q"])
            query, text = vector, question["q"]
            if previous is not None and follows_up(question["q"], dot(vector, previous[1])):
                query, text = blend(vector, previous[1]), f"{previous[0]} {question['q']}"
            roadmap = question["trail"] if scope == "scoped" else None
            found = [pair for rows_ in retrieval.rows_by_language(passages, roadmap).values()
                     for pair in search(query, vectors, rows_)]
            scope_rows = [r for rows_ in retrieval.rows_by_language(passages, roadmap).values()
                          for r in rows_]
            hits = service.ranked(found, passages, question["lang"], lexicon=lexicon,
                                  question=text, rows=scope_rows)
            seen = service.weighed(found, passages, question["lang"], lexicon, text, scope_rows)
            covered = bool(hits) and retrieval.supported(seen, floors, lexicon is not None)
            status = "passages" if covered else "uncovered"
            rows.append({"id": question["id"], "scope": scope, "status": status,
                         "intent": "", "ranked": list(dict.fromkeys(h.passage.topic for h in hits)),
                         "score": hits[0].score if hits else 0.0, "dense": seen.dense,
                         "share": seen.share})
            previous = (question["q"], query)
            before = question
        del before
    return rows


# -- figures -----------------------------------------------------------------------------------

def rank_of(row: dict[str, Any], gold: str) -> int:
    ranked = row["ranked"]
    return ranked.index(gold) + 1 if gold in ranked else 0


def retrieval_figures(rows: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
                      scope: str) -> list[str]:
    lines = []
    groups: dict[str, Callable[[dict[str, Any]], bool]] = {
        "all": lambda q: True, "en": lambda q: q["lang"] == "en", "ru": lambda q: q["lang"] == "ru",
        "ru-on-en-only": lambda q: q["lang"] == "ru" and q["trail"] in ENGLISH_ONLY,
    }
    for name, chosen in groups.items():
        ranks = [rank_of(r, by_id[r["id"]]["gold"]) for r in rows if r["scope"] == scope
                 and by_id[r["id"]]["kind"] in ON_TOPIC and chosen(by_id[r["id"]])]
        if not ranks:
            continue
        lines.append(f"retrieval {scope:7} {name:13} n={len(ranks):2}  "
                     f"hit@1 {sum(r == 1 for r in ranks) / len(ranks):.2f}  "
                     f"hit@3 {sum(0 < r <= 3 for r in ranks) / len(ranks):.2f}  "
                     f"MRR {sum(1 / r for r in ranks if r) / len(ranks):.2f}")
    return lines


def refusal_figures(rows: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
                    scope: str) -> list[str]:
    mine = [r for r in rows if r["scope"] == scope]
    off = [r for r in mine if by_id[r["id"]]["kind"] == "off-topic"]
    on = [r for r in mine if by_id[r["id"]]["kind"] in ON_TOPIC]
    refused_on = [r["id"] for r in on if r["status"] == "uncovered"]
    answered_off = [r["id"] for r in off if r["status"] != "uncovered"]
    lines = [f"refusal   {scope:7} off-topic refused {len(off) - len(answered_off)}/{len(off)} "
             f"({(len(off) - len(answered_off)) / max(len(off), 1):.2f}), on-topic refused "
             f"{len(refused_on)}/{len(on)} ({len(refused_on) / max(len(on), 1):.2f})"]
    if refused_on:
        lines.append(f"          on-topic refused: {refused_on}")
    if answered_off:
        lines.append(f"          off-topic not refused: {answered_off}")
    intents = [(r["id"], by_id[r["id"]]["kind"], r["intent"]) for r in mine
               if by_id[r["id"]]["kind"] in ("exercise", "plan") and r["intent"]]
    if intents:
        right = sum({"exercise": "solve", "plan": "plan"}[kind] == got for _, kind, got in intents)
        lines.append(f"intent    {scope:7} exercise/plan routed right {right}/{len(intents)} "
                     f"{[(i, got) for i, _, got in intents]}")
    return lines


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def answer_figures(rows: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> list[str]:
    mine = [r for r in rows if r["scope"] == "answer"]
    if not mine:
        return []
    on = [r for r in mine if by_id[r["id"]]["kind"] in ("question", "follow-up")]
    done = [r for r in on if r["status"] == "done"]
    statuses: dict[str, int] = {}
    for r in on:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    cited_gold = sum(by_id[r["id"]]["gold"] in r["sources"] for r in done)
    inline = sum(bool(r["cites"]) for r in done)
    passages = [len(r["passages"]) for r in done]
    raw_markers = [int(m) for r in done for m in re.findall(r"\[(\d{1,2})\]", r["text"])]
    past = sum(1 for r, n in zip(done, passages, strict=True)
               for m in re.findall(r"\[(\d{1,2})\]", r["text"]) if int(m) > n)
    language = [in_language(r["text"], by_id[r["id"]]["lang"]) for r in done]
    facts = [(any(s.lower() in r["text"].lower() for s in fact))
             for r in done for fact in by_id[r["id"]]["facts"]]
    prompt_tokens = [res["prompt_tokens"] for r in mine for res in r["results"][:1]]
    first = [r["first_ms"] / 1000 for r in on if r["first_ms"] is not None]
    total = [r["total_ms"] / 1000 for r in on if r["status"] in ("done", "passages")]
    worker_ttft = [res["ttft_ms"] / 1000 for r in mine for res in r["results"][:1]
                   if res.get("ttft_ms") is not None]
    retries = sum(len(r["prompts"]) > 1 for r in mine)
    lines = [
        f"answers   on-topic n={len(on)} statuses {statuses}",
        f"citations gold topic cited {cited_gold}/{len(done)}; inline [n] in {inline}/{len(done)}; "
        f"markers written {len(raw_markers)}, pointing past the prompt's passages {past}",
        f"language  match {sum(language)}/{len(language)} "
        f"({sum(language) / max(len(language), 1):.2f})",
        f"facts     key-fact recall {sum(facts)}/{len(facts)} ({sum(facts) / max(len(facts), 1):.2f})",
        f"retries   generated twice {retries}/{len(mine)}",
    ]
    if prompt_tokens:
        lines.append(f"prompt    tokens median {statistics.median(prompt_tokens):.0f} "
                     f"max {max(prompt_tokens)}")
    if first:
        lines.append(f"time      Ask→first token median {statistics.median(first):.1f} s "
                     f"p90 {percentile(first, 0.9):.1f} s (worker's own TTFT median "
                     f"{statistics.median(worker_ttft) if worker_ttft else float('nan'):.1f} s)")
    if total:
        lines.append(f"time      Ask→end median {statistics.median(total):.1f} s "
                     f"p90 {percentile(total, 0.9):.1f} s")
    return lines


def report(rows: list[dict[str, Any]], questions: list[dict[str, Any]]) -> list[str]:
    by_id = {q["id"]: q for q in questions}
    lines = []
    for scope in ("scoped", "library"):
        lines += retrieval_figures(rows, by_id, scope)
    for scope in ("scoped", "library", "answer"):
        if any(r["scope"] == scope for r in rows):
            lines += refusal_figures(rows, by_id, scope)
    lines += answer_figures(rows, by_id)
    return lines


def misses(rows: list[dict[str, Any]], questions: list[dict[str, Any]]) -> list[str]:
    by_id = {q["id"]: q for q in questions}
    return [f"  miss {r['scope']:7} {r['id']:16} gold {by_id[r['id']]['gold']}: {r['ranked'][:3]}"
            for r in rows if r["scope"] in ("scoped", "library")
            and by_id[r["id"]]["kind"] in ON_TOPIC and rank_of(r, by_id[r["id"]]["gold"]) != 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--retrieval-only", action="store_true", help="skip generation")
    parser.add_argument("--cpython", action="store_true",
                        help="retrieval only, native embedder, no browser")
    parser.add_argument("--no-lexical", action="store_true",
                        help="with --cpython: the embedder alone (the ranking before the index)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--profile", type=Path, default=Path("/tmp/tropa-tutor-quality-profile"))
    parser.add_argument("--port", type=int, default=8767, help="fixed: the profile's model "
                        "store belongs to the origin")
    parser.add_argument("--generator", default="qwen2.5-coder-0.5b-instruct")
    parser.add_argument("--answer-every", type=int, default=1, metavar="N",
                        help="generate for every N-th question and the follow-ups (default 1: all)")
    parser.add_argument("--only", nargs="*", help="question ids (default: all)")
    parser.add_argument("--json", type=Path, help="write every row here")
    parser.add_argument("--misses", action="store_true", help="list questions not found first")
    args = parser.parse_args(argv)
    questions = load_questions()
    if args.only:
        questions = [q for q in questions if q["id"] in set(args.only)]
    if not (args.dist / "content" / "library.json").is_file():
        parser.error(f"{args.dist}/content/library.json not found: build the site first")
    rows = native(questions, not args.no_lexical) if args.cpython else browse(args, questions)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(questions)} questions ({sum(q['kind'] in ON_TOPIC for q in questions)} on-topic, "
          f"{sum(q['kind'] == 'off-topic' for q in questions)} off-topic)")
    print("\n".join(report(rows, questions)))
    if args.misses:
        print("\n".join(misses(rows, questions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
