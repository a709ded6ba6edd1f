"""The tutor's words for answers it will not make up, in English and Russian, merged into
``app.core.i18n.MESSAGES`` (kept apart so that the tutor's honesty rules keep their words
in one place)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "not_covered": "The library does not cover this question, so the tutor does not "
                       "make up an answer.",
        "related": "Nearest topics, which may not answer it",
        "answer_echoed": "the model repeated its instructions instead of answering; the "
                         "passages it was given are listed",
    },
    "ru": {
        "not_covered": "В библиотеке нет материала по этому вопросу, поэтому наставник не "
                       "выдумывает ответ.",
        "related": "Ближайшие темы (возможно, они не отвечают на вопрос)",
        "answer_echoed": "модель повторила свои инструкции вместо ответа; ниже источники, "
                         "которые ей были даны",
    },
}
