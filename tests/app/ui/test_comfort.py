"""The theme switch and the sticky "Ask the tutor" entry, under CPython: the markup, the
stored choice, and the shell applying it."""

from __future__ import annotations

import asyncio
import re

from app.core.i18n import MESSAGES
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ui import comfort_view, views
from tests.app.core.library.test_catalog import DATA
from tests.app.services.test_tutor import RETRIEVAL
from tests.app.ui.test_shell_unit import click, make_shell
from tests.fakes import FakePage


def pressed(html: str) -> list[str]:
    return re.findall(r'data-theme="(\w+)" aria-pressed="true"', html)


def test_the_switch_follows_the_system_until_a_theme_is_chosen() -> None:
    assert comfort_view.pick_theme(None) == "system"
    assert comfort_view.pick_theme("sepia") == "system"  # unknown: the system's
    assert comfort_view.pick_theme("dark") == "dark"
    html = views.page(Library.from_dict(DATA), Route("home"), "en")
    assert pressed(html) == ["system"]
    assert 'role="group" aria-label="Colour theme"' in html
    assert pressed(views.page(Library.from_dict(DATA), Route("home"), "ru", theme="dark")) == ["dark"]
    assert ">Тёмная<" in views.page(Library.from_dict(DATA), Route("home"), "ru")


def test_the_words_exist_in_every_language() -> None:
    for words in MESSAGES.values():
        for key in ("theme", "theme_system", "theme_light", "theme_dark", "ask_tutor"):
            assert words[key]


def test_the_ask_entry_is_on_every_page_the_tutor_has_a_panel_on_and_second_in_the_tab_order() -> None:
    with_tutor = Library.from_dict({**DATA, "retrieval": RETRIEVAL})
    entry = 'class="ask-tutor" href="#tutor" data-action="ask-tutor"'
    for route in (Route("home"), Route("roadmap", "py"), Route("topic", "py.a")):
        html = views.page(with_tutor, route, "en")
        assert entry in html and html.index("a class=\"skip\"") < html.index(entry) < html.index("brand")
        assert "Спросить наставника" in views.page(with_tutor, route, "ru")
    # No panel there, no entry: without a retrieval index, on pages the shell draws, unknown topics.
    assert entry not in views.page(Library.from_dict(DATA), Route("home"), "en")
    assert entry not in views.page(with_tutor, Route("notes"), "en")
    assert entry not in views.page(with_tutor, Route("topic", "py.nowhere"), "en")
    assert entry not in views.page(None, Route("home"), "en")


def test_the_shell_keeps_and_applies_the_chosen_theme() -> None:
    page = FakePage("#/")
    shell, _, preferences = make_shell({"/content/library.json": DATA}, page)
    asyncio.run(shell.load())
    assert pressed(page.root.innerHTML) == ["system"]
    page.dispatch("root", "click", click("theme", theme="dark"))
    assert preferences.saved == {"theme": "dark"} and page.theme == "dark"
    assert pressed(page.root.innerHTML) == ["dark"]
    page.dispatch("root", "click", click("theme", theme="sepia"))  # not a theme: ignored
    assert preferences.saved == {"theme": "dark"}
    page.dispatch("root", "click", click("theme", theme="system"))
    assert preferences.saved == {"theme": "system"} and page.theme == "system"
