"""What the shell hosts besides the trails and the tutor: the learner's features.

A ``Part`` (notes, search, the learner's data, quizzes and review, the account) owns
pages of its own (``content`` for the routes in ``app.ui.views.SHELL_PAGES``), blocks
under a topic's text (``topic_block``: the note, the quiz), and the clicks and submits
whose ``data-action`` it ``handles``. It redraws through the callback it was built with,
so the shell knows no feature's state; ``app.main`` builds every part and hands them over.
"""

from __future__ import annotations

from typing import Any, Protocol

from app.core.library.routes import Route
from app.ui.html import Markup


class Part(Protocol):
    def handles(self, action: str) -> bool:
        """True for the ``data-action`` values of this part's buttons and forms."""
        ...

    def content(self, route: Route, lang: str) -> Markup | None:
        """The body of this part's page on ``route``; None on a route it does not own."""
        ...

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        """What this part shows under the text of topic ``topic_id``, or None."""
        ...

    async def act(self, action: str, element: Any) -> None:
        """Run the clicked ``element``'s ``action``; say a failure on the page."""
        ...

    async def submit(self, action: str, form: Any) -> None:
        """Run the submitted ``form``'s ``action``; say a failure on the page."""
        ...
