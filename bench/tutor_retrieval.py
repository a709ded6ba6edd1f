"""The tutor's retrieval, intent routing and follow-up rule on the real embedder, in CPython.

Embeds a small question set of our own (EN and RU over the three trails, off-topic questions,
follow-up pairs, exercise and plan requests) with the built e5 embedder
(``dist/models/multilingual-e5-small``, the same ONNX file the browser runs) and searches
the compiled library's passage vectors (``dist/content``) as the worker does (dot products,
best ``SEARCH_K`` rows in scope), then ranks with the app's own code
(``app.services.retriever`` constants, ``app.core.tutor.retrieval.rank``). It reports
hit@1 / hit@3 / MRR scoped to the question's trail and library-wide, the top score of
on-topic and off-topic questions (for the "not covered" floor), the similarity of real and
unrelated follow-ups, and the intent router's accuracy.

    .venv/bin/python bench/tutor_retrieval.py            # the figures
    .venv/bin/python bench/tutor_retrieval.py --misses   # also every question not found first

Numbers only; no browser. The worker's int8 embedder in the browser gives close but not
identical vectors (see ARCHITECTURE notes on batch composition), so treat differences
under 0.01 as noise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from array import array
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.tutor import retrieval  # noqa: E402
from app.core.tutor.conversation import follows_up  # noqa: E402
from app.services import retriever as service  # noqa: E402
from app.services.intents import learn_intents  # noqa: E402

Embed = Callable[[list[str]], list[list[float]]]

# (question, learner language, gold topic)
QUESTIONS: list[tuple[str, str, str]] = [
    ("How do I undo changes I have not committed yet?", "en", "git.undoing-changes"),
    ("Как отменить изменения, которые я ещё не закоммитил?", "ru", "git.undoing-changes"),
    ("How do I make git ignore my build folder?", "en", "git.ignoring-files"),
    ("Как сделать, чтобы git не видел папку build?", "ru", "git.ignoring-files"),
    ("What happens when two branches change the same line?", "en", "git.merge-conflicts"),
    ("Что делать при конфликте слияния?", "ru", "git.merge-conflicts"),
    ("How can I put my unfinished work aside to switch branches?", "en", "git.stashing"),
    ("Как временно спрятать незаконченные изменения?", "ru", "git.stashing"),
    ("What is the difference between fetch and pull?", "en", "git.fetch-pull-push"),
    ("Чем fetch отличается от pull?", "ru", "git.fetch-pull-push"),
    ("How do I find which commit introduced a bug?", "en", "git.bisect"),
    ("Как найти коммит, в котором появилась ошибка?", "ru", "git.bisect"),
    ("I lost a commit after a reset, can I get it back?", "en", "git.reflog-recovery"),
    ("How do I copy one commit onto another branch?", "en", "git.cherry-pick"),
    ("How do I squash several commits into one?", "en", "git.interactive-rebase"),
    ("Как объединить несколько коммитов в один?", "ru", "git.interactive-rebase"),
    ("What makes a good commit message?", "en", "git.commit-messages"),
    ("How do I loop over a list with its index?", "en", "python.loops"),
    ("Как пройти по списку вместе с индексами?", "ru", "python.loops"),
    ("How do I catch an exception and still clean up?", "en", "python.exceptions"),
    ("Как перехватить исключение в Python?", "ru", "python.exceptions"),
    ("How do I build a list of squares in one line?", "en", "python.comprehensions"),
    ("Как одной строкой получить список квадратов?", "ru", "python.comprehensions"),
    ("Why should I use a virtual environment?", "en", "python.virtual-environments"),
    ("Зачем нужно виртуальное окружение?", "ru", "python.virtual-environments"),
    ("How do I read a text file line by line?", "en", "python.files-and-pathlib"),
    ("Как прочитать файл построчно?", "ru", "python.files-and-pathlib"),
    ("What does the yield keyword do?", "en", "python.iterators-and-generators"),
    ("Что делает yield?", "ru", "python.iterators-and-generators"),
    ("How do I write a decorator that times a function?", "en", "python.decorators"),
    ("What is the with statement for?", "en", "python.context-managers"),
    ("Как проверить функцию тестом на pytest?", "ru", "python.testing-with-pytest"),
    ("How do I run two downloads at the same time with asyncio?", "en", "python.async-await"),
    ("How do I remove duplicate rows from a result?", "en", "sql.select-basics"),
    ("Как убрать повторяющиеся строки из результата запроса?", "ru", "sql.select-basics"),
    ("How do I count orders per customer?", "en", "sql.group-by-and-having"),
    ("Как посчитать заказы каждого клиента?", "ru", "sql.group-by-and-having"),
    ("How do I keep customers that have no orders in a join?", "en", "sql.outer-joins"),
    ("Как в соединении оставить клиентов без заказов?", "ru", "sql.outer-joins"),
    ("Why does WHERE price = NULL return nothing?", "en", "sql.null-handling"),
    ("Почему сравнение с NULL ничего не возвращает?", "ru", "sql.null-handling"),
    ("How do I rank rows inside each group?", "en", "sql.window-functions"),
    ("How do I make a query on a big table faster?", "en", "sql.indexes"),
    ("Как ускорить запрос по большой таблице?", "ru", "sql.indexes"),
    ("How do I protect my app from SQL injection?", "en", "sql.sql-injection"),
    ("Что такое SQL-инъекция и как от неё защититься?", "ru", "sql.sql-injection"),
    ("What happens if my program crashes in the middle of a transfer between accounts?", "en",
     "sql.transactions"),
    ("Что такое транзакция?", "ru", "sql.transactions"),
]

OFF_TOPIC: list[tuple[str, str]] = [
    ("What is the best opening in the board game Go?", "en"),
    ("Какой лучший дебют в игре го?", "ru"),
    ("How do I bake sourdough bread?", "en"),
    ("Как испечь хлеб на закваске?", "ru"),
    ("Who won the football world cup in 2018?", "en"),
    ("Кто написал «Войну и мир»?", "ru"),
    ("What is the capital of Australia?", "en"),
    ("How do I change a flat tyre on a bicycle?", "en"),
    ("Как вылечить простуду?", "ru"),
    ("What is the weather like on Mars?", "en"),
]

# (previous question, new question, is it a real follow-up)
FOLLOW_UPS: list[tuple[str, str, bool]] = [
    ("How do I loop over a list with its index?", "And while loops?", True),
    ("How do I loop over a list with its index?", "What about dictionaries?", True),
    ("What is the difference between fetch and pull?", "And push?", True),
    ("Как перехватить исключение в Python?", "А как выбросить своё?", True),
    ("Как перехватить исключение в Python?", "Покажи пример", True),
    ("How do I count orders per customer?", "How do I keep only customers with more than 5 orders?",
     True),
    ("How do I undo changes I have not committed yet?", "And if I already committed them?", True),
    ("How do I undo changes I have not committed yet?", "What is a list comprehension in Python?",
     False),
    ("How do I count orders per customer?", "How do I make git ignore my build folder?", False),
    ("Как перехватить исключение в Python?", "Как ускорить запрос по большой таблице?", False),
    ("What does the yield keyword do?", "How do I protect my app from SQL injection?", False),
    ("Why should I use a virtual environment?", "What is the best opening in the board game Go?",
     False),
]

INTENT_SET: list[tuple[str, str]] = [
    ("How do I remove duplicate rows from a result?", "explain"),
    ("What is a merge conflict?", "explain"),
    ("Как работает GROUP BY?", "explain"),
    ("Why does my loop never end?", "explain"),
    ("What is the answer to the exercise about reversing a list?", "solve"),
    ("Write the query for this task for me.", "solve"),
    ("Реши за меня задачу про словари.", "solve"),
    ("Make me a plan to learn Git this week.", "plan"),
    ("Составь план изучения SQL на месяц.", "plan"),
    ("In what order should I study the Python topics?", "plan"),
]


def load_library() -> tuple[list[retrieval.Passage], list[list[float]]]:
    content = ROOT / "dist" / "content"
    section = json.loads((content / "library.json").read_text(encoding="utf-8"))["retrieval"]
    rows = json.loads((content / Path(section["passages"]).name).read_text(encoding="utf-8"))
    flat = array("f")
    flat.frombytes((content / Path(section["vectors"]).name).read_bytes())
    dim = int(section["dim"])
    vectors = [list(flat[i * dim:(i + 1) * dim]) for i in range(int(section["count"]))]
    return retrieval.passages_from_json(rows), vectors


def search(vector: list[float], vectors: list[list[float]], rows: list[int]) -> list[tuple[int, float]]:
    """What the worker's search answers: the best SEARCH_K rows in scope by dot product."""
    candidates = rows or range(len(vectors))
    scored = [(row, sum(a * b for a, b in zip(vector, vectors[row], strict=True)))
              for row in candidates]
    return sorted(scored, key=lambda pair: -pair[1])[:service.SEARCH_K]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="print questions not found first")
    args = parser.parse_args()
    from models.embedder import Embedder  # numpy and onnxruntime: bench only

    embedder = Embedder(ROOT / "dist" / "models" / "multilingual-e5-small", batch_size=1)
    passages, vectors = load_library()

    def embed(texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in embedder.embed(texts, prefix="query: ")]

    report_retrieval(passages, vectors, embed, args.misses)
    report_off_topic(passages, vectors, embed)
    report_follow_ups(embed)
    report_intents(embed)
    return 0


