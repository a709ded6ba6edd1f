"""The lexical index: words, the Russian and English stemmers, BM25 and the glossary."""

from __future__ import annotations

import json

import pytest

from app.core.tutor.glossary import GLOSSARY, groups
from app.core.tutor.lexical import (
    VERSION,
    Lexicon,
    LexiconError,
    build_index,
    stem_en,
    stem_ru,
    terms,
    words,
)


@pytest.mark.parametrize(("forms", "expected"), [
    (("коммит", "коммиты", "коммитов", "коммитом"), "коммит"),
    (("таблица", "таблицы", "таблицу", "таблицей"), "таблиц"),
    (("исключение", "исключения", "исключением"), "исключен"),
    (("отменить", "отменил", "отменит"), "отмен"),
    (("виртуальное", "виртуальный", "виртуальных"), "виртуальн"),
    (("запросы", "запрос", "запросом"), "запрос"),
])
def test_russian_forms_of_a_word_share_a_stem(forms: tuple[str, ...], expected: str) -> None:
    assert {stem_ru(form) for form in forms} == {expected}


def test_russian_stems_keep_the_word_before_its_first_vowel_and_read_yo_as_ye() -> None:
    assert stem_ru("в") == "в" and stem_ru("сб") == "сб"  # no vowel: nothing to strip
    assert stem_ru("удалённый") == stem_ru("удаленный")
    assert stem_ru("ветки") != ""


@pytest.mark.parametrize(("word", "expected"), [
    ("commits", "commit"), ("branches", "branch"), ("queries", "query"), ("running", "run"),
    ("merged", "merg"), ("ignoring", "ignor"), ("class", "class"), ("status", "status"),
    ("__init__", "__init__"), ("git", "git"),
])
def test_english_stems(word: str, expected: str) -> None:
    assert stem_en(word) == expected


def test_words_drop_stop_words_and_split_code_but_keep_identifiers() -> None:
    assert words("How do I use git reset --soft HEAD~1?") == ["git", "reset", "soft", "head"]
    assert words("Что такое __init__ в классе?") == ["такое", "__init__", "классе"]
    assert terms("Как отменить последние коммиты?") == ["отмен", "последн", "коммит"]


def index_of(*texts: str) -> Lexicon:
    data = json.loads(json.dumps(build_index(list(texts))))  # as the browser reads it
    return Lexicon.from_json(data, len(texts))


def test_bm25_prefers_the_passage_holding_the_rare_word_and_counts_shares() -> None:
    lexicon = index_of("Undoing changes: git restore and git reset undo work.",
                       "Branches: git branch makes a branch.",
                       "Stashing: git stash keeps unfinished work aside.")
    scores, ideal = lexicon.scores(groups("How do I stash my work?"))
    assert max(scores, key=lambda row: scores[row]) == 2
    assert scores[2] > 0 and ideal > 0
    only_branch, _ = lexicon.scores(groups("stash"), rows=[0, 1])  # the scope's rows only
    assert only_branch == {}
    nothing, ideal = lexicon.scores(groups("sourdough bread"))
    assert nothing == {} and ideal > 0  # the words count, none is found


def test_a_russian_question_reaches_english_passages_through_the_glossary() -> None:
    lexicon = index_of("Undoing changes: git revert makes a new commit.",
                       "Branches: git branch makes a new branch.")
    found = groups("Как отменить коммит?")
    assert found[0] == ["отмен", "reset", "restore", "revert", "undo"]
    scores, _ = lexicon.scores(found)
    assert max(scores, key=lambda row: scores[row]) == 0
    # Without the glossary the Russian words alone find nothing in English passages.
    bare, _ = lexicon.scores([[group[0]] for group in found])
    assert set(bare) <= {0, 1} and bare.get(0, 0) < scores[0]


def test_glossary_entries_are_stemmed_both_ways() -> None:
    assert "commit" in GLOSSARY[stem_ru("коммиты")]
    assert GLOSSARY[stem_ru("ветку")] == frozenset({"branch"})


def test_an_index_of_another_version_or_size_is_refused() -> None:
    data = build_index(["a text", "another text"])
    with pytest.raises(LexiconError, match="version"):
        Lexicon.from_json({**data, "version": VERSION + 1}, 2)
    with pytest.raises(LexiconError, match="3 passages"):
        Lexicon.from_json(data, 3)
    with pytest.raises(LexiconError):
        Lexicon.from_json([], 2)
