"""The small bar at the bottom of the page that offers to install the app and, when a new
version waits, to update: a pure view (``bar``) and the controller that shows it (``PwaBar``).

The bar lives outside the shell's root, so it stays through every re-render and on the
error page. It reaches the page only through the ``PwaPort`` below (``app.bridge.pwa``
on the browser).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.core.i18n import t
from app.core.pwa import PwaState
from app.ui.html import Markup, h, render

ACTIONS = ("install", "update")


class PwaPort(Protocol):
    """The browser's side of installation and updates."""

    def state(self) -> PwaState: ...

    def show(self, html: str) -> None:
        """Put ``html`` in the bar; an empty string hides it."""
        ...

    def subscribe(self, on_change: Callable[[], None], on_action: Callable[[str], None]) -> None:
        """Call ``on_change()`` when the state or the page's language changes, and
        ``on_action(name)`` when a button of the bar with ``data-action=name`` is pressed."""
        ...

    def install(self) -> None:
        """Show the browser's install prompt."""
        ...

    def update(self) -> None:
        """Let the waiting version take over; the page reloads onto it."""
        ...


def bar(state: PwaState, lang: str) -> Markup:
    """The bar's HTML: empty when there is nothing to offer."""
    items = []
    if state.update_ready:
        items.append(h("p", {"class": "pwa-update", "role": "status"}, t(lang, "update_ready"), " ",
                       h("button", {"type": "button", "data-action": "update"}, t(lang, "update_now"))))
    if state.installable:
        items.append(h("button", {"type": "button", "data-action": "install", "class": "pwa-install"},
                       t(lang, "install_app")))
    return render(items)


class PwaBar:
    """Keeps the bar in step with ``port`` in the language ``lang()`` returns."""

    def __init__(self, port: PwaPort, lang: Callable[[], str]) -> None:
        self.port = port
        self.lang = lang

    def mount(self) -> None:
        self.port.subscribe(self.render, self.act)
        self.render()

    def render(self) -> None:
        self.port.show(str(bar(self.port.state(), self.lang())))

    def act(self, action: str) -> None:
        if action == "install" and self.port.state().installable:
            self.port.install()
        elif action == "update" and self.port.state().update_ready:
            self.port.update()
