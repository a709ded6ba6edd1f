"""Word search over the library: stems in English and Russian, ranking, snippets, fusion."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.core.library.catalog import Library
from app.core.library.search import Index, fuse, plain, snippet, stem, words
from tests.app.core.library.test_catalog import DATA

TEXTS = {
    ("py.a", "en"): ("Loops", "<p>A <code>for</code> loop repeats a block for each item of a list.</p>"),
    ("py.b", "en"): ("Functions", "<p>A function is defined with <code>def</code>; loops may call "
                                  "functions &amp; return values.</p>"),
    ("py.c", "en"): ("Classes", "<p>A class bundles data and the functions that work on it.</p>"),
    ("py.a", "ru"): ("Циклы", "<p>Цикл <code>for</code> повторяет блок для каждого элемента списка.</p>"),
    ("py.b", "ru"): ("Функции", "<p>Функция объявляется словом <code>def</code> и возвращает "
                                "значение.</p>"),
    ("py.c", "ru"): ("Классы", "<p>Класс объединяет данные и функции, которые с ними работают.</p>"),
    ("sql.a", "en"): ("Select", "<p>SELECT picks columns; WHERE filters the rows it returns.</p>"),
}


def library_data() -> dict[str, Any]:
    """The catalog tests' library with a title and some text on every topic."""
    data: dict[str, Any] = copy.deepcopy(DATA)
    for topic in data["topics"]:
        topic["title"], topic["html"] = TEXTS[(topic["id"], topic["lang"])]
    return data


def library() -> Library:
    return Library.from_dict(library_data())


@pytest.mark.parametrize(("word", "expected"), [
    ("Functions", "function"), ("queries", "query"), ("class", "class"), ("loops", "loop"),
    ("returned", "return"), ("is", "is"), ("функции", "функц"), ("функция", "функц"),
    ("Ёлка", "елк"), ("дом", "дом"), ("функциями", "функц"), ("учитель", "учител"),
    ("учителями", "учител"),
])
def test_stem_cuts_common_endings_when_enough_is_left(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_words_leave_out_one_letter_words_and_html_becomes_plain_text() -> None:
    assert words("A for loop, x 2") == ["for", "loop", "2"]
    assert plain("<p>a &amp; <code>b</code></p>\n<p>c</p>") == "a & b c"


def test_a_title_match_ranks_first_and_every_word_beats_some() -> None:
    index = Index.build(library())
    found = index.search("functions", "en")
    assert [r.topic for r in found] == ["py.b", "py.c"]  # the title, then the text
    assert found[0].title == "Functions" and found[0].lang == "en" and found[0].matched == 1
    both = index.search("function loops", "en")
    assert both[0].topic == "py.b" and both[0].matched == 2  # holds both words
    assert {r.matched for r in both[1:]} == {1}


def test_a_query_word_also_finds_the_longer_words_it_begins() -> None:
    assert [r.topic for r in Index.build(library()).search("sel", "en")] == ["sql.a"]
    assert Index.build(library()).search("se", "en") == []  # too short to stand for more


def test_russian_words_find_russian_text_in_any_case_and_form() -> None:
    index = Index.build(library())
    found = index.search("функциями", "ru")
    assert [r.topic for r in found][:2] == ["py.b", "py.c"] and found[0].lang == "ru"
    assert index.search("ЦИКЛОВ", "en")[0].topic == "py.a"


def test_one_result_per_topic_in_the_learners_language_on_a_tie() -> None:
    index = Index.build(library())
    assert [(r.topic, r.lang) for r in index.search("def", "en")] == [("py.b", "ru")]  # the shorter text
    data: dict[str, Any] = copy.deepcopy(DATA)
    for topic in data["topics"]:
        topic["title"], topic["html"] = TEXTS[(topic["id"], "en" if topic["id"] == "py.c" else topic["lang"])]
    same = Index.build(Library.from_dict(data))
    assert [(r.topic, r.lang) for r in same.search("classes", "ru")] == [("py.c", "ru")]
    assert [(r.topic, r.lang) for r in same.search("classes", "en")] == [("py.c", "en")]
    assert index.search("", "en") == [] and index.search("zebra", "en") == []


def test_the_snippet_marks_the_matched_words() -> None:
    result = Index.build(library()).search("loops", "en")[0]
    assert result.topic == "py.a"
    assert ("loop", True) in result.snippet
    whole = "".join(text for text, _ in result.snippet)
    assert whole == "A for loop repeats a block for each item of a list."


def test_a_long_text_is_cut_around_the_densest_matches() -> None:
    text = " ".join(["filler"] * 80 + ["needle", "and", "needle"] + ["filler"] * 80)
    pieces = snippet(text, lambda word: word == "needle", width=60)
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert [p for p in pieces if p[1]] == [("needle", True), ("needle", True)]
    assert len("".join(p for p, _ in pieces)) <= 62
    assert snippet("no match here", lambda word: False) == (("no match here", False),)


def test_fuse_ranks_topics_both_lists_hold_first() -> None:
    assert fuse(["a", "b", "c"], ["c", "d"]) == ["c", "a", "b", "d"]
    assert fuse(["a", "b"], []) == ["a", "b"]
