"""Building the intent classifier from the embedder (no classifier weights exist offline)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.core.tutor.intent import INTENTS, Intent, IntentClassifier, prototype_texts

EmbedQueries = Callable[[list[str]], Awaitable[list[list[float]]]]


async def learn_intents(embed_queries: EmbedQueries) -> IntentClassifier:
    """Embed every prototype sentence and build the classifier from them.

    Each sentence is embedded alone, as a question is: int8 dynamic quantisation makes a
    vector depend on what it is batched with (moves scores by about 0.01), so centroids
    from one batch would not be on the questions' scale.
    """
    pairs = prototype_texts()
    vectors = [vector for _, text in pairs for vector in await embed_queries([text])]
    grouped: dict[Intent, list[list[float]]] = {intent: [] for intent in INTENTS}
    for (intent, _), vector in zip(pairs, vectors, strict=True):
        grouped[intent].append(vector)
    return IntentClassifier(grouped)
