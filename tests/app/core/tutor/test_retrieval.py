from __future__ import annotations

import pytest

from app.core.tutor.retrieval import Passage, align_languages, rank, rows_by_language


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


def test_each_language_of_the_scope_is_searched_on_its_own() -> None:
    assert rows_by_language(PASSAGES, "py") == {"en": [0, 2, 4], "ru": [1]}
    assert rows_by_language(PASSAGES, None) == {"en": [0, 2, 3, 4], "ru": [1]}
    assert rows_by_language(PASSAGES, "nothing-here") == rows_by_language(PASSAGES, None)


def test_another_languages_passages_are_raised_by_the_gap_up_to_the_learners_best() -> None:
    # A Russian question: unrelated Russian topic c 0.86, the English answer b 0.84.
    passages = [p(0, "b"), p(1, "c", "ru"), p(2, "d")]
    aligned = align_languages([(1, 0.86), (0, 0.84), (2, 0.80)], passages, "ru", gap=0.03)
    assert [(row, round(score, 3)) for row, score in aligned] == [(1, 0.86), (0, 0.86), (2, 0.82)]
    far = align_languages([(1, 0.86), (0, 0.80)], passages, "ru", gap=0.03)
    assert round(far[1][1], 3) == 0.83  # raised by the gap only
    english = align_languages([(0, 0.88), (1, 0.80)], passages, "en", gap=0.03)
    assert round(english[1][1], 3) == 0.83  # never above the learner's best (0.88)
    assert align_languages([(0, 0.88)], passages, "ru") == [(0, 0.88)]  # nothing in Russian


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


def test_fusion_adds_the_share_of_words_to_the_cosine_and_scores_rows_only_words_found() -> None:
    from app.core.tutor.retrieval import fuse

    fused = dict(fuse([(0, 0.80), (2, 0.84)], {0: 3.0, 3: 1.5}, 3.0, PASSAGES, weight=0.1))
    assert fused[0] == pytest.approx(0.90)  # every word found: + weight
    assert fused[2] == pytest.approx(0.84)  # no word: the cosine alone
    assert fused[3] == pytest.approx(0.80 + 0.05)  # found by words only: the lowest cosine + half
    assert dict(fuse([(0, 0.8)], {0: 9.0}, 3.0, PASSAGES, weight=0.1))[0] == pytest.approx(0.9)
    assert fuse([(0, 0.8)], {}, 0.0, PASSAGES) == [(0, 0.8)]  # no words at all
    assert fuse([(99, 0.9)], {77: 1.0}, 1.0, PASSAGES) == []  # rows outside the library


def test_a_question_is_covered_by_a_sure_cosine_or_a_fair_one_with_its_words() -> None:
    from app.core.tutor.retrieval import CoverFloors, Evidence, evidence, supported

    floors = CoverFloors(alone=0.81, sure=0.85, dense=0.76, share=0.4)
    assert supported(Evidence(0.86, 0.0), floors, lexical=True)
    assert supported(Evidence(0.78, 0.5), floors, lexical=True)  # a Russian question, English trail
    assert not supported(Evidence(0.84, 0.3), floors, lexical=True)  # off topic: one shared word
    assert not supported(Evidence(0.75, 1.0), floors, lexical=True)
    assert supported(Evidence(0.82, 0.0), floors, lexical=False)  # no index: the cosine alone
    assert evidence([(0, 0.8), (1, 0.7)], {1: 2.0}, 4.0) == Evidence(0.8, 0.5)
    assert evidence([], {}, 0.0) == Evidence(0.0, 0.0)
