"""The page's document on the browser: the mount point, listeners, address and title.

``app.ui`` reaches the DOM only through this object (the ``Page`` port), so it imports
nothing from ``js`` or ``pyscript``. Every listener's proxy is kept and released in
``release``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from js import URL, Blob, Date, document, navigator, window  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy, to_js  # type: ignore[import-not-found]


class BrowserPage:
    """``document`` with the app mounted in the element ``#<root_id>``."""

    def __init__(self, root_id: str = "app") -> None:
        self.root: Any = document.getElementById(root_id)
        self._proxies: list[tuple[Any, str, Any]] = []
        self._download_url = ""

    def listen(self, target: Literal["window", "root"], event: str,
               handler: Callable[[Any], None]) -> None:
        element = window if target == "window" else self.root
        proxy = create_proxy(handler)
        element.addEventListener(event, proxy)
        self._proxies.append((element, event, proxy))

    def release(self) -> None:
        for element, event, proxy in self._proxies:
            element.removeEventListener(event, proxy)
            proxy.destroy()
        self._proxies.clear()

    def location_hash(self) -> str:
        return str(window.location.hash)

    def location_search(self) -> str:
        return str(window.location.search)

    def languages(self) -> list[str]:
        return [str(tag) for tag in (navigator.languages or [])]

    def element(self, element_id: str) -> Any:
        return document.getElementById(element_id)

    def set_document(self, title: str, lang: str) -> None:
        document.title = title
        document.documentElement.lang = lang

    def take_over(self, html: str) -> None:
        # app/static/prerender.js; a page built without it gets innerHTML.
        prerendered = getattr(window, "tropaPrerender", None)
        if prerendered is None:
            self.root.innerHTML = html
        else:
            prerendered.takeOver(self.root, html)

    def scroll_to_top(self) -> None:
        window.scrollTo(0, 0)

    def set_theme(self, theme: str) -> None:
        # As app/static/prerender.js does before the first paint: no attribute = the system's.
        if theme in ("light", "dark"):
            document.documentElement.dataset.theme = theme
        else:
            document.documentElement.removeAttribute("data-theme")

    def navigate(self, fragment: str) -> None:
        window.location.hash = fragment

    def download(self, filename: str, text: str, mime: str) -> None:
        # The previous file's URL is freed now: its download has long started.
        if self._download_url:
            URL.revokeObjectURL(self._download_url)
        self._download_url = URL.createObjectURL(Blob.new(to_js([text]), to_js({"type": mime})))
        link = document.createElement("a")
        link.href, link.download = self._download_url, filename
        document.body.appendChild(link)
        link.click()
        link.remove()

    def reload(self) -> None:
        window.location.reload()


def utc_offset_minutes() -> int:
    """Minutes the learner's clock is ahead of UTC now (180 in Moscow)."""
    return -int(Date.new().getTimezoneOffset())
