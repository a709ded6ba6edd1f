"""What a stored text or JSON value may contain, checked the same way on every side.

PostgreSQL cannot store NUL, UTF-8 cannot encode a lone surrogate, and JavaScript
numbers are exact only up to 2**53; the server refuses such values, so the client
refuses them first, with the same message.
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

MAX_JSON_DEPTH = 8
MAX_SAFE_INTEGER = 2**53


def clean_text(value: str) -> str:
    """Return ``value``; raise ValueError on NUL, other control characters (tab, CR and
    LF are fine) or an unpaired surrogate."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            raise ValueError("text contains an unpaired surrogate character")
        if category == "Cc" and char not in "\t\n\r":
            raise ValueError(f"text contains a control character (U+{ord(char):04X})")
    return value


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON (the size the limits count)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def check_json(value: Any, max_bytes: int, what: str = "value") -> Any:
    """Return ``value``; raise ValueError on non-finite numbers, integers beyond ±2**53,
    text that ``clean_text`` refuses, nesting deeper than ``MAX_JSON_DEPTH``, types JSON
    lacks, or a serialised size above ``max_bytes``."""
    _walk(value, 0, what)
    size = json_size(value)
    if size > max_bytes:
        raise ValueError(f"{what} is {size} bytes as JSON; the limit is {max_bytes}")
    return value


def _walk(value: Any, depth: int, what: str) -> None:
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"{what} is nested deeper than {MAX_JSON_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} contains a non-finite number")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"{what} contains an integer beyond ±2**53 (not exact in JSON)")
    elif isinstance(value, str):
        clean_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{what} has a non-text key {key!r}")
            clean_text(key)
            _walk(item, depth + 1, what)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, depth + 1, what)
    else:
        raise ValueError(f"{what} contains a {type(value).__name__}, which JSON cannot hold")
