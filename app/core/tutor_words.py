"""The tutor's words for answers it will not make up, in English and Russian, merged into
``app.core.i18n.MESSAGES`` (kept apart so that the tutor's honesty rules keep their words
in one place)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "not_covered": "The library does not cover this question, so the tutor does not "
                       "make up an answer.",
        "related": "Nearest topics, which may not answer it",
        "answer_echoed": "The model repeated its instructions instead of answering, so here are the "
                         "passages it was given.",
        "answer_wrong_language": "The model answered in another language, twice, so here are the "
                                 "passages it was given.",
        "answer_code_only": "The model answered with code and no explanation, twice, so here are "
                            "the passages it was given.",
        "sources_matched": "Closest source (the model named none)",
    },
    "ru": {
        "not_covered": "В библиотеке нет материала по этому вопросу, поэтому наставник не "
                       "выдумывает ответ.",
        "related": "Ближайшие темы (возможно, они не отвечают на вопрос)",
        "answer_echoed": "Модель повторила свои инструкции вместо ответа, поэтому вот "
                         "источники, которые ей были даны.",
        "answer_wrong_language": "Модель дважды ответила не на том языке, поэтому вот "
                                 "источники, которые ей были даны.",
        "answer_code_only": "Модель дважды ответила одним кодом, без объяснения, поэтому вот "
                            "источники, которые ей были даны.",
        "sources_matched": "Ближайший источник (модель не сослалась ни на один)",
    },
}
