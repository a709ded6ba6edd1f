"""The languages Tropa speaks, shared by the app's UI, the content compiler and the
server's profiles."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["en", "ru"]
# Code → the language's own name, in the order the UI offers them.
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}
# Content is written in this language first; other languages translate it.
DEFAULT_LANGUAGE: Language = "en"

if set(get_args(Language)) != set(LANGUAGES):  # pragma: no cover - a definition error
    raise RuntimeError("contracts.languages: Language and LANGUAGES disagree")
