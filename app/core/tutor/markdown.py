"""A small, safe Markdown renderer for tutor answers (model output is untrusted).

Everything is escaped; only this module's own tags are produced. Links are kept only
for ``https://`` and in-app ``#/`` addresses; ``[n]`` citation markers become links
through the ``cite`` callback. Supported: paragraphs, ``#`` headings, ``-``/``1.``
lists, fenced code, inline code, ``**bold**``, ``*italic*``.

>>> render("Use `x < y` **now** [1]", cite=lambda n: "#/topic/python.loops")
'<p>Use <code>x &lt; y</code> <strong>now</strong> <a class="cite" href="#/topic/python.loops">[1]</a></p>'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

Cite = Callable[[int], str | None]

_FENCE = re.compile(r"^(\s*)```\s*([\w+-]*)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
# A citation marker ``[n]`` of the n-th passage; ``app.core.tutor.answer`` reads the same markers.
CITATION = re.compile(r"\[(\d{1,2})\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])")


def _safe_url(url: str) -> str | None:
    raw = unescape(url)
    if raw.startswith("https://") or raw.startswith("#/"):
        return escape(raw, quote=True)
    return None


def inline(text: str, cite: Cite | None = None) -> str:
    """Render inline Markdown of one line or paragraph."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{escape(part[1:-1], quote=False)}</code>")
            continue
        html = escape(part, quote=False)

        def link(match: re.Match[str]) -> str:
            url = _safe_url(match.group(2))
            return f'<a href="{url}">{match.group(1)}</a>' if url else match.group(1)

        def citation(match: re.Match[str]) -> str:
            target = cite(int(match.group(1))) if cite else None
            if target is None:
                return match.group(0)
            return f'<a class="cite" href="{escape(target, quote=True)}">[{match.group(1)}]</a>'

        html = _LINK.sub(link, html)
        html = CITATION.sub(citation, html)
        html = _BOLD.sub(r"<strong>\1</strong>", html)
        html = _ITALIC.sub(r"<em>\1</em>", html)
        out.append(html)
    return "".join(out)


def render(markdown: str, cite: Cite | None = None) -> str:
    """Render ``markdown`` to HTML; an unclosed code fence (mid-stream) is closed."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""
    list_start = 1
    code: list[str] | None = None
    code_lang = ""
    code_indent = 0

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            html.append(f"<p>{inline(' '.join(paragraph), cite)}</p>")
            paragraph.clear()
        if items:
            # A numbered list interrupted by a code block goes on with its own numbers.
            start = f' start="{list_start}"' if list_tag == "ol" and list_start != 1 else ""
            html.append(f"<{list_tag}{start}>" + "".join(f"<li>{i}</li>" for i in items)
                        + f"</{list_tag}>")
            items.clear()
            list_tag = ""

    for line in markdown.splitlines():
        fence = _FENCE.match(line)
        if code is not None:
            if fence and not fence.group(2):
                attr = f' class="language-{escape(code_lang)}"' if code_lang else ""
                html.append(f"<pre><code{attr}>{escape(chr(10).join(code), quote=False)}</code></pre>")
                code = None
            else:
                # A fence indented under a list item: drop that indentation from its lines.
                prefix = line[:code_indent]
                code.append(line[code_indent:] if not prefix.strip() else line)
            continue
        if fence:
            flush()
            code, code_lang, code_indent = [], fence.group(2), len(fence.group(1))
            continue
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        if heading:
            flush()
            level = min(len(heading.group(1)) + 2, 6)
            html.append(f"<h{level}>{inline(heading.group(2), cite)}</h{level}>")
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or (list_tag and list_tag != tag):
                flush()
            if not items and numbered:
                list_start = int(numbered.group(1))
            list_tag = tag
            text = bullet.group(1) if bullet else numbered.group(2) if numbered else ""
            items.append(inline(text, cite))
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + inline(line.strip(), cite)
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    if code is not None:
        html.append(f"<pre><code>{escape(chr(10).join(code), quote=False)}</code></pre>")
    return "".join(html)
