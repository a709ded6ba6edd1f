"""The tutor panel rendered under CPython from a Tutor driven by honest fakes."""

from __future__ import annotations

import asyncio

from app.core.tutor.conversation import Exchange, Scope
from app.services.pipelines import PipelineState
from app.ui import tutor_view
from tests.app.services.test_tutor import ENGLISH, make_tutor, scripted_tutor


def test_loading_ready_and_failed_models_say_what_they_are_doing() -> None:
    loading = PipelineState("qwen", "generator", phase="loading", loaded=250_000_000,
                            total=500_000_000)
    assert "qwen: loading 50% of 500 MB" in tutor_view.model_line(loading, "en")
    assert '<progress max="500000000" value="250000000">' in tutor_view.model_line(loading, "en")
    ready = PipelineState("qwen", "generator", phase="ready", device="wasm", dtype="q8",
                          reason="fallback-adapter")
    line = tutor_view.model_line(ready, "ru")
    assert "qwen на WASM · q8" in line and "программный адаптер" in line
    assert 'data-device="wasm"' in line
    failed = PipelineState("qwen", "generator", phase="failed", error="<b>404</b> onnx/model.onnx")
    assert "&lt;b&gt;404&lt;/b&gt;" in tutor_view.model_line(failed, "en")
    assert "qwen could not be loaded" in tutor_view.model_line(failed, "en")  # names the model
    assert "qwen не удалось загрузить" in tutor_view.model_line(failed, "ru")
    odd = PipelineState("qwen", "generator", phase="ready", device="wasm", dtype="q8",
                        reason="webgpu-load-failed", detail="GPUDevice lost <x>")
    line = tutor_view.model_line(odd, "en")
    assert "WebGPU failed, fell back to WASM" in line
    assert 'title="GPUDevice lost &lt;x&gt;"' in line  # the detail, escaped, on hover


def test_answer_with_citations_and_escaped_model_output() -> None:
    tutor, _, _ = make_tutor(reply="Use venv [1]. <script>alert(1)</script>")
    exchange = asyncio.run(tutor.ask("How do I create a virtual environment with venv?", Scope(), "en"))
    html = tutor_view.panel(tutor, [exchange], "en", None)
    assert '<a class="cite" href="#/topic/py.a">[1]</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'class="source" href="#/topic/py.a" data-topic="py.a"' in html
    assert 'data-status="done"' in html
    assert '<button type="submit" class="ask">' in html  # not busy: Ask enabled
    assert 'class="stop" data-action="stop" disabled' in html


def test_exercise_answers_stay_folded_behind_a_hint() -> None:
    tutor, _, _ = make_tutor(reply="The solution is: print(1)")
    exchange = asyncio.run(tutor.ask("Solve this exercise for me: write the code that solves "
                                     "the task, just give me the answer", Scope(), "en"))
    assert exchange.hint_first
    html = tutor_view.exchange_view(exchange, "en")
    assert "Try it yourself first. Hint: the idea you need is in" in html
    assert '<details class="solution"><summary>Still stuck? Show the full answer</summary>' in html


def test_waiting_and_passages_only_states() -> None:
    waiting = Exchange("q", "en", status="waiting")
    assert "Waiting for the language model to load" in tutor_view.exchange_view(waiting, "en")
    tutor, _, _ = make_tutor(fail_load={"gen-x": "no"})
    exchange = asyncio.run(tutor.ask("How do loops repeat a block?", Scope(), "ru"))
    html = tutor_view.exchange_view(exchange, "ru")
    assert "Языковая модель не может работать на этом устройстве" in html
    assert '<details class="passages" open>' in html


def test_an_uncovered_question_shows_related_topics_not_sources() -> None:
    tutor, _, _ = make_tutor()
    tutor.retriever.covered_floor = 0.4
    exchange = asyncio.run(tutor.ask("Как испечь хлеб на закваске дома?", Scope(), "ru"))
    html = tutor_view.exchange_view(exchange, "ru")
    assert 'data-status="uncovered"' in html
    assert "В библиотеке нет материала по этому вопросу" in html
    assert 'Ближайшие темы (возможно, они не отвечают на вопрос): <a href="#/topic/py.a">' in html
    assert 'class="sources"' not in html and 'class="passages"' not in html


def test_the_hint_names_each_topic_once() -> None:
    tutor, _, _ = make_tutor()
    exchange = asyncio.run(tutor.ask("Solve this exercise for me: write the code that solves "
                                     "the task, just give me the answer", Scope(), "en"))
    first = exchange.hits[0]
    exchange.hits = [first, first, *exchange.hits[1:]]  # two passages of one topic
    html = tutor_view.exchange_view(exchange, "en")
    hint = html.split('class="hint">')[1].split("</p>")[0]
    assert hint.count(f'href="#/topic/{first.passage.topic}"') == 1


def test_passages_given_instead_of_an_unusable_answer_say_why() -> None:
    tutor, _ = scripted_tutor([ENGLISH, ENGLISH])
    exchange = asyncio.run(tutor.ask("Как создать виртуальное окружение venv?", Scope(), "ru"))
    html = tutor_view.exchange_view(exchange, "ru")
    assert "Модель дважды ответила не на том языке" in html
    assert "Языковая модель не может работать" not in html
    assert 'class="sources"' in html


def test_a_source_the_model_did_not_name_is_shown_as_the_tutors_match() -> None:
    tutor, _, _ = make_tutor(reply="Create the environment with python -m venv .venv and activate it.")
    exchange = asyncio.run(tutor.ask("How do I create a virtual environment with venv?", Scope(), "en"))
    assert exchange.answer is not None and not exchange.answer.cited_by_model
    html = tutor_view.panel(tutor, [exchange], "en", None)
    assert '<p class="sources" data-matched>Closest source (the model named none): ' in html
    assert [c.topic for c in exchange.answer.citations] == ["py.a"]
    cited = asyncio.run(make_tutor(reply="Use venv [1].")[0].ask(
        "How do I create a virtual environment with venv?", Scope(), "en"))
    assert '<p class="sources">Sources: ' in tutor_view.panel(tutor, [cited], "en", None)
