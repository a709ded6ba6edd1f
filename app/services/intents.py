"""Building the intent classifier from the embedder (no classifier weights exist offline)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.core.tutor.intent import INTENTS, Intent, IntentClassifier, prototype_texts

EmbedQueries = Callable[[list[str]], Awaitable[list[list[float]]]]


async def learn_intents(embed_queries: EmbedQueries) -> IntentClassifier:
    """Embed every prototype sentence in one batch and build the classifier from them."""
    pairs = prototype_texts()
    vectors = await embed_queries([text for _, text in pairs])
    grouped: dict[Intent, list[list[float]]] = {intent: [] for intent in INTENTS}
    for (intent, _), vector in zip(pairs, vectors, strict=True):
        grouped[intent].append(vector)
    return IntentClassifier(grouped)
