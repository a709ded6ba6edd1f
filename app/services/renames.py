"""On load, moving the learner's data from old topic ids to the topics that took them
over (the library's ``renames``; rules in ``app.core.learner.renames``)."""

from __future__ import annotations

from app.core.learner.renames import MERGES, plan
from app.core.learner.store import StoreError
from app.core.library.catalog import Library
from app.ports import Store


async def move_renamed(store: Store, library: Library) -> tuple[int, str]:
    """Move every progress mark, note and conversation stored under a renamed topic id;
    return how many entries moved and, if the device's storage failed, why (then the
    old entries are still there and the move is tried again on the next load).

    The new entries are written in one ``put_many`` before any old one is deleted, so a
    failure half-way loses nothing; a second run finds the rest.
    """
    if not library.renames:
        return 0, ""
    try:
        stored = {collection: await store.items(collection) for collection in MERGES}
        todo = plan(stored, library.renames.get)
        if not todo.deletes:
            return 0, ""
        await store.put_many(todo.writes)
        for collection, key in todo.deletes:
            await store.delete(collection, key)
    except StoreError as error:
        return 0, f"progress under renamed topics could not be moved yet: {error}"
    return len(todo.deletes), ""
