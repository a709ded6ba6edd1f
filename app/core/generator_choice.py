"""Which tutor runs on this device: the device ladder's choice of the generator's size.

Three tutors, each a set of models to download:

- ``full``: Qwen2.5-Coder 0.5B (int8 about 500 MB; its WASM session holds about 1.2 GB),
  English and Russian;
- ``small``: SmolLM2-135M (int8 about 140 MB), faster, weaker and **English only**;
- ``passages``: no generator at all: the tutor answers with the library's passages that
  the embedder finds, cited. Only the embedder is downloaded.

The rule, first match wins:

1. the learner's choice in the model manager;
2. the generator named in the address (``?tutor=<id>``, tests and benches);
3. a phone-like device (``navigator.deviceMemory`` at most 4 GB, or a phone screen when
   the browser hides its memory), or a device whose first token on the full tutor was
   slow (measured on an earlier answer, ``slow``), gets the small tutor;
4. otherwise the full tutor.

SmolLM2 writes English only: asked in Russian it answers in English, which the tutor's
language check refuses twice before it shows the passages anyway, so for a Russian
learner step 3 never picks it. On a phone-like device a Russian learner gets passages
(the full tutor does not fit, and the passages are in Russian at once); on a slow device
the full tutor stays (a slow answer in Russian beats a quick one in English). Every choice
carries a reason code the UI words, with the figure behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

FULL_GENERATOR = "qwen2.5-coder-0.5b-instruct"
SMALL_GENERATOR = "smollm2-135m-instruct"

Tier = Literal["full", "small", "passages"]
TIERS: tuple[Tier, ...] = get_args(Tier)
# The generator of each tier (None: passages only, no generator).
TIER_GENERATORS: dict[Tier, str | None] = {"full": FULL_GENERATOR, "small": SMALL_GENERATOR,
                                           "passages": None}
# Generators that write only these languages (any other generator: every language of the app).
GENERATOR_LANGUAGES: dict[str, frozenset[str]] = {SMALL_GENERATOR: frozenset({"en"})}

# At most this much memory (GB, as navigator.deviceMemory reports it: browsers round it
# down to 0.25, 0.5, 1, 2, 4 or 8) is a phone-like device: the full tutor's 1.2 GB session
# beside the page, Pyodide and the embedder would crowd it out.
LOW_MEMORY_GB = 4.0
# A screen this narrow (CSS px) with a coarse pointer is a phone, when the memory is unknown
# (Safari and Firefox do not expose navigator.deviceMemory).
PHONE_WIDTH_PX = 600
# The full tutor's first token, measured on an answer: later than SLOW_FIRST_TOKEN_MS while
# reading the prompt slower than SLOW_PREFILL_TPS tokens a second means a device several
# times slower than the 2-core laptop the full tutor was sized for (there: about 35 tok/s).
SLOW_FIRST_TOKEN_MS = 10_000
SLOW_PREFILL_TPS = 8.0

Reason = Literal[
    "chosen",  # the learner chose it in the model manager
    "address",  # the page address named the generator (?tutor=)
    "default",  # the device can carry the full tutor
    "low-memory",  # navigator.deviceMemory at most LOW_MEMORY_GB
    "phone",  # a phone screen, memory unknown
    "slow-first-token",  # the full tutor's first token was slow here
]
REASONS: tuple[Reason, ...] = get_args(Reason)


@dataclass(frozen=True)
class DeviceFacts:
    """What the page knows of the device: ``memory_gb`` (navigator.deviceMemory, None where
    the browser hides it), the viewport's width in CSS px and whether the pointer is coarse."""

    memory_gb: float | None = None
    width_px: int = 1280
    coarse_pointer: bool = False

    @property
    def phone_screen(self) -> bool:
        return self.coarse_pointer and 0 < self.width_px <= PHONE_WIDTH_PX

    @property
    def low_memory(self) -> bool:
        return self.memory_gb is not None and 0 < self.memory_gb <= LOW_MEMORY_GB

    @property
    def phone_like(self) -> bool:
        return self.low_memory or (self.memory_gb is None and self.phone_screen)


