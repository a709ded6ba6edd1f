"""What the page can tell of the device for the tutor's choice (``app.core.generator_choice``),
and the request that the browser keep this site's storage.

``navigator.deviceMemory`` exists in Chromium-based browsers only (rounded down to 0.25,
0.5, 1, 2, 4 or 8 GB, and only in secure contexts); elsewhere it is None. A page cannot
ask a worker's ``navigator.storage.persist()``: it exists on windows only, so it is asked here.
"""

from __future__ import annotations

from js import navigator, window  # type: ignore[import-not-found]

from app.core.generator_choice import DeviceFacts


def device_facts() -> DeviceFacts:
    """The device's memory, the viewport's width and whether its pointer is coarse."""
    memory = getattr(navigator, "deviceMemory", None)
    try:
        memory_gb = float(memory) if memory is not None else None
    except (TypeError, ValueError):
        memory_gb = None  # undefined (not in this browser) arrives as a JS value, not a number
    if memory_gb is not None and memory_gb != memory_gb:  # NaN
        memory_gb = None
    try:
        coarse = bool(window.matchMedia("(pointer: coarse)").matches)
    except Exception:  # no matchMedia (an old or headless shell): assume a mouse
        coarse = False
    return DeviceFacts(memory_gb=memory_gb, width_px=int(window.innerWidth or 0),
                       coarse_pointer=coarse)


async def request_persistence() -> bool | None:
    """Ask the browser to keep this site's storage under disk pressure; its answer, or None
    where the browser has no such request. Headless Chromium always answers False."""
    storage = getattr(navigator, "storage", None)
    if storage is None or not hasattr(storage, "persist"):
        return None
    try:
        return bool(await storage.persist())
    except Exception:  # a browser that refuses to be asked (sandboxed frame)
        return None
