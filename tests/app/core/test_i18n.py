from __future__ import annotations

import re
from typing import get_args

import pytest

from app.core.i18n import LANGUAGES, MESSAGES, level_key, pick_language, resource_key, t
from builder.content.topics import LEVELS, RESOURCE_TYPES
from contracts.protocol import ENUMS
from server.profiles.schemas import Language, ProfileBase


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


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_level_and_resource_type_the_compiler_accepts_has_words(lang: str) -> None:
    # A new level or resource type in the content compiler must not make t() raise in
    # the page: this fails until both languages name it.
    for key in [level_key(level) for level in LEVELS] + [resource_key(kind) for kind in RESOURCE_TYPES]:
        assert t(lang, key), key


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_device_reason_the_worker_may_send_has_words(lang: str) -> None:
    for reason in ENUMS["reason"]:
        assert t(lang, f"reason_{reason}"), reason


def test_the_server_accepts_exactly_the_apps_languages() -> None:
    # One definition, contracts.languages, seen from both sides.
    assert set(get_args(Language)) == set(LANGUAGES)
    assert set(get_args(ProfileBase.model_fields["language"].annotation)) == set(LANGUAGES)
