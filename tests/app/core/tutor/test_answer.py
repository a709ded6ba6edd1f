from __future__ import annotations

from app.core.tutor.answer import cite, explains, in_language, without_repeats
from app.core.tutor.retrieval import Hit, Passage

HITS = [Hit(Passage(0, "py.a", "en", "py", "A", "x"), 0.9),
        Hit(Passage(1, "py.b", "en", "py", "B", "y"), 0.8),
        Hit(Passage(2, "py.a", "en", "py", "A", "z"), 0.7)]


def test_markers_map_to_topics_once_each() -> None:
    answer = cite("Both [3] and [1] say so; [2] too. [9] is invented.", HITS)
    assert answer.cited_by_model
    assert [(c.number, c.topic) for c in answer.citations] == [(1, "py.a"), (2, "py.b")]
    assert answer.citations[0].href == "#/topic/py.a"


def test_without_markers_every_passage_is_listed() -> None:
    answer = cite("No markers here.", HITS)
    assert not answer.cited_by_model
    assert [c.topic for c in answer.citations] == ["py.a", "py.b"]


def test_printable_drops_control_characters_a_small_model_may_emit() -> None:
    from app.core.tutor.answer import printable

    assert printable("a\x18b\x00c\td\ne\r\ud800f") == "ab" + "c\td\ne\rf"
    assert printable("Привет [1]") == "Привет [1]"


def test_the_answers_language_is_checked_outside_code() -> None:
    russian = "Чтобы отменить изменения, выполните `git restore file.txt` — это вернёт файл [1]."
    assert in_language(russian, "ru") and not in_language(russian, "en")
    english = "Run git restore on the file to drop the changes you have not committed [1]."
    assert in_language(english, "en") and not in_language(english, "ru")
    code_heavy = "Так:\n```\ngit restore --staged file.txt\ngit restore file.txt\n```\nГотово."
    assert in_language(code_heavy, "ru")
    assert in_language("OK [1].", "ru")  # too short to tell


def test_a_looping_answer_is_cut_where_it_repeats_itself() -> None:
    looping = "Use a for loop to repeat a block [1]. Use a for loop to repeat a block [1]. Use a"
    assert without_repeats(looping) == "Use a for loop to repeat a block [1]."
    code = "Like this:\n```\nprint('a long line of code here')\nprint('a long line of code here')\n```\nDone."
    assert without_repeats(code) == code  # code may repeat a line
    assert without_repeats("Yes. Yes. Yes.") == "Yes. Yes. Yes."  # too short to be a loop


WORDY = [Hit(Passage(0, "git.ignore", "en", "git", "Ignoring files", "A .gitignore file lists "
                     "patterns of files git should not track."), 0.9),
         Hit(Passage(1, "git.undo", "en", "git", "Undoing changes", "git restore throws away "
                     "edits you have not staged; git revert makes a new commit."), 0.8)]


def test_a_marker_past_the_prompts_passages_is_dropped_from_the_text() -> None:
    answer = cite("Use git restore [2]. Nothing else [3] and [12] says so.", WORDY)
    assert answer.text == "Use git restore [2]. Nothing else and says so."
    assert [c.number for c in answer.citations] == [2]


def test_an_answer_without_markers_lists_the_passage_its_words_overlap_most() -> None:
    answer = cite("Run `git restore app.py` to throw away the edits you have not staged.", WORDY)
    assert not answer.cited_by_model
    assert [(c.number, c.topic) for c in answer.citations] == [(2, "git.undo")]
    assert "[" not in answer.text  # no marker is put in the model's mouth
    everything = cite("", WORDY)  # the passages-only answer is all of them
    assert [c.topic for c in everything.citations] == ["git.ignore", "git.undo"]


def test_an_answer_of_code_and_markers_alone_does_not_explain() -> None:
    # Seen in Chromium (bench/tutor_quality.py): Russian questions answered this way, which
    # passed the language check as "too short to tell".
    assert not explains("[1]. `git push --force` [2]. `git clone` [3]. `git clone`")
    assert not explains("```python\nasyncio.gather()\n```")
    assert not explains("ok [1].")
    assert explains("Use venv [1].")
    assert explains("Так:\n```\ngit restore file.txt\n```\nГотово.")