def report_retrieval(passages: list[retrieval.Passage], vectors: list[list[float]],
                     embed: Embed, misses: bool) -> None:
    for label, scoped in (("scoped", True), ("library", False)):
        for lang in ("en", "ru", "all"):
            chosen = [q for q in QUESTIONS if lang in ("all", q[1])]
            ranks = []
            for question, learner, gold in chosen:
                [vector] = embed([question])
                roadmap = gold.split(".")[0] if scoped else None
                found = [pair for rows in retrieval.rows_by_language(passages, roadmap).values()
                         for pair in search(vector, vectors, rows)]
                hits = service.ranked(found, passages, learner)
                topics = [h.passage.topic for h in hits]
                ranks.append(topics.index(gold) + 1 if gold in topics else 0)
                if misses and ranks[-1] != 1 and lang == "all":
                    print(f"  miss ({label}) {question!r}: {topics}")
            hit1 = sum(r == 1 for r in ranks) / len(ranks)
            hit3 = sum(0 < r <= 3 for r in ranks) / len(ranks)
            mrr = sum(1 / r for r in ranks if r) / len(ranks)
            print(f"retrieval {label:8} {lang:3} n={len(ranks):2}  hit@1 {hit1:.2f}  "
                  f"hit@3 {hit3:.2f}  MRR {mrr:.2f}")


