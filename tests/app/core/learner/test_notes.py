"""A note's stored record and the text kept: line ends, blanks and the length limit."""

from __future__ import annotations

import pytest

from app.core.learner.notes import MAX_NOTE_CHARS, Note, NoteTooLong, clean


def test_a_note_round_trips_through_its_record() -> None:
    note = Note("**why** loops end", 1_764_633_600_000)
    assert Note.from_record(note.to_record()) == note


@pytest.mark.parametrize("record", [
    None, "text", ["text", 1], {"text": "hi"}, {"at": 1}, {"text": 3, "at": 1},
    {"text": "hi", "at": "1"}, {"text": "hi", "at": True}, {"text": "x" * (MAX_NOTE_CHARS + 1), "at": 1},
])
def test_a_record_that_is_no_note_is_refused(record: object) -> None:
    with pytest.raises(ValueError, match="note"):
        Note.from_record(record)


def test_clean_makes_line_ends_plain_and_cuts_trailing_blanks() -> None:
    assert clean("\r\n\nfirst  \r\nsecond\t\rthird\n\n\n") == "first\nsecond\nthird"
    assert clean("  indented\n    code") == "  indented\n    code"  # leading spaces are Markdown
    assert clean(" \n \n") == ""


def test_clean_refuses_a_note_over_the_limit_and_says_how_long() -> None:
    assert clean("x" * MAX_NOTE_CHARS + "   ") == "x" * MAX_NOTE_CHARS
    with pytest.raises(NoteTooLong) as raised:
        clean("x" * (MAX_NOTE_CHARS + 5))
    assert raised.value.length == MAX_NOTE_CHARS + 5 and raised.value.limit == MAX_NOTE_CHARS
    assert "20,000" in str(raised.value) and "20,005" in str(raised.value)
