"""The account's words: every key in both languages, none hiding a word of another area."""

from __future__ import annotations

import re
from pathlib import Path

from app.core import account_words, i18n


def test_every_key_in_both_languages() -> None:
    assert set(account_words.MESSAGES["en"]) == set(account_words.MESSAGES["ru"])
    for code, words in account_words.MESSAGES.items():
        for key, text in words.items():
            assert i18n.t(code, key, n=1, max=2, name="x", reason="r", provider="P", plan="Pro",
                          date="2026-12-02") == text.format(n=1, max=2, name="x", reason="r",
                                                            provider="P", plan="Pro", date="2026-12-02")


def test_no_key_overrides_one_of_i18n() -> None:
    source = Path(i18n.__file__).read_text(encoding="utf-8")
    own = set(re.findall(r'^\s+"([a-z0-9_]+)":', source, re.M))
    assert not own & set(account_words.MESSAGES["en"])
