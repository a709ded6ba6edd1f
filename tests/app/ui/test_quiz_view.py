"""The quiz views as HTML: code spans shown as code and everything escaped, an open
question's text box, the feedback's missed key terms and source, the mastery badge and
its place on the trail (list and map), the header's review count."""

from __future__ import annotations

from app.core.learner.grading import Grade
from app.core.learner.mastery import UNTESTED, Mastery
from app.core.learner.progress import Progress
from app.core.learner.quiz import Question
from app.core.library.catalog import Library
from app.services.quizzes import Feedback, ModelRun, QuizSession
from app.ui import quiz_view, views
from app.ui.progress_view import Learning, mastery_badge
from tests.app.quiz_library import quiz_data

OPEN = Question("q1", "git.log", "en", "open", "In your own words: what is a tag?", (), -1,
                "A tag is a name that marks one commit.", "A tag <b> marks `git tag v1`.",
                "A tag is a name that marks one commit.", ("name", "commit"))


def test_inline_code_is_code_and_the_rest_is_escaped() -> None:
    assert quiz_view.inline("run `git reset HEAD <file>` <now>") == (
        "run <code>git reset HEAD &lt;file&gt;</code> &lt;now&gt;")


def test_an_open_question_asks_in_a_text_box_and_its_feedback_names_what_was_missed() -> None:
    session = QuizSession("topic", "git.log", "en", [OPEN], {"q1": "git"})
    asked = str(quiz_view.stage(session, quiz_view.Stage(), "en"))
    assert '<textarea id="quiz-answer" name="answer"' in asked and 'data-kind="open"' in asked
    session.feedback["q1"] = Feedback(OPEN, Grade("partly", 0.4, ("name",), ("commit",)))
    shown = str(quiz_view.stage(session, quiz_view.Stage(), "en"))
    assert "Partly right." in shown and "Key terms to mention: commit" in shown
    assert "A tag &lt;b&gt; marks <code>git tag v1</code>." in shown and "See the result" in shown


def test_mastery_badge_words() -> None:
    assert "not tested yet" in mastery_badge(UNTESTED, "en")
    assert "Mastery: solid · 85%" in mastery_badge(Mastery("strong", 0.85, 4), "en")
    assert "Усвоение: шатко · 20%" in mastery_badge(Mastery("weak", 0.2, 1), "ru")


def test_the_trail_shows_each_quizzed_topics_mastery_beside_its_state() -> None:
    library = Library.from_dict(quiz_data())
    learning = Learning(Progress(), mastery={"git.log": Mastery("weak", 0.3, 2)}, due=2)
    listed = str(views.roadmap_page(library, "git", "en", learning, "list"))
    assert listed.count('class="mastery mastery-weak"') == 1 and "Mastery: shaky · 30%" in listed
    drawn = str(views.roadmap_page(library, "git", "en", learning, "graph"))
    assert drawn.count('data-mastery="weak"') == 2  # the phone and the wide drawing
    assert "mastery: shaky" in drawn
    assert 'data-due="2"' in views.header("en", due=2) and "Review (2)" in views.header("en", due=2)


def test_the_model_turn_is_said_in_every_state() -> None:
    assert quiz_view.model_status(ModelRun(), "en") is None
    for lang in ("en", "ru"):
        for state in ("loading", "writing", "unavailable"):
            assert quiz_view.model_status(ModelRun(state), lang)
        assert "boom" in str(quiz_view.model_status(ModelRun("failed", error="boom"), lang))
    done = str(quiz_view.model_status(ModelRun("done", 3, 2, 2, 1, 1, 41.5), "en"))
    assert "wrote 3: 2 checked" in done and "(1 with a corrected key), 1 dropped, in 41.5 s" in done
    line = str(quiz_view.model_line(ModelRun("done", 3, 2, 2, 1, 1, 41.5, cut=1), "en"))
    assert ('data-asked="3" data-parsed="2" data-verified="2" data-rekeyed="1" data-dropped="1" '
            'data-cut="1"') in line
