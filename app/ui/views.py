"""Pages of the app as pure functions from library state to HTML.

They take the Library and the UI language and return Markup, so they are tested
under CPython; ``app.ui.shell`` puts the result on the page.
"""

from __future__ import annotations

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, level_key, resource_key, t
from app.core.library.catalog import Library, Roadmap, Topic
from app.core.library.routes import Route, href
from app.ui import comfort_view, graph_view, progress_view, search_view
from app.ui.html import Markup, h, render
from app.ui.progress_view import Learning

# Reading speed used for the "n min read" estimate.
WORDS_PER_MINUTE = 200
# Pages whose body the shell renders (they need the device's data): view → title key.
SHELL_PAGES = {"search": "search", "notes": "notes_title", "data": "your_data", "review": "review",
               "models": "models_title", "account": "account", "plans": "plans", "plan": "plan_title",
               "packs": "packs_title"}


def header(lang: str, query: str = "", account: Markup | None = None, due: int = 0,
           theme: str = comfort_view.DEFAULT_THEME, ask: bool = False) -> Markup:
    """The top bar: brand, search box (``query`` in it), links to the learner's review
    (with the ``due`` count), notes and data, the language switch, the colour ``theme``
    switch, and ``account`` (app.ui.account_view.badge); ``ask``: the sticky entry to the
    tutor panel, second in the tab order (after the skip link), seen fixed at the bottom."""
    switch = [
        h(
            "button",
            {
                "type": "button",
                "class": "lang" + (" current" if code == lang else ""),
                "data-action": "language",
                "data-lang": code,
                "aria-pressed": "true" if code == lang else "false",
                "lang": code,
            },
            name,
        )
        for code, name in LANGUAGES.items()
    ]
    return h(
        "header",
        {"class": "top"},
        h("a", {"class": "skip", "href": "#main", "data-action": "skip"}, t(lang, "skip_to_content")),
        comfort_view.ask_entry(lang) if ask else None,
        h("a", {"class": "brand", "href": href(Route("home"))}, "Tropa"),
        h("span", {"class": "tagline"}, t(lang, "app_tagline")),
        search_view.search_box(query, lang),
        h("nav", {"class": "mine", "aria-label": t(lang, "your_data")},
          h("a", {"class": "review-link", "href": href(Route("review")), "data-due": str(due)},
            t(lang, "review_link", n=due) if due else t(lang, "review")),
          h("a", {"href": href(Route("notes"))}, t(lang, "notes")),
          h("a", {"href": href(Route("data"))}, t(lang, "your_data")),
          h("a", {"class": "models-link", "href": href(Route("models"))}, t(lang, "models_link"))),
        h("nav", {"class": "langs", "aria-label": t(lang, "language")}, switch),
        comfort_view.theme_switch(theme, lang),
        account,
    )


def level_badge(level: str, lang: str) -> Markup:
    return h("span", {"class": f"level level-{level}"}, t(lang, level_key(level)))


def language_notice(roadmap: Roadmap, lang: str) -> Markup | None:
    if roadmap.lang == lang:
        return None
    return h("p", {"class": "notice", "role": "note"}, t(lang, "shown_in_english"))


def premium_note(library: Library, roadmap: Roadmap, lang: str) -> Markup | None:
    """On a Pro trail: that its outline is open and its text is Pro's, with the way to
    the plans while this device holds none of its text."""
    if not roadmap.premium:
        return None
    locked = any(library.topic(topic_id, roadmap.lang).locked for topic_id in roadmap.topic_ids)
    return h("p", {"class": "premium-note", "role": "note", "data-locked": "true" if locked else "false"},
             t(lang, "premium_trail_note"),
             [" ", h("a", {"class": "upgrade", "href": href(Route("plans"))}, t(lang, "premium_upgrade"))]
             if locked else None)


def locked_topic(lang: str) -> Markup:
    """In place of a Pro topic's text this device does not hold: the upgrade note."""
    return h("section", {"class": "premium-lock", "role": "note"},
             h("p", None, t(lang, "premium_locked")),
             h("p", None, h("a", {"class": "upgrade", "href": href(Route("plans"))},
                            t(lang, "premium_upgrade"))))


