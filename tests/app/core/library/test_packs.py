"""Where a course pack's files may come from (app.core.library.packs)."""

from __future__ import annotations

import pytest

from app.core.library.packs import PackError, base_of, file_url, pack_vector, unpack_vector


@pytest.mark.parametrize(("given", "base"), [
    ("https://school.example/packs/sql", "https://school.example/packs/sql/"),
    ("  https://school.example/packs/sql/  ", "https://school.example/packs/sql/"),
    ("https://school.example/packs/sql/tropa-pack.json", "https://school.example/packs/sql/"),
    ("https://cdn.example", "https://cdn.example/"),
    ("http://127.0.0.1:8123/kitchen", "http://127.0.0.1:8123/kitchen/"),
    ("https://github.com/school/course/tree/main/packs/sql",
     "https://raw.githubusercontent.com/school/course/main/packs/sql/"),
    ("https://github.com/school/course", "https://raw.githubusercontent.com/school/course/HEAD/"),
])
def test_an_address_becomes_the_folder_every_file_is_fetched_from(given: str, base: str) -> None:
    assert base_of(given) == base


@pytest.mark.parametrize(("given", "why"), [
    ("", "give the pack's address"),
    ("ftp://school.example/p", "is not a web address"),
    ("javascript:alert(1)", "is not a web address"),
    ("http://school.example/p", "only https:// addresses"),
    ("http://127.0.0.1.evil.example/p", "only https:// addresses"),
    ("https://user:secret@school.example/p", "no user name or password"),
    ("https://school.example/p?x=1", "no '?' or '#'"),
    ("https://school.example/a/../b", "'.' or '..'"),
    ("https://github.com/school/course/blob/main/x.md", "give a GitHub folder"),
])
def test_other_addresses_are_refused_with_the_reason(given: str, why: str) -> None:
    with pytest.raises(PackError, match=why.replace("?", r"\?")):
        base_of(given)


def test_a_file_stays_inside_the_pack() -> None:
    assert file_url("https://h.example/p/", "en/x/y.md") == "https://h.example/p/en/x/y.md"
    for bad in ("/etc/passwd", "../x.md", "en//x.md", "en/x.md?y"):
        with pytest.raises(PackError):
            file_url("https://h.example/p/", bad)


def test_vectors_are_stored_as_float32() -> None:
    values = [0.5, -0.25, 1.0]
    assert unpack_vector(pack_vector(values)) == values
