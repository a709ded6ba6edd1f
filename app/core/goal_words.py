"""The goal block's words (on ``#/review``) in English and Russian, kept beside the feature;
``say`` falls back to English for a language without them."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "goal_title": "Your goal",
        "goal_hint": "One line, for example “get a job as a data analyst”. The tutor and the "
                     "review take it into account; it stays on this device.",
        "goal_save": "Save goal",
        "goal_saved": "Goal saved.",
        "goal_cleared": "Goal removed.",
        "goal_too_long": "This goal is {n} characters long; keep it to {limit}.",
        "goal_known": "The tutor knows: {note}",
    },
    "ru": {
        "goal_title": "Ваша цель",
        "goal_hint": "Одна строка, например «стать аналитиком данных». Наставник и повторение "
                     "учитывают её; она хранится на этом устройстве.",
        "goal_save": "Сохранить цель",
        "goal_saved": "Цель сохранена.",
        "goal_cleared": "Цель удалена.",
        "goal_too_long": "В цели {n} символов; оставьте не больше {limit}.",
        "goal_known": "Наставник знает: {note}",
    },
}


def say(lang: str, key: str, **values: str) -> str:
    words = MESSAGES.get(lang, MESSAGES["en"])
    return words[key].format(**values)
