"""Search: the box in the header and the results page, snippets highlighted safely
(the matched words are escaped text inside ``<mark>``)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.i18n import t
from app.core.library.catalog import Library
from app.core.library.routes import MAX_QUERY, Route, href
from app.core.library.search import Result
from app.ui.html import Markup, h

BOX_ID = "search-q"


def search_box(query: str, lang: str) -> Markup:
    return h(
        "form",
        {"class": "search-box", "role": "search", "data-action": "search",
         "aria-label": t(lang, "search_label")},
        h("label", {"for": BOX_ID, "class": "visually-hidden"}, t(lang, "search_label")),
        h("input", {"id": BOX_ID, "type": "search", "name": "q", "value": query,
                    "placeholder": t(lang, "search_placeholder"), "maxlength": str(MAX_QUERY),
                    "autocomplete": "off", "enterkeyhint": "search"}),
        h("button", {"type": "submit"}, t(lang, "search")),
    )


def highlighted(pieces: Sequence[tuple[str, bool]]) -> Markup:
    return Markup("".join(h("mark", None, text) if hit else h("span", None, text) for text, hit in pieces))


def result_item(library: Library, result: Result, lang: str) -> Markup:
    trail = library.roadmap(result.roadmap, lang).title if any(
        r == result.roadmap for r, _ in library.roadmaps) else result.roadmap
    return h(
        "li", {"class": "result", "data-topic": result.topic, "lang": result.lang},
        h("h2", None, h("a", {"href": href(Route("topic", result.topic))}, result.title)),
        h("p", {"class": "meta", "lang": lang}, trail,
          [" · ", t(lang, "search_match_meaning")] if result.by_meaning else None),
        h("p", {"class": "snippet"}, highlighted(result.snippet)),
    )


def page(library: Library, query: str, results: Sequence[Result] | None, lang: str,
         by_meaning: bool) -> Markup:
    """The results for ``query`` (None: nothing asked yet)."""
    if not query or results is None:
        status = t(lang, "search_empty")
    elif results:
        status = t(lang, "search_results", q=query, n=len(results))
    else:
        status = t(lang, "search_none", q=query)
    return h(
        "section",
        {"class": "search", "data-view": "search", "data-by-meaning": "true" if by_meaning else "false"},
        h("h1", None, t(lang, "search")),
        h("p", {"class": "search-status", "role": "status"}, status),
        h("p", {"class": "meta search-how"},
          t(lang, "search_by_meaning" if by_meaning else "search_by_words")) if query else None,
        h("ol", {"class": "results"}, [result_item(library, r, lang) for r in results]) if results else None,
    )
