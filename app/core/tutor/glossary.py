"""The library's bilingual glossary: Russian words of the trails' subjects and the English
terms the English passages use for them.

The Git and SQL trails are written in English only; a Russian learner asks about them in
Russian ("как отменить последний коммит"). The embedder bridges the languages loosely
(it scores any Russian passage above the English answer), so the lexical search bridges
them deliberately: each Russian word of a question that is in this glossary also counts as
its English terms (``groups``). Entries are written as words; both sides are stemmed the
way the index is (``app.core.tutor.lexical.stem``), so one entry covers a word's forms that
share its stem. Written from the trails' own vocabulary (the topics' titles and terms).
"""

from __future__ import annotations

from app.core.tutor.lexical import stem, words

# Russian words → the English words that stand for them in the passages.
ENTRIES: dict[str, tuple[str, ...]] = {
    # Git
    "коммит": ("commit",), "коммиты": ("commit",), "коммита": ("commit",), "закоммитить": ("commit",),
    "закоммитил": ("commit",), "ветка": ("branch",), "ветку": ("branch",), "веток": ("branch",),
    "ветвь": ("branch",), "слияние": ("merge",), "слиянии": ("merge",), "слить": ("merge",),
    "смержить": ("merge",), "конфликт": ("conflict",), "конфликты": ("conflict",),
    "отменить": ("undo", "revert", "reset", "restore"), "отмена": ("undo", "revert"),
    "откатить": ("revert", "reset", "rollback"), "вернуть": ("restore", "recover", "reflog"),
    "восстановить": ("restore", "recover"), "потерянный": ("lost", "reflog"), "потерял": ("lost",),
    "потерянные": ("lost",), "спрятать": ("stash",), "отложить": ("stash",),
    "незаконченные": ("unfinished", "stash"), "история": ("history", "log"),
    "историю": ("history", "log"), "журнал": ("log",), "репозиторий": ("repository",),
    "репозитория": ("repository",), "удалённый": ("remote",), "удаленный": ("remote",),
    "удалённые": ("remote",), "сервер": ("remote", "push", "server"),
    "отправить": ("push",), "отправил": ("push",), "отправлять": ("push",),
    "загрузить": ("pull", "fetch"), "скачать": ("fetch", "pull", "clone"),
    "получить": ("fetch", "pull"), "клонировать": ("clone",), "тег": ("tag",), "метка": ("tag",),
    "версия": ("version", "tag", "release"), "релиз": ("release",),
    "игнорировать": ("ignore",), "игнорирует": ("ignore",), "отслеживал": ("track", "ignore"),
    "отслеживать": ("track",), "пароль": ("secret", "ignore"), "паролями": ("secret", "ignore"),
    "индексация": ("staging", "stage"), "подготовить": ("stage",), "хук": ("hook",),
    "хуки": ("hook",), "автоматически": ("automatically", "hook"), "перебазировать": ("rebase",),
    "перебазирование": ("rebase",), "перенести": ("cherry", "pick", "move"),
    "объединить": ("squash", "merge", "combine"), "сообщение": ("message",),
    "двоичным": ("binary", "bisect"), "поиском": ("search",), "сломал": ("broke", "bug", "bad"),
    "ошибка": ("bug", "error"), "ошибку": ("bug", "error"), "настроить": ("configure", "config"),
    "имя": ("name",), "почта": ("email",), "установить": ("install",), "запрос": ("query", "request"),
    "пулреквест": ("pull", "request"), "ревью": ("review",), "проверка": ("review", "check"),
    "контроль": ("control",), "контроля": ("control",), "версий": ("version",),
    "изменения": ("change",), "изменений": ("change",), "файл": ("file",), "файлы": ("file",),
    "файлах": ("file",), "папку": ("folder", "directory"), "папка": ("folder", "directory"),
    "последний": ("last", "head"), "последние": ("last",),
    # SQL
    "запросы": ("query",), "запроса": ("query",), "таблица": ("table",), "таблицы": ("table",),
    "таблице": ("table",), "строка": ("row",), "строки": ("row",),
    "строке": ("row",), "строк": ("row",), "строчку": ("row",), "столбец": ("column",),
    "столбце": ("column",),
    "столбцов": ("column",), "колонка": ("column",), "соединение": ("join",), "соединении": ("join",),
    "соединить": ("join",), "объединение": ("join", "union"), "внешнее": ("outer", "left"),
    "внешний": ("foreign", "outer"), "ключ": ("key",), "ключа": ("key",), "первичный": ("primary",),
    "уникальный": ("unique",), "ограничение": ("constraint",), "сортировать": ("order", "sort"),
    "отсортировать": ("order", "sort"), "убыванию": ("desc", "descending"),
    "возрастанию": ("asc", "ascending"), "первые": ("limit", "first"), "десять": ("limit",),
    "ограничить": ("limit",), "сгруппировать": ("group",), "группа": ("group",),
    "группе": ("group",), "группы": ("group",), "посчитать": ("count",), "количество": ("count",),
    "сумма": ("sum",), "среднее": ("avg", "average"), "условие": ("where", "condition"),
    "фильтр": ("where", "filter"), "отфильтровать": ("where", "filter"),
    "повторяющиеся": ("duplicate", "distinct"), "дубликаты": ("duplicate", "distinct"),
    "уникальные": ("distinct", "unique"), "вложенный": ("subquery", "nested"),
    "подзапрос": ("subquery",), "транзакция": ("transaction",), "транзакцию": ("transaction",),
    "транзакции": ("transaction",), "изоляция": ("isolation",), "изоляции": ("isolation",),
    "индекс": ("index",), "индексы": ("index",), "ускорить": ("faster", "index", "speed"),
    "медленный": ("slow",), "план": ("plan",), "представление": ("view",), "вставить": ("insert",),
    "добавить": ("insert", "add"), "изменить": ("update", "change"), "обновить": ("update",),
    "удалить": ("delete", "remove"), "значение": ("value",), "значения": ("value",),
    "пустое": ("null", "empty"), "пусто": ("null",), "нет": ("null", "missing"),
    "типы": ("type",), "тип": ("type",), "данных": ("data",), "данные": ("data",),
    "база": ("database",), "базе": ("database",), "нормализация": ("normalization", "normal"),
    "оконные": ("window",), "оконная": ("window",), "нарастающий": ("running",),
    "итог": ("total",), "ранг": ("rank",), "инъекция": ("injection",), "инъекции": ("injection",),
    "безопасно": ("safe", "parameter", "placeholder"), "подставить": ("parameter", "placeholder"),
    "ввод": ("input",), "пользователя": ("user",), "клиентов": ("customer",),
    "клиенты": ("customer",), "заказов": ("order",), "заказы": ("order",),
    # Python
    "список": ("list",), "списка": ("list",), "списков": ("list",), "кортеж": ("tuple",),
    "кортежа": ("tuple",), "словарь": ("dictionary", "dict"), "словаря": ("dictionary", "dict"),
    "множество": ("set",), "цикл": ("loop", "for"), "цикла": ("loop",), "функция": ("function",),
    "функцию": ("function",), "функции": ("function",), "аргумент": ("argument", "parameter"),
    "класс": ("class",), "объект": ("object",), "экземпляр": ("instance",),
    "исключение": ("exception",), "исключения": ("exception",), "выбросить": ("raise",),
    "поймать": ("except", "catch"), "перехватить": ("except", "catch"),
    "генератор": ("generator", "yield"), "итератор": ("iterator",), "декоратор": ("decorator",),
    "окружение": ("environment", "venv"), "виртуальное": ("virtual",), "модуль": ("module",),
    "пакет": ("package",), "импорт": ("import",), "тест": ("test",), "тесты": ("test",),
    "строкой": ("string",), "строку": ("string", "row"), "разбить": ("split",),
    "слова": ("word", "split"), "число": ("number",), "числа": ("number",), "записать": ("write",),
    "прочитать": ("read",), "читает": ("read",), "текст": ("text",), "корутин": ("coroutine",),
    "корутины": ("coroutine",), "одновременно": ("concurrently", "gather"),
    "асинхронно": ("async",), "подсказки": ("hint",), "типов": ("type",),
    "условия": ("condition", "if"), "контекстный": ("context",), "менеджер": ("manager",),
    # Git internals
    "объекты": ("object",), "ссылка": ("reference", "ref"),
    "ссылки": ("reference", "ref"), "указатель": ("pointer", "ref", "head"), "хранит": ("store",),
    "хранится": ("store",), "хранятся": ("store",), "хеш": ("hash", "sha"), "хэш": ("hash", "sha"),
    "дерево": ("tree",), "блоб": ("blob",), "сжатие": ("compress", "pack"), "упаковка": ("pack",),
    "мусор": ("garbage",), "мусора": ("garbage", "gc"),
    # The words of any question about a tool, whatever the trail: what a learner does and
    # sees. Mirrors the English stop words too (explain, show, use, way, thing).
    "посмотреть": ("view", "see", "show", "log", "list"), "смотреть": ("view", "see", "log"),
    "просмотреть": ("view", "log", "list"), "увидеть": ("see", "view", "show"),
    "вывести": ("print", "show", "list", "select"), "вывод": ("output",),
    "создать": ("create", "new", "init"), "создаю": ("create", "new"), "завести": ("create", "new"),
    "новый": ("new",), "новую": ("new",), "новое": ("new",), "новые": ("new",),
    "начать": ("start", "begin", "init"), "запустить": ("run", "start"), "выполнить": ("run", "execute"),
    "остановить": ("stop",), "убрать": ("remove", "drop", "delete"), "стереть": ("delete", "remove"),
    "переименовать": ("rename", "move"), "скопировать": ("copy", "clone"), "копию": ("copy",),
    "сохранить": ("save", "store", "commit"), "написать": ("write",), "писать": ("write",),
    "хороший": ("good",), "хорошее": ("good",), "хорошие": ("good",), "правильно": ("correct", "right"),
    "плохой": ("bad",), "лучше": ("better", "best"), "быстро": ("fast", "quick"),
    "быстрее": ("faster",), "медленно": ("slow",), "большой": ("large", "big"),
    "маленький": ("small",), "первый": ("first",), "предыдущий": ("previous", "parent"),
    "следующий": ("next",), "старый": ("old",), "старые": ("old",), "сравнить": ("compare", "diff"),
    "найти": ("find", "search"), "искать": ("search", "find"), "проверить": ("check", "test", "verify"),
    "работает": ("work",), "работать": ("work",), "пример": ("example",), "шаг": ("step",),
    "автор": ("author",), "дата": ("date",), "время": ("time",), "текущий": ("current", "head"),
    "текущую": ("current",), "локальный": ("local",), "локально": ("local",), "команда": ("command",),
    "команду": ("command",), "опция": ("option", "flag"), "флаг": ("flag", "option"),
    "параметр": ("parameter", "option"), "настройка": ("config", "setting"),
    "настройки": ("config", "setting"), "проект": ("project",), "каталог": ("directory", "folder"),
    "директория": ("directory", "folder"), "путь": ("path",), "содержимое": ("content",),
    "исправить": ("fix", "amend", "correct"), "поправить": ("fix", "amend", "edit"),
    "конец": ("end",), "вместе": ("together", "combine"), "несколько": ("several", "multiple"),
    "сколько": ("count", "many"), "порядок": ("order",), "повторить": ("repeat",),
    "чужой": ("other", "someone"), "коллега": ("team", "colleague"), "команде": ("team",),
    "поле": ("column", "field"), "запись": ("row", "record", "write"), "записи": ("row", "record"),
    "связь": ("relationship", "foreign"), "связать": ("join", "relate"), "выбрать": ("select", "choose"),
    "выборка": ("select", "query"), "максимум": ("max", "maximum"), "минимум": ("min", "minimum"),
    "блокировка": ("lock",), "откат": ("rollback",), "параллельно": ("concurrent", "parallel"),
    "чтение": ("read",), "грязное": ("dirty",), "переменная": ("variable",),
    "переменные": ("variable",), "присвоить": ("assign",),
}


def _stemmed() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for russian, english in ENTRIES.items():
        for word in words(russian):
            table.setdefault(stem(word), set()).update(stem(w) for e in english for w in words(e))
    return {key: frozenset(value) for key, value in table.items()}


GLOSSARY = _stemmed()


def groups(text: str) -> list[list[str]]:
    """One group per word of ``text``: its stem, then the English stems the glossary gives
    a Russian word (sorted), for ``Lexicon.scores``."""
    found = []
    for word in words(text):
        own = stem(word)
        found.append([own, *sorted(GLOSSARY.get(own, frozenset()) - {own})])
    return found
