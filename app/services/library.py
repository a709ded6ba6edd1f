"""Loading the compiled course library from the server."""

from __future__ import annotations

from app.core.library.catalog import Library
from app.ports import Api

LIBRARY_PATH = "/content/library.json"


async def load_library(api: Api, path: str = LIBRARY_PATH) -> Library:
    """Fetch and parse the library; raises ApiError or LibraryError with the reason."""
    return Library.from_dict(await api.get_json(path))
