from __future__ import annotations

import pytest

from app.core.tutor.intent import INTENTS, PROTOTYPES, IntentClassifier, prototype_texts


def axis(i: int, dim: int = 4) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(dim)]


CLASSIFIER = IntentClassifier({intent: [axis(n)] for n, intent in enumerate(INTENTS)})


def test_nearest_centroid_wins() -> None:
    assert CLASSIFIER.classify([0.1, 0.9, 0.1, 0.0]).intent == "solve"
    assert CLASSIFIER.classify([0.1, 0.2, 0.95, 0.0]).intent == "plan"


def test_explain_is_kept_unless_another_intent_is_clearly_closer() -> None:
    assert CLASSIFIER.classify([0.70, 0.703, 0.0, 0.0]).intent == "explain"
    assert CLASSIFIER.classify([0.70, 0.703, 0.0, 0.0], margin=0.0).intent == "solve"
    # Within the quantisation noise seen on e5 (about 0.01), a tie is an explanation.
    assert CLASSIFIER.classify([0.70, 0.71, 0.0, 0.0]).intent == "explain"
    assert CLASSIFIER.classify([0.70, 0.72, 0.0, 0.0]).intent == "solve"


def test_prototypes_cover_every_intent_in_both_languages() -> None:
    assert tuple(PROTOTYPES) == INTENTS
    for texts in PROTOTYPES.values():
        assert any(any("а" <= ch <= "я" for ch in t.lower()) for t in texts)
        assert any(t.isascii() for t in texts)
    assert len(prototype_texts()) == sum(len(t) for t in PROTOTYPES.values())
    with pytest.raises(ValueError, match="no prototype vectors for intent"):
        IntentClassifier({"explain": [axis(0)]})


def test_cue_words_tip_a_near_tie_but_not_a_clear_question() -> None:
    from app.core.tutor.intent import CUE_BONUS, MARGIN, IntentClassifier

    # Unit vectors along three axes; the message sits between explain and solve.
    classifier = IntentClassifier({"explain": [[1.0, 0.0, 0.0]], "solve": [[0.0, 1.0, 0.0]],
                                   "plan": [[0.0, 0.0, 1.0]]})
    near_tie = [0.70, 0.71, 0.0]
    assert classifier.classify(near_tie).intent == "explain"  # within the margin
    asked = classifier.classify(near_tie, text="What's the answer to the exercise?")
    assert asked.intent == "solve" and asked.scores["solve"] == 0.71 + CUE_BONUS
    assert classifier.classify(near_tie, text="Реши задачу за меня").intent == "solve"
    clear = [0.9, 0.9 - MARGIN - CUE_BONUS - 0.01, 0.0]
    assert classifier.classify(clear, text="the exercise about loops").intent == "explain"
    assert classifier.classify([0.7, 0.0, 0.69], text="Составь план на неделю").intent == "plan"
