"""The tutor's orchestration under CPython, against honest fakes of the worker and API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from app.core.i18n import t
from app.core.learner.profile import LearnerProfile
from app.core.library.catalog import Library
from app.core.settings import Settings
from app.core.tutor.conversation import Scope
from app.core.tutor.prompt import HINT_FIRST, PLAN
from app.services.tutor import Tutor
from tests.app.core.library.test_catalog import DATA
from tests.fakes import FakeApi, FakeInference, bag_of_words

PASSAGES = [
    {
        "topic": "py.a",
        "lang": "en",
        "roadmap": "py",
        "title": "Virtual environments",
        "text": "Create an isolated environment with python -m venv .venv and activate it.",
    },
    {
        "topic": "py.a",
        "lang": "ru",
        "roadmap": "py",
        "title": "Виртуальные окружения",
        "text": "Создайте окружение командой python -m venv .venv и активируйте его.",
    },
    {
        "topic": "py.b",
        "lang": "en",
        "roadmap": "py",
        "title": "Loops",
        "text": "A for loop repeats a block for each item; while repeats while a condition holds.",
    },
    {
        "topic": "sql.a",
        "lang": "en",
        "roadmap": "sql",
        "title": "Select",
        "text": "SELECT picks columns from a table; WHERE filters the rows it returns.",
    },
]
RETRIEVAL = {
    "passages": "/content/passages.json",
    "vectors": "/content/vectors.f32",
    "vectors_sha256": "0" * 64,
    "count": len(PASSAGES),
    "dim": 64,
    "model": "embedder-x",
    "dtype": "q8",
    "passage_prefix": "passage: ",
    "query_prefix": "query: ",
}


def make_tutor(learner: Callable[[], LearnerProfile] | None = None,
               **fake: Any) -> tuple[Tutor, FakeInference, list[int]]:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    inference = FakeInference(vectors={RETRIEVAL["vectors"]: vectors}, **fake)
    api = FakeApi({RETRIEVAL["passages"]: PASSAGES})
    changes: list[int] = []
    tutor = Tutor(
        inference,
        api,
        Library.from_dict({**DATA, "retrieval": RETRIEVAL}),
        Settings(generator="gen-x"),
        on_change=lambda: changes.append(1),
        learner=learner,
    )
    return tutor, inference, changes


def test_answer_streams_and_cites_the_topic_that_holds_the_answer() -> None:
    tutor, inference, changes = make_tutor(reply="Use venv, as the source says [1]. Ready?")

    async def run() -> Any:
        return await tutor.ask("How do I create a virtual environment with venv?", Scope(), "en")

    exchange = asyncio.run(run())
    assert exchange.status == "done"
    assert exchange.hits[0].passage.topic == "py.a"
    assert exchange.answer is not None and exchange.answer.cited_by_model
    assert [c.topic for c in exchange.answer.citations] == ["py.a"]
    assert exchange.text == "Use venv, as the source says [1]. Ready?"
    assert len(changes) > 5  # the UI was told about each streamed piece
    prompt = next(args for name, args in inference.calls if name == "generate")[-1]["content"]
    assert "[1] Virtual environments:" in prompt
    assert tutor.generator.phase == "ready" and tutor.generator.device == "wasm"
    assert tutor.embedder.total == 1000 and tutor.embedder.loaded == 1000


def test_the_prompt_carries_the_learners_profile_as_it_is_when_asked() -> None:
    profile = LearnerProfile()
    tutor, inference, _ = make_tutor(learner=lambda: profile)

    def last_prompt() -> list[dict[str, str]]:
        found: list[dict[str, str]] = [args for name, args in inference.calls if name == "generate"][-1]
        return found

    asyncio.run(tutor.ask("How do loops repeat a block?", Scope(), "en"))
    assert "goal" not in last_prompt()[-1]["content"]  # nothing to say: no note
    profile = LearnerProfile("automate my reports", ("py.a",), ("py.b",))
    asyncio.run(tutor.ask("How do loops repeat a block?", Scope(roadmap="py"), "en"))
    user = last_prompt()[-1]["content"]
    assert user.startswith("The learner's goal: automate my reports. They struggle with: B. They know: A.")
    assert "automate" not in last_prompt()[0]["content"]  # the system prefix stays cacheable
    asyncio.run(tutor.ask("Как работают циклы?", Scope(roadmap="py", topic="py.b"), "ru"))
    assert "Затрудняется с темами: Б." in last_prompt()[-1]["content"]
    profile = LearnerProfile("learn " * 40, ("py.a", "py.c", "sql.a", "py.b"), ("py.b",))
    asyncio.run(tutor.ask("How do loops repeat a block?", Scope(roadmap="sql"), "en"))
    note = last_prompt()[-1]["content"].split("\n\n")[0]
    assert "They struggle with: B." in note  # a long goal is cut, the weak topic stays
    assert note.count("learn") < 40 and "They know: A, C, Select." in note  # three titles


def test_russian_learner_gets_the_russian_passage_of_the_same_topic() -> None:
    tutor, _, _ = make_tutor()
    exchange = asyncio.run(tutor.ask("Что такое виртуальное окружение venv?", Scope(), "ru"))
    assert exchange.hits[0].passage.lang == "ru"
    assert [h.passage.topic for h in exchange.hits].count("py.a") == 1  # deduplicated


def test_topic_scope_searches_only_its_roadmap() -> None:
    tutor, inference, _ = make_tutor()
    asyncio.run(tutor.ask("SELECT columns WHERE rows", Scope(roadmap="py", topic="py.b"), "en"))
    searched = [args for name, args in inference.calls if name == "search"]
    assert searched == [[0, 2], [1]]  # the py roadmap's rows, English and Russian apart
    assert len(tutor.conversation(Scope(roadmap="py", topic="py.b"))) == 1
    assert tutor.conversation(Scope()) == []


def test_without_a_generator_the_passages_still_answer() -> None:
    tutor, _, _ = make_tutor(fail_load={"gen-x": "gen-x: onnx/model_quantized.onnx is corrupt"})
    exchange = asyncio.run(tutor.ask("How do loops repeat a block?", Scope(), "en"))
    assert exchange.status == "passages"
    assert exchange.answer is not None and exchange.answer.citations[0].topic == "py.b"
    assert tutor.generator.phase == "failed"
    assert "corrupt" in tutor.generator.error


def test_stop_interrupts_the_answer() -> None:
    tutor, _, _ = make_tutor(reply="word " * 150, token_delay=0.001)

    async def run() -> Any:
        task = asyncio.ensure_future(tutor.ask("How do loops work?", Scope(), "en"))
        while not task.done() and not (
            tutor.conversation(Scope()) and tutor.conversation(Scope())[0].status == "generating"
        ):
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.01)
        assert await tutor.stop() is True
        return await task

    exchange = asyncio.run(run())
    assert exchange.status == "stopped"
    assert 0 < exchange.text.count("word") < 150


def test_exercise_requests_get_a_hint_first() -> None:
    tutor, inference, _ = make_tutor()
    exchange = asyncio.run(
        tutor.ask(
            "Solve this exercise for me: write the code that solves the task, just give me the answer",
            Scope(),
            "en",
        )
    )
    assert exchange.intent == "solve"
    system = next(args for name, args in inference.calls if name == "generate")[0]["content"]
    assert HINT_FIRST["en"] in system


@pytest.mark.parametrize(("question", "lang"), [
    ("What is the best opening in the board game Go?", "en"),
    ("Как испечь хлеб на закваске дома?", "ru"),
])
def test_a_question_the_library_does_not_cover_is_not_answered(question: str, lang: str) -> None:
    tutor, inference, _ = make_tutor(reply="The chess opening places the king on a1 [1].")
    tutor.retriever.covered_floor = 0.4  # the fake embedder's scale: on-topic questions 0.55

    exchange = asyncio.run(tutor.ask(question, Scope(), lang))
    assert exchange.status == "uncovered" and exchange.finished
    assert exchange.answer is not None and exchange.answer.citations == ()
    assert exchange.text == ""
    assert not [name for name, _ in inference.calls if name == "generate"]
    assert exchange.hits  # the nearest topics, for the UI to offer as related
    covered = asyncio.run(tutor.ask("How do loops repeat a block?", Scope(), "en"))
    assert covered.status == "done"


def test_plan_requests_are_built_from_the_roadmap_topics() -> None:
    tutor, inference, _ = make_tutor(reply="1. A\n2. B")
    exchange = asyncio.run(
        tutor.ask(
            "Make me a study plan: what should I learn next and in what order?", Scope(roadmap="py"), "en"
        )
    )
    assert exchange.intent == "plan"
    assert exchange.hits  # retrieved all the same: a misrouted question keeps its passages
    assert exchange.answer is not None and exchange.answer.citations == ()
    messages = next(args for name, args in inference.calls if name == "generate")
    assert messages[0]["content"] == PLAN["en"]
    assert "- A\n- B\n- C" in messages[1]["content"]


def test_a_worker_speaking_another_protocol_is_refused() -> None:
    tutor, _, _ = make_tutor(handles=["hello", "embed"])
    exchange = asyncio.run(tutor.ask("anything", Scope(), "en"))
    assert exchange.status == "failed"
    assert "this page needs" in exchange.error and "reload the page" in exchange.error


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_history_is_kept_per_scope_and_fed_back(lang: str) -> None:
    tutor, inference, _ = make_tutor()

    async def run() -> None:
        await tutor.ask("How do loops repeat a block?", Scope(topic="py.b", roadmap="py"), lang)
        await tutor.ask("And while loops?", Scope(topic="py.b", roadmap="py"), lang)

    asyncio.run(run())
    second = [args for name, args in inference.calls if name == "generate"][1]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == "How do loops repeat a block?"


def test_an_unrelated_question_does_not_drag_in_the_previous_topic() -> None:
    tutor, _, _ = make_tutor()
    scope = Scope()

    async def run() -> list[list[str]]:
        asked = []
        for question in ("How do loops repeat a block?",
                         "Which columns does SELECT pick from a table, and what does WHERE filter?",
                         "And the rows it returns?"):
            exchange = await tutor.ask(question, scope, "en")
            asked.append([h.passage.topic for h in exchange.hits])
        return asked

    loops, select, follow_up = asyncio.run(run())
    assert loops[0] == "py.b"
    assert select == ["sql.a"]  # alone: joined with the loops question, py.b came along
    assert follow_up[0] == "sql.a"


def test_the_prompts_scaffolding_never_reaches_the_answer() -> None:
    tutor, _, _ = make_tutor(reply="Источники: [1] Виртуальные окружения: Создайте окружение… "
                                   "Ответ: Создайте окружение командой python -m venv [1].")
    exchange = asyncio.run(tutor.ask("Как создать виртуальное окружение venv?", Scope(), "ru"))
    assert exchange.status == "done"
    assert exchange.text == "Создайте окружение командой python -m venv [1]."
    assert exchange.answer is not None and exchange.answer.cited_by_model


def test_an_answer_looping_on_one_sentence_is_cut() -> None:
    tutor, _, _ = make_tutor(reply="A venv isolates packages [1]. " * 20)
    exchange = asyncio.run(tutor.ask("How do I create a virtual environment with venv?", Scope(), "en"))
    assert exchange.status == "done" and exchange.text == "A venv isolates packages [1]."


def test_an_answer_that_only_echoes_the_prompt_falls_back_to_the_passages() -> None:
    tutor, _, _ = make_tutor(reply="Sources: [1] Virtual environments: Create an isolated …")
    exchange = asyncio.run(tutor.ask("How do I create a virtual environment with venv?", Scope(), "en"))
    assert exchange.status == "passages" and exchange.text == ""
    assert "repeated its instructions" in exchange.error
    assert exchange.answer is not None and [c.topic for c in exchange.answer.citations] == ["py.a"]


class ScriptedInference(FakeInference):
    """A worker whose generations answer ``replies`` in turn."""

    def __init__(self, replies: list[str], **fake: Any) -> None:
        super().__init__(**fake)
        self.replies = replies

    async def generate(self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
                       on_token: Any = None) -> dict[str, Any]:
        self.reply = self.replies.pop(0)
        return await super().generate(model, messages, max_new_tokens, on_token)


def scripted_tutor(replies: list[str]) -> tuple[Tutor, ScriptedInference]:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    inference = ScriptedInference(replies, vectors={RETRIEVAL["vectors"]: vectors})
    tutor = Tutor(inference, FakeApi({RETRIEVAL["passages"]: PASSAGES}),
                  Library.from_dict({**DATA, "retrieval": RETRIEVAL}), Settings(generator="gen-x"))
    return tutor, inference


ENGLISH = "Create the environment with python -m venv .venv and then activate it [1]."
RUSSIAN = "Создайте окружение командой python -m venv .venv и активируйте его [1]."


def test_an_answer_in_another_language_is_asked_again_once() -> None:
    tutor, inference = scripted_tutor([ENGLISH, RUSSIAN])
    exchange = asyncio.run(tutor.ask("Как создать виртуальное окружение venv?", Scope(), "ru"))
    assert exchange.status == "done" and exchange.text == RUSSIAN
    second = [args for name, args in inference.calls if name == "generate"][1]
    assert second[-1]["content"].endswith("Важно: напиши ответ на русском языке.")


def test_a_second_answer_in_another_language_falls_back_to_the_passages() -> None:
    tutor, inference = scripted_tutor([ENGLISH, ENGLISH])
    exchange = asyncio.run(tutor.ask("Как создать виртуальное окружение venv?", Scope(), "ru"))
    assert exchange.status == "passages" and exchange.text == ""
    assert "не на том языке" in exchange.error
    assert exchange.answer is not None and exchange.answer.citations
    assert len([name for name, _ in inference.calls if name == "generate"]) == 2


class BuggyInference(FakeInference):
    """A worker client with a bug: it breaks with a plain Python error mid-answer."""

    async def generate(self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
                       on_token: Any = None) -> dict[str, Any]:
        if on_token:
            on_token("Half an ")
        raise KeyError("payload")


def test_an_unexpected_error_fails_the_exchange_with_a_message() -> None:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    inference = BuggyInference(vectors={RETRIEVAL["vectors"]: vectors})
    tutor = Tutor(inference, FakeApi({RETRIEVAL["passages"]: PASSAGES}),
                  Library.from_dict({**DATA, "retrieval": RETRIEVAL}), Settings(generator="gen-x"))
    exchange = asyncio.run(tutor.ask("How do loops repeat a block?", Scope(), "en"))
    assert exchange.status == "failed" and exchange.finished
    assert exchange.error == "unexpected KeyError: 'payload'"
    assert not tutor.busy
    assert exchange.answer is not None and exchange.answer.citations  # the passages stay


def test_a_cancelled_answer_ends_stopped() -> None:
    tutor, _, _ = make_tutor(reply="word " * 150, token_delay=0.001)

    async def run() -> None:
        task = asyncio.ensure_future(tutor.ask("How do loops work?", Scope(), "en"))
        while not tutor.conversation(Scope()) or tutor.conversation(Scope())[0].status != "generating":
            await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert tutor.conversation(Scope())[0].status == "stopped"
    assert not tutor.busy


def test_an_answer_of_code_alone_is_asked_again_then_replaced_by_the_passages() -> None:
    tutor, inference, _ = make_tutor(reply="`python -m venv .venv` [1].")
    exchange = asyncio.run(tutor.ask("How do I create a virtual environment with venv?", Scope(), "en"))
    prompts = [args[-1]["content"] for name, args in inference.calls if name == "generate"]
    assert len(prompts) == 2 and prompts[1].endswith("Important: write the answer in English.")
    assert exchange.status == "passages"
    assert exchange.error == t("en", "answer_code_only")
    assert exchange.answer is not None and exchange.answer.citations  # the passages, cited
