from __future__ import annotations

import asyncio

from app.core.tutor.intent import INTENTS, prototype_texts
from app.services.intents import learn_intents
from tests.fakes import bag_of_words


def test_the_classifier_is_learned_from_prototypes_embedded_one_at_a_time() -> None:
    # As a question is embedded: int8 dynamic quantisation makes a vector depend on its batch.
    batches: list[list[str]] = []

    async def embed(texts: list[str]) -> list[list[float]]:
        batches.append(texts)
        return [bag_of_words(text) for text in texts]

    classifier = asyncio.run(learn_intents(embed))
    assert batches == [[text] for _, text in prototype_texts()]
    assert set(classifier.centroids) == set(INTENTS)
    plan = bag_of_words("Make me a study plan to learn SQL in two weeks.")
    assert classifier.classify(plan).intent == "plan"
