"""The learner's notes: the editor under a topic's text, and the page of every note.

A saved note is shown rendered by the tutor's safe Markdown renderer (everything
escaped; only https:// and in-app links kept), with the editor below it.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.i18n import DEFAULT_LANGUAGE, t
from app.core.learner.notes import MAX_NOTE_CHARS, Note
from app.core.learner.progress import day_of
from app.core.library.catalog import Library
from app.core.library.routes import Route, href
from app.core.tutor.markdown import render
from app.ui.html import Markup, h

EDITOR_ID = "note-text"


def rendered(note: Note) -> Markup:
    return Markup(render(note.text))


def note_block(topic_id: str, note: Note | None, lang: str, draft: str | None = None,
               message: str = "", utc_offset_minutes: int = 0) -> Markup:
    """The topic's note (rendered) and its editor; ``draft`` is unsaved text to keep in
    the editor, ``message`` what the last save said."""
    text = draft if draft is not None else (note.text if note else "")
    updated = (t(lang, "note_updated", day=day_of(note.at_ms, utc_offset_minutes)) if note else None)
    return h(
        "section",
        {"class": "note", "aria-labelledby": "note-heading", "data-topic": topic_id},
        h("h2", {"id": "note-heading"}, t(lang, "note_label")),
        h("div", {"class": "note-body prose"}, rendered(note)) if note else None,
        h("p", {"class": "meta note-updated"}, updated) if updated else None,
        h(
            "form",
            {"class": "note-form", "data-action": "note", "data-topic": topic_id},
            h("label", {"for": EDITOR_ID, "class": "visually-hidden"}, t(lang, "note_label")),
            h("textarea", {"id": EDITOR_ID, "name": "note", "rows": "5", "maxlength": str(MAX_NOTE_CHARS),
                           "data-topic": topic_id, "aria-describedby": "note-hint",
                           "spellcheck": "true"}, text),
            h("p", {"id": "note-hint", "class": "meta"}, t(lang, "note_hint")),
            h("div", {"class": "buttons"},
              h("button", {"type": "submit", "class": "note-save"}, t(lang, "note_save")),
              h("button", {"type": "button", "class": "note-delete", "data-action": "note-delete",
                           "data-topic": topic_id}, t(lang, "note_delete")) if note else None),
        ),
        h("p", {"class": "note-status", "role": "status"}, message),
    )


def notes_page(library: Library, notes: Mapping[str, Note], lang: str, notice: str = "",
               utc_offset_minutes: int = 0) -> Markup:
    """Every note, the latest first, under its topic's title and trail."""
    items = []
    for topic_id, note in sorted(notes.items(), key=lambda item: (-item[1].at_ms, item[0])):
        if (topic_id, DEFAULT_LANGUAGE) not in library.topics:
            continue  # a topic the library no longer has (and no rename leads from)
        topic = library.topic(topic_id, lang)
        trail = library.roadmap(topic.roadmap, lang)
        items.append(h(
            "li", {"class": "note-item", "data-topic": topic_id},
            h("h2", None, h("a", {"href": href(Route("topic", topic_id))}, topic.title)),
            h("p", {"class": "meta"}, trail.title, " · ",
              t(lang, "note_updated", day=day_of(note.at_ms, utc_offset_minutes))),
            h("div", {"class": "note-body prose"}, rendered(note)),
        ))
    return h(
        "section",
        {"class": "notes", "data-view": "notes"},
        h("h1", None, t(lang, "notes_title")),
        h("p", {"class": "notice store-notice", "role": "status"}, notice) if notice else None,
        h("ol", {"class": "note-list"}, items) if items else h("p", {"class": "empty-list"},
                                                              t(lang, "notes_none")),
    )
