"""Views are pure: rendered under CPython from a library, checked as HTML text."""

from __future__ import annotations

import copy

from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ui import views
from app.ui.html import Markup, h, render
from tests.app.core.library.test_catalog import DATA


def test_h_escapes_text_and_attributes_but_not_markup() -> None:
    assert h("a", {"href": 'x" onclick="y'}, "<b>") == (
        '<a href="x&quot; onclick=&quot;y">&lt;b&gt;</a>'
    )
    assert h("p", None, Markup("<b>ok</b>"), None, ["a", "&"]) == "<p><b>ok</b>a&amp;</p>"
    assert h("input", {"disabled": True, "hidden": False}) == "<input disabled>"
    assert render(3) == "3"


def test_home_lists_each_roadmap_once_in_the_ui_language() -> None:
    html = views.page(Library.from_dict(DATA), Route("home"), "ru")
    assert html.count('class="card"') == 2
    assert "Питон" in html and "SQL" in html
    assert "Тропы" in html  # the heading in Russian


def test_topic_page_has_breadcrumbs_pager_and_resources() -> None:
    html = views.page(Library.from_dict(DATA), Route("topic", "py.b"), "en")
    assert 'href="#/roadmap/py"' in html
    assert 'rel="prev"' in html and 'href="#/topic/py.a"' in html
    assert 'href="#/topic/py.c"' in html
    assert 'rel="noopener noreferrer"' in html


def test_titles_from_the_library_are_escaped() -> None:
    data = copy.deepcopy(DATA)
    data["topics"][0]["title"] = "<img src=x onerror=alert(1)>"
    html = views.page(Library.from_dict(data), Route("topic", "py.a"), "en")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_unknown_targets_render_not_found_and_english_fallback_says_so() -> None:
    lib = Library.from_dict(DATA)
    assert 'data-view="not-found"' in views.page(lib, Route("topic", "py.zzz"), "en")
    assert 'data-view="not-found"' in views.page(lib, Route("roadmap", "go"), "en")
    sql_ru = views.page(lib, Route("roadmap", "sql"), "ru")
    assert "Эта тропа пока есть только на английском." in sql_ru
    assert views.title_of(lib, Route("topic", "py.a"), "ru") == "А · Tropa"
