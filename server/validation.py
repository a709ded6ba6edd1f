"""Checks shared by request schemas: text that every database can store, and JSON
values of bounded size and depth (defined once in ``contracts.values``, which the
browser app checks with too); ids and provider facts that fit their columns."""

from __future__ import annotations

from typing import TypeGuard

from contracts.values import MAX_JSON_DEPTH, check_json, clean_text

__all__ = ["MAX_JSON_DEPTH", "MAX_ROW_ID", "bounded_text", "check_json", "clean_text", "is_row_id"]

MAX_ROW_ID = 2**63 - 1  # BIGINT; SQLite's INTEGER holds the same range


def is_row_id(value: object) -> TypeGuard[int]:
    """True for an int that a BIGINT id column can hold (1 .. 2**63-1); a cookie's
    ``uid`` of 2**70 or ``True`` is no id."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def bounded_text(value: object, max_chars: int) -> str | None:
    """``value`` if it is a string of 1 .. ``max_chars`` characters without NUL (which
    PostgreSQL text cannot hold), else None: for optional facts from a login provider
    (a ``name`` that is a number, an e-mail longer than the column)."""
    if not isinstance(value, str) or not value or len(value) > max_chars or "\x00" in value:
        return None
    return value
