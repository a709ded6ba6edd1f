"""Deterministic questions from a topic's own text: passages from the compiled HTML,
cloze with trail distractors the topic never uses, term → definition, open questions,
in English and Russian."""

from __future__ import annotations

import pytest

from app.core.learner import sentences as text
from app.core.learner.keys import check
from app.core.learner.quiz import BLANK, Question, TrailTerms, find_definition, questions_for

GIT_ADD = ("<p>Between the working tree and the history sits the staging area. "
           "<code>git add</code> copies the current content of a file into the staging area, "
           "and later commits take it from there.</p>"
           "<pre><code>git add notes.txt</code></pre>"
           "<p>A branch in Git is a lightweight, movable name that points at a commit.</p>")
OTHERS = [
    ("git.log", "en", ["`git log` lists the commits of the current branch, newest first.",
                       "A tag is a name that permanently marks one commit, usually a release.",
                       "Use `git log --oneline` to print one short line per commit of history.",
                       "The reflog is a local diary of where `HEAD` and each branch have pointed."]),
    ("git.remote", "en", ["`git push` sends your commits to the remote repository you name.",
                          "A remote is a named reference to another copy of the repository.",
                          "`git fetch` downloads new commits from the remote but changes nothing locally."]),
]
RU = ["Функция — именованный блок кода, который можно вызывать многократно.",
      "Функцию объявляют словом `def`, за ним идут имя и скобки с параметрами функции."]
RU_OTHER = [("python.loops", "ru", ["Цикл `for` перебирает элементы списка по одному, пока они есть.",
                                     "Генератор — функция, в которой есть слово `yield`.",
                                     "Цикл `while` повторяет тело, пока условие остаётся истинным.",
                                     "Модуль — обычный файл с расширением `.py` и кодом.",
                                     "Список — упорядоченная изменяемая коллекция элементов.",
                                     "Исключение — сигнал о том, что что-то пошло не так."])]


def test_passages_keep_inline_code_and_leave_out_code_blocks() -> None:
    found = text.passages(GIT_ADD)
    assert found[1] == "A branch in Git is a lightweight, movable name that points at a commit."
    assert "`git add` copies" in found[0]
    assert all("notes.txt" not in p for p in found)


def test_sentences_do_not_end_inside_code() -> None:
    assert text.sentences("Run `git add .` first. Then commit. `x.y` is fine.") == [
        "Run `git add .` first.", "Then commit.", "`x.y` is fine."]


def bank_with(topic: str, lang: str, passages: list[str], others: list) -> TrailTerms:
    return TrailTerms.collect([(topic, lang, passages), *others])


def test_a_cloze_blanks_the_key_and_draws_distractors_the_topic_never_uses() -> None:
    passages = text.passages(GIT_ADD)
    questions = questions_for("git.staging", "en", passages, bank_with("git.staging", "en", passages, OTHERS))
    cloze = next(q for q in questions if q.kind == "cloze" and "git add" in q.answer)
    assert BLANK in cloze.stem and "git add" not in cloze.stem
    assert cloze.options[cloze.key] == "git add"
    distractors = [o for i, o in enumerate(cloze.options) if i != cloze.key]
    assert len(distractors) == 3
    # Other commands of the trail, none of which this topic mentions.
    assert all(o.startswith("git ") for o in distractors)
    assert not any(text.contains("\n".join(passages), o) for o in distractors)
    assert cloze.source == passages[0] and check(cloze, passages).ok


def test_a_definition_question_offers_other_terms_definitions() -> None:
    passages = text.passages(GIT_ADD)
    questions = questions_for("git.staging", "en", passages, bank_with("git.staging", "en", passages, OTHERS))
    definition = next(q for q in questions if q.kind == "definition")
    assert definition.stem == "Which description matches branch in Git?"
    assert definition.options[definition.key] == "a lightweight, movable name that points at a commit"
    assert "a named reference to another copy of the repository" in definition.options
    opened = next(q for q in questions if q.kind == "open")
    assert opened.stem == "In your own words: what is branch in Git?" and not opened.options
    assert "lightweight" in opened.terms
    assert all(check(q, passages).ok for q in questions)


def test_russian_topics_get_russian_questions() -> None:
    questions = questions_for("python.functions", "ru", RU, bank_with("python.functions", "ru", RU, RU_OTHER))
    kinds = {q.kind for q in questions}
    assert {"definition", "open", "cloze"} <= kinds
    definition = next(q for q in questions if q.kind == "definition")
    assert definition.stem == "Какое описание подходит к понятию «Функция»?"
    assert definition.options[definition.key] == "именованный блок кода, который можно вызывать многократно"
    cloze = next(q for q in questions if q.kind == "cloze" and q.answer == "def")
    assert cloze.stem.startswith("Вставьте пропущенное:")


@pytest.mark.parametrize("sentence", [
    "A common mistake is forgetting to stage the file.",
    "If they are missing, Git guesses them from your login.",
    "There are two ways to get a repository.",
    "Conflicts are smaller when branches are short-lived.",
])
def test_sentences_that_define_nothing_give_no_definition(sentence: str) -> None:
    assert find_definition(sentence, sentence, "en") is None


def test_the_same_text_gives_the_same_questions_and_ids() -> None:
    passages = text.passages(GIT_ADD)
    bank = bank_with("git.staging", "en", passages, OTHERS)
    first = questions_for("git.staging", "en", passages, bank)
    assert first == questions_for("git.staging", "en", passages, bank)
    assert len({q.id for q in first}) == len(first)


def test_questions_round_trip_as_records_and_refuse_garbage() -> None:
    passages = text.passages(GIT_ADD)
    bank = bank_with("git.staging", "en", passages, OTHERS)
    question = questions_for("git.staging", "en", passages, bank)[0]
    assert Question.from_record(question.to_record()) == question
    broken = {**question.to_record(), "key": 7}
    with pytest.raises(ValueError, match="key 7"):
        Question.from_record(broken)
    with pytest.raises(ValueError, match="not a quiz question"):
        Question.from_record({"id": "x"})
