"""Cutting topic prose into passages for retrieval.

A passage is a run of whole paragraphs (a fenced code block stays whole) of at most
``max_words`` words, prefixed by the topic title so that it reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.content.topics import count_words

MAX_WORDS = 120


@dataclass(frozen=True)
class Passage:
    topic: str
    lang: str
    roadmap: str
    title: str
    text: str


def paragraphs(markdown: str) -> list[str]:
    """Blank-line separated blocks; fenced code blocks are never split."""
    blocks: list[str] = []
    current: list[str] = []
    in_code = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if not line.strip() and not in_code:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def split_passages(markdown: str, max_words: int = MAX_WORDS) -> list[str]:
    """Group paragraphs greedily into passages of at most ``max_words`` prose words.

    A single paragraph longer than the limit becomes a passage of its own.
    """
    passages: list[str] = []
    current: list[str] = []
    size = 0
    for block in paragraphs(markdown):
        words = max(count_words(block), 1)
        if current and size + words > max_words:
            passages.append("\n\n".join(current))
            current, size = [], 0
        current.append(block)
        size += words
    if current:
        passages.append("\n\n".join(current))
    return passages
