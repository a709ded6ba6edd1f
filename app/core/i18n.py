"""The UI's words in English and Russian.

Every key exists in every language (a test checks it). ``t`` formats with keyword
arguments; a missing key raises KeyError naming it, so a typo never shows as a blank.

>>> t("ru", "topics_count", n=22)
'Тем: 22'
"""

from __future__ import annotations

from app.core import account_words, boot_words, comfort_words, model_words, quiz_words, tutor_words
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
        # The trail map, notes, search and the learner's data (graph_view, notes_view,
        # search_view, data_view).
        "trail_view": "Show the trail as",
        "view_graph": "Map",
        "view_list": "List",
        "graph_label": "Map of the {title} trail",
        "graph_help": "Each box is a topic; an arrow leads from a topic to those that build on it. "
        "Tab or the arrow keys move between topics, Enter opens one.",
        "node_next": "next up",
        "node_ready": "ready to start",
        "node_later": "needs earlier topics",
        "search": "Search",
        "search_label": "Search the library",
        "search_placeholder": "Search topics…",
        "search_results": "Topics found for “{q}”: {n}",
        "search_none": "Nothing found for “{q}”. Try other words, or the other language.",
        "search_empty": "Type a few words to search every trail, in English and in Russian.",
        "search_by_meaning": "Words and meaning (the tutor's model is loaded).",
        "search_by_words": "By words. Once the tutor's model is loaded (ask the tutor a question), "
        "results by meaning are added.",
        "search_match_meaning": "close in meaning",
        "notes": "Notes",
        "notes_title": "Your notes",
        "notes_none": "No notes yet. Open a topic and write one under its text.",
        "note_label": "Your note",
        "note_hint": "Markdown: **bold**, *italic*, `code`, lists, https:// links. Kept on this device only.",
        "note_save": "Save note",
        "note_delete": "Delete note",
        "note_saved": "Note saved.",
        "note_deleted": "Note deleted.",
        "note_unsaved": "Not saved yet.",
        "note_updated": "Updated {day}",
        "note_too_long": "This note has {n} characters; at most {limit} fit. Nothing was saved: "
        "shorten it and save again.",
        "your_data": "Your data",
        "data_intro": "Everything you make in Tropa is kept in this browser only. Download it as "
        "one file to keep a copy or to move to another browser, then import the file there.",
        "data_held": "Kept in this browser",
        "collection_progress": "Topic marks",
        "collection_cards": "Review cards",
        "collection_quiz_results": "Quiz answers",
        "collection_notes": "Notes",
        "collection_conversations": "Conversations with the tutor",
        "collection_roadmaps": "Your own roadmaps",
        "collection_meta": "Study days and other records",
        "data_export": "Download all my data",
        "data_exported": "Saved as {name}.",
        "data_import": "Import from a file",
        "data_file": "A Tropa data file (.json)",
        "data_import_button": "Import",
        "data_import_note": "Importing adds the file's data to this browser; an entry the file also "
        "holds is replaced by the file's copy. Nothing is changed unless the whole file is valid.",
        "data_no_file": "Choose a file first.",
        "data_imported": "Entries imported from {name}: {n}.",
        "data_refused": "{name} was not imported, and nothing here was changed.",
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
        "review": "Review",
        "models_title": "AI models on this device",
        "review_due": "Due today: {n}",
        "review_nothing": "Nothing to review today.",
        "review_next": "Next review: {date}.",
        "review_none_yet": "Take a topic's quiz: its questions come back here when they are due, "
        "and a wrong answer comes back sooner.",
        "review_from": "From “{title}”",
        "quiz_start": "Quiz yourself",
        "quiz_title": "Quiz: {title}",
        "quiz_progress": "Question {n} of {total}",
        "quiz_answer_label": "Your answer",
        "quiz_answer_placeholder": "A sentence or two in your own words",
        "quiz_check": "Check",
        "quiz_next": "Next question",
        "quiz_finish": "See the result",
        "quiz_right": "Right.",
        "quiz_partly": "Partly right.",
        "quiz_wrong": "Not quite.",
        "quiz_answer_is": "The answer: {answer}",
        "quiz_source": "From the text",
        "quiz_missed": "Key terms to mention: {terms}",
        "quiz_result": "{right} of {total} right.",
        "quiz_again": "Another round",
        "quiz_back": "Back to the topic",
        "quiz_empty": "This topic's text gives no questions yet.",
        "quiz_keys": "Keys 1 to {n} choose an answer.",
        "quiz_choices": "Answers",
        "quiz_model": "Add questions written by the on-device model",
        "quiz_model_loading": "Loading the on-device model…",
        "quiz_model_writing": "The model is writing questions; each is checked against the text "
        "before it is shown…",
        "quiz_model_done": "The model wrote {asked}: {verified} checked against the text and added "
        "({rekeyed} with a corrected key), {dropped} dropped, in {seconds} s.",
        "quiz_model_unavailable": "The on-device model is not available: these questions come from the text.",
        "quiz_model_failed": "The model failed ({error}): these questions come from the text.",
        "quiz_from_model": "written by the model, checked against the text",
        "mastery": "Mastery",
        "mastery_untested": "not tested yet",
        "mastery_weak": "shaky",
        "mastery_learning": "getting there",
        "mastery_strong": "solid",
        "mastery_line": "{level} · {percent}%",
        "goal_label": "Your goal",
        "goal_placeholder": "What do you want to be able to do?",
        "goal_save": "Save the goal",
        "weak_topics": "Topics to go over again",
        "known_topics": "Topics you know: {n}",
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
        # Карта тропы, заметки, поиск и данные учащегося.
        "trail_view": "Показать тропу как",
        "view_graph": "Карта",
        "view_list": "Список",
        "graph_label": "Карта тропы «{title}»",
        "graph_help": "Каждый блок — тема; стрелка ведёт от темы к тем, что на неё опираются. "
        "Tab или стрелки переходят между темами, Enter открывает тему.",
        "node_next": "следующая",
        "node_ready": "можно начинать",
        "node_later": "нужны темы выше",
        "search": "Поиск",
        "search_label": "Поиск по библиотеке",
        "search_placeholder": "Искать темы…",
        "search_results": "Найдено тем по запросу «{q}»: {n}",
        "search_none": "По запросу «{q}» ничего не найдено. Попробуйте другие слова или другой язык.",
        "search_empty": "Введите несколько слов, чтобы искать по всем тропам, на русском и английском.",
        "search_by_meaning": "По словам и по смыслу (модель тьютора загружена).",
        "search_by_words": "По словам. Когда модель тьютора загрузится (задайте тьютору вопрос), "
        "добавятся результаты по смыслу.",
        "search_match_meaning": "близко по смыслу",
        "notes": "Заметки",
        "notes_title": "Ваши заметки",
        "notes_none": "Заметок пока нет. Откройте тему и напишите заметку под её текстом.",
        "note_label": "Ваша заметка",
        "note_hint": "Markdown: **жирный**, *курсив*, `код`, списки, ссылки https://. "
        "Хранится только на этом устройстве.",
        "note_save": "Сохранить заметку",
        "note_delete": "Удалить заметку",
        "note_saved": "Заметка сохранена.",
        "note_deleted": "Заметка удалена.",
        "note_unsaved": "Ещё не сохранено.",
        "note_updated": "Изменена {day}",
        "note_too_long": "В заметке {n} символов, а помещается не больше {limit}. Ничего не сохранено: "
        "сократите её и сохраните снова.",
        "your_data": "Ваши данные",
        "data_intro": "Всё, что вы делаете в Tropa, хранится только в этом браузере. Скачайте это "
        "одним файлом, чтобы сохранить копию или перенести в другой браузер, и импортируйте файл там.",
        "data_held": "Хранится в этом браузере",
        "collection_progress": "Отметки тем",
        "collection_cards": "Карточки для повторения",
        "collection_quiz_results": "Ответы в тестах",
        "collection_notes": "Заметки",
        "collection_conversations": "Разговоры с тьютором",
        "collection_roadmaps": "Ваши собственные тропы",
        "collection_meta": "Дни учёбы и другие записи",
        "data_export": "Скачать все мои данные",
        "data_exported": "Сохранено как {name}.",
        "data_import": "Импорт из файла",
        "data_file": "Файл данных Tropa (.json)",
        "data_import_button": "Импортировать",
        "data_import_note": "Импорт добавляет данные файла в этот браузер; запись, которая есть и в файле, "
        "заменяется копией из файла. Если файл хоть в чём-то неверен, ничего не меняется.",
        "data_no_file": "Сначала выберите файл.",
        "data_imported": "Импортировано записей из {name}: {n}.",
        "data_refused": "Файл {name} не импортирован, здесь ничего не изменено.",
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
        "review": "Повторение",
        "models_title": "Модели ИИ на этом устройстве",
        "review_due": "На сегодня: {n}",
        "review_nothing": "Сегодня повторять нечего.",
        "review_next": "Следующее повторение: {date}.",
        "review_none_yet": "Пройдите тест по теме: его вопросы вернутся сюда, когда придёт срок, "
        "а вопрос с ошибкой вернётся раньше.",
        "review_from": "Тема «{title}»",
        "quiz_start": "Проверить себя",
        "quiz_title": "Тест: {title}",
        "quiz_progress": "Вопрос {n} из {total}",
        "quiz_answer_label": "Ваш ответ",
        "quiz_answer_placeholder": "Одно-два предложения своими словами",
        "quiz_check": "Проверить",
        "quiz_next": "Следующий вопрос",
        "quiz_finish": "Итог",
        "quiz_right": "Верно.",
        "quiz_partly": "Отчасти верно.",
        "quiz_wrong": "Не совсем.",
        "quiz_answer_is": "Ответ: {answer}",
        "quiz_source": "Из текста",
        "quiz_missed": "Стоило упомянуть: {terms}",
        "quiz_result": "Верно: {right} из {total}.",
        "quiz_again": "Ещё раз",
        "quiz_back": "Назад к теме",
        "quiz_empty": "Из текста этой темы пока не получилось вопросов.",
        "quiz_keys": "Клавиши от 1 до {n} выбирают ответ.",
        "quiz_choices": "Варианты ответа",
        "quiz_model": "Добавить вопросы от модели на устройстве",
        "quiz_model_loading": "Загружаем модель на устройстве…",
        "quiz_model_writing": "Модель пишет вопросы; каждый проверяется по тексту, прежде чем появиться…",
        "quiz_model_done": "Модель написала {asked}: {verified} проверены по тексту и добавлены "
        "(с исправленным ответом: {rekeyed}), отброшено {dropped}, за {seconds} с.",
        "quiz_model_unavailable": "Модель на устройстве недоступна: эти вопросы составлены по тексту.",
        "quiz_model_failed": "Модель не справилась ({error}): эти вопросы составлены по тексту.",
        "quiz_from_model": "вопрос от модели, проверен по тексту",
        "mastery": "Усвоение",
        "mastery_untested": "ещё не проверено",
        "mastery_weak": "шатко",
        "mastery_learning": "уже лучше",
        "mastery_strong": "прочно",
        "mastery_line": "{level} · {percent}%",
        "goal_label": "Ваша цель",
        "goal_placeholder": "Чему вы хотите научиться?",
        "goal_save": "Сохранить цель",
        "weak_topics": "Темы, которые стоит повторить",
        "known_topics": "Знакомых тем: {n}",
    },
}
# The account, sync and plans pages keep their words in their own module.
for _code, _words in account_words.MESSAGES.items():
    MESSAGES[_code].update(_words)
# So do the quiz and review pages.
for _code, _words in quiz_words.MESSAGES.items():
    MESSAGES[_code].update(_words)
# And the model manager and the tutor's download consent.
for _code, _words in model_words.MESSAGES.items():
    MESSAGES[_code].update(_words)
# And the prerendered page's status line (before the app has started).
for _code, _words in boot_words.MESSAGES.items():
    MESSAGES[_code].update(_words)
# And the tutor's honest refusals.
for _code, _words in tutor_words.MESSAGES.items():
    MESSAGES[_code].update(_words)
# And the theme switch and the sticky "Ask the tutor" entry.
for _code, _words in comfort_words.MESSAGES.items():
    MESSAGES[_code].update(_words)


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
