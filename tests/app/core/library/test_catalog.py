from __future__ import annotations

import copy
from typing import Any

import pytest

from app.core.errors import LibraryError
from app.core.library.catalog import Library
from contracts.library import FORMAT


def topic(tid: str, lang: str, title: str, requires: list[str] | None = None) -> dict[str, Any]:
    return {"id": tid, "lang": lang, "roadmap": tid.split(".")[0], "slug": tid.split(".")[1],
            "title": title, "level": "beginner", "requires": requires or [], "html": "<p>x</p>",
            "words": 200, "resources": [{"type": "official", "title": "Docs",
                                         "url": "https://example.org"}],
            "source": f"content/{lang}/{tid}.md"}


def roadmap(rid: str, lang: str, title: str, sections: list[list[str]]) -> dict[str, Any]:
    return {"id": rid, "lang": lang, "title": title, "summary": "s", "intro_html": "<p>i</p>",
            "sections": [{"title": f"S{i}", "topics": ids} for i, ids in enumerate(sections)]}


DATA: dict[str, Any] = {
    "format": FORMAT,
    "roadmaps": [
        roadmap("py", "en", "Python", [["py.a", "py.b"], ["py.c"]]),
        roadmap("py", "ru", "Питон", [["py.a", "py.b"], ["py.c"]]),
        roadmap("sql", "en", "SQL", [["sql.a"]]),
    ],
    "topics": [
        topic("py.a", "en", "A"), topic("py.b", "en", "B", ["py.a"]), topic("py.c", "en", "C"),
        topic("py.a", "ru", "А"), topic("py.b", "ru", "Б"), topic("py.c", "ru", "В"),
        topic("sql.a", "en", "Select"),
    ],
}


def test_translation_is_used_when_present_and_english_otherwise() -> None:
    lib = Library.from_dict(DATA)
    assert [r.title for r in lib.all_roadmaps("ru")] == ["Питон", "SQL"]
    assert lib.topic("py.b", "ru").title == "Б"
    assert lib.topic("sql.a", "ru").lang == "en"
    assert lib.languages_of("py") == ("en", "ru")
    assert lib.languages_of("sql") == ("en",)


def test_neighbours_follow_trail_order_across_sections() -> None:
    lib = Library.from_dict(DATA)
    assert lib.neighbours(lib.topic("py.a", "en")) == (None, "py.b")
    assert lib.neighbours(lib.topic("py.b", "en")) == ("py.a", "py.c")
    assert lib.neighbours(lib.topic("py.c", "ru")) == ("py.b", None)


def test_unknown_roadmap_names_the_known_ones() -> None:
    with pytest.raises(LibraryError, match="no roadmap 'go'; known roadmaps: py, sql"):
        Library.from_dict(DATA).roadmap("go", "en")


def test_malformed_library_is_refused_with_the_field_named() -> None:
    broken = copy.deepcopy(DATA)
    broken["topics"][1]["words"] = "many"
    with pytest.raises(LibraryError, match=r"topic 'py\.b': field 'words' must be int"):
        Library.from_dict(broken)
    with pytest.raises(LibraryError, match=f"library format 99 is not supported; expected {FORMAT}"):
        Library.from_dict({**DATA, "format": 99})
