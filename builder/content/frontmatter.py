"""Splitting a Markdown file into its ``---`` front matter and body, keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.content.problems import Problem

_KEY = re.compile(r"^([a-z_]+):\s*(.*?)\s*$")


@dataclass
class Document:
    """A parsed file: ``fields`` maps key → (value, line); ``body`` holds (line, text) pairs."""

    path: str
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    body: list[tuple[int, str]] = field(default_factory=list)
    body_start: int = 1
    closed: bool = True


def split(path: str, text: str, allowed: tuple[str, ...], problems: list[Problem],
          optional: tuple[str, ...] = ()) -> Document:
    """Parse ``text``; append a Problem for each malformed or unknown front-matter line.
    Every key of ``allowed`` is required; those of ``optional`` may be left out."""
    doc = Document(path)
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(path, 1, "missing front matter: the file must start with '---'"))
        doc.body = list(enumerate(lines, start=1))
        return doc
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(Problem(path, 1, "front matter is not closed: no second '---' line"))
        doc.closed = False
        return doc
    for number in range(2, end + 1):
        line = lines[number - 1]
        if not line.strip():
            continue
        match = _KEY.match(line)
        if not match:
            problems.append(Problem(path, number, f"front matter line is not 'key: value': {line!r}"))
            continue
        key, value = match.groups()
        if key not in allowed and key not in optional:
            problems.append(
                Problem(path, number, f"unknown front matter key {key!r}; allowed: "
                        + ", ".join((*allowed, *optional)))
            )
        elif key in doc.fields:
            problems.append(Problem(path, number, f"front matter key {key!r} given twice"))
        else:
            doc.fields[key] = (value, number)
    doc.body_start = end + 2
    doc.body = [(number, lines[number - 1]) for number in range(end + 2, len(lines) + 1)]
    for key in allowed:
        if key not in doc.fields:
            problems.append(Problem(path, 1, f"front matter lacks required key {key!r}"))
    return doc


def title_of(doc: Document, problems: list[Problem]) -> tuple[str, int]:
    """The ``# Title`` that must be the first non-blank body line."""
    for number, line in doc.body:
        if not line.strip():
            continue
        if line.startswith("# ") and line[2:].strip():
            return line[2:].strip(), number
        problems.append(Problem(doc.path, number, f"expected a '# Title' line, found {line!r:.60}"))
        return "", number
    problems.append(Problem(doc.path, doc.body_start, "missing '# Title' line"))
    return "", doc.body_start