def home(library: Library, lang: str, learning: Learning | None = None) -> Markup:
    cards = []
    for roadmap in library.all_roadmaps(lang):
        others = [LANGUAGES[code] for code in library.languages_of(roadmap.id) if code != lang]
        cards.append(
            h(
                "li",
                {"class": "card", "data-roadmap": roadmap.id},
                h(
                    "a",
                    {"href": href(Route("roadmap", roadmap.id)),
                     "aria-label": t(lang, "open_roadmap", title=roadmap.title)},
                    h("h2", None, roadmap.title),
                ),
                h("p", None, roadmap.summary),
                h(
                    "p",
                    {"class": "meta"},
                    t(lang, "topics_count", n=len(roadmap.topic_ids)),
                    [" · ", t(lang, "also_in"), " ", ", ".join(others)] if others else None,
                    [" · ", h("span", {"class": "premium-tag"}, t(lang, "premium_tag"))]
                    if roadmap.premium else None,
                ),
                progress_view.card_progress(library, roadmap, learning, lang) if learning else None,
            )
        )
    return h(
        "section",
        {"class": "library", "data-view": "home"},
        h("h1", None, t(lang, "roadmaps")),
        progress_view.streak_line(learning, lang) if learning else None,
        h("ul", {"class": "cards"}, cards),
        h("p", {"class": "packs-link"}, h("a", {"href": href(Route("packs"))}, t(lang, "packs_home_link"))),
        h("p", {"class": "plan-link"}, h("a", {"href": href(Route("plan"))}, t(lang, "plan_home_link")),
          " · ", t(lang, "plan_home_hint")),
    )


def topic_link(library: Library, topic_id: str, lang: str) -> Markup:
    topic = library.topic(topic_id, lang)
    return h("a", {"href": href(Route("topic", topic.id))}, topic.title)


def roadmap_page(library: Library, roadmap_id: str, lang: str, learning: Learning | None = None,
                 trail_view: str = "graph") -> Markup:
    """The trail as a map (``trail_view`` "graph", app.ui.graph_view) or as a list."""
    roadmap = library.roadmap(roadmap_id, lang)
    if trail_view == "graph":
        body: Markup = graph_view.graph(library, roadmap, learning.progress if learning else None, lang,
                                        learning.mastery if learning else None)
    else:
        body = trail_list(library, roadmap, lang, learning)
    return h(
        "article",
        {"class": "roadmap", "data-view": "roadmap", "data-trail-view": trail_view, "lang": roadmap.lang},
        h("nav", {"class": "crumbs", "aria-label": t(lang, "breadcrumb")},
          h("a", {"href": href(Route("home"))}, t(lang, "library"))),
        h("h1", None, roadmap.title),
        language_notice(roadmap, lang),
        premium_note(library, roadmap, lang),
        h("div", {"class": "intro"}, Markup(roadmap.intro_html)),
        progress_view.trail_summary(library, roadmap, learning, lang) if learning else None,
        graph_view.view_switch(trail_view, lang),
        body,
    )


def trail_list(library: Library, roadmap: Roadmap, lang: str, learning: Learning | None) -> Markup:
    """The trail's sections as numbered lists of steps."""
    sections = []
    for number, section in enumerate(roadmap.sections, start=1):
        items = []
        for topic_id in section.topics:
            topic = library.topic(topic_id, roadmap.lang)
            after = [
                [", " if i else "", topic_link(library, req, roadmap.lang)]
                for i, req in enumerate(topic.requires)
            ]
            status = learning.progress.status(topic.id) if learning else None
            items.append(
                h(
                    "li",
                    {"class": "step", "data-topic": topic.id, "data-status": status},
                    h("a", {"class": "step-title", "href": href(Route("topic", topic.id))},
                      topic.title),
                    " ",
                    level_badge(topic.level, lang),
                    " " if status else None,
                    progress_view.status_badge(status, lang),
                    [" ", found] if (found := progress_view.mastery_of(topic.id, learning, lang)) else None,
                    h("span", {"class": "after"}, t(lang, "requires"), ": ", after)
                    if after else None,
                )
            )
        sections.append(
            h(
                "section",
                {"class": "trail-section"},
                h("h2", None, h("span", {"class": "num"}, str(number)), " ", section.title),
                h("ol", {"class": "steps"}, items),
            )
        )
    return Markup(render(sections))


