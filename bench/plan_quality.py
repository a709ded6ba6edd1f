"""My trail's plans made by the real model: how often its raw reply is valid, how often
it had to be repaired or asked again, and how long a plan takes.

    flock /tmp/bigmodel.lock .venv/bin/python bench/plan_quality.py [--threads 2] [--json out.json]

It runs the app's own code (``app.services.roadmap.Trails``: topic choice, the
library's draft, the prompt, ``plan_making.from_reply``'s repairs, the second ask, the
rule check) on the built library (dist/content) with the Inference port served by
**native onnxruntime** on dist/models: the e5 embedder for retrieval (the vectors file
the page searches) and the int8 Qwen generator, greedy, stopped at end of sequence,
prompt made with the model's chat template. Native int8 greedy text is known to differ
from the browser's on the same file (see the project's architecture notes), so the rates
are the model's on this prompt, not byte-for-byte the page's; the times are native, and
a browser estimate at the measured browser rates (prefill ~35 tok/s, decode ~8 tok/s on
this machine) is printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from browser_vs_native import NativeLM, chat_prompt_text  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

from app.core.learner.plan import problems  # noqa: E402
from app.core.learner.store import MemoryStore  # noqa: E402
from app.core.library.catalog import Library  # noqa: E402
from app.services.roadmap import Trails, Wish  # noqa: E402
from models.embedder import Embedder  # noqa: E402

DIST = ROOT / "dist"
GENERATOR = "qwen2.5-coder-0.5b-instruct"
EMBEDDER = "multilingual-e5-small"
BROWSER_PREFILL_TOK_S = 35.0
BROWSER_DECODE_TOK_S = 8.0

GOALS = [
    Wish("query a sales database and write monthly reports", "en", 3),
    Wish("automate file clean-up with Python scripts", "en", 4, "photos, backups"),
    Wish("work on a team project with git branches and pull requests", "en", 2),
    Wish("write clean, tested Python code for my first developer job", "en", 6),
    Wish("design the database of a small online shop", "en", 3, "e-commerce"),
    Wish("undo mistakes and recover lost work in git", "en", 2),
    Wish("писать SQL-запросы для отчётов о продажах", "ru", 3),
    Wish("автоматизировать работу с файлами на Python", "ru", 4),
    Wish("работать в команде с git: ветки и pull request", "ru", 2),
    Wish("писать тесты для своего кода на Python", "ru", 5),
    Wish("разобраться с функциями и классами в Python", "ru", 3, "игры"),
    Wish("восстанавливать потерянные коммиты в git", "ru", 2),
]


class LocalApi:
    """The ``Api`` port on the built dist/ folder."""

    async def get_json(self, path: str) -> Any:
        return json.loads((DIST / path.lstrip("/")).read_text(encoding="utf-8"))


class NativeInference:
    """The ``Inference`` port calls Trails makes, on native onnxruntime."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.embedder = Embedder(DIST / "models" / EMBEDDER, "q8", threads=threads)
        model_dir = DIST / "models" / GENERATOR
        self.model_dir = model_dir
        self.lm = NativeLM(model_dir, threads)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.vectors: np.ndarray | None = None
        self.prompt_tokens: list[int] = []
        self.output_tokens: list[int] = []

    async def load(self, model: str, role: str, force_webgpu: bool,
                   on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        return {"model": model, "device": "native", "dtype": "q8", "reason": "", "detail": ""}

    async def embed(self, model: str, texts: list[str], prefix: str) -> list[list[float]]:
        return [list(map(float, v)) for v in self.embedder.embed(texts, prefix)]

    async def index(self, url: str, count: int, dim: int, sha256: str) -> dict[str, Any]:
        data = np.fromfile(DIST / url.lstrip("/"), dtype=np.float32)
        self.vectors = data.reshape(count, dim)
        return {"count": count, "dim": dim}

    async def search(self, vector: list[float], k: int, rows: list[int]) -> list[tuple[int, float]]:
        assert self.vectors is not None
        scores = self.vectors[rows] @ np.array(vector, dtype=np.float32)
        best = np.argsort(-scores)[:k]
        return [(rows[i], float(scores[i])) for i in best]

    async def generate(self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
                       on_token: Callable[[str], None] | None = None) -> dict[str, Any]:
        text = chat_prompt_text(self.model_dir, messages)
        prompt = self.tokenizer.encode(text, add_special_tokens=False).ids
        ids = self._greedy(list(prompt), max_new_tokens)
        self.prompt_tokens.append(len(prompt))
        self.output_tokens.append(len(ids))
        return {"text": self.tokenizer.decode(ids, skip_special_tokens=True), "tokens": len(ids),
                "device": "native", "dtype": "q8", "reason": "", "detail": "", "interrupted": False}

    def _greedy(self, prompt: list[int], limit: int) -> list[int]:
        lm = self.lm
        feeds: dict[str, Any] = {name: np.zeros(shape, dtype=np.float32)
                                 for name, shape in lm.past_shapes.items()}
        current = np.array([prompt], dtype=np.int64)
        position, out = 0, []
        for _ in range(limit):
            length = current.shape[1]
            feeds["input_ids"] = current
            feeds["attention_mask"] = np.ones((1, position + length), dtype=np.int64)
            if "position_ids" in lm.input_names:
                feeds["position_ids"] = np.arange(position, position + length, dtype=np.int64)[None, :]
            if "num_logits_to_keep" in lm.input_names:
                feeds["num_logits_to_keep"] = np.array(1, dtype=np.int64)
            outputs = lm.session.run(lm.output_names, feeds)
            token = int(np.argmax(outputs[0][0, -1]))
            if token in lm.eos:
                break
            out.append(token)
            for index, past_name in lm.carry.items():
                feeds[past_name] = outputs[index]
            position += length
            current = np.array([[token]], dtype=np.int64)
        return out

    async def interrupt(self) -> bool:
        return False


async def run(goals: list[Wish], threads: int) -> dict[str, Any]:
    library = Library.from_dict(json.loads((DIST / "content" / "library.json").read_text(encoding="utf-8")))
    inference = NativeInference(threads)
    trails = Trails(MemoryStore(), inference, LocalApi(), generator=lambda: GENERATOR,  # type: ignore[arg-type]
                    budget_s=3600)
    rows = []
    for wish in goals:
        drafted: list[float] = []
        started = time.monotonic()
        before = len(inference.prompt_tokens)

        def draft(_plan: object, drafted: list[float] = drafted, started: float = started) -> None:
            drafted.append(time.monotonic() - started)

        plan = await trails.make(wish, library, use_model=True, on_draft=draft)
        seconds = time.monotonic() - started
        broken = problems(plan, library)
        prompts = inference.prompt_tokens[before:]
        outputs = inference.output_tokens[before:]
        estimate = sum(p / BROWSER_PREFILL_TOK_S + o / BROWSER_DECODE_TOK_S
                       for p, o in zip(prompts, outputs, strict=True))
        run_ = trails.last
        rows.append({"goal": wish.goal, "lang": wish.lang, "chosen": run_.chosen,
                     "by_meaning": run_.by_meaning,
                     "valid": run_.valid, "repairs": run_.repairs, "outcome": run_.outcome or "library",
                     "note": run_.note, "steps": len(plan.steps), "gaps": len(plan.gaps),
                     "draft_s": round(drafted[0], 2) if drafted else None, "plan_s": round(seconds, 2),
                     "prompt_tokens": prompts, "output_tokens": outputs,
                     "browser_estimate_s": round(estimate, 1), "problems": broken,
                     "replies": run_.replies, "plan": plan.to_record()})
        print(f"[{wish.lang}] {wish.goal[:48]:48} outcome={rows[-1]['outcome']:<11} valid={run_.valid} "
              f"repairs={run_.repairs} {seconds:.1f}s (browser ~{estimate:.0f}s)", flush=True)
    return summary(rows, threads)


def summary(rows: list[dict[str, Any]], threads: int) -> dict[str, Any]:
    n = len(rows)
    first_valid = sum(bool(r["valid"]) and r["valid"][0] for r in rows)
    replies = [v for r in rows for v in r["valid"]]
    kinds = ("model", "repaired", "regenerated", "library")
    outcomes = {k: sum(r["outcome"] == k for r in rows) for k in kinds}
    figures = {
        "goals": n, "threads": threads, "backend": "native onnxruntime, int8, greedy",
        "raw_valid_first_reply": f"{first_valid}/{n}",
        "raw_valid_all_replies": f"{sum(replies)}/{len(replies)}",
        "outcomes": outcomes,
        "repair_rate": f"{outcomes['repaired']}/{n}",
        "regenerated": f"{outcomes['regenerated']}/{n}",
        "fell_back_to_library": f"{outcomes['library']}/{n}",
        "plans_breaking_a_rule": sum(bool(r["problems"]) for r in rows),
        "median_draft_s": statistics.median(r["draft_s"] for r in rows if r["draft_s"] is not None),
        "median_plan_s_native": statistics.median(r["plan_s"] for r in rows),
        "max_plan_s_native": max(r["plan_s"] for r in rows),
        "median_prompt_tokens": statistics.median(t for r in rows for t in r["prompt_tokens"]),
        "median_output_tokens": statistics.median(t for r in rows for t in r["output_tokens"]),
        "median_browser_estimate_s": statistics.median(r["browser_estimate_s"] for r in rows),
        "repairs_seen": sorted({x for r in rows for rs in r["repairs"] for x in rs}),
    }
    return {"figures": figures, "rows": rows}


def replay(path: Path) -> dict[str, Any]:
    """The replies a run saved (``--json``) through today's repairs, with no model: what
    a change of the repairs does to the same raw outputs."""
    from app.core.learner.plan_making import from_reply

    saved = json.loads(path.read_text(encoding="utf-8"))
    library = Library.from_dict(json.loads((DIST / "content" / "library.json").read_text(encoding="utf-8")))
    rows = []
    for row in saved["rows"]:
        wishes = [w for w in GOALS if w.goal == row["goal"]]
        wish = wishes[0] if wishes else Wish(row["goal"], row["lang"])
        outcome, repairs, valid, broken = "library", [], [], []
        for attempt, text in enumerate(row["replies"]):
            plan, found = from_reply(text, "p", wish.goal, row["chosen"], library, wish.lang,
                                     wish.hours_per_week, 1, wish.known, wish.interests)
            valid.append(found.valid)
            repairs.append(found.done)
            if plan is not None:
                broken = problems(plan, library)
                first = "model" if found.valid else "repaired"
                outcome = first if attempt == 0 else "regenerated"
                break
        rows.append({**row, "valid": valid, "repairs": repairs, "outcome": outcome, "problems": broken})
        print(f"[{wish.lang}] {wish.goal[:48]:48} outcome={outcome:<11} repairs={repairs}", flush=True)
    result = summary(rows, saved["figures"]["threads"])
    result["figures"]["backend"] += f" (replayed from {path.name} with today's repairs)"
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--limit", type=int, default=len(GOALS), help="first N goals only")
    parser.add_argument("--replay", type=Path, help="a saved --json run: its replies through the repairs")
    args = parser.parse_args()
    result = replay(args.replay) if args.replay else asyncio.run(run(GOALS[: args.limit], args.threads))
    print(json.dumps(result["figures"], ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
