"""Pages prerendered at build time, so the learner reads before Python has started.

The app's own view functions (``app.ui.views.page``) run here under CPython over the
compiled library and give the markup of the library, every trail and every topic in
every UI language, as the app will draw it before the learner's data is loaded. Each
page goes to ``pages/<lang>/<route>.json`` under the site (``{"route", "lang", "title",
"description", "html"}``, ``html`` being what goes into ``#app``); the English library is
also put inline in ``index.html``. ``app/static/prerender.js`` shows the page of the
address while PyScript starts, and the app's first render replaces it with the same
markup from the same code, plus the learner's marks, notes and the tutor.

Addresses stay the app's hash routes (``#/topic/<id>``): links, the back button and the
service worker's one shell page keep working, and the pages are precached with the shell.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from app.core.learner.progress import Progress
from app.core.library.catalog import Library
from app.core.library.routes import HOME, Route
from app.ui import boot_view, views
from app.ui.html import Markup, render
from app.ui.progress_view import Learning

PAGES = "pages"
# Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160
NEW_LEARNER = Learning(Progress())


@dataclass(frozen=True)
class Page:
    """One prerendered page: ``route`` in the UI language ``lang``."""

    route: Route
    lang: str
    title: str
    description: str
    html: Markup

    @property
    def name(self) -> str:
        """The page's name in the script's terms: ``home``, ``topic/<id>``, ``roadmap/<id>``."""
        return "home" if self.route == HOME else f"{self.route.view}/{self.route.target}"

    @property
    def path(self) -> str:
        """Where the page is written, relative to the site's root."""
        return f"{PAGES}/{self.lang}/{self.name}.json"

    def as_json(self) -> dict[str, str]:
        return {"route": self.name, "lang": self.lang, "title": self.title,
                "description": self.description, "html": str(self.html)}


class _FirstParagraph(HTMLParser):
    """The text of the first ``<p>`` of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.done = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.text.append(data)


def first_paragraph(html: str) -> str:
    """The plain text of the first paragraph of ``html``, spaces collapsed."""
    parser = _FirstParagraph()
    parser.feed(html)
    return " ".join("".join(parser.text).split())


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def describe(library: Library, route: Route, lang: str) -> str:
    """The page's ``<meta name="description">``: a topic's first paragraph, a trail's
    summary (also for a Pro trail's topic, whose text is not public), or the app's
    tagline with the trails it holds."""
    if route.view == "topic":
        topic = library.topic(route.target, lang)
        if topic.locked:
            return shorten(f"{topic.title}: {library.roadmap(topic.roadmap, lang).summary}")
        return shorten(first_paragraph(topic.html))
    if route.view == "roadmap":
        return shorten(library.roadmap(route.target, lang).summary)
    titles = ", ".join(roadmap.title for roadmap in library.all_roadmaps(lang))
    return shorten(f"{t(lang, 'app_tagline')}: {titles}.")


def routes(library: Library) -> list[Route]:
    """Every page that is the same for every learner: the library, each trail, each topic."""
    topics = dict.fromkeys(topic for topic, lang in library.topics if lang == DEFAULT_LANGUAGE)
    return [HOME, *(Route("roadmap", roadmap) for roadmap in library.order),
            *(Route("topic", topic) for topic in topics)]


def prerender(library: Library, route: Route, lang: str) -> Page:
    """``route`` in ``lang`` as the app draws it for a learner who has marked nothing yet
    (so the marks take their place at once, and only their state changes when the
    learner's own are loaded), after the line that says the app is still starting."""
    body = views.page(library, route, lang, learning=NEW_LEARNER)
    return Page(route, lang, views.title_of(library, route, lang), describe(library, route, lang),
                render([boot_view.note(lang), body]))


def pages(library: Library) -> list[Page]:
    """Every route of ``routes`` in every UI language."""
    return [prerender(library, route, lang) for lang in LANGUAGES for route in routes(library)]


def write_pages(out: Path, library: Library) -> list[Page]:
    """Write every page under ``out/pages`` (replacing what an earlier build left there)."""
    target = out / PAGES
    fresh = out / f"{PAGES}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    written = pages(library)
    for page in written:
        path = fresh / page.path.removeprefix(PAGES + "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(page.as_json(), ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)
    return written


def script_config(first: Page | None) -> str:
    """The JSON that ``app/static/prerender.js`` reads (``first`` is the page inline in
    index.html, None for none), safe inside ``<script type="application/json">``."""
    config = {
        "languages": list(LANGUAGES), "default": DEFAULT_LANGUAGE, "pages": f"/{PAGES}/",
        "first": f"{first.lang}:{first.name}" if first else None,
        "stages": {lang: boot_view.stages(lang) for lang in LANGUAGES},
        "progress": boot_view.STAGES,
    }
    return json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")


def load(path: Path) -> Library:
    """The compiled library at ``path`` (dist/content/library.json)."""
    return Library.from_dict(json.loads(path.read_text(encoding="utf-8")))
