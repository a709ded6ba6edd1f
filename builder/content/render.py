"""Markdown → HTML for topic pages, with raw HTML disabled.

Content may not inject markup or script: ``<script>`` in a topic comes out as text,
and markdown-it's link validation drops ``javascript:`` and similar URLs.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("table")


def to_html(markdown: str) -> str:
    """Render ``markdown`` to HTML; any HTML in it is escaped, not passed through.

    Code blocks can be focused (``tabindex="0"``): on a phone a long line scrolls
    sideways, and a keyboard user must be able to reach that scroll. With raw HTML off,
    every ``<pre>`` in the output is a code block.
    """
    html: str = _md.render(markdown)
    return html.replace("<pre>", '<pre tabindex="0">')
