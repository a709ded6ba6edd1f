"""Reading one topic file: front matter, title, prose and its typed resource links."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from builder.content.frontmatter import Document, split, title_of
from builder.content.problems import Problem

LEVELS = ("beginner", "intermediate", "advanced")
RESOURCE_TYPES = ("official", "article", "video", "course", "book", "tool", "opensource")
MIN_WORDS = 150
MAX_WORDS = 1200
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")
_RESOURCE = re.compile(r"^- \[@([a-z]+)@([^\]]+)\]\(([^)\s]+)\)\s*$")
# An https URL of RFC 3986 characters, less the quotes, brackets and backslash that could
# end an HTML attribute or a Markdown link early: https://x"onclick="... is refused here.
URL_PATTERN = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][A-Za-z0-9\-._~%!$&*+,;=:@/?#]*)?$")
BOM = "\ufeff"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ResourceLink:
    type: str
    title: str
    url: str


@dataclass
class TopicFile:
    path: str
    slug: str
    id: str
    id_line: int
    level: str
    title: str
    markdown: str  # the prose between the title and ## Resources
    words: int
    resources: list[ResourceLink]
    # Ids this topic had before (renamed, moved or merged into it), and their line.
    formerly: list[str] = field(default_factory=list)
    formerly_line: int = 0
    # Where an imported topic's text came from ("roadmap.sh/<roadmap>@<node>"); empty
    # for our own writing. Imported text is exempt from the minimum length only.
    origin: str = ""


def count_words(markdown: str) -> int:
    """Words of prose, not counting fenced code blocks."""
    words = 0
    in_code = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if not in_code:
            words += len(_WORD.findall(line))
    return words


def _control_characters(path: str, text: str, problems: list[Problem]) -> None:
    """One problem per line holding a control character other than tab (NUL, ESC ...)."""
    for number, line in enumerate(text.splitlines(), start=1):
        bad = next((c for c in line if c != "\t" and unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            problems.append(Problem(path, number, f"control character U+{ord(bad):04X} at column "
                                    f"{line.index(bad) + 1}; remove it"))


def _resources(doc: Document, start: int, problems: list[Problem]) -> list[ResourceLink]:
    links: list[ResourceLink] = []
    for number, line in doc.body:
        if number <= start or not line.strip():
            continue
        match = _RESOURCE.match(line.strip())
        if not match:
            problems.append(Problem(doc.path, number,
                                    "expected a resource link '- [@type@Title](https://...)', "
                                    f"found {line.strip()!r:.70}"))
            continue
        kind, title, url = match.groups()
        if kind not in RESOURCE_TYPES:
            problems.append(Problem(doc.path, number, f"unknown link type {kind!r}; "
                                    "should be one of: " + ", ".join(RESOURCE_TYPES)))
        if not url.startswith("https://"):
            problems.append(Problem(doc.path, number, f"resource URL must start with https://: {url}"))
        elif not URL_PATTERN.match(url):
            problems.append(Problem(doc.path, number, f"resource URL {url!r:.80} has characters a URL "
                                    "may not hold; allowed: letters, digits and -._~%!$&*+,;=:@/?#"))
        links.append(ResourceLink(kind, title.strip(), url))
    if not links:
        problems.append(Problem(doc.path, start, "'## Resources' has no links"))
    return links


def read_topic(path: str, slug: str, text: str, problems: list[Problem]) -> TopicFile:
    """Parse a topic; every rule it breaks is appended to ``problems``. A leading
    byte-order mark (as some editors save UTF-8) is dropped."""
    text = text.removeprefix(BOM)
    _control_characters(path, text, problems)
    doc = split(path, text, ("id", "level"), problems, optional=("formerly", "origin"))
    if not doc.closed:  # everything after an unclosed front matter is unreadable
        return TopicFile(path, slug, "", 1, "", "", "", 0, [])
    topic_id, id_line = doc.fields.get("id", ("", 1))
    level, level_line = doc.fields.get("level", ("", 1))
    if topic_id and not ID_PATTERN.match(topic_id):
        problems.append(Problem(path, id_line, f"id {topic_id!r} must look like "
                                "'<roadmap>.<slug>': lowercase letters, digits and '-'"))
    if level and level not in LEVELS:
        problems.append(Problem(path, level_line, f"unknown level {level!r}; "
                                "should be one of: " + ", ".join(LEVELS)))
    title, title_line = title_of(doc, problems)
    resources_line = next((n for n, line in doc.body if line.strip() == "## Resources"), None)
    if resources_line is None:
        problems.append(Problem(path, title_line, "missing '## Resources' section"))
        resources: list[ResourceLink] = []
        end = doc.body[-1][0] + 1 if doc.body else title_line + 1
    else:
        resources = _resources(doc, resources_line, problems)
        end = resources_line
    prose = "\n".join(line for number, line in doc.body if title_line < number < end).strip()
    words = count_words(prose)
    origin, origin_line = doc.fields.get("origin", ("", 0))
    if origin_line and not origin:
        problems.append(Problem(path, origin_line, "'origin:' is empty; name where the imported "
                                "text came from, or remove the line"))
    if words < MIN_WORDS and not origin_line:
        problems.append(Problem(path, title_line,
                                f"topic has {words} words of prose; at least {MIN_WORDS} needed"))
    elif words > MAX_WORDS:
        problems.append(Problem(path, title_line, f"topic is oversized: {words} words of prose; "
                                f"at most {MAX_WORDS}, split it into several topics"))
    formerly, formerly_line = doc.fields.get("formerly", ("", 0))
    old_ids = [part.strip() for part in formerly.split(",") if part.strip()]
    if formerly_line and not old_ids:
        problems.append(Problem(path, formerly_line, "'formerly:' lists no ids; give the topic's "
                                "old ids separated by commas, or remove the line"))
    return TopicFile(path, slug, topic_id, id_line, level, title, prose, words, resources,
                     old_ids, formerly_line, origin)
