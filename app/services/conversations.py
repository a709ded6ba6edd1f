"""The tutor's conversations kept on the device: loaded at start, saved when an
exchange ends, one store entry per place the learner asks from (``Scope.key``)."""

from __future__ import annotations

from app.core.learner.store import StoreError
from app.core.tutor.conversation import History, Scope, from_record
from app.ports import Store

COLLECTION = "conversations"


class Conversations:
    """Keeps ``history`` in ``store``. ``notice`` says what went wrong with the device's
    storage, for the UI; the conversation itself goes on in memory."""

    def __init__(self, store: Store, history: History) -> None:
        self.store = store
        self.history = history
        self.notice = ""

    async def load(self) -> int:
        """Restore every saved conversation; return how many exchanges came back. A
        malformed entry is skipped (and left in the store) with a notice."""
        try:
            saved = await self.store.items(COLLECTION)
        except StoreError as error:
            self.notice = str(error)
            return 0
        count = 0
        for key, records in saved:
            try:
                exchanges = [from_record(record) for record in records]
            except (ValueError, TypeError) as error:
                self.notice = f"a saved conversation ({key}) could not be read: {error}"
                continue
            self.history.restore(key, exchanges)
            count += len(exchanges)
        return count

    async def save(self, scope: Scope) -> None:
        """Store the scope's finished exchanges; a failure becomes the notice."""
        try:
            await self.store.put(COLLECTION, scope.key, self.history.saved(scope.key))
        except StoreError as error:
            self.notice = f"This conversation could not be kept on this device: {error}"
        else:
            self.notice = ""
