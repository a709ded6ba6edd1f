"""Why a data file is refused, in English and Russian: one template per problem code of
``app.core.learner.backup``, each naming the field (the file's own names: collections,
keys, JSON fields) or the line. ``say`` falls back to English for a language without
them. The English texts are the refusal's ``str`` as well (logs and tests).
"""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # The whole file.
        "too_long": "the file is {n} characters long; a Tropa data file is at most {limit}",
        "not_json": "the file is not valid JSON{where}: it may be damaged or not a Tropa file",
        "not_json_where": " (line {line}, column {column})",
        "not_tropa": 'this is not a Tropa data file (it should start with "app": "tropa", '
                     '"kind": "learner-data")',
        "bad_number": 'the file\'s "{name}" must be a whole number from 1, not {value}',
        "newer": "this file was made by a newer version of Tropa (file format {version}, data version "
                 "{schema}; this app reads up to {max_version} and {max_schema}). Reload the page to "
                 "update the app, then import the file again",
        "no_collections": 'the file has no "collections" object',
        "unknown_collections": "the file holds unknown collections ({names}); a Tropa data file holds: "
                               "{known}",
        "no_entries": "the file holds no entries to import",
        "malformed_one": "1 entry is malformed: {listed}",
        "malformed_many": "{n} entries are malformed: {listed}",
        "and_more": "; and {n} more",
        # One collection or entry ("{where}" is ``collection 'key'``).
        "where": "{collection} {key}",
        "entry": "{where}: {reason}",
        "not_entries": "{collection}: must be an object of entries, not {value}",
        "key_length": "a {collection} key must be text of 1 to {limit} characters, got {key}",
        "json_size": "the value is {size} bytes as JSON; the limit is {limit}",
        "json_depth": "the value is nested deeper than {limit} levels",
        "json_number": "the value holds a number JSON cannot keep exactly (infinite, or beyond ±2**53)",
        "json_text": "the value holds text with a control or broken character ({what})",
        "json_other": "the value cannot be stored ({detail})",
        "progress_object": "not a progress mark: it must be an object with \"status\" and \"at\"",
        "progress_status": "not a progress mark: \"status\" must be one of {allowed}, not {value}",
        "progress_at": "not a progress mark: \"at\" must be a whole number (milliseconds), not {value}",
        "note_object": "not a note: it must be an object with \"text\" and \"at\"",
        "note_text": "not a note: \"text\" must be text, not {value}",
        "note_at": "not a note: \"at\" must be a whole number (milliseconds), not {value}",
        "note_long": "a note of {n} characters is over the {limit} limit",
        "conversation_list": "a conversation must be a list of exchanges",
        "exchange_object": "exchange {n} must be an object",
        "exchange_field": "exchange {n}: the field \"{field}\" is missing or wrong",
        "exchange_status": "exchange {n}: \"status\" {status} / \"intent\" {intent} are not known",
        "study_days": "study_days must be a list of dates like 2026-12-02",
        "quiz": "the quiz in progress cannot be read back: its \"{field}\" is wrong",
        # The device refused the write (the file was fine).
        "store_quota": "There is not enough space on this device to import it. Everything saved before "
                       "is kept: free some space in the browser (other sites' data) and try again.",
        "store_unavailable": "This browser's storage refused the write (a private window may not keep "
                             "data). Everything saved before is kept.",
        "store_bad-value": "A value of the file cannot be stored on this device.",
        "store_newer": "The data here was written by a newer version of Tropa: reload the page to "
                       "update the app, then import the file again.",
    },
    "ru": {
        "too_long": "в файле {n} символов, а файл данных Tropa — не больше {limit}",
        "not_json": "файл — не корректный JSON{where}: он повреждён или это не файл Tropa",
        "not_json_where": " (строка {line}, позиция {column})",
        "not_tropa": 'это не файл данных Tropa (он должен начинаться с "app": "tropa", '
                     '"kind": "learner-data")',
        "bad_number": 'поле "{name}" должно быть целым числом от 1, а не {value}',
        "newer": "файл создан более новой версией Tropa (формат файла {version}, версия данных "
                 "{schema}; это приложение читает до {max_version} и {max_schema}). Перезагрузите "
                 "страницу, чтобы обновить приложение, и импортируйте файл снова",
        "no_collections": 'в файле нет объекта "collections"',
        "unknown_collections": "в файле неизвестные разделы ({names}); в файле данных Tropa бывают: "
                               "{known}",
        "no_entries": "в файле нет записей для импорта",
        "malformed_one": "повреждена 1 запись: {listed}",
        "malformed_many": "повреждено записей: {n}: {listed}",
        "and_more": "; и ещё {n}",
        "where": "{collection} {key}",
        "entry": "{where}: {reason}",
        "not_entries": "{collection}: должен быть объектом с записями, а не {value}",
        "key_length": "ключ в разделе {collection} должен быть текстом от 1 до {limit} символов, а не {key}",
        "json_size": "значение занимает {size} байт в JSON; предел — {limit}",
        "json_depth": "значение вложено глубже {limit} уровней",
        "json_number": "в значении число, которое JSON не хранит точно (бесконечность или больше ±2**53)",
        "json_text": "в значении текст с управляющим или испорченным символом ({what})",
        "json_other": "значение нельзя сохранить ({detail})",
        "progress_object": "это не отметка прогресса: нужен объект с полями \"status\" и \"at\"",
        "progress_status": "это не отметка прогресса: \"status\" должен быть одним из {allowed}, "
                           "а не {value}",
        "progress_at": "это не отметка прогресса: \"at\" должно быть целым числом (миллисекунды), "
                       "а не {value}",
        "note_object": "это не заметка: нужен объект с полями \"text\" и \"at\"",
        "note_text": "это не заметка: \"text\" должно быть текстом, а не {value}",
        "note_at": "это не заметка: \"at\" должно быть целым числом (миллисекунды), а не {value}",
        "note_long": "заметка длиной {n} символов больше предела в {limit}",
        "conversation_list": "разговор должен быть списком обменов репликами",
        "exchange_object": "обмен {n} должен быть объектом",
        "exchange_field": "обмен {n}: поля \"{field}\" нет или оно неверно",
        "exchange_status": "обмен {n}: \"status\" {status} / \"intent\" {intent} неизвестны",
        "study_days": "study_days должен быть списком дат вида 2026-12-02",
        "quiz": "незаконченный тест не читается: неверно поле \"{field}\"",
        "store_quota": "На этом устройстве не хватает места для импорта. Всё сохранённое раньше цело: "
                       "освободите место в браузере (данные других сайтов) и попробуйте снова.",
        "store_unavailable": "Хранилище этого браузера отказало в записи (приватное окно может не "
                             "хранить данные). Всё сохранённое раньше цело.",
        "store_bad-value": "Значение из файла нельзя сохранить на этом устройстве.",
        "store_newer": "Данные здесь записаны более новой версией Tropa: перезагрузите страницу, "
                       "чтобы обновить приложение, и импортируйте файл снова.",
    },
}


def say(lang: str, code: str, params: Mapping[str, object] | None = None) -> str:
    words = MESSAGES.get(lang, MESSAGES["en"])
    return words[code].format(**(params or {}))
