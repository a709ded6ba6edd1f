"""Keys are checked against the source before a question is shown: a model's wrong key is
caught (re-keyed to the supported option, or the question dropped), and a text-built
question whose distractor the source also supports is refused."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.core.learner.drafts import DraftError, messages, parse_reply
from app.core.learner.keys import check, support
from app.core.learner.quiz import BLANK, Question
from app.core.learner.sentences import sentences as split_sentences

PASSAGE = ("Git does not simply commit whatever is in your folder. Between the working tree and the "
           "history sits the staging area, also called the index. `git add` copies the current content "
           "of a file into the staging area, and `git commit` turns the staged content into a permanent "
           "snapshot in the history.")
PASSAGES = [PASSAGE]

RIGHT_KEY = """Question: What does `git add` do?
A) It deletes the file from the working tree
B) It copies the current content of a file into the staging area
C) It sends commits to a remote server
D) It renames the current branch
Answer: B"""


def test_a_model_question_with_the_supported_key_is_verified() -> None:
    question = parse_reply(RIGHT_KEY, "git.staging", "en", PASSAGE)
    assert question.kind == "model-choice" and question.key == 1
    verdict = check(question, PASSAGES)
    assert verdict.ok and verdict.key == 1 and not verdict.rekeyed
    assert verdict.scores[1] > max(verdict.scores[0], verdict.scores[2], verdict.scores[3])


def test_a_wrong_model_key_is_caught_and_rekeyed_to_the_supported_option() -> None:
    wrong = parse_reply(RIGHT_KEY.replace("Answer: B", "Answer: C"), "git.staging", "en", PASSAGE)
    assert wrong.key == 2  # the model said C
    verdict = check(wrong, PASSAGES)
    assert verdict.ok and verdict.rekeyed and verdict.key == 1
    assert "option 3" in verdict.reason


def test_a_question_no_option_of_which_the_source_supports_is_dropped() -> None:
    unsupported = """Question: Which year was Git first released?
A) 1999
B) 2005
C) 2010
D) 2015
Answer: B"""
    verdict = check(parse_reply(unsupported, "git.staging", "en", PASSAGE), PASSAGES)
    assert not verdict.ok and "no option is clearly supported" in verdict.reason


def test_two_options_the_source_supports_equally_are_not_a_question() -> None:
    ambiguous = """Question: What is between the working tree and the history?
A) the staging area
B) the index
C) a remote server
D) a tag
Answer: A"""
    verdict = check(parse_reply(ambiguous, "git.staging", "en", PASSAGE), PASSAGES)
    assert not verdict.ok


def test_embedding_similarity_can_separate_what_words_alone_cannot() -> None:
    # Options that share words with the source about equally: words alone cannot tell.
    reply = """Question: What does `git commit` do?
A) It turns the staged content into a permanent snapshot
B) It turns the working tree into the staging area
C) It copies the staged content into a file
D) It deletes the history
Answer: A"""
    question = parse_reply(reply, "git.staging", "en", PASSAGE)
    sentences = split_sentences(PASSAGE)
    assert not check(question, PASSAGES).ok
    # The embedder says option A matches the last sentence far better than the others do.
    similarity = [[0.78] * len(sentences) for _ in question.options]
    similarity[0][-1] = 0.95
    verdict = check(question, PASSAGES, similarity)
    assert verdict.ok and verdict.key == 0
    assert support(question.stem, question.options, sentences, "en", similarity)[0] == max(verdict.scores)


def cloze(options: tuple[str, ...], key: int) -> Question:
    stem = f"Fill in the blank: {BLANK} copies the current content of a file into the staging area, " \
           "and `git commit` turns the staged content into a permanent snapshot in the history."
    return Question("git.staging:x", "git.staging", "en", "cloze", stem, options, key, options[key],
                    PASSAGE, "")


def test_a_cloze_whose_distractor_the_topic_also_uses_is_refused() -> None:
    assert check(cloze(("git add", "git push", "git log", "git fetch"), 0), PASSAGES).ok
    verdict = check(cloze(("git add", "git commit", "git log", "git fetch"), 0), PASSAGES)
    assert not verdict.ok and "option 2" in verdict.reason
    assert not check(cloze(("git push", "git add", "git log", "git fetch"), 0), PASSAGES).ok  # wrong key


def test_a_definition_keyed_on_words_not_in_the_source_is_refused() -> None:
    question = Question("git.staging:d", "git.staging", "en", "definition",
                        "Which description matches index?",
                        ("a list of remote servers", "the staging area", "a kind of tag", "a branch name"),
                        0, "a list of remote servers", PASSAGE, "")
    assert not check(question, PASSAGES).ok
    assert check(replace(question, key=1, answer="the staging area"), PASSAGES).ok


def test_an_open_reference_answer_must_be_supported_by_the_source() -> None:
    good = parse_reply("Question: What does git add do?\nAnswer: It copies the current content of a "
                       "file into the staging area.", "git.staging", "en", PASSAGE)
    bad = parse_reply("Question: What does git add do?\nAnswer: It uploads your photos to the cloud "
                      "every night.", "git.staging", "en", PASSAGE)
    assert good.kind == "model-open" and check(good, PASSAGES).ok
    assert not check(bad, PASSAGES).ok


@pytest.mark.parametrize(("reply", "problem"), [
    ("Sure! Here is a question about Git.", "no 'Question:' line"),
    ("Question: What does git add do?\nA) x\nB) y\nC) z\nD) w", "no 'Answer:' line"),
    ("Question: What does git add do?\nA) same\nB) same\nC) z\nD) w\nAnswer: A", "two options"),
    ("Question: What does git add do?\nA) x\nC) y\nD) z\nAnswer: A", "not A) to D)"),
    ("Question: What does git add do?\nA) x\nB) y\nC) z\nD) w\nAnswer: F", "names no option"),
    ("Вопрос: Что делает git add?\nA) x\nB) y\nC) z\nD) w\nОтвет: A", "not in the topic's language"),
])
def test_malformed_replies_are_refused_with_the_reason(reply: str, problem: str) -> None:
    with pytest.raises(DraftError, match=re.escape(problem)):
        parse_reply(reply, "git.staging", "en", PASSAGE)


def test_russian_replies_with_cyrillic_letters_parse() -> None:
    reply = ("Вопрос: Что такое функция?\nА) именованный блок кода\nБ) тип данных\nВ) цикл\n"
             "Г) модуль\nОтвет: А")
    question = parse_reply(reply, "python.functions", "ru", "Функция — именованный блок кода.")
    assert question.options[question.key] == "именованный блок кода"


def test_the_prompt_asks_in_the_topics_language_with_a_short_passage() -> None:
    ru = messages("Функция — именованный блок кода. " * 60, "ru", "choice")
    assert "по-русски" in ru[0]["content"] and "Ответ: <буква>" in ru[1]["content"]
    assert len(ru[1]["content"]) < 1100
    assert "Answer: <letter>" in messages(PASSAGE, "en", "choice")[1]["content"]