@dataclass(frozen=True)
class FirstToken:
    """One measured first token of the full tutor: ms, and the prompt's tokens (0: unknown)."""

    ms: float
    prompt_tokens: int = 0

    @property
    def slow(self) -> bool:
        if self.ms <= SLOW_FIRST_TOKEN_MS:
            return False
        return self.prompt_tokens <= 0 or self.prompt_tokens / (self.ms / 1000) < SLOW_PREFILL_TPS

    def text(self) -> str:
        """As kept in the preferences: ``"<ms>:<prompt tokens>"``."""
        return f"{self.ms:.0f}:{self.prompt_tokens}"

    @classmethod
    def parse(cls, text: str | None) -> FirstToken | None:
        """From ``text()``; None for anything else (a hand-edited or older value)."""
        ms, _, tokens = (text or "").partition(":")
        try:
            found = cls(float(ms), int(tokens or 0))
        except ValueError:
            return None
        return found if found.ms >= 0 and found.prompt_tokens >= 0 else None

    @classmethod
    def of(cls, result: Mapping[str, Any]) -> FirstToken | None:
        """From a generate result (``ttft_ms``, ``prompt_tokens``); None without a first token."""
        ms, tokens = result.get("ttft_ms"), result.get("prompt_tokens", 0)
        if not isinstance(ms, int | float) or isinstance(ms, bool) or ms < 0:
            return None
        return cls(float(ms), tokens if isinstance(tokens, int) and not isinstance(tokens, bool) else 0)


@dataclass(frozen=True)
class GeneratorChoice:
    tier: Tier
    model: str | None  # the generator to load; None: passages only
    reason: Reason
    # The figure behind the reason, for the UI: GB of memory or ms to the first token.
    figure: float | None = None
    # The ladder would have picked the small tutor, but the learner's language is not one it
    # writes: this tier was picked instead (the UI says so).
    language_kept: bool = False


def parse_tier(text: str | None) -> Tier | None:
    """A tier kept in the preferences; None for none or an unknown word."""
    return next((tier for tier in TIERS if tier == text), None)


def writes(model: str | None, lang: str) -> bool:
    """Whether generator ``model`` writes answers in ``lang``."""
    return model is not None and lang in GENERATOR_LANGUAGES.get(model, frozenset({lang}))


def choose_generator(*, chosen: Tier | None, address: str | None, device: DeviceFacts,
                     lang: str, first_token: FirstToken | None = None) -> GeneratorChoice:
    """The tutor for this device: see the module's rule.

    >>> choose_generator(chosen=None, address=None, device=DeviceFacts(memory_gb=2.0), lang="en").tier
    'small'
    """
    if chosen is not None:
        return GeneratorChoice(chosen, TIER_GENERATORS[chosen], "chosen")
    if address is not None:
        tier: Tier = "small" if address == SMALL_GENERATOR else "full"
        return GeneratorChoice(tier, address, "address")
    reason: Reason | None = None
    figure: float | None = None
    if device.low_memory:
        reason, figure = "low-memory", device.memory_gb
    elif device.phone_like:
        reason, figure = "phone", float(device.width_px)
    elif first_token is not None and first_token.slow:
        reason, figure = "slow-first-token", first_token.ms
    if reason is None:
        return GeneratorChoice("full", FULL_GENERATOR, "default")
    if writes(SMALL_GENERATOR, lang):
        return GeneratorChoice("small", SMALL_GENERATOR, reason, figure)
    # Not in English: passages where the full tutor does not fit, the full tutor where it is slow.
    kept: Tier = "full" if reason == "slow-first-token" else "passages"
    return GeneratorChoice(kept, TIER_GENERATORS[kept], reason, figure, language_kept=True)


def tier_models(tier: Tier, embedder: str) -> tuple[str, ...]:
    """The model ids ``tier`` downloads: the embedder, and its generator if it has one."""
    generator = TIER_GENERATORS[tier]
    return (embedder,) if generator is None else (embedder, generator)


def wasm_sizes(manifest: Mapping[str, Any]) -> dict[str, int]:
    """Model id → bytes a WASM load fetches (the configs, tokenizer and the first WASM
    dtype's ONNX file), from ``models/manifest.json``; models without a WASM build are left out."""
    sizes: dict[str, int] = {}
    for entry in manifest.get("models", []):
        dtypes = entry.get("dtypes", {}).get("wasm") or []
        onnx = entry.get("dtype_files", {}).get(dtypes[0]) if dtypes else None
        if not isinstance(onnx, str):
            continue
        sizes[str(entry["id"])] = sum(
            int(f["size"]) for f in entry.get("files", [])
            if not str(f["path"]).startswith("onnx/") or str(f["path"]).startswith(onnx))
    return sizes


def download_size(models: Iterable[str], sizes: Mapping[str, int]) -> int | None:
    """Bytes of ``models`` together; None when a size is unknown."""
    total = 0
    for model in models:
        if model not in sizes:
            return None
        total += sizes[model]
    return total


__all__ = [
    "FULL_GENERATOR",
    "LOW_MEMORY_GB",
    "REASONS",
    "SMALL_GENERATOR",
    "TIERS",
    "TIER_GENERATORS",
    "DeviceFacts",
    "FirstToken",
    "GeneratorChoice",
    "Reason",
    "Tier",
    "choose_generator",
    "download_size",
    "parse_tier",
    "tier_models",
    "wasm_sizes",
    "writes",
]
