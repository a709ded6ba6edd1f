"""The quiz, review and mastery words the pages need beyond those in
``app.core.i18n``, in English and Russian, merged into ``app.core.i18n.MESSAGES``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "review_link": "Review ({n})",
        "quiz_last": "Your last {n} answers here: {right} right.",
        "quiz_choose": "Choose one of the answers first.",
        "quiz_write": "Write a sentence or two first.",
        "quiz_checking": "Checking…",
        "quiz_failed": "The answer could not be checked: {reason}",
        "quiz_your_answer": "You answered: {answer}",
        "quiz_stop": "Stop the quiz",
        "review_result": "Done for now: {right} of {total} right. Wrong ones come back tomorrow.",
        "review_start": "Start the review",
    },
    "ru": {
        "review_link": "Повторить ({n})",
        "quiz_last": "Ваши последние ответы здесь ({n}): верно {right}.",
        "quiz_choose": "Сначала выберите ответ.",
        "quiz_write": "Сначала напишите одно-два предложения.",
        "quiz_checking": "Проверяем…",
        "quiz_failed": "Ответ не удалось проверить: {reason}",
        "quiz_your_answer": "Ваш ответ: {answer}",
        "quiz_stop": "Закончить тест",
        "review_result": "На сегодня всё: верно {right} из {total}. Ошибки вернутся завтра.",
        "review_start": "Начать повторение",
    },
}
