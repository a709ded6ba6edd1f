from __future__ import annotations

from app.core.i18n import LANGUAGES
from app.core.library.catalog import Library
from app.core.tutor.prompt import (
    ANSWER_CUE,
    HINT_FIRST,
    MAX_LEARNER_TOKENS,
    PLAN,
    QUESTION_LABEL,
    SOLUTION_OK,
    SOURCES_LABEL,
    SYSTEM,
    Turn,
    build_messages,
    build_plan_messages,
    estimate_tokens,
    strip_echo,
    trail_titles,
    trim_words,
)
from app.core.tutor.retrieval import Hit, Passage
from tests.app.core.library.test_catalog import DATA

LONG = " ".join(f"word{i}" for i in range(400))
HITS = [Hit(Passage(i, f"t{i}", "en", "py", f"Title {i}", LONG), 0.9 - i / 10) for i in range(3)]


def test_sources_are_numbered_and_the_prompt_fits_the_budget() -> None:
    messages = build_messages("What is a loop?", HITS, "en", budget=600)
    user = messages[-1]["content"]
    assert user.startswith("Sources:\n[1] Title 0: word0 word1")
    assert "\n[2] Title 1:" in user and "\n[3] Title 2:" in user
    assert user.endswith("Question: What is a loop?\n\n" + ANSWER_CUE["en"])
    total = sum(estimate_tokens(m["content"]) for m in messages)
    assert total <= 600 + 20


def test_language_and_exercise_policy() -> None:
    ru = build_messages("Реши задачу", HITS, "ru", intent="solve")
    assert ru[0]["content"] == SYSTEM["ru"] + " " + HINT_FIRST["ru"]
    again = build_messages("Show me the solution now", HITS, "en", intent="solve",
                           history=[Turn("Solve it", "Hint: think of slicing.", "solve")])
    assert again[0]["content"].endswith(SOLUTION_OK["en"])
    assert [m["role"] for m in again] == ["system", "user", "assistant", "user"]


def test_the_learner_note_goes_in_the_user_turn_and_the_system_prefix_stays() -> None:
    note = "The learner's goal: pass the SQL interview. They struggle with: Joins."
    plain = build_messages("What is a loop?", HITS, "en")
    noted = build_messages("What is a loop?", HITS, "en", learner=note)
    # The worker reuses the system message's KV cache: the note must not change it.
    assert noted[0] == plain[0]
    assert noted[-1]["content"].startswith(note + "\n\nSources:")
    assert note not in plain[-1]["content"]
    total = sum(estimate_tokens(m["content"]) for m in noted)
    assert total <= 600 + 20
    long = build_messages("What is a loop?", HITS, "en", learner="goal " * 400)
    assert estimate_tokens(long[-1]["content"].split("\n\n")[0]) <= MAX_LEARNER_TOKENS + 1  # bounded
    plan = build_plan_messages("plan for me", ["Loops"], "en", learner=note)
    assert plan[0]["content"] == PLAN["en"] and plan[-1]["content"].startswith(note)


def test_trim_words_cuts_at_a_word_and_marks_it() -> None:
    assert trim_words("short", 10) == "short"
    cut = trim_words(LONG, 10)
    assert cut.endswith(" …") and len(cut) <= 10 * 3 + 2
    assert cut.split()[-2].startswith("word")


def test_plans_list_the_trails_topics_in_order() -> None:
    library = Library.from_dict(DATA)
    assert trail_titles(library, "py", "en") == ["A", "B", "C"]
    assert len(trail_titles(library, None, "en")) == sum(
        len(library.roadmap(r, "en").topic_ids) for r in library.order)


def test_every_ui_language_has_its_prompts() -> None:
    for texts in (SYSTEM, HINT_FIRST, SOLUTION_OK, ANSWER_CUE, PLAN, SOURCES_LABEL, QUESTION_LABEL):
        assert set(texts) == set(LANGUAGES)


def test_the_prompts_scaffolding_is_never_shown_as_the_answer() -> None:
    echoed = ("Источники: [1] Ignoring files: файл .gitignore перечисляет шаблоны…\n"
              "Вопрос: как отменить изменения?\nОтвет: выполните git restore <файл> [1].")
    assert strip_echo(echoed) == "выполните git restore <файл> [1]."
    assert strip_echo("Sources:\n[1] Loops: A for loop repeats") == ""  # streaming, no answer yet
    loops = [Hit(Passage(0, "py.b", "en", "py", "Loops", "A for loop repeats a block."), 0.9)]
    assert strip_echo("[1] Loops: A for loop repeats a block.\n\nAnswer: It repeats [1].",
                      loops) == "It repeats [1]."
    assert strip_echo("[1] says: use for.", loops) == "[1] says: use for."
    assert strip_echo("Answer: Use venv [1].") == "Use venv [1]."
    assert strip_echo(f"{ANSWER_CUE['en']}\nUse venv [1].") == "Use venv [1]."
    plain = "A loop repeats a block [1]. The answer: use `for`."
    assert strip_echo(plain) == plain


def test_the_cue_shows_the_citation_format_and_a_trailing_frame_is_cut() -> None:
    from app.core.tutor.prompt import ANSWER_CUE, strip_echo

    assert "[1]. " in ANSWER_CUE["en"] and "[2]" in ANSWER_CUE["ru"]
    hits = [Hit(Passage(0, "git.undo", "en", "git", "Undoing changes", "git restore ..."), 0.9)]
    text = "Use git restore [1].\nSources:\n[1] Undoing changes: git restore ..."
    assert strip_echo(text, hits) == "Use git restore [1]."
    assert strip_echo("Ответ: Команда git restore [1].\nИсточники: [1]", hits) == "Команда git restore [1]."
