from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def tree(tmp_path: Path) -> Callable[..., Path]:
    """Copy the good fixture library to ``tmp_path/content`` and return its root.

    ``languages`` picks which language folders to keep.
    """

    def make(languages: tuple[str, ...] = ("en", "ru")) -> Path:
        root = tmp_path / "content"
        for lang in languages:
            shutil.copytree(FIXTURES / "good" / lang, root / lang)
        return root

    return make


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
