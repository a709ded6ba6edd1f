"""The words of the page before the app has started (the prerendered page's status line),
in English and Russian, merged into ``app.core.i18n.MESSAGES``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "boot_reading": "You can read already; the app is still starting:",
        "boot_runtime": "loading Python…",
        "boot_packages": "loading the app's packages…",
        "boot_start": "starting the app (your marks, notes and the tutor come next)…",
    },
    "ru": {
        "boot_reading": "Читать уже можно; приложение ещё запускается:",
        "boot_runtime": "загружается Python…",
        "boot_packages": "загружаются пакеты приложения…",
        "boot_start": "приложение запускается (ваши отметки, заметки и наставник — следом)…",
    },
}
