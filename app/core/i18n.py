"""The UI's words in English and Russian.

Every key exists in every language (a test checks it). ``t`` formats with keyword
arguments; a missing key raises KeyError naming it, so a typo never shows as a blank.

>>> t("ru", "topics_count", n=22)
'Тем: 22'
"""

from __future__ import annotations

from contracts import languages

# The languages of the UI and of the course library (contracts.languages, which the
# server's profiles and the content compiler share). Content is written in
# DEFAULT_LANGUAGE first.
LANGUAGES = languages.LANGUAGES
DEFAULT_LANGUAGE = languages.DEFAULT_LANGUAGE

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app_tagline": "Skill trails with a tutor that runs on your device",
        "library": "Library",
        "skip_to_content": "Skip to content",
        "breadcrumb": "Breadcrumb",
        "pager": "Previous and next topic",
        "progress_label": "Your progress",
        "mark_learning": "Learning",
        "mark_done": "Done",
        "mark_skipped": "Skip, I know it",
        "status_learning": "learning",
        "status_done": "done",
        "status_skipped": "skipped",
        "trail_share": "{finished} of {total} topics · {percent}%",
        "start_with": "Start: {title}",
        "continue_with": "Continue: {title}",
        "trail_finished": "Trail finished. Well done!",
        "reset_progress": "Reset this trail's progress",
        "undo_reset": "Undo the reset",
        "streak": "Days studied in a row: {n}",
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
        "install_app": "Install the app",
        "update_ready": "A new version of Tropa is ready.",
        "update_now": "Update",
        "resource_official": "official",
        "resource_article": "article",
        "resource_video": "video",
        "resource_course": "course",
        "resource_book": "book",
        "resource_tool": "tool",
        "resource_opensource": "open source",
        "tutor_title": "Ask the tutor",
        "tutor_intro": "The tutor runs on your device: nothing you type leaves the browser. "
        "The first question downloads its models once (about 620 MB) and stores them on this device; "
        "later visits load them from there, offline too; "
        "your conversations are kept on this device.",
        "tutor_placeholder_topic": "Ask about “{title}”…",
        "tutor_placeholder": "Ask anything about the library…",
        "ask": "Ask",
        "stop": "Stop",
        "you": "You",
        "tutor": "Tutor",
        "from_library": "From the library",
        "sources": "Sources",
        "reading_sources": "Reading the library…",
        "waiting_model": "Waiting for the language model to load…",
        "stopped": "Stopped.",
        "answer_failed": "The answer failed: {error}",
        "passages_only": "The language model cannot run on this device, so here are the "
        "passages from the library that answer your question.",
        "hint_badge": "hint first",
        "hint_lead": "Try it yourself first. Hint: the idea you need is in",
        "show_solution": "Still stuck? Show the full answer",
        "model_idle": "{model}: not loaded yet",
        "model_loading": "{model}: loading {percent}% of {size}",
        "model_ready": "{model} on {device} · {dtype}",
        "model_failed": "{model} could not be loaded: {error}",
        "reason_fallback-adapter": "WebGPU skipped: only a software adapter, slower than WASM",
        "reason_no-adapter": "no WebGPU adapter on this device",
        "reason_no-webgpu-api": "this browser has no WebGPU",
        "reason_no-webgpu-build": "this model has no WebGPU build",
        "reason_webgpu-load-failed": "WebGPU failed, fell back to WASM",
        "reason_webgpu-run-failed": "WebGPU failed while running, switched to WASM",
        "reason_adapter": "WebGPU adapter in use",
        "reason_no-shader-f16": "this adapter lacks shader-f16 and the model has no other WebGPU build",
        "reason_forced": "WebGPU forced by the settings",
    },
    "ru": {
        "app_tagline": "Учебные тропы с наставником, который работает на вашем устройстве",
        "library": "Библиотека",
        "skip_to_content": "К содержанию",
        "breadcrumb": "Навигационная цепочка",
        "pager": "Предыдущая и следующая тема",
        "progress_label": "Ваш прогресс",
        "mark_learning": "Изучаю",
        "mark_done": "Готово",
        "mark_skipped": "Пропустить, знаю",
        "status_learning": "изучаю",
        "status_done": "готово",
        "status_skipped": "пропущено",
        "trail_share": "{finished} из {total} тем · {percent}%",
        "start_with": "Начать: {title}",
        "continue_with": "Продолжить: {title}",
        "trail_finished": "Тропа пройдена. Отлично!",
        "reset_progress": "Сбросить прогресс этой тропы",
        "undo_reset": "Отменить сброс",
        "streak": "Дней подряд с учёбой: {n}",
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
        "install_app": "Установить приложение",
        "update_ready": "Готова новая версия Tropa.",
        "update_now": "Обновить",
        "resource_official": "документация",
        "resource_article": "статья",
        "resource_video": "видео",
        "resource_course": "курс",
        "resource_book": "книга",
        "resource_tool": "инструмент",
        "resource_opensource": "открытый код",
        "tutor_title": "Спросить наставника",
        "tutor_intro": "Наставник работает на вашем устройстве: ничего из набранного не уходит "
        "из браузера. Первый вопрос один раз загружает модели (около 620 МБ) и сохраняет их на этом "
        "устройстве; в следующие визиты они загружаются оттуда, и без сети тоже; "
        "ваши беседы хранятся на этом устройстве.",
        "tutor_placeholder_topic": "Спросите о теме «{title}»…",
        "tutor_placeholder": "Спросите о чём угодно из библиотеки…",
        "ask": "Спросить",
        "stop": "Стоп",
        "you": "Вы",
        "tutor": "Наставник",
        "from_library": "Из библиотеки",
        "sources": "Источники",
        "reading_sources": "Читаю библиотеку…",
        "waiting_model": "Жду загрузки языковой модели…",
        "stopped": "Остановлено.",
        "answer_failed": "Ответ не получился: {error}",
        "passages_only": "Языковая модель не может работать на этом устройстве, поэтому вот "
        "отрывки из библиотеки, которые отвечают на ваш вопрос.",
        "hint_badge": "сначала подсказка",
        "hint_lead": "Сначала попробуйте сами. Подсказка: нужная идея есть в",
        "show_solution": "Не получается? Показать полный ответ",
        "model_idle": "{model}: ещё не загружена",
        "model_loading": "{model}: загружено {percent}% из {size}",
        "model_ready": "{model} на {device} · {dtype}",
        "model_failed": "{model} не удалось загрузить: {error}",
        "reason_fallback-adapter": "WebGPU пропущен: только программный адаптер, он медленнее WASM",
        "reason_no-adapter": "на устройстве нет адаптера WebGPU",
        "reason_no-webgpu-api": "в этом браузере нет WebGPU",
        "reason_no-webgpu-build": "для этой модели нет сборки под WebGPU",
        "reason_webgpu-load-failed": "WebGPU не сработал, переключились на WASM",
        "reason_webgpu-run-failed": "WebGPU сбился во время работы, переключились на WASM",
        "reason_adapter": "используется адаптер WebGPU",
        "reason_no-shader-f16": "у адаптера нет shader-f16, а другой сборки под WebGPU у модели нет",
        "reason_forced": "WebGPU включён принудительно в настройках",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when ``lang`` is unknown), formatted."""
    catalog = MESSAGES.get(lang, MESSAGES[DEFAULT_LANGUAGE])
    return catalog[key].format(**values)


def level_key(level: str) -> str:
    """The message key naming a topic level (one of the content compiler's LEVELS)."""
    return f"level_{level}"


def resource_key(kind: str) -> str:
    """The message key naming a resource type (one of the compiler's RESOURCE_TYPES)."""
    return f"resource_{kind}"


def pick_language(requested: str | None, browser_languages: list[str]) -> str:
    """Choose the UI language: an explicit choice, else the browser's first supported one."""
    if requested in LANGUAGES:
        return requested
    for tag in browser_languages:
        base = tag.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE
