"""The learner's notes as a shell part: the note block under each topic's text (write,
save, delete) and the ``#/notes`` page of every note, each linked to its topic.

Notes are read from the device once at start (``NoteBook.load``); a save or delete
writes through at once and redraws. Text that could not be kept (too long, storage
refused) stays in the editor with the reason beside it, and so does unsaved text when
another action (a mark, the language) draws the page again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.i18n import t
from app.core.learner.notes import MAX_NOTE_CHARS, NoteTooLong
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ports import Page
from app.services.notes import NoteBook
from app.ui import notes_view
from app.ui.html import Markup

ACTIONS = frozenset({"note", "note-delete"})


class NotesUi:
    def __init__(self, notes: NoteBook, page: Page, *, library: Callable[[], Library | None],
                 lang: Callable[[], str], rerender: Callable[[], None],
                 utc_offset_minutes: Callable[[], int] = lambda: 0) -> None:
        self.notes = notes
        self.page = page
        self.library = library
        self.lang = lang
        self.rerender = rerender
        self.utc_offset_minutes = utc_offset_minutes
        # What the last save or delete said, and the text it could not keep, by topic.
        self.said: tuple[str, str] = ("", "")
        self.drafts: dict[str, str] = {}
        # Set by a save or delete: the editor's old text is not kept by the next drawing.
        self._settled = False

    def handles(self, action: str) -> bool:
        return action in ACTIONS

    def content(self, route: Route, lang: str) -> Markup | None:
        library = self.library()
        if route.view != "notes" or library is None:
            return None
        return notes_view.notes_page(library, self.notes.notes, lang, self.notes.notice,
                                     self.utc_offset_minutes())

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        topic, message = self.said
        note = self.notes.get(topic_id)
        draft = self.drafts.get(topic_id)
        if draft is None and not self._settled:
            draft = self._typed(topic_id, note.text if note else "")
        self._settled = False
        return notes_view.note_block(topic_id, note, lang, draft, message if topic == topic_id else "",
                                     self.utc_offset_minutes())

    def _typed(self, topic_id: str, saved: str) -> str | None:
        """What the page's editor holds for ``topic_id`` when it differs from the note."""
        editor = self.page.element(notes_view.EDITOR_ID)
        if not editor or str(editor.dataset.topic) != topic_id:
            return None
        text = str(editor.value)
        return text if text != saved else None

    async def act(self, action: str, element: Any) -> None:
        if action == "note-delete":
            topic_id = str(element.dataset.topic)
            kept = await self.notes.delete(topic_id)
            self.drafts.pop(topic_id, None)
            self._said(topic_id, t(self.lang(), "note_deleted") if kept else self.notes.notice)

    async def submit(self, action: str, form: Any) -> None:
        if action != "note":
            return
        topic_id = str(form.dataset.topic)
        text = str(form.elements.namedItem("note").value)
        lang = self.lang()
        try:
            kept = await self.notes.save(topic_id, text)
        except NoteTooLong as error:
            self.drafts[topic_id] = text
            self._said(topic_id, t(lang, "note_too_long", n=f"{error.length:,}", limit=f"{MAX_NOTE_CHARS:,}"))
            return
        if kept:
            self.drafts.pop(topic_id, None)
        else:
            self.drafts[topic_id] = text
        saved = t(lang, "note_saved") if text.strip() else t(lang, "note_deleted")
        self._said(topic_id, saved if kept else self.notes.notice)

    def _said(self, topic_id: str, message: str) -> None:
        """Show ``message`` under the topic's note and keep the keyboard in the editor."""
        self.said = (topic_id, message)
        self._settled = True
        self.rerender()
        editor = self.page.element(notes_view.EDITOR_ID)
        if editor:
            editor.focus()
