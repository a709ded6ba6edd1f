"""The learner's data file as a shell part: ``#/data`` shows what the device holds,
downloads all of it as one file, and imports such a file.

An import checks the whole file first (``app.core.learner.backup``): a refused file
is named with the reason and nothing is written. A good one is written in one
transaction and the page reloads, so every feature reads the imported data from the
device as at any start; what the import did is kept in the preferences across the
reload and said once on the data page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.backup_words import say
from app.core.errors import TropaError
from app.core.i18n import t
from app.core.learner.backup import BackupError
from app.core.learner.store import StoreError
from app.core.library.routes import Route
from app.ports import Page, Preferences
from app.services.backup import Backup
from app.ui import data_view
from app.ui.background import Background
from app.ui.html import Markup

ACTIONS = frozenset({"export", "import"})
MIME = "application/json"
# The preference holding what the last import said, across the reload that follows it.
IMPORTED_KEY = "data_imported"


def detail(error: TropaError, lang: str) -> str:
    """Why an import was refused, in the learner's language: what is wrong with the file
    (each problem naming its field or line), or what the device refused."""
    if isinstance(error, BackupError):
        return error.text(lang)
    if isinstance(error, StoreError):
        return say(lang, f"store_{error.code}")
    return str(error)


class DataUi:
    def __init__(self, backup: Backup, page: Page, preferences: Preferences, *,
                 lang: Callable[[], str], route: Callable[[], Route],
                 rerender: Callable[[], None]) -> None:
        self.backup = backup
        self.page = page
        self.preferences = preferences
        self.lang = lang
        self.route = route
        self.rerender = rerender
        self.background = Background()
        self.counts: dict[str, int] | None = None
        self.message = preferences.get(IMPORTED_KEY) or ""
        if self.message:
            preferences.set(IMPORTED_KEY, "")
        self.error = ""
        self.detail = ""

    def handles(self, action: str) -> bool:
        return action in ACTIONS

    def content(self, route: Route, lang: str) -> Markup | None:
        """The data page; its counts are read again each time it is drawn (and drawn
        again when they changed)."""
        if route.view != "data":
            return None
        self.background.spawn(self._count())
        return data_view.page(self.counts, lang, self.message, self.error, self.detail)

    async def _count(self) -> None:
        try:
            counts = await self.backup.counts()
        except TropaError as error:
            counts, self.error = {}, str(error)
        if counts != self.counts:
            self.counts = counts
            if self.route().view == "data":
                self.rerender()

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    def _say(self, message: str = "", error: str = "", detail: str = "") -> None:
        self.message, self.error, self.detail = message, error, detail
        self.rerender()

    async def act(self, action: str, element: Any) -> None:
        if action != "export":
            return
        try:
            name, text = await self.backup.export()
        except TropaError as error:
            self._say(error=str(error))
            return
        self.page.download(name, text, MIME)
        self._say(t(self.lang(), "data_exported", name=name))

    async def submit(self, action: str, form: Any) -> None:
        """Import the file chosen in the form; reload the page once it is written."""
        if action != "import":
            return
        lang = self.lang()
        files = form.elements.namedItem("file").files
        if not files or not int(files.length):
            self._say(error=t(lang, "data_no_file"))
            return
        file = files.item(0)
        name = str(file.name)
        try:
            written = await self.backup.restore(str(await file.text()))
        except TropaError as error:  # BackupError: the file; StoreError: the device
            self._say(error=t(lang, "data_refused", name=name), detail=detail(error, lang))
            return
        self.preferences.set(IMPORTED_KEY, t(lang, "data_imported", n=written, name=name))
        self.page.reload()
