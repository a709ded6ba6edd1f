"""The install and update bar (app/ui/pwa_view.py) under CPython, through a fake port that
keeps state the way sw/register.js does: installing spends the kept prompt."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.pwa import PwaState
from app.ui.pwa_view import PwaBar, bar


class FakePwa:
    def __init__(self, state: PwaState) -> None:
        self.current = state
        self.shown: list[str] = []
        self.updates = 0
        self.prompts = 0
        self.on_change: Callable[[], None] | None = None
        self.on_action: Callable[[str], None] | None = None

    def state(self) -> PwaState:
        return self.current

    def show(self, html: str) -> None:
        self.shown.append(html)

    def subscribe(self, on_change: Callable[[], None], on_action: Callable[[str], None]) -> None:
        self.on_change, self.on_action = on_change, on_action

    def install(self) -> None:
        self.prompts += 1
        self.current = PwaState(installable=False, update_ready=self.current.update_ready)
        self.change()

    def update(self) -> None:
        self.updates += 1

    def change(self) -> None:
        assert self.on_change is not None
        self.on_change()

    def press(self, action: str) -> None:
        assert self.on_action is not None
        self.on_action(action)


def test_nothing_to_offer_is_an_empty_bar() -> None:
    assert bar(PwaState(), "en") == ""


@pytest.mark.parametrize(("lang", "install", "ready", "update"), [
    ("en", "Install the app", "A new version of Tropa is ready.", "Update"),
    ("ru", "Установить приложение", "Готова новая версия Tropa.", "Обновить"),
])
def test_the_bar_offers_what_the_browser_offers_in_the_learners_language(
        lang: str, install: str, ready: str, update: str) -> None:
    html = bar(PwaState(installable=True, update_ready=True), lang)
    assert f'<button type="button" data-action="install" class="pwa-install">{install}</button>' in html
    assert ready in html and f'<button type="button" data-action="update">{update}</button>' in html
    assert "data-action=\"update\"" not in bar(PwaState(installable=True), lang)
    assert "data-action=\"install\"" not in bar(PwaState(update_ready=True), lang)


def test_the_bar_follows_the_port_and_the_language() -> None:
    port = FakePwa(PwaState())
    lang = "en"
    PwaBar(port, lambda: lang).mount()
    assert port.shown == [""]
    port.current = PwaState(update_ready=True)
    port.change()
    assert "Update" in port.shown[-1]
    lang = "ru"
    port.change()
    assert "Обновить" in port.shown[-1]


def test_buttons_act_only_on_what_is_offered() -> None:
    port = FakePwa(PwaState())
    PwaBar(port, lambda: "en").mount()
    port.press("update")
    port.press("install")
    port.press("something-else")
    assert (port.updates, port.prompts) == (0, 0)
    port.current = PwaState(installable=True, update_ready=True)
    port.press("install")
    port.press("install")  # the prompt is spent: the browser shows it once
    port.press("update")
    assert (port.updates, port.prompts) == (1, 1)
    assert "data-action=\"install\"" not in port.shown[-1] and "Update" in port.shown[-1]