def topic_page(library: Library, topic_id: str, lang: str, learning: Learning | None = None,
               note: Markup | None = None) -> Markup:
    """The topic's text; ``note`` is the learner's note block (app.ui.notes_view)."""
    topic: Topic = library.topic(topic_id, lang)
    roadmap = library.roadmap(topic.roadmap, topic.lang)
    before, after = library.neighbours(topic)
    minutes = max(1, round(topic.words / WORDS_PER_MINUTE))
    resources = [
        h(
            "li",
            None,
            h("span", {"class": f"rtype rtype-{item.type}"}, t(lang, resource_key(item.type))),
            " ",
            h("a", {"href": item.url, "rel": "noopener noreferrer", "target": "_blank"},
              item.title),
        )
        for item in topic.resources
    ]
    pager = h(
        "nav",
        {"class": "pager", "aria-label": t(lang, "pager")},
        h("a", {"class": "prev", "href": href(Route("topic", before)), "rel": "prev"},
          "← ", library.topic(before, lang).title) if before else h("span"),
        h("a", {"class": "next", "href": href(Route("topic", after)), "rel": "next"},
          library.topic(after, lang).title, " →") if after else h("span"),
    )
    return h(
        "article",
        {"class": "topic", "data-view": "topic", "data-topic": topic.id, "lang": topic.lang},
        h(
            "nav",
            {"class": "crumbs", "aria-label": t(lang, "breadcrumb")},
            h("a", {"href": href(Route("home"))}, t(lang, "library")),
            " / ",
            h("a", {"href": href(Route("roadmap", roadmap.id))}, roadmap.title),
        ),
        h("h1", None, topic.title),
        h("p", {"class": "meta"}, level_badge(topic.level, lang), " · ",
          t(lang, "minutes", n=minutes)),
        language_notice(roadmap, lang) if topic.lang != lang else None,
        progress_view.mark_controls(topic.id, learning, lang) if learning else None,
        locked_topic(lang) if topic.locked else h("div", {"class": "prose"}, Markup(topic.html)),
        h("section", {"class": "resources"}, h("h2", None, t(lang, "resources")),
          h("ul", None, resources)) if resources else None,
        note,
        pager,
    )


def not_found(lang: str) -> Markup:
    return h(
        "section",
        {"class": "empty", "data-view": "not-found"},
        h("h1", None, t(lang, "not_found")),
        h("p", None, t(lang, "not_found_text")),
        h("p", None, h("a", {"href": href(Route("home"))}, t(lang, "library"))),
    )


def load_error(message: str, lang: str) -> Markup:
    return h(
        "section",
        {"class": "empty error", "data-view": "error", "role": "alert"},
        h("h1", None, t(lang, "load_failed")),
        h("p", {"class": "reason"}, message),
        h("button", {"type": "button", "data-action": "retry"}, t(lang, "retry")),
    )


def exists(library: Library, route: Route) -> bool:
    """Whether ``route`` names a roadmap or topic the library has (home always exists)."""
    if route.view == "home":
        return True
    if route.view == "roadmap":
        return any(r == route.target for r, _ in library.roadmaps)
    if route.view == "topic":
        return (route.target, DEFAULT_LANGUAGE) in library.topics
    return False


def page(library: Library | None, route: Route, lang: str, extra: Markup | None = None,
         learning: Learning | None = None, *, trail_view: str = "graph",
         note: Markup | None = None, content: Markup | None = None,
         account: Markup | None = None, theme: str = comfort_view.DEFAULT_THEME) -> Markup:
    """The whole page for ``route``; an unknown roadmap or topic gives not_found.

    ``extra`` (the tutor panel) is placed after the page's own content; ``learning``
    adds the learner's progress (marks, shares, continue links); ``trail_view`` is how a
    trail is shown (graph or list), ``note`` the topic's note block, and ``content`` the
    body of a page the shell renders itself (search, notes, the learner's data), and
    ``theme`` the learner's colour theme. Where the tutor has a panel (a library with a
    retrieval index, on the library, a trail or a topic) the page has the sticky entry to it.
    """
    if library is None:
        body = h("p", {"class": "loading"}, t(lang, "loading"))
    elif content is not None and route.view in SHELL_PAGES:
        body = content
    elif not exists(library, route):
        body = not_found(lang)
    elif route.view == "roadmap":
        body = roadmap_page(library, route.target, lang, learning, trail_view)
    elif route.view == "topic":
        body = topic_page(library, route.target, lang, learning, note)
    else:
        body = home(library, lang, learning)
    query = route.target if route.view == "search" else ""
    due = learning.due if learning else 0
    ask = (library is not None and bool(library.retrieval) and route.view not in SHELL_PAGES
           and exists(library, route))
    return Markup(header(lang, query, account, due, theme, ask) + h("main", {"id": "main"}, body, extra))


def title_of(library: Library | None, route: Route, lang: str) -> str:
    """The document title for ``route``."""
    if route.view in SHELL_PAGES:
        return f"{t(lang, SHELL_PAGES[route.view])} · Tropa"
    if library is not None and exists(library, route):
        if route.view == "roadmap":
            return f"{library.roadmap(route.target, lang).title} · Tropa"
        if route.view == "topic":
            return f"{library.topic(route.target, lang).title} · Tropa"
    return "Tropa"
