"""Search as a shell part: the header's search form goes to ``#/search?q=...``, whose
page lists the topics found by words at once; when the tutor's embedder is already
loaded, results by meaning are fetched beside them and the page is drawn again.
Search never loads a model itself (that would mean a download of 100 MB and more).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.errors import TropaError
from app.core.library.catalog import Library
from app.core.library.routes import MAX_QUERY, Route, href
from app.core.library.search import Result
from app.ports import Page
from app.services.search import LibrarySearch
from app.services.tutor import Tutor
from app.ui import search_view
from app.ui.background import Background
from app.ui.html import Markup


class SearchUi:
    def __init__(self, page: Page, *, library: Callable[[], Library | None],
                 tutor: Callable[[], Tutor | None], route: Callable[[], Route],
                 rerender: Callable[[], None]) -> None:
        self.page = page
        self.library = library
        self.tutor = tutor
        self.route = route
        self.rerender = rerender
        self.background = Background()
        self._search: LibrarySearch | None = None
        # (query, lang) → results by words and meaning; the keys asked of the worker.
        self.by_meaning: dict[tuple[str, str], list[Result]] = {}
        self._asked: set[tuple[str, str]] = set()

    def searcher(self, library: Library) -> LibrarySearch:
        """The search over ``library`` (a new one when the library was loaded again)."""
        if self._search is None or self._search.library is not library:
            self._search = LibrarySearch(library)
            self.by_meaning.clear()
            self._asked.clear()
        return self._search

    def handles(self, action: str) -> bool:
        return action == "search"

    def content(self, route: Route, lang: str) -> Markup | None:
        library = self.library()
        if route.view != "search" or library is None:
            return None
        query = route.target
        if not query:
            return search_view.page(library, query, None, lang, by_meaning=False)
        searcher = self.searcher(library)
        key = (query, lang)
        if key in self.by_meaning:
            return search_view.page(library, query, self.by_meaning[key], lang, by_meaning=True)
        tutor = self.tutor()
        if tutor is not None and LibrarySearch.can_use_meaning(tutor) and key not in self._asked:
            self._asked.add(key)
            self.background.spawn(self._by_meaning(searcher, query, lang, tutor))
        return search_view.page(library, query, searcher.by_words(query, lang), lang, by_meaning=False)

    async def _by_meaning(self, searcher: LibrarySearch, query: str, lang: str, tutor: Tutor) -> None:
        try:
            self.by_meaning[(query, lang)] = await searcher.by_meaning(query, lang, tutor)
        except TropaError:
            return  # the results by words stay; the tutor's panel says what the worker lacks
        if self.route() == Route("search", query):
            self.rerender()

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    async def act(self, action: str, element: Any) -> None:
        return None

    async def submit(self, action: str, form: Any) -> None:
        """Go to the results page of the form's words."""
        words = " ".join(str(form.elements.namedItem("q").value).split())[:MAX_QUERY]
        self.page.navigate(href(Route("search", words)))
