"""One roadmap.sh topic file (``content/<label>@<nodeId>.md``) → our prose and resource links.

roadmap.sh writes a topic as ``# Title``, a paragraph or so, a line like "Visit the
following resources to learn more:" and a list of typed links ``- [@kind@Title](url)``.
We keep the prose, map each link kind to ours and say, in ``notes``, everything that
was dropped or approximated on the way.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field

from builder.content.topics import MAX_WORDS, URL_PATTERN, ResourceLink, count_words

# roadmap.sh's link kinds → ours, and why when it is not the same kind.
KINDS: dict[str, tuple[str, str]] = {
    "official": ("official", ""),
    "article": ("article", ""),
    "video": ("video", ""),
    "course": ("course", ""),
    "book": ("book", ""),
    "opensource": ("opensource", ""),
    "tool": ("tool", ""),
    "podcast": ("video", "podcast link taken as 'video' (we have no podcast kind)"),
    "feed": ("article", "feed link taken as 'article' (we have no feed kind)"),
    "roadmap": ("article", "link to another roadmap.sh roadmap taken as 'article'"),
}
# A list item that is one link and nothing else: "- [@kind@Title](url)" or "- [Title](url)".
_LINK_ITEM = re.compile(r"^\s*[-*+]\s+\[(?:@([A-Za-z-]+)@)?(.*)\]\(\s*<?(\S+?)>?\s*\)\s*$")
# The sentence roadmap.sh puts above its link list.
_LINKS_INTRO = re.compile(r"(learn more|resources|references|further|read more|links)[^:]*:\s*$", re.I)
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_HTML_TAG = re.compile(r"<[A-Za-z/][^>]*>")
_URL_SAFE = "-._~%!$&*+,;=:@/?#"


@dataclass
class TopicText:
    """What a topic file gives us: its ``# Title`` ('' if none), prose, links, and notes."""

    title: str = ""
    prose: str = ""
    links: list[ResourceLink] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def clean_text(text: str) -> tuple[str, int]:
    """``text`` without a byte-order mark, with every line break as ``\n`` (our compiler
    splits lines as ``str.splitlines`` does: CR, U+2028 ... too), and without control
    characters other than tab and newline (our compiler refuses them); also how many
    characters were removed."""
    text = "\n".join(text.removeprefix("\ufeff").splitlines())
    kept = [c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc"]
    return "".join(kept), len(text) - len(kept)


def one_line(text: str) -> str:
    """HTML entities decoded (roadmap.sh titles hold ``&amp;``), control characters
    dropped, whitespace collapsed."""
    decoded = html.unescape(text)
    return " ".join("".join(c if unicodedata.category(c) != "Cc" else " " for c in decoded).split())


def link_title(text: str) -> str:
    """``text`` as the title of one of our links, which ends at the first ``]``."""
    return one_line(text).replace("[", "(").replace("]", ")")


def read_topic_text(text: str) -> TopicText:
    """Split a roadmap.sh topic file into title, prose and converted resource links."""
    result = TopicText()
    text, removed = clean_text(text)
    if removed:
        result.notes.append(f"{removed} control character(s) removed")
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            result.notes.append("front matter dropped")
            lines = lines[end + 1:]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    heading = _HEADING.match(lines[first]) if first is not None else None
    if first is not None and heading:  # '# Title', or a smaller heading used as one
        result.title = one_line(heading.group(1))
        lines = lines[first + 1:]
    prose = _take_links(lines, result)
    result.prose = _tidy_prose(prose, result.notes)
    return result


def _take_links(lines: list[str], result: TopicText) -> list[str]:
    """Move the resource links out of ``lines`` into ``result``; return the prose lines.

    A typed link item is always a resource. An untyped one is a resource inside a link
    list: after the "learn more:" line or another resource, blank lines between.
    """
    items = [_LINK_ITEM.match(line) for line in lines]
    prose: list[str] = []
    in_list = False
    for index, line in enumerate(lines):
        match = items[index]
        if match and (match.group(1) is not None or in_list):
            in_list = True
            _add_link(match.group(1), match.group(2), match.group(3), result)
            continue
        if not line.strip():
            prose.append(line)
            continue
        following = next((items[i] for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        if _LINKS_INTRO.search(line) and following is not None:
            in_list = True  # the "Visit the following resources" line: ours is '## Resources'
            continue
        in_list = False
        prose.append(line)
    return prose


def _tidy_prose(lines: list[str], notes: list[str]) -> str:
    kept: list[str] = []
    in_code = False
    html_seen = False
    for line in lines:
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if not in_code and line.strip() == "## Resources":
            notes.append("a '## Resources' heading in the text became '### Resources' "
                         "(ours starts the link list)")
            line = "### Resources"
        if not in_code and _HTML_TAG.search(re.sub(r"`[^`]*`", "", line)):
            html_seen = True
        if not line.strip() and kept and not kept[-1].strip():
            continue
        kept.append(line.rstrip())
    if html_seen:
        notes.append("raw HTML in the text will show as text (our renderer escapes it)")
    prose = "\n".join(kept).strip()
    words = count_words(prose)
    if words > MAX_WORDS:
        prose = _cut(prose)
        notes.append(f"text of {words} words cut to {count_words(prose)} "
                     f"(our topics hold at most {MAX_WORDS})")
    return prose


def _cut(prose: str) -> str:
    """The longest run of whole paragraphs within MAX_WORDS (code blocks stay whole)."""
    blocks: list[str] = []
    for block in prose.split("\n\n"):
        if count_words("\n\n".join([*blocks, block])) > MAX_WORDS:
            break
        blocks.append(block)
    return "\n\n".join(blocks).strip()


def _add_link(kind: str | None, raw_title: str, raw_url: str, result: TopicText) -> None:
    title = link_title(raw_title)
    shown = f"link {title!r:.60}"
    if kind is None:
        ours, why = "article", "untyped link taken as 'article'"
    elif kind.lower() in KINDS:
        ours, why = KINDS[kind.lower()]
    else:
        ours, why = "article", f"unknown link kind {kind!r} taken as 'article'"
    url, url_note = convert_url(raw_url)
    if url is None:
        result.notes.append(f"{shown} dropped: {url_note}")
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    paid_course = host.removeprefix("www.") == "roadmap.sh" and "/courses" in url
    if paid_course or title.lower().startswith("premium"):
        result.notes.append(f"{shown} dropped: a paid course")
        return
    if not title:
        title = host
        result.notes.append(f"link to {url} has no title; its host name is shown")
    for note in (why, url_note):
        if note:
            result.notes.append(f"{shown}: {note}")
    result.links.append(ResourceLink(ours, title, url))


def convert_url(raw: str) -> tuple[str | None, str]:
    """``raw`` as a URL our resource links take (https, RFC 3986 characters), with a
    note when it was changed; ``None`` and the reason when it cannot be one."""
    scheme = raw.split(":", 1)[0].lower() if ":" in raw else ""
    if scheme == "http":
        return None, "an http:// address (ours are https:// only)"
    if scheme != "https":
        return None, f"not an https:// address: {raw!r:.60}"
    parts = urllib.parse.urlsplit(raw)
    host = parts.hostname or ""
    try:
        port = parts.port
        ascii_host = host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return None, f"not a URL we can link: {raw!r:.60}"
    netloc = ascii_host + (f":{port}" if port else "")
    rest = raw.split("//", 1)[1][len(parts.netloc):]
    url = f"https://{netloc}{urllib.parse.quote(rest, safe=_URL_SAFE)}"
    if not URL_PATTERN.match(url):
        return None, f"not a URL we can link: {raw!r:.60}"
    return url, "" if url == raw else "address percent-encoded (brackets, quotes, spaces)"
