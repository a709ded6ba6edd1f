from __future__ import annotations

import re

import pytest

from app.core.i18n import LANGUAGES, MESSAGES, pick_language, t


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    assert set(MESSAGES) == set(LANGUAGES)
    english = MESSAGES["en"]
    for lang, catalog in MESSAGES.items():
        assert set(catalog) == set(english), lang
        for key, text in catalog.items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", english[key]))


def test_t_formats_and_refuses_unknown_keys() -> None:
    assert t("ru", "topics_count", n=3) == "Тем: 3"
    assert t("de", "topics_count", n=3) == "Topics: 3"  # unknown language: English
    with pytest.raises(KeyError):
        t("en", "no_such_key")


@pytest.mark.parametrize(
    ("saved", "browser", "expected"),
    [(None, ["ru-RU", "en"], "ru"), ("en", ["ru-RU"], "en"), (None, ["de-DE", "en-GB"], "en"),
     ("xx", ["fr"], "en"), (None, [], "en")],
)
def test_pick_language(saved: str | None, browser: list[str], expected: str) -> None:
    assert pick_language(saved, browser) == expected
