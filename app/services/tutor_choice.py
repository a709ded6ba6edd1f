"""The tutor this device runs (full, small or passages only), as the model manager, the
tutor's panel and the tutor itself see it.

``TutorPicker`` applies ``app.core.generator_choice.choose_generator`` to what it knows: the
learner's choice (kept in the preferences under ``tutor_tier``), the address's generator,
the device facts the page read, and the full tutor's last first-token time here (kept under
``tutor_first_token``, written after each answer of the full tutor; it steers the next
visit's choice, never swaps the model in the middle of one). The sizes of each tier come from
``models/manifest.json`` (the WASM files), read once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.errors import TropaError
from app.core.generator_choice import (
    FULL_GENERATOR,
    DeviceFacts,
    FirstToken,
    GeneratorChoice,
    Tier,
    choose_generator,
    download_size,
    parse_tier,
    tier_models,
    wasm_sizes,
)
from app.core.settings import Settings
from app.ports import Api, Preferences

TIER_KEY = "tutor_tier"
FIRST_TOKEN_KEY = "tutor_first_token"
MANIFEST = "/models/manifest.json"


class TutorPicker:
    def __init__(self, settings: Settings, preferences: Preferences, device: DeviceFacts,
                 api: Api | None = None) -> None:
        self.settings = settings
        self.preferences = preferences
        self.device = device
        self.api = api
        self.sizes: dict[str, int] = {}  # model id → WASM bytes, once the manifest is read

    @property
    def chosen(self) -> Tier | None:
        return parse_tier(self.preferences.get(TIER_KEY))

    @property
    def first_token(self) -> FirstToken | None:
        return FirstToken.parse(self.preferences.get(FIRST_TOKEN_KEY))

    def choice(self, lang: str) -> GeneratorChoice:
        """The tutor for a learner who reads ``lang``, now."""
        address = self.settings.generator if self.settings.generator_chosen else None
        return choose_generator(chosen=self.chosen, address=address, device=self.device,
                                lang=lang, first_token=self.first_token)

    def suggested(self, lang: str) -> GeneratorChoice:
        """What the device ladder alone would pick (the learner's choice set aside)."""
        return choose_generator(chosen=None, address=None, device=self.device, lang=lang,
                                first_token=self.first_token)

    def choose(self, tier: Tier) -> None:
        self.preferences.set(TIER_KEY, tier)

    def measured(self, model: str, result: Mapping[str, Any]) -> None:
        """Keep the full tutor's first-token time of a generate ``result`` (other models'
        times say nothing about whether the full one is too slow here)."""
        if model != FULL_GENERATOR:
            return
        found = FirstToken.of(result)
        if found is not None:
            self.preferences.set(FIRST_TOKEN_KEY, found.text())

    async def read_sizes(self) -> None:
        """Read the models' sizes from the manifest; a failure leaves them unknown (the
        tutor's intro then names no size, the model manager shows the worker's)."""
        if self.api is None or self.sizes:
            return
        try:
            self.sizes = wasm_sizes(await self.api.get_json(MANIFEST))
        except TropaError:
            self.sizes = {}

    def size_of(self, tier: Tier, embedder: str, sizes: Mapping[str, int] | None = None) -> int | None:
        """Bytes ``tier`` downloads with ``embedder``: from ``sizes`` (the model store's, for
        this device) or the manifest's; None when unknown."""
        return download_size(tier_models(tier, embedder), sizes if sizes is not None else self.sizes)
