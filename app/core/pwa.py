"""What the browser offers the installed app, as the page's service-worker script
(sw/register.js) reports it: installation, and a new version waiting to take over."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PwaState:
    """``installable``: the browser offers to install the app (its prompt is kept);
    ``update_ready``: a new version is installed and waits for the learner's Update."""

    installable: bool = False
    update_ready: bool = False
