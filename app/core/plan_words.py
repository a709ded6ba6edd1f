"""The words of "My trail" (``#/plan``, app.ui.plan) in English and Russian."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "plan_title": "My trail",
        "plan_intro": "Say what you want to be able to do. Tropa picks the library's topics that "
                      "lead there, puts what each needs first, and plans your weeks. The on-device "
                      "model can order it, group it, explain each step and name what the library "
                      "does not teach; nothing you type leaves this device.",
        "plan_home_link": "Make my own trail",
        "plan_home_hint": "A trail toward your goal, from every roadmap",
        "plan_goal": "Your goal",
        "plan_goal_hint": "For example “query a sales database and write reports”.",
        "plan_interests": "Interests (optional)",
        "plan_hours": "Hours a week",
        "plan_known": "What you already know (optional: topic titles, separated by commas)",
        "plan_use_progress": "Leave out what my progress marks done or skipped",
        "plan_use_model": "Use the AI model on this device (ordering, groups, gaps, why)",
        "plan_make": "Make my trail",
        "plan_making": "Picking topics and ordering them…",
        "plan_model_working": "Draft from the library's order; the on-device model is improving it…",
        "plan_made_model": "Ordered and explained by the on-device model, then checked against the "
                           "library's prerequisites.",
        "plan_note_model-off": "Made from the library's order (prerequisites first), without the AI model.",
        "plan_note_model-declined": "Made from the library's order without the AI model: it is not on "
                                    "this device, and nothing is downloaded without your say.",
        "plan_note_model-failed": "Made from the library's order: the AI model could not run here.",
        "plan_note_model-slow": "Made from the library's order: the AI model took too long.",
        "plan_note_model-unusable": "Made from the library's order: the AI model's answer was unusable "
                                    "twice.",
        "plan_consent": "The AI model is not on this device yet ({size} to download). Download it "
                        "and improve this trail?",
        "plan_consent_yes": "Download and improve",
        "plan_consent_no": "Not now",
        "plan_summary": "{n} topics · about {weeks} weeks at {hours} h a week",
        "plan_gaps": "Not in the library: {n}",
        "plan_gap": "not in the library",
        "plan_week": "week {n}",
        "plan_steps": "Steps",
        "plan_up": "Move up",
        "plan_down": "Move down",
        "plan_remove": "Remove",
        "plan_add": "Add a library topic",
        "plan_add_button": "Add",
        "plan_export": "Export as Markdown (content format)",
        "plan_delete": "Delete this trail",
        "plan_saved": "Saved on this device.",
        "plan_deleted": "Trail deleted.",
        "plan_exported": "Exported {file}: unpack it and run the content compiler on it.",
        "plan_others": "Your other trails",
        "plan_open": "Open",
        "plan_empty": "No trail yet: say your goal above.",
        "plan_unknown_known": "Not a topic of the library: {names}. Use the titles as the library "
                              "shows them.",
        "plan_bad_hours": "Hours a week must be a number between 0.5 and 80.",
        "plan_progress": "Your progress on this trail",
    },
    "ru": {
        "plan_title": "Мой маршрут",
        "plan_intro": "Скажите, чему хотите научиться. Tropa выберет темы библиотеки, которые ведут "
                      "к цели, поставит вперёд то, что нужно знать сначала, и распределит недели. "
                      "Модель на устройстве может упорядочить план, разбить на этапы, объяснить каждый "
                      "шаг и назвать, чего в библиотеке нет; ваш текст не покидает устройство.",
        "plan_home_link": "Составить свой маршрут",
        "plan_home_hint": "Маршрут к вашей цели по всем тропам",
        "plan_goal": "Ваша цель",
        "plan_goal_hint": "Например: «писать запросы к базе продаж и делать отчёты».",
        "plan_interests": "Интересы (необязательно)",
        "plan_hours": "Часов в неделю",
        "plan_known": "Что вы уже знаете (необязательно: названия тем через запятую)",
        "plan_use_progress": "Не включать то, что в прогрессе отмечено как пройденное или пропущенное",
        "plan_use_model": "Использовать ИИ-модель на устройстве (порядок, этапы, пробелы, зачем)",
        "plan_make": "Составить маршрут",
        "plan_making": "Выбираю темы и порядок…",
        "plan_model_working": "Черновик по порядку библиотеки; модель на устройстве его улучшает…",
        "plan_made_model": "Упорядочено и объяснено моделью на устройстве, затем проверено по "
                           "предварительным темам библиотеки.",
        "plan_note_model-off": "Составлено по порядку библиотеки (сначала основы), без ИИ-модели.",
        "plan_note_model-declined": "Составлено по порядку библиотеки без ИИ-модели: её нет на этом "
                                    "устройстве, а без вашего согласия ничего не скачивается.",
        "plan_note_model-failed": "Составлено по порядку библиотеки: ИИ-модель не смогла запуститься.",
        "plan_note_model-slow": "Составлено по порядку библиотеки: ИИ-модель отвечала слишком долго.",
        "plan_note_model-unusable": "Составлено по порядку библиотеки: ответ ИИ-модели дважды оказался "
                                    "непригодным.",
        "plan_consent": "ИИ-модели ещё нет на этом устройстве (скачать {size}). Скачать её и улучшить "
                        "маршрут?",
        "plan_consent_yes": "Скачать и улучшить",
        "plan_consent_no": "Не сейчас",
        "plan_summary": "Тем: {n} · примерно {weeks} нед. по {hours} ч в неделю",
        "plan_gaps": "Нет в библиотеке: {n}",
        "plan_gap": "нет в библиотеке",
        "plan_week": "неделя {n}",
        "plan_steps": "Шаги",
        "plan_up": "Выше",
        "plan_down": "Ниже",
        "plan_remove": "Убрать",
        "plan_add": "Добавить тему библиотеки",
        "plan_add_button": "Добавить",
        "plan_export": "Экспорт в Markdown (формат контента)",
        "plan_delete": "Удалить маршрут",
        "plan_saved": "Сохранено на этом устройстве.",
        "plan_deleted": "Маршрут удалён.",
        "plan_exported": "Экспортировано: {file}. Распакуйте и запустите компилятор контента.",
        "plan_others": "Другие ваши маршруты",
        "plan_open": "Открыть",
        "plan_empty": "Маршрута пока нет: напишите цель выше.",
        "plan_unknown_known": "Таких тем нет в библиотеке: {names}. Пишите названия, как они "
                              "показаны в библиотеке.",
        "plan_bad_hours": "Часов в неделю: число от 0,5 до 80.",
        "plan_progress": "Ваш прогресс по маршруту",
    },
}
