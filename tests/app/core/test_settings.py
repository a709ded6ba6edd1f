from __future__ import annotations

from app.core.settings import DEFAULT_GENERATOR, from_query


def test_query_parameters_pick_model_and_webgpu_mode() -> None:
    settings = from_query("?tutor=tiny-qwen2&webgpu=force")
    assert settings.generator == "tiny-qwen2" and settings.force_webgpu


def test_bad_values_keep_the_defaults() -> None:
    settings = from_query("?tutor=../../etc&webgpu=maybe")
    assert settings.generator == DEFAULT_GENERATOR and settings.webgpu == "auto"
    assert from_query("", saved_webgpu="force").webgpu == "force"
