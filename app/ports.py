"""The boundaries between the app's use cases and the browser, as Protocols.

``app.bridge`` implements them on Pyodide; tests under CPython use the honest fakes
in ``tests/fakes.py`` (or real servers), never mocks that accept any call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from app.core.errors import TropaError


class Api(Protocol):
    """Reads from the server that serves the app (same origin)."""

    async def get_json(self, path: str) -> Any:
        """GET ``path`` and return its decoded JSON; raise ApiError on failure."""
        ...


class Preferences(Protocol):
    """Small learner settings kept on the device (language, overrides)."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


class Page(Protocol):
    """The document the app is mounted in (``app.bridge.dom`` on the browser).

    Elements and events are the browser's own objects, used through their DOM
    attributes (``innerHTML``, ``dataset``, ``target``...).
    """

    root: Any  # the element the app renders into

    def listen(self, target: Literal["window", "root"], event: str,
               handler: Callable[[Any], None]) -> None:
        """Call ``handler(event)`` for every ``event`` on the window or the root."""
        ...

    def release(self) -> None:
        """Remove every listener added by ``listen``."""
        ...

    def location_hash(self) -> str: ...

    def location_search(self) -> str: ...

    def languages(self) -> list[str]:
        """The browser's preferred languages, most preferred first."""
        ...

    def element(self, element_id: str) -> Any:
        """The element with ``element_id``, or a falsy value when there is none."""
        ...

    def set_document(self, title: str, lang: str) -> None: ...

    def take_over(self, html: str) -> None:
        """Put ``html`` in the root as ``innerHTML`` would, keeping the nodes of the page
        already there (the prerendered one) that it has too."""
        ...

    def scroll_to_top(self) -> None: ...

    def set_theme(self, theme: str) -> None:
        """Apply the colour theme (system, light or dark) to the document."""
        ...

    def navigate(self, fragment: str) -> None:
        """Go to the in-app address ``fragment`` (``#/...``), as a link would."""
        ...

    def download(self, filename: str, text: str, mime: str) -> None:
        """Offer ``text`` to the learner as a file named ``filename``."""
        ...

    def reload(self) -> None:
        """Load the page again (after the device's data was replaced)."""
        ...


class Inference(Protocol):
    """The ML worker, seen from Python (``app.bridge.worker`` on the browser).

    Payloads and results follow ``contracts.protocol``. Every call raises
    ``InferenceError`` with the worker's readable message (and its ``code``) on failure,
    or when the worker stays silent past the call's timeout. The first call shakes hands
    (``hello``): a worker of another protocol version or request set fails it with code
    ``incompatible``, so callers never call ``hello`` themselves.
    """

    async def hello(self) -> dict[str, Any]: ...

    async def probe(self, force_webgpu: bool) -> dict[str, Any]: ...

    async def load(
        self, model: str, role: str, force_webgpu: bool,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> dict[str, Any]: ...

    async def embed(self, model: str, texts: list[str], prefix: str) -> list[list[float]]: ...

    async def index(self, url: str, count: int, dim: int, sha256: str) -> dict[str, Any]: ...

    async def search(self, vector: list[float], k: int, rows: list[int]) -> list[tuple[int, float]]: ...

    async def generate(
        self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> dict[str, Any]: ...

    async def interrupt(self) -> bool:
        """Stop the generation in progress, if any; True when one was stopped."""
        ...

    async def unload(self, model: str) -> None: ...

    async def models(self, force_webgpu: bool) -> dict[str, Any]:
        """Every model of the manifest as this device would run it (``models``: records
        ``contracts.protocol.RECORDS["model_state"]``) and the storage used and allowed."""
        ...

    async def download(
        self, model: str, force_webgpu: bool,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> dict[str, Any]:
        """Store the files a load of ``model`` needs here, without loading it."""
        ...

    async def delete(self, model: str) -> int:
        """Remove ``model`` from the device's model store; returns the bytes freed."""
        ...

    async def verify(
        self, model: str, force_webgpu: bool,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> dict[str, Any]:
        """Check every stored chunk of ``model`` again; bad ones are deleted."""
        ...


class Store(Protocol):
    """The learner's data on this device (``app.bridge.store`` in the browser,
    ``app.core.learner.store.MemoryStore`` elsewhere): JSON values by text key in the
    collections of ``app.core.learner.store``. Every call raises ``StoreError`` with a
    code (quota, unavailable, bad-value, newer); a failed write changes nothing."""

    async def get(self, collection: str, key: str) -> Any:
        """The value, or None when there is none."""
        ...

    async def items(self, collection: str) -> list[tuple[str, Any]]:
        """Every (key, value) of the collection, in key order."""
        ...

    async def put(self, collection: str, key: str, value: Any) -> None: ...

    async def put_many(self, writes: list[tuple[str, str, Any]]) -> None:
        """Write every (collection, key, value) at once: all or nothing."""
        ...

    async def delete(self, collection: str, key: str) -> None: ...


@dataclass(frozen=True)
class Request:
    """One request to the app's own server (sync, account, billing)."""

    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # decoded JSON, or None when the reply was not JSON
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case


class TransportError(TropaError):
    """No reply from the server (offline, timeout, connection reset)."""


class Transport(Protocol):
    """Sends one request to the app's own server (same origin, session cookie)
    (``app.bridge.transport`` on the browser, an httpx client in tests)."""

    async def send(self, request: Request) -> Reply:
        """Return the server's reply, whatever its status; raise TransportError when
        no reply came."""
        ...


class PackFetcher(Protocol):
    """GETs one file of a course pack from another origin (``app.bridge.packs`` on the
    browser): no cookies, no redirects followed, at most ``limit`` bytes."""

    async def get(self, url: str, limit: int) -> bytes:
        """The body of ``url``; raise PackError saying why there is none (HTTP status,
        offline, too big, redirected elsewhere)."""
        ...


class PackStorage(Protocol):
    """The course packs kept on the device, one JSON record each, by pack id
    (``app.bridge.packs`` keeps them in IndexedDB, apart from the learner's data)."""

    async def all(self) -> list[dict[str, Any]]: ...

    async def put(self, pack_id: str, record: dict[str, Any]) -> None: ...

    async def delete(self, pack_id: str) -> None: ...

    async def clear(self) -> None:
        """Delete every record, those of other versions too."""
        ...
