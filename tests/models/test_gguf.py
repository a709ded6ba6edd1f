from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models.gguf import GGUFError, build_tokenizer

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist/models"


def byte_level_meta(pre: str) -> dict[str, Any]:
    """GGUF tokenizer metadata for a tiny byte-level BPE: bytes, two merges, three specials."""
    from tokenizers import pre_tokenizers

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tokens = [*alphabet, "he", "hel", "<|endoftext|>", "<|im_start|>", "<tool_call>"]
    types = [1] * (len(alphabet) + 2) + [3, 3, 4]
    return {
        "tokenizer.ggml.model": "gpt2",
        "tokenizer.ggml.pre": pre,
        "tokenizer.ggml.tokens": tokens,
        "tokenizer.ggml.token_type": types,
        "tokenizer.ggml.merges": ["h e", "he l"],
    }


@pytest.mark.parametrize("pre", ["qwen2", "smollm"])
def test_bpe_merges_and_specials(pre: str) -> None:
    tokenizer = build_tokenizer(byte_level_meta(pre))
    encoding = tokenizer.encode("hello<|im_start|>")
    assert encoding.tokens[:3] == ["hel", "l", "o"]
    assert encoding.tokens[-1] == "<|im_start|>"
    assert tokenizer.decode(tokenizer.encode("héllo wörld").ids) == "héllo wörld"
    added = {t.content: t.special for t in tokenizer.get_added_tokens_decoder().values()}
    assert added == {"<|endoftext|>": True, "<|im_start|>": True, "<tool_call>": False}


def test_pre_tokenizers_split_digits_their_own_way() -> None:
    qwen = build_tokenizer(byte_level_meta("qwen2")).encode("x 2024").tokens
    smol = build_tokenizer(byte_level_meta("smollm")).encode("x 2024").tokens
    assert qwen == ["x", "Ġ", "2", "0", "2", "4"]  # \p{N} one by one, space on its own
    assert smol == ["x", "Ġ", "2", "0", "2", "4"]


def test_unsupported_variants_are_named() -> None:
    with pytest.raises(GGUFError, match=r'Unsupported tokenizer\.ggml\.pre "llama-bpe"'):
        build_tokenizer(byte_level_meta("llama-bpe"))
    meta = byte_level_meta("qwen2") | {"tokenizer.ggml.model": "llama"}
    with pytest.raises(GGUFError, match="'llama'; only gpt2 BPE"):
        build_tokenizer(meta)


def _built(model_id: str) -> Path:
    folder = DIST / model_id
    if not (folder / "onnx/model_quantized.onnx").is_file():
        pytest.skip(f"{model_id} not built (python -m models.build --out dist/models --only real)")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(
    ("model_id", "eos", "bos"),
    [
        ("qwen2.5-coder-0.5b-instruct", "<|im_end|>", "<|endoftext|>"),
        ("smollm2-135m-instruct", "<|im_end|>", "<|im_start|>"),
    ],
)
def test_real_generators_have_consistent_special_tokens(model_id: str, eos: str, bos: str) -> None:
    from transformers import AutoTokenizer

    folder = _built(model_id)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    config = json.loads((folder / "config.json").read_text())
    generation = json.loads((folder / "generation_config.json").read_text())
    eos_id = tokenizer.convert_tokens_to_ids(eos)
    assert tokenizer.eos_token == eos and config["eos_token_id"] == eos_id
    eos_ids = generation["eos_token_id"]
    assert eos_id == (eos_ids[0] if isinstance(eos_ids, list) else eos_ids)
    assert tokenizer.bos_token == bos
    assert config["bos_token_id"] == tokenizer.convert_tokens_to_ids(bos)
    # the GGUFs say add_bos_token = false: the chat template alone frames the text
    assert tokenizer("hi")["input_ids"] == tokenizer.convert_tokens_to_ids(tokenizer.tokenize("hi"))
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], add_generation_prompt=True, tokenize=False
    )
    assert prompt.endswith("<|im_start|>assistant\n")


@pytest.mark.slow
def test_real_qwen_int8_answers_with_code() -> None:
    import onnxruntime as ort
    from transformers import AutoTokenizer

    from models.checks import greedy_onnx

    folder = _built("qwen2.5-coder-0.5b-instruct")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Write a Python function that multiplies two numbers."}],
        add_generation_prompt=True,
        tokenize=True,
    )
    ids = list(ids["input_ids"] if isinstance(ids, dict) else ids)
    session = ort.InferenceSession(str(folder / "onnx/model_quantized.onnx"))
    text = tokenizer.decode(greedy_onnx(session, ids, 40))
    assert "def " in text and "multipl" in text
