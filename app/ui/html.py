"""A tiny HTML builder that escapes everything it is not told is trusted.

>>> h("a", {"href": "#/"}, "<Home>")
Markup('<a href="#/">&lt;Home&gt;</a>')

Only ``Markup`` passes through unescaped; the compiled library's HTML is wrapped in
it because the content compiler produced it with raw HTML disabled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

VOID = frozenset({"br", "hr", "img", "input", "meta", "link"})

Child = "str | Markup | None | Iterable[Child]"


class Markup(str):
    """A string of HTML that is safe to insert as is."""

    def __repr__(self) -> str:
        return f"Markup({str.__repr__(self)})"


def render(child: object) -> Markup:
    """Escape text, keep Markup, flatten iterables, drop None and False."""
    if child is None or child is False:
        return Markup("")
    if isinstance(child, Markup):
        return child
    if isinstance(child, str):
        return Markup(escape(child, quote=False))
    if isinstance(child, int | float):
        return Markup(str(child))
    if isinstance(child, Iterable):
        return Markup("".join(render(item) for item in child))
    raise TypeError(f"cannot render {type(child).__name__} as HTML")


def h(tag: str, attrs: Mapping[str, object] | None = None, *children: object) -> Markup:
    """Build an element; attributes with value None or False are left out."""
    parts = [tag]
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(name)
        else:
            parts.append(f'{name}="{escape(str(value), quote=True)}"')
    opening = "<" + " ".join(parts) + ">"
    if tag in VOID:
        return Markup(opening)
    return Markup(f"{opening}{render(children)}</{tag}>")