def report_off_topic(passages: list[retrieval.Passage], vectors: list[list[float]],
                     embed: Embed) -> None:

    def top(question: str, lang: str) -> float:
        """The best topic's score, as the tutor checks it against the floor (library-wide)."""
        [vector] = embed([question])
        found = [pair for rows in retrieval.rows_by_language(passages, None).values()
                 for pair in search(vector, vectors, rows)]
        return service.ranked(found, passages, lang)[0].score

    on = sorted(top(q, lang) for q, lang, _ in QUESTIONS)
    off = sorted(top(q, lang) for q, lang in OFF_TOPIC)
    print(f"top score on-topic  min {on[0]:.3f} p10 {on[len(on) // 10]:.3f} "
          f"median {statistics.median(on):.3f}")
    print(f"top score off-topic max {off[-1]:.3f} median {statistics.median(off):.3f}")
    floor = retrieval.COVERED_FLOORS["multilingual-e5-small"]
    print(f"floor {floor:.3f}: off-topic refused {sum(s < floor for s in off)}/{len(off)}, "
          f"on-topic refused {sum(s < floor for s in on)}/{len(on)}")


def report_follow_ups(embed: Embed) -> None:
    right = 0
    for previous, question, real in FOLLOW_UPS:
        [p, q] = embed([previous]) + embed([question])
        similarity = sum(a * b for a, b in zip(p, q, strict=True))
        judged = follows_up(question, similarity)
        right += judged == real
        print(f"  follow-up {real!s:5} judged {judged!s:5} sim {similarity:.3f}  {question!r}")
    print(f"follow-ups judged right {right}/{len(FOLLOW_UPS)}")


def report_intents(embed: Embed) -> None:

    async def embed_async(texts: list[str]) -> list[list[float]]:
        return [vector for text in texts for vector in embed([text])]

    # One at a time, as the app embeds a question (the app embeds the prototypes in one
    # batch; int8 dynamic quantisation moves scores by about 0.01 between the two).
    classifier = asyncio.run(learn_intents(embed_async))
    right = 0
    for question, gold in INTENT_SET:
        [vector] = embed([question])
        decision = classifier.classify(vector)
        right += decision.intent == gold
        scores = " ".join(f"{k} {v:.3f}" for k, v in decision.scores.items())
        print(f"  intent {gold:7} → {decision.intent:7} {scores}  {question!r}")
    print(f"intents right {right}/{len(INTENT_SET)}")


if __name__ == "__main__":
    sys.exit(main())
