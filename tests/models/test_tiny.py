from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from tokenizers import Tokenizer

from models.checks import greedy_onnx
from models.manifest import DTYPE_FILES, MANIFEST_PATH, load_manifest
from models.tiny import build_tiny


def test_tiny_builds_are_small_and_repeatable(tmp_path: Path) -> None:
    for source in ("tiny-bert", "tiny-qwen2", "tiny-llama"):
        build_tiny(source, tmp_path / "a" / source)
        build_tiny(source, tmp_path / "b" / source)
        a = (tmp_path / "a" / source / "model.safetensors").read_bytes()
        assert a == (tmp_path / "b" / source / "model.safetensors").read_bytes()
        assert len(a) < 5_000_000
    with pytest.raises(ValueError, match='Unsupported tiny source "tiny-gpt"'):
        build_tiny("tiny-gpt", tmp_path / "x")


def test_tiny_embedder_tokenizer_is_xlmr_style(tiny_models: Path) -> None:
    tokenizer = Tokenizer.from_file(str(tiny_models / "tiny-embedder/tokenizer.json"))
    encoding = tokenizer.encode("passage: Списки в Python")
    assert encoding.tokens[0] == "<s>" and encoding.tokens[-1] == "</s>"
    assert encoding.tokens[1].startswith("▁")
    config = json.loads((tiny_models / "tiny-embedder/tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "XLMRobertaTokenizer"


def test_every_tiny_file_loads_in_onnxruntime(tiny_models: Path) -> None:
    manifest = load_manifest(MANIFEST_PATH)
    for spec in manifest.select(["tiny"]):
        for dtype in spec.all_dtypes:
            path = tiny_models / spec.id / "onnx" / DTYPE_FILES[dtype]
            session = ort.InferenceSession(str(path))
            names = {i.name for i in session.get_inputs()}
            if spec.role == "embedder":
                assert names == {"input_ids", "attention_mask", "token_type_ids"}
                assert session.get_outputs()[0].name == "last_hidden_state"
            else:
                assert {
                    "input_ids",
                    "attention_mask",
                    "position_ids",
                    "past_key_values.0.key",
                    "past_key_values.0.value",
                } <= names


def test_tiny_generators_chat_and_generate(tiny_models: Path) -> None:
    from transformers import AutoTokenizer

    for model_id in ("tiny-qwen2", "tiny-llama"):
        folder = tiny_models / model_id
        tokenizer = AutoTokenizer.from_pretrained(folder)
        ids = tokenizer.apply_chat_template(
            [{"role": "user", "content": "hi"}], add_generation_prompt=True, tokenize=True
        )
        ids = list(ids["input_ids"] if isinstance(ids, dict) else ids)
        assert tokenizer.decode(ids).endswith("<|im_start|>assistant\n")
        generation = json.loads((folder / "generation_config.json").read_text())
        assert generation["eos_token_id"] == tokenizer.convert_tokens_to_ids("<|im_end|>")
        session = ort.InferenceSession(str(folder / "onnx/model_quantized.onnx"))
        tokens = greedy_onnx(session, ids, 5)
        assert len(tokens) == 5 and all(0 <= t < tokenizer.vocab_size + 3 for t in tokens)
        assert tokens == greedy_onnx(session, ids, 5)


def test_tiny_qwen2_has_webgpu_files(tiny_models: Path) -> None:
    manifest = json.loads((tiny_models / "manifest.json").read_text())
    qwen = next(m for m in manifest["models"] if m["id"] == "tiny-qwen2")
    assert qwen["dtypes"]["webgpu"] == ["q4f16", "q4"]
    for dtype in ("q4", "q4f16"):
        session = ort.InferenceSession(str(tiny_models / "tiny-qwen2" / qwen["dtype_files"][dtype]))
        assert session.get_outputs()[0].type == ("tensor(float16)" if dtype == "q4f16" else "tensor(float)")
    assert np.isfinite(qwen["context_length"])
