"""The UI's words in English and Russian.

Every key exists in every language (a test checks it). ``t`` formats with keyword
arguments; a missing key raises KeyError naming it, so a typo never shows as a blank.

>>> t("ru", "topics_count", n=22)
'Тем: 22'
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app_tagline": "Skill trails with a tutor that runs on your device",
        "library": "Library",
        "roadmaps": "Roadmaps",
        "topics_count": "Topics: {n}",
        "open_roadmap": "Open the {title} trail",
        "requires": "After",
        "resources": "Resources",
        "previous": "Previous",
        "next": "Next",
        "back_to_roadmap": "Back to {title}",
        "level_beginner": "beginner",
        "level_intermediate": "intermediate",
        "level_advanced": "advanced",
        "shown_in_english": "This trail is available in English only.",
        "not_found": "Nothing here",
        "not_found_text": "This address leads nowhere. Go back to the library.",
        "load_failed": "The course library could not be loaded",
        "retry": "Try again",
        "language": "Language",
        "minutes": "{n} min read",
        "also_in": "Also in",
        "loading": "Loading…",
        "resource_official": "official",
        "resource_article": "article",
        "resource_video": "video",
        "resource_course": "course",
        "resource_book": "book",
        "resource_tool": "tool",
        "resource_opensource": "open source",
    },
    "ru": {
        "app_tagline": "Учебные тропы с наставником, который работает на вашем устройстве",
        "library": "Библиотека",
        "roadmaps": "Тропы",
        "topics_count": "Тем: {n}",
        "open_roadmap": "Открыть тропу {title}",
        "requires": "После",
        "resources": "Материалы",
        "previous": "Назад",
        "next": "Дальше",
        "back_to_roadmap": "К тропе {title}",
        "level_beginner": "начальный",
        "level_intermediate": "средний",
        "level_advanced": "продвинутый",
        "shown_in_english": "Эта тропа пока есть только на английском.",
        "not_found": "Здесь ничего нет",
        "not_found_text": "Этот адрес никуда не ведёт. Вернитесь в библиотеку.",
        "load_failed": "Не удалось загрузить библиотеку курсов",
        "retry": "Повторить",
        "language": "Язык",
        "minutes": "{n} мин чтения",
        "also_in": "Есть также",
        "loading": "Загрузка…",
        "resource_official": "документация",
        "resource_article": "статья",
        "resource_video": "видео",
        "resource_course": "курс",
        "resource_book": "книга",
        "resource_tool": "инструмент",
        "resource_opensource": "открытый код",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when ``lang`` is unknown), formatted."""
    catalog = MESSAGES.get(lang, MESSAGES["en"])
    return catalog[key].format(**values)


def pick_language(requested: str | None, browser_languages: list[str]) -> str:
    """Choose the UI language: an explicit choice, else the browser's first supported one."""
    if requested in LANGUAGES:
        return requested
    for tag in browser_languages:
        base = tag.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return "en"
