"""Words of the comfort controls (the colour theme switch and the sticky "Ask the tutor"
entry) in English and Russian, merged into ``app.core.i18n.MESSAGES``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "theme": "Colour theme",
        "theme_system": "Auto",
        "theme_system_title": "Follow the system's setting",
        "theme_light": "Light",
        "theme_dark": "Dark",
        "ask_tutor": "Ask the tutor",
    },
    "ru": {
        "theme": "Цветовая тема",
        "theme_system": "Авто",
        "theme_system_title": "Как в системе",
        "theme_light": "Светлая",
        "theme_dark": "Тёмная",
        "ask_tutor": "Спросить наставника",
    },
}
