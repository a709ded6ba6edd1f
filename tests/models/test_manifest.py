from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from models.manifest import (
    DTYPE_FILES,
    MANIFEST_PATH,
    ManifestError,
    load_manifest,
    parse_manifest,
)

GOOD: dict[str, Any] = {
    "id": "some-model",
    "role": "embedder",
    "tier": "real",
    "architecture": "bert",
    "source": "e5s1",
    "original": "org/model",
    "license": "MIT",
    "dtypes": {"wasm": ["q8"], "webgpu": []},
    "packages": [{"name": "pkg", "version": "1.0", "sha256": "a" * 64, "files": ["pkg/m.bin"]}],
}


def with_change(**changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    return {"model": [entry]}


def test_project_manifest_loads_and_names_the_required_models() -> None:
    manifest = load_manifest(MANIFEST_PATH)
    ids = {m.id for m in manifest.models}
    assert {
        "multilingual-e5-small",
        "qwen2.5-coder-0.5b-instruct",
        "smollm2-135m-instruct",
        "tiny-embedder",
        "tiny-qwen2",
        "tiny-llama",
    } <= ids
    for model in manifest.models:
        assert model.dtypes["wasm"], model.id
        for package in model.packages:
            assert len(package.sha256) == 64


def test_good_entry_parses() -> None:
    model = parse_manifest(with_change()).models[0]
    assert model.id == "some-model"
    assert model.packages[0].requirement == "pkg==1.0"
    assert model.all_dtypes == ("q8",)


def test_select_by_tier_and_id() -> None:
    manifest = load_manifest(MANIFEST_PATH)
    tiny = manifest.select(["tiny"])
    assert tiny and all(m.tier == "tiny" for m in tiny)
    assert [m.id for m in manifest.select(["tiny-llama", "tiny-llama"])] == ["tiny-llama"]
    assert len(manifest.select([])) == len(manifest.models)
    with pytest.raises(ManifestError, match=r'Unknown model "nope"\. Should be one of: .*tiny-llama'):
        manifest.select(["nope"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "Bad Id"}, "bad id 'Bad Id'"),
        ({"role": "classifier"}, "unsupported role 'classifier'. Should be one of: embedder, generator"),
        ({"architecture": "gpt9"}, "unsupported architecture 'gpt9'"),
        ({"source": "onnx"}, "unsupported source 'onnx'"),
        ({"license": None}, "'license' is missing"),
        ({"dtypes": {"wasm": ["int3"]}}, 'unsupported dtype "int3" for wasm. Should be one of: fp32, q8'),
        ({"dtypes": {"wasm": ["q8"], "webnn": []}}, 'unsupported device "webnn"'),
        ({"dtypes": {"wasm": [], "webgpu": ["q4"]}}, "dtypes.wasm is empty"),
        ({"dtypes": None}, r"\[model.dtypes\] is missing"),
        ({"packages": []}, 'source "e5s1" needs at least one'),
        (
            {"packages": [{"name": "pkg", "version": "1", "sha256": "xyz", "files": ["a"]}]},
            "package pkg==1 has a bad sha256 'xyz'",
        ),
        ({"packages": [{"name": "pkg", "version": "1", "sha256": "a" * 64}]}, "needs a list of 'files'"),
    ],
)
def test_bad_entries_raise_errors_naming_the_value(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_manifest(with_change(**changes))


def test_duplicate_ids_and_empty_manifest() -> None:
    with pytest.raises(ManifestError, match='"some-model" appears twice'):
        parse_manifest({"model": [GOOD, GOOD]})
    with pytest.raises(ManifestError, match="no \\[\\[model\\]\\] entries"):
        parse_manifest({})


def test_unreadable_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text("[[model]\nid = ")
    with pytest.raises(ManifestError, match=f"Cannot read manifest {path}"):
        load_manifest(path)


def test_digest_follows_the_entry() -> None:
    a = parse_manifest(with_change()).models[0]
    b = parse_manifest(with_change(license="Apache-2.0")).models[0]
    assert a.digest() == parse_manifest(with_change()).models[0].digest()
    assert a.digest() != b.digest()


def test_dtype_files_are_the_transformers_js_names() -> None:
    assert DTYPE_FILES == {
        "fp32": "model.onnx",
        "q8": "model_quantized.onnx",
        "q4": "model_q4.onnx",
        "q4f16": "model_q4f16.onnx",
    }
