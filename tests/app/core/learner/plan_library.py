"""The real course library (content/), compiled by the real content compiler in CPython,
for the plan tests: its topics, sections and prerequisites are the ones learners get."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from app.core.library.catalog import Library
from builder.content.library import library_dict
from builder.content.tree import read_tree

CONTENT = Path(__file__).resolve().parents[4] / "content"


@cache
def real_library() -> Library:
    return Library.from_dict(library_dict(read_tree(CONTENT)))
