"""Every reason an import is refused, in English and in Russian, naming the field or
the line: each problem code of app.core.learner.backup is produced by a real bad file
here and said in both languages (the Russian text has no English template left in it),
and the device's refusals (StoreError codes) have their words too."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from app.core import backup_words
from app.core.learner import backup
from app.core.learner.backup import BackupError, Problem, parse
from app.core.learner.store import COLLECTIONS, StoreError
from app.ui.data import detail
from tests.app.core.learner.test_backup import AT, STORED, document

CYRILLIC = re.compile(r"[а-яё]", re.I)


def entry(collection: str, key: str, value: Any) -> str:
    whole = document()
    whole["collections"][collection] = {key: value}
    return json.dumps(whole)


EXCHANGE = document()["collections"]["conversations"]["python.loops"][0]
# (a bad file, the code it gives, what both languages must name: a field, a key, a line)
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    (" " * (backup.MAX_FILE_CHARS + 1), "too_long", ("67,108,865",)),
    ('{"app": "tropa",\n "kind": ', "not_json", ("2",)),
    ("[]", "not_tropa", ('"app": "tropa"',)),
    (json.dumps(document(version="1")), "bad_number", ('"version"',)),
    (json.dumps(document(schema=99)), "newer", ("99",)),
    (json.dumps(document(collections=[])), "no_collections", ('"collections"',)),
    (json.dumps(document(collections={"passwords": {}})), "unknown_collections", ("'passwords'",)),
    (backup.dump({}, AT), "no_entries", ()),
    (json.dumps(document(collections={"notes": "all"})), "not_entries", ("notes",)),
    (entry("cards", "k" * 300, {}), "key_length", ("cards", "256")),
    (entry("cards", "q1", {"pad": "x" * (2 * 1024 * 1024)}), "json_size", ("cards", "'q1'")),
    (entry("cards", "q1", json.loads("[" * 70 + "]" * 70)), "json_depth", ("'q1'",)),
    (entry("cards", "q1", {"n": 2**60}), "json_number", ("'q1'",)),
    (entry("cards", "q1", {"t": "a\u0001b"}), "json_text", ("'q1'", "U+0001")),
    (entry("progress", "python.loops", "done"), "progress_object", ("progress", '"status"')),
    (entry("progress", "python.loops", {"status": "finished", "at": 1}), "progress_status",
     ('"status"', '"finished"', '"learning"')),
    (entry("progress", "python.loops", {"status": "done", "at": "now"}), "progress_at", ('"at"', '"now"')),
    (entry("notes", "python.loops", []), "note_object", ('"text"',)),
    (entry("notes", "python.loops", {"text": 5, "at": 1}), "note_text", ('"text"', "5")),
    (entry("notes", "python.loops", {"text": "x", "at": None}), "note_at", ('"at"', "null")),
    (entry("notes", "python.loops", {"text": "x" * 20_001, "at": 1}), "note_long", ("20,001",)),
    (entry("conversations", "python.loops", {}), "conversation_list", ("conversations",)),
    (entry("conversations", "python.loops", [EXCHANGE, 3]), "exchange_object", ("2",)),
    (entry("conversations", "python.loops", [{k: v for k, v in EXCHANGE.items() if k != "question"}]),
     "exchange_field", ('"question"', "1")),
    (entry("conversations", "python.loops", [{**EXCHANGE, "hits": "none"}]), "exchange_field", ('"hits"',)),
    (entry("conversations", "python.loops", [{**EXCHANGE, "status": "odd"}]), "exchange_status", ("'odd'",)),
    (entry("meta", "study_days", ["yesterday"]), "study_days", ("study_days",)),
    (entry("meta", "quiz", {"topic": "x"}), "quiz", ("meta", "'quiz'", '"topic"')),
]
# Codes said inside others: the JSON error's place, the list of entries, the entry's name.
PARTS = {"not_json_where", "malformed_one", "malformed_many", "and_more", "where", "entry", "json_other"}


def refused(text: str) -> BackupError:
    with pytest.raises(BackupError) as raised:
        parse(text)
    return raised.value


def codes(error: BackupError) -> set[str]:
    found = {error.problem.code}
    for problem in error.entries:
        found.add(problem.code)
        found |= {value.code for value in problem.params.values() if isinstance(value, Problem)}
    return found


@pytest.mark.parametrize(("text", "code", "named"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_refusal_is_said_in_english_and_russian_naming_the_field(
        text: str, code: str, named: tuple[str, ...]) -> None:
    error = refused(text)
    assert code in codes(error)
    english, russian = error.text("en"), error.text("ru")
    assert english == str(error) and CYRILLIC.search(english) is None
    assert CYRILLIC.search(russian) and russian != english
    for name in named:
        assert name in english and name in russian, (name, english, russian)
    # Left in Russian: only the file's own names (quoted, or collection names) and numbers.
    bare = re.sub(r"\"[^\"]*\"|'[^']*'?", "", russian)
    latin = set(re.findall(r"[A-Za-z][A-Za-z_-]+", bare))
    assert latin <= {*COLLECTIONS, "Tropa", "JSON", "UTF", "study_days", "U", "null"}, (latin, russian)


def test_every_problem_code_has_a_case_and_both_languages() -> None:
    assert set(backup_words.MESSAGES["en"]) == set(backup_words.MESSAGES["ru"])
    seen = {code for _, code, _ in CASES} | PARTS
    stores = {f"store_{code}" for code in ("quota", "unavailable", "bad-value", "newer")}
    assert set(backup_words.MESSAGES["en"]) == seen | stores


def test_many_malformed_entries_are_counted_in_both_languages() -> None:
    whole = document()
    whole["collections"]["progress"] = {f"t{n}": {"status": "finished", "at": 1} for n in range(8)}
    error = refused(json.dumps(whole))
    assert error.text("en").startswith("8 entries are malformed: progress 't0': not a progress mark")
    assert error.text("en").endswith("; and 3 more")
    assert error.text("ru").startswith("повреждено записей: 8: progress 't0': это не отметка прогресса")
    assert error.text("ru").endswith("; и ещё 3")


@pytest.mark.parametrize("code", ["quota", "unavailable", "bad-value", "newer"])
def test_the_devices_refusal_is_said_in_both_languages(code: str) -> None:
    error = StoreError("the device said no", code)  # type: ignore[arg-type]
    english, russian = detail(error, "en"), detail(error, "ru")
    assert CYRILLIC.search(russian) and CYRILLIC.search(english) is None and english != russian


def test_a_file_that_imports_is_unchanged_by_the_words() -> None:
    assert parse(backup.dump(STORED, AT))


def test_the_data_page_says_a_refused_file_in_the_learners_language() -> None:
    """The real DataUi and Backup on a store in memory, a fake page and form (CPython)."""
    import asyncio
    from types import SimpleNamespace

    from app.core.learner.store import MemoryStore
    from app.core.library.routes import parse as route
    from app.services.backup import Backup
    from app.ui.data import DataUi
    from tests.app.ui.test_learner_parts import chosen
    from tests.fakes import FakePage, FakePreferences

    store = MemoryStore()
    drawn: list[str] = []
    ui = DataUi(Backup(store), FakePage("#/data"), FakePreferences(), lang=lambda: "ru",
                route=lambda: route("#/data"), rerender=lambda: drawn.append("x"))
    bad = entry("progress", "python.loops", {"status": "finished", "at": 1})
    form = SimpleNamespace(elements=SimpleNamespace(namedItem=lambda _name: SimpleNamespace(
        **chosen("old.json", bad))))

    async def scenario() -> str:
        await ui.submit("import", form)
        shown = str(ui.content(route("#/data"), "ru"))
        await asyncio.sleep(0)  # the counts the page reads beside
        return shown

    html = asyncio.run(scenario())
    assert "Файл old.json не импортирован" in html
    assert "повреждена 1 запись: progress &#x27;python.loops&#x27;" in html or \
        "повреждена 1 запись: progress 'python.loops'" in html
    assert "&quot;status&quot; должен быть одним из" in html or '"status" должен быть одним из' in html
    assert store.texts == {} and drawn
