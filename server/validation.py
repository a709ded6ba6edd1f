"""Checks shared by request schemas: text that every database can store, and JSON
values of bounded size and depth. Defined once in ``contracts.values``, which the
browser app checks with too."""

from __future__ import annotations

from contracts.values import MAX_JSON_DEPTH, check_json, clean_text

__all__ = ["MAX_JSON_DEPTH", "check_json", "clean_text"]
