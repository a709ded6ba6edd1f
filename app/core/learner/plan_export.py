"""A plan exported as a roadmap in the content format (the content/ author guide), for
an author to turn into a real trail: ``python -m builder.content`` compiles it.

The export is one tar file holding ``content/en/<slug>/`` (and ``content/ru/<slug>/``
when the plan is Russian and every topic has a Russian text): ``roadmap.md`` with one
section per group and the library's prerequisites as ``<-`` edges, and one topic file
per step, whose text is the library topic's, turned back into Markdown, with its
resources. The topics get ids of the new roadmap (``<slug>.<roadmap>-<topic>``); the
gaps, which have no text yet, are listed in the introduction for the author to write.

The tar holds only ASCII headers and UTF-8 text, so it travels as text (the page's
download takes text) and comes out byte for byte.

>>> slug_of("Learn SQL for analytics!")
'learn-sql-for-analytics'
"""

from __future__ import annotations

import io
import re
import tarfile
from html.parser import HTMLParser

from app.core.errors import LibraryError
from app.core.learner.plan import Plan, requires_of
from app.core.library.catalog import Library, Topic

SOURCE = "en"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_of(text: str, fallback: str = "my-trail") -> str:
    """A roadmap slug from ``text``: lowercase ASCII letters, digits and '-', at most
    40 characters; ``fallback`` when nothing is left (a Russian goal, say)."""
    slug = _NOT_SLUG.sub("-", text.lower()).strip("-")[:40].strip("-")
    return slug or fallback


def _topic_slug(topic_id: str) -> str:
    return _NOT_SLUG.sub("-", topic_id.lower()).strip("-")


class _Markdown(HTMLParser):
    """The compiled topic HTML (markdown-it's CommonMark output) back to Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line = ""
        self.lists: list[list[int]] = []  # per open list: [ordered?, item number]
        self.pre = False
        self.code_lang = ""
        self.href: list[str] = []
        self.row: list[str] = []
        self.rows = 0

    def _flush(self) -> None:
        text = self.line.strip()
        if text:
            self.blocks.append(text)
        self.line = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"):
            self._flush()
            if tag.startswith("h") and tag != "table":
                self.line = "#" * max(int(tag[1]), 2) + " "
            elif tag == "blockquote":
                self.line = "> "
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag == "ol", 0])
        elif tag == "li" and self.lists:
            self._flush()
            self.lists[-1][1] += 1
            ordered, number = self.lists[-1]
            self.line = "  " * (len(self.lists) - 1) + (f"{number}. " if ordered else "- ")
        elif tag == "pre":
            self._flush()
            self.pre = True
        elif tag == "code":
            if self.pre:
                self.code_lang = (found.get("class") or "").removeprefix("language-")
            else:
                self.line += "`"
        elif tag in ("strong", "b"):
            self.line += "**"
        elif tag in ("em", "i"):
            self.line += "*"
        elif tag == "a":
            self.href.append(found.get("href") or "")
            self.line += "["
        elif tag == "br":
            self.line += " "
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.line = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"):
            self._flush()
        elif tag in ("ul", "ol") and self.lists:
            self._flush()
            self.lists.pop()
        elif tag == "pre":
            code = self.line.rstrip("\n")
            self.blocks.append(f"```{self.code_lang}\n{code}\n```")
            self.line, self.pre, self.code_lang = "", False, ""
        elif tag == "code" and not self.pre:
            self.line += "`"
        elif tag in ("strong", "b"):
            self.line += "**"
        elif tag in ("em", "i"):
            self.line += "*"
        elif tag == "a":
            href = self.href.pop() if self.href else ""
            self.line += f"]({href})"
        elif tag in ("td", "th"):
            self.row.append(self.line.strip())
            self.line = ""
        elif tag == "tr":
            self.blocks.append("| " + " | ".join(cell.strip() for cell in self.row) + " |")
            self.rows += 1
            if self.rows == 1:
                self.blocks.append("|" + " --- |" * len(self.row))
        elif tag == "table":
            self.rows = 0

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.line += data
        else:
            self.line += re.sub(r"\s+", " ", data)

    def markdown(self) -> str:
        self._flush()
        # Table rows are one block: no blank line between them.
        out: list[str] = []
        for block in self.blocks:
            if out and block.startswith("|") and out[-1].startswith("|"):
                out[-1] += "\n" + block
            else:
                out.append(block)
        return "\n\n".join(out)


def to_markdown(html: str) -> str:
    """Markdown for a topic's compiled ``html``."""
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    return parser.markdown()


def _topic_file(topic: Topic, new_id: str, why: str) -> str:
    links = "\n".join(f"- [@{r.type}@{r.title}]({r.url})" for r in topic.resources)
    note = f"*{why}*\n\n" if why else ""
    return (f"---\nid: {new_id}\nlevel: {topic.level}\n---\n# {topic.title}\n\n{note}"
            f"{to_markdown(topic.html)}\n\nFrom the Tropa library topic `{topic.id}`.\n\n"
            f"## Resources\n\n{links}\n")


def _roadmap_file(plan: Plan, slug: str, library: Library, lang: str) -> str:
    goal = " ".join(plan.goal.split()) or slug
    slugs = {t: _topic_slug(t) for t in plan.topic_ids}
    lines = [f"---\nid: {slug}\ntitle: {goal}\nsummary: A trail toward this goal: {goal}.\n---",
             f"# {goal}", "",
             f"A personal trail of {len(slugs)} library topics, made in Tropa"
             + (" with the on-device model." if plan.made_by == "model" else " from the library's order.")]
    if plan.gaps:
        gaps = "; ".join(g.title + (f" ({g.why})" if g.why else "") for g in plan.gaps)
        lines[-1] += f" Not in the library yet, to write: {gaps}."
    for number, (group, steps) in enumerate(plan.groups(), start=1):
        topics = [s for s in steps if not s.gap]
        if not topics:
            continue
        lines += ["", f"## {' '.join(group.split()) or f'Part {number}'}", ""]
        for step in topics:
            needs = [slugs[r] for r in requires_of(library, step.topic, lang) if r in slugs]
            lines.append(f"- {slugs[step.topic]}" + (f" <- {', '.join(needs)}" if needs else ""))
    return "\n".join(lines) + "\n"


def files(plan: Plan, library: Library) -> dict[str, str]:
    """Path (under ``content/``) → text of every file of the export."""
    slug = slug_of(plan.goal, fallback=slug_of(plan.id))
    langs = [SOURCE]
    if plan.lang != SOURCE and all((t, plan.lang) in library.topics for t in plan.topic_ids):
        langs.append(plan.lang)
    out: dict[str, str] = {}
    for lang in langs:
        folder = f"content/{lang}/{slug}"
        out[f"{folder}/roadmap.md"] = _roadmap_file(plan, slug, library, lang)
        for step in plan.steps:
            if step.gap:
                continue
            try:
                topic = library.topic(step.topic, lang)
            except LibraryError:
                continue
            name = _topic_slug(step.topic)
            out[f"{folder}/{name}.md"] = _topic_file(topic, f"{slug}.{name}", step.why)
    return out


def tar_text(plan: Plan, library: Library) -> str:
    """The export as a tar archive, in a str (ASCII headers, UTF-8 contents)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for path, text in files(plan, library).items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, plan.created_ms // 1000
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue().decode("utf-8")


def filename(plan: Plan) -> str:
    return f"{slug_of(plan.goal, fallback=slug_of(plan.id))}.tar"
