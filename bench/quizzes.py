"""Quizzes over every topic of the built library, as the page makes them without a model.

    .venv/bin/python bench/quizzes.py [--library dist/content/library.json] [--json out.json]

For each topic in each of its languages, a fresh ``QuizMaker`` (the app's own code,
under CPython) builds the deterministic questions from the topic's text, checks each
key against the source (``app.core.learner.keys``) and picks the quiz a learner gets.
It prints, per language and in all: questions generated, the share verified (shown),
the share dropped, topics left with no question, questions per quiz, and the time per
quiz (build + check + choice; the trail's term bank, built once per visit, is timed
apart). The model's questions are not measured here: they need the generator in the
browser (a native int8 run is no reference, see ARCHITECTURE.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.learner.store import MemoryStore  # noqa: E402
from app.core.library.catalog import Library  # noqa: E402
from app.services.quizzes import QuizMaker  # noqa: E402
from app.services.study import StudyRecord  # noqa: E402


def measure(library: Library) -> dict[str, Any]:
    record = StudyRecord(MemoryStore())
    asyncio.run(record.load())
    started = time.perf_counter()
    bank = QuizMaker(library).bank()
    bank_s = time.perf_counter() - started
    rows: list[dict[str, Any]] = []
    for topic_id, lang in sorted(library.topics):
        maker = QuizMaker(library)
        maker._bank = bank  # the bank is per visit, not per quiz
        started = time.perf_counter()
        built = maker.build(topic_id, lang)
        session = maker.quiz(topic_id, lang, record)
        seconds = time.perf_counter() - started
        rows.append({"topic": topic_id, "lang": lang, "generated": built.generated,
                     "verified": len(built.questions), "dropped": built.dropped,
                     "in_quiz": len(session.questions), "seconds": seconds,
                     "kinds": dict(Counter(q.kind for q in built.questions))})
    return {"bank_seconds": bank_s, "topics": rows}


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    generated = sum(r["generated"] for r in rows)
    verified = sum(r["verified"] for r in rows)
    times = sorted(r["seconds"] * 1000 for r in rows)
    kinds: Counter[str] = Counter()
    for r in rows:
        kinds.update(r["kinds"])
    return {
        "topics": len(rows),
        "generated": generated,
        "verified": verified,
        "dropped": generated - verified,
        "verified_share": verified / generated if generated else 0.0,
        "dropped_share": (generated - verified) / generated if generated else 0.0,
        "topics_without_questions": sum(r["in_quiz"] == 0 for r in rows),
        "questions_per_quiz": statistics.mean(r["in_quiz"] for r in rows) if rows else 0.0,
        "kinds": dict(kinds),
        "ms_per_quiz_median": statistics.median(times) if times else 0.0,
        "ms_per_quiz_p90": times[int(0.9 * (len(times) - 1))] if times else 0.0,
        "ms_per_quiz_max": times[-1] if times else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, default=ROOT / "dist/content/library.json")
    parser.add_argument("--json", type=Path, help="write every topic's figures here")
    args = parser.parse_args()
    library = Library.from_dict(json.loads(args.library.read_text(encoding="utf-8")))
    result = measure(library)
    rows = result["topics"]
    groups = {lang: [r for r in rows if r["lang"] == lang] for lang in sorted({r["lang"] for r in rows})}
    print(f"term bank (once per visit): {result['bank_seconds'] * 1000:.0f} ms")
    print(f"{'':6} {'topics':>6} {'made':>5} {'kept':>5} {'kept%':>6} {'drop%':>6} {'empty':>5} "
          f"{'per quiz':>8} {'ms p50':>7} {'ms p90':>7} {'ms max':>7}")
    for name, group in [*groups.items(), ("all", rows)]:
        s = summary(group)
        print(f"{name:6} {s['topics']:>6} {s['generated']:>5} {s['verified']:>5} "
              f"{100 * s['verified_share']:>5.1f}% {100 * s['dropped_share']:>5.1f}% "
              f"{s['topics_without_questions']:>5} {s['questions_per_quiz']:>8.1f} "
              f"{s['ms_per_quiz_median']:>7.1f} {s['ms_per_quiz_p90']:>7.1f} {s['ms_per_quiz_max']:>7.1f}")
    print("verified by kind:", summary(rows)["kinds"])
    if args.json:
        args.json.write_text(json.dumps({"summary": summary(rows), **result}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
