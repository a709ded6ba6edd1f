from __future__ import annotations

from app.core.tutor.retrieval import Passage, rank, rows_in_scope


def p(row: int, topic: str, lang: str = "en", roadmap: str = "py") -> Passage:
    return Passage(row, topic, lang, roadmap, topic.title(), f"text {row}")


PASSAGES = [p(0, "a"), p(1, "a", "ru"), p(2, "b"), p(3, "c", roadmap="sql"), p(4, "a")]


def test_one_passage_per_topic_best_first() -> None:
    hits = rank([(4, 0.89), (0, 0.90), (2, 0.88), (3, 0.87)], PASSAGES, "en", k=3)
    assert [(h.passage.row, h.score) for h in hits] == [(0, 0.90), (2, 0.88), (3, 0.87)]
    two_each = rank([(4, 0.89), (0, 0.90), (2, 0.88)], PASSAGES, "en", k=3, per_topic=2)
    assert [h.passage.row for h in two_each] == [0, 4, 2]


def test_learners_language_wins_within_the_margin() -> None:
    hits = rank([(0, 0.90), (1, 0.88)], PASSAGES, "ru", k=3)
    assert [h.passage.row for h in hits] == [1]
    hits = rank([(0, 0.90), (1, 0.80)], PASSAGES, "ru", k=3)  # too far behind: keep the best
    assert [h.passage.row for h in hits] == [0]


def test_rows_outside_the_library_and_weak_hits_are_dropped() -> None:
    assert rank([(99, 0.9), (2, 0.1)], PASSAGES, "en", min_score=0.2) == []
    far_behind = rank([(0, 0.88), (2, 0.86), (3, 0.84)], PASSAGES, "en", k=3)
    assert [h.passage.row for h in far_behind] == [0, 2]


def test_scope_restricts_to_the_roadmap_in_all_languages() -> None:
    assert rows_in_scope(PASSAGES, "py") == [0, 1, 2, 4]
    assert rows_in_scope(PASSAGES, None) == []  # empty means everything


def test_topics_are_ordered_by_their_best_passage_in_any_language() -> None:
    # e5 scores the Russian translation a little lower: the topic keeps its English score.
    passages = [p(0, "a"), p(1, "a", "ru"), p(2, "b")]
    hits = rank([(0, 0.90), (1, 0.86), (2, 0.88)], passages, "ru", k=3, per_topic=1)
    assert [(h.passage.row, h.score) for h in hits] == [(1, 0.90), (2, 0.88)]


def test_the_floor_applies_to_topics_so_a_translation_does_not_drop_the_answer() -> None:
    # A Russian question scores every Russian passage higher: topic c (ru 0.91) must not
    # push topic b's English gold (0.89) out, nor topic a's own English passage.
    passages = [p(0, "a"), p(1, "a", "ru"), p(2, "b"), p(3, "c", "ru")]
    hits = rank([(3, 0.91), (1, 0.90), (2, 0.89), (0, 0.87)], passages, "ru", k=3)
    assert [h.passage.topic for h in hits] == ["c", "a", "b"]
