"""``Preferences`` on the browser: localStorage under the ``tropa.`` prefix."""

from __future__ import annotations

import contextlib

from js import localStorage  # type: ignore[import-not-found]
from pyscript.ffi import is_none  # type: ignore[import-not-found]

PREFIX = "tropa."


class LocalPreferences:
    def get(self, key: str) -> str | None:
        try:
            value = localStorage.getItem(PREFIX + key)
        except Exception:  # storage disabled (privacy mode): behave as empty
            return None
        return None if is_none(value) else str(value)

    def set(self, key: str, value: str) -> None:
        # A full quota or disabled storage: the choice then lasts for this visit only.
        with contextlib.suppress(Exception):
            localStorage.setItem(PREFIX + key, value)
