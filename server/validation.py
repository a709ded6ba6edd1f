"""Checks shared by request schemas: text that every database can store, and JSON
values of bounded size and depth."""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

MAX_JSON_DEPTH = 8


def clean_text(value: str) -> str:
    """Reject NUL, other control characters and lone surrogates (PostgreSQL cannot store
    NUL, and surrogates cannot be encoded as UTF-8)."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            raise ValueError("text contains an unpaired surrogate character")
        if category == "Cc" and char not in "\t\n\r":
            raise ValueError(f"text contains a control character (U+{ord(char):04X})")
    return value


def check_json(value: Any, max_bytes: int, what: str = "value") -> Any:
    """Reject non-finite numbers, text that ``clean_text`` refuses, nesting deeper than
    ``MAX_JSON_DEPTH`` and a serialised size above ``max_bytes``."""
    _walk(value, 0, what)
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > max_bytes:
        raise ValueError(f"{what} is {size} bytes as JSON; the limit is {max_bytes}")
    return value


def _walk(value: Any, depth: int, what: str) -> None:
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"{what} is nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what} contains a non-finite number")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        raise ValueError(f"{what} contains an integer beyond ±2**53 (not exact in JSON)")
    if isinstance(value, str):
        clean_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            clean_text(key)
            _walk(item, depth + 1, what)
    elif isinstance(value, list):
        for item in value:
            _walk(item, depth + 1, what)
