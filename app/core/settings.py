"""The app's settings, read from the page address and saved preferences.

``?tutor=<model id>`` picks the generator (tests use the tiny ones); ``?webgpu=force``
makes the worker use a WebGPU adapter even when it is a slow software fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

DEFAULT_GENERATOR = "qwen2.5-coder-0.5b-instruct"
WEBGPU_MODES = ("auto", "force")
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{0,80}$")


@dataclass(frozen=True)
class Settings:
    generator: str = DEFAULT_GENERATOR
    webgpu: str = "auto"
    # True when the address named the generator (``?tutor=``): it wins over the device
    # ladder; the learner's choice in the model manager wins over both (app.core.generator_choice).
    generator_chosen: bool = False

    @property
    def force_webgpu(self) -> bool:
        return self.webgpu == "force"


def from_query(query: str, saved_webgpu: str | None = None) -> Settings:
    """Settings from ``location.search``; unknown or malformed values keep the defaults."""
    params = parse_qs(query.removeprefix("?"))
    generator = params.get("tutor", [DEFAULT_GENERATOR])[0]
    chosen = "tutor" in params and bool(_MODEL_ID.match(generator))
    if not _MODEL_ID.match(generator):
        generator = DEFAULT_GENERATOR
    webgpu = params.get("webgpu", [saved_webgpu or "auto"])[0]
    if webgpu not in WEBGPU_MODES:
        webgpu = "auto"
    return Settings(generator=generator, webgpu=webgpu, generator_chosen=chosen)
