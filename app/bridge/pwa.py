"""The install and update bar on the browser: the ``PwaPort`` of ``app.ui.pwa_view``.

The service worker is registered, and the browser's install prompt kept, by the page's
script ``sw/register.js`` before Python starts (the prompt may come in the first second);
it publishes ``window.tropaPwa`` = {state, events, install, update}. Without it (no
service worker support, or the script failed) the bar stays empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from js import MutationObserver, Object, document, window  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy, to_js  # type: ignore[import-not-found]

from app.core.pwa import PwaState


class BrowserPwa:
    """``window.tropaPwa`` and the bar element ``#<element_id>``."""

    def __init__(self, element_id: str = "pwa-bar") -> None:
        self.element: Any = document.getElementById(element_id)
        self._api: Any = getattr(window, "tropaPwa", None)
        # Kept so they are not collected while the page lives.
        self._proxies: list[Any] = []

    def state(self) -> PwaState:
        if self._api is None:
            return PwaState()
        state = self._api.state
        return PwaState(installable=bool(state.installable), update_ready=bool(state.updateReady))

    def show(self, html: str) -> None:
        if not self.element:
            return
        self.element.innerHTML = html
        self.element.hidden = not html

    def subscribe(self, on_change: Callable[[], None], on_action: Callable[[str], None]) -> None:
        def changed(*_: Any) -> None:
            on_change()

        def clicked(event: Any) -> None:
            button = event.target.closest("[data-action]")
            if button:
                on_action(str(button.dataset.action))

        changed_proxy, clicked_proxy = create_proxy(changed), create_proxy(clicked)
        self._proxies += [changed_proxy, clicked_proxy]
        if self._api is not None:
            self._api.events.addEventListener("change", changed_proxy)
        if self.element:
            self.element.addEventListener("click", clicked_proxy)
        # The shell sets <html lang> on every render: the bar follows the language.
        observer = MutationObserver.new(changed_proxy)
        observer.observe(document.documentElement, to_js(
            {"attributes": True, "attributeFilter": ["lang"]}, dict_converter=Object.fromEntries))
        self._proxies.append(observer)

    def install(self) -> None:
        if self._api is not None:
            self._api.install()

    def update(self) -> None:
        if self._api is not None:
            self._api.update()
