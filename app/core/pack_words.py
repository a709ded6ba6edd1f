"""The course packs page's words (``#/packs``) in English and Russian, merged into
``app.core.i18n.MESSAGES``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "packs_title": "Course packs",
        "packs_home_link": "Add a course pack",
        "packs_intro": "A course pack is a trail someone published as Markdown files in the "
                       "Tropa content format: in a public git repository or on any web host. "
                       "Give the address of its folder; Tropa fetches it from there and nowhere "
                       "else, checks it with the same rules as the built-in trails, and keeps it "
                       "on this device, for offline use too.",
        "packs_models_note": "Adding a pack loads the tutor's search model (the embedder) to "
                             "index its passages; it is downloaded once if it is not on this "
                             "device yet.",
        "packs_url": "Address of the pack's folder",
        "packs_url_hint": "For example https://github.com/owner/repo/tree/main/packs/sql "
                          "or https://school.example/packs/sql/",
        "packs_add": "Add pack",
        "packs_added_list": "Packs on this device",
        "packs_none": "No course packs yet.",
        "packs_update": "Update",
        "packs_remove": "Remove",
        "packs_remove_label": "Remove the pack {title}",
        "packs_update_label": "Update the pack {title}",
        "packs_from": "from {url}",
        "packs_trails": "Trails: {titles}",
        "packs_topics": "{n} topics",
        "packs_step_index": "Reading the pack's index…",
        "packs_step_fetch": "Fetching files: {done} of {total}",
        "packs_step_validate": "Checking the pack with the content rules…",
        "packs_step_model": "Loading the search model…",
        "packs_step_model_bytes": "Loading the search model: {done} of {total} MB",
        "packs_step_embed": "Indexing passages: {done} of {total}",
        "packs_step_save": "Saving on this device…",
        "packs_done": "Added “{title}”: {topics} topics, {fetched} files fetched ({kb} KB), "
                      "{embedded} passages indexed in {seconds} s.",
        "packs_updated": "Updated “{title}”: {fetched} files fetched ({kb} KB), {embedded} "
                         "passages indexed again.",
        "packs_removed": "Removed “{title}” and everything it stored.",
        "packs_refused": "This pack was not added: it breaks {n} content rule(s). Nothing was "
                         "kept. The problems, by file and line:",
        "packs_failed": "This pack could not be added: {reason}",
        "packs_busy": "Wait for the pack being added to finish.",
        "packs_badge": "Course pack",
        "packs_converted": "Converted from roadmap.sh's layout: {n} differences (what was dropped "
                           "or approximated)",
    },
    "ru": {
        "packs_title": "Пакеты курсов",
        "packs_home_link": "Добавить пакет курса",
        "packs_intro": "Пакет курса — это маршрут, опубликованный в виде Markdown-файлов в "
                       "формате Tropa: в открытом git-репозитории или на любом веб-хостинге. "
                       "Укажите адрес его папки: Tropa загрузит пакет оттуда и ниоткуда больше, "
                       "проверит по тем же правилам, что и встроенные маршруты, и сохранит на "
                       "этом устройстве, в том числе для работы без сети.",
        "packs_models_note": "Чтобы проиндексировать фрагменты пакета, загружается модель поиска "
                             "наставника (эмбеддер); если её ещё нет на устройстве, она "
                             "скачивается один раз.",
        "packs_url": "Адрес папки пакета",
        "packs_url_hint": "Например, https://github.com/owner/repo/tree/main/packs/sql "
                          "или https://school.example/packs/sql/",
        "packs_add": "Добавить пакет",
        "packs_added_list": "Пакеты на этом устройстве",
        "packs_none": "Пакетов курсов пока нет.",
        "packs_update": "Обновить",
        "packs_remove": "Удалить",
        "packs_remove_label": "Удалить пакет {title}",
        "packs_update_label": "Обновить пакет {title}",
        "packs_from": "из {url}",
        "packs_trails": "Маршруты: {titles}",
        "packs_topics": "Тем: {n}",
        "packs_step_index": "Читаем оглавление пакета…",
        "packs_step_fetch": "Загружаем файлы: {done} из {total}",
        "packs_step_validate": "Проверяем пакет по правилам контента…",
        "packs_step_model": "Загружаем модель поиска…",
        "packs_step_model_bytes": "Загружаем модель поиска: {done} из {total} МБ",
        "packs_step_embed": "Индексируем фрагменты: {done} из {total}",
        "packs_step_save": "Сохраняем на устройстве…",
        "packs_done": "Добавлен «{title}»: тем — {topics}, загружено файлов — {fetched} "
                      "({kb} КБ), проиндексировано фрагментов — {embedded} за {seconds} с.",
        "packs_updated": "Обновлён «{title}»: загружено файлов — {fetched} ({kb} КБ), "
                         "заново проиндексировано фрагментов — {embedded}.",
        "packs_removed": "Пакет «{title}» удалён вместе со всем, что он хранил.",
        "packs_refused": "Пакет не добавлен: нарушено правил контента — {n}. Ничего не "
                         "сохранено. Проблемы по файлам и строкам:",
        "packs_failed": "Не удалось добавить пакет: {reason}",
        "packs_busy": "Дождитесь, пока добавится текущий пакет.",
        "packs_badge": "Пакет курса",
        "packs_converted": "Преобразован из формата roadmap.sh: различий — {n} (что пропущено "
                           "или передано приближённо; список на английском)",
    },
}
