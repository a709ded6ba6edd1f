"""The intent router on a labelled set of learner requests (bench/data/intents.json, 110
EN and RU requests: explain, solve, plan), with the built e5 embedder natively.

Every text is embedded alone (a batch of one), prototypes included, as the app does since
int8 dynamic quantisation makes a vector depend on what it is batched with. Reports the
accuracy per intent and language and the confusions at the app's margin, and the accuracy
over a sweep of margins.

    .venv/bin/python bench/tutor_intents.py [--misses]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.tutor.intent import MARGIN, IntentClassifier  # noqa: E402
from app.services.intents import learn_intents  # noqa: E402

DATA = ROOT / "bench" / "data" / "intents.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    from models.embedder import Embedder  # numpy and onnxruntime: bench only

    embedder = Embedder(ROOT / "dist" / "models" / "multilingual-e5-small", batch_size=1)

    def one(text: str) -> list[float]:
        return [float(x) for x in embedder.embed([text], prefix="query: ")[0]]

    async def embed_queries(texts: list[str]) -> list[list[float]]:
        return [one(text) for text in texts]

    classifier: IntentClassifier = asyncio.run(learn_intents(embed_queries))
    requests = json.loads(DATA.read_text(encoding="utf-8"))["requests"]
    vectors = [one(text) for _, _, text in requests]
    for margin in (0.0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04):
        right = sum(classifier.classify(v, margin, text=text).intent == gold
                    for (gold, _, text), v in zip(requests, vectors, strict=True))
        mark = "  <- app" if margin == MARGIN else ""
        print(f"margin {margin:.3f}: {right}/{len(requests)} ({right / len(requests):.2f}){mark}")
    groups: dict[tuple[str, str], list[bool]] = {}
    for (gold, lang, text), vector in zip(requests, vectors, strict=True):
        decision = classifier.classify(vector, text=text)
        groups.setdefault((gold, lang), []).append(decision.intent == gold)
        if args.misses and decision.intent != gold:
            scores = " ".join(f"{k} {v:.3f}" for k, v in decision.scores.items())
            print(f"  {gold:7} -> {decision.intent:7} {scores}  {text!r}")
    for (gold, lang), marks in sorted(groups.items()):
        print(f"{gold:7} {lang}: {sum(marks)}/{len(marks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
