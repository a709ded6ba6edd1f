"""GGUF (llama.cpp) → Hugging Face folder: fp32 weights, config, tokenizer rebuilt from metadata.

Weights are dequantized by transformers' GGUF loader (it needs `gguf` and `accelerate`).
The tokenizer is rebuilt here from `tokenizer.ggml.*` (byte-level BPE, the pre-tokenizer named
by `tokenizer.ggml.pre`), because transformers' own conversion gets special tokens wrong
(SmolLM2's eos/bos). When the GGUF carries both `token_embd` and `output` for a model that ties
them (Qwen2.5 0.5B does, llama.cpp keeps the output copy at higher precision), the embedding is
re-tied to the dequantized `output.weight`, so the ONNX holds one copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# Hugging Face tokenizer.json pre-tokenizers of the models llama.cpp names in tokenizer.ggml.pre.
QWEN2_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
TOKEN_TYPE_CONTROL, TOKEN_TYPE_USER_DEFINED = 3, 4
# tokenizer.ggml.pre → the tokenizer class upstream's tokenizer_config.json names.
TOKENIZER_CLASSES = {"qwen2": "Qwen2Tokenizer", "smollm": "GPT2Tokenizer"}


class GGUFError(ValueError):
    """The GGUF file lacks something the conversion needs, or holds an unsupported variant."""


def read_metadata(path: Path) -> dict[str, Any]:
    """All key/value fields of the GGUF at `path` (arrays as lists)."""
    from gguf import GGUFReader

    reader = GGUFReader(str(path))
    return {key: field.contents() for key, field in reader.fields.items()}


def build_tokenizer(meta: dict[str, Any]) -> Any:
    """A `tokenizers.Tokenizer` from the GGUF's byte-level BPE vocabulary and merges."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers as pre

    if meta.get("tokenizer.ggml.model") != "gpt2":
        raise GGUFError(f"tokenizer.ggml.model {meta.get('tokenizer.ggml.model')!r}; only gpt2 BPE")
    tokens: list[str] = meta["tokenizer.ggml.tokens"]
    types: list[int] = meta["tokenizer.ggml.token_type"]
    merges = [tuple(m.split(" ", 1)) for m in meta["tokenizer.ggml.merges"]]
    vocab = {token: index for index, token in enumerate(tokens)}
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False, byte_fallback=False))
    kind = meta.get("tokenizer.ggml.pre")
    if kind == "qwen2":
        tokenizer.normalizer = normalizers.NFC()
        tokenizer.pre_tokenizer = pre.Sequence(
            [
                pre.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
                pre.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
            ]
        )
    elif kind == "smollm":
        tokenizer.pre_tokenizer = pre.Sequence(
            [
                pre.Digits(individual_digits=True),
                pre.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
            ]
        )
    else:
        raise GGUFError(f'Unsupported tokenizer.ggml.pre "{kind}". Should be one of: qwen2, smollm.')
    tokenizer.decoder = decoders.ByteLevel()
    added = [
        AddedToken(tokens[i], special=types[i] == TOKEN_TYPE_CONTROL, normalized=False)
        for i in range(len(tokens))
        if types[i] in (TOKEN_TYPE_CONTROL, TOKEN_TYPE_USER_DEFINED)
    ]
    tokenizer.add_tokens(added)
    return tokenizer


def _token(meta: dict[str, Any], key: str) -> str | None:
    index = meta.get(f"tokenizer.ggml.{key}_token_id")
    return None if index is None else str(meta["tokenizer.ggml.tokens"][int(index)])


def convert_gguf(path: Path, out_dir: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Write a Hugging Face causal-LM folder for the GGUF at `path`; returns conversion figures.

    `params` may override special tokens by name: `bos_token`, `eos_token`, `pad_token`,
    `unk_token` (token strings), and `eos_tokens` (extra end-of-generation tokens).
    """
    import torch
    from transformers import AutoModelForCausalLM, GenerationConfig

    from models.tokenizer import save_tokenizer

    meta = read_metadata(path)
    tokenizer = build_tokenizer(meta)
    specials = {
        f"{name}_token": params.get(f"{name}_token", _token(meta, name if name != "pad" else "padding"))
        for name in ("bos", "eos", "pad", "unk")
    }
    specials = {k: v for k, v in specials.items() if v}
    template = meta.get("tokenizer.chat_template")
    if not template:
        raise GGUFError(f"{path.name} has no tokenizer.chat_template")
    out_dir.mkdir(parents=True, exist_ok=True)
    save_tokenizer(
        tokenizer,
        out_dir,
        specials=specials,
        tokenizer_class=TOKENIZER_CLASSES[meta["tokenizer.ggml.pre"]],
        model_max_length=int(meta[f"{meta['general.architecture']}.context_length"]),
        chat_template=template,
        extra={"add_bos_token": False},
    )
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32)
    figures = {"gguf_name": meta.get("general.name", "")}
    if params.get("retie_output"):
        figures["retied_from"] = _retie_output(model, path)
    ids = {k: tokenizer.token_to_id(v) for k, v in specials.items()}
    eos_ids = [ids["eos_token"]] + [tokenizer.token_to_id(t) for t in params.get("eos_tokens", [])]
    config = model.config
    config.bos_token_id = ids.get("bos_token")
    config.eos_token_id = ids["eos_token"]
    config.pad_token_id = ids.get("pad_token")
    config.architectures = [type(model).__name__]
    config.name_or_path = ""
    model.generation_config = GenerationConfig(
        bos_token_id=ids.get("bos_token"),
        eos_token_id=eos_ids if len(eos_ids) > 1 else eos_ids[0],
        pad_token_id=ids.get("pad_token"),
        do_sample=False,
    )
    model.eval().save_pretrained(out_dir)
    return figures


def _retie_output(model: Any, path: Path) -> str:
    """Tie embedding and lm_head to the GGUF's `output.weight` (dequantized); returns its type."""
    import torch
    from gguf import GGUFReader
    from gguf.quants import dequantize

    reader = GGUFReader(str(path))
    tensor = next((t for t in reader.tensors if t.name == "output.weight"), None)
    if tensor is None:
        raise GGUFError(f"{path.name} has no output.weight to re-tie")
    weight = dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
    embed = model.get_input_embeddings()
    if tuple(weight.shape) != tuple(embed.weight.shape):
        raise GGUFError(f"output.weight {weight.shape} vs embedding {tuple(embed.weight.shape)}")
    embed.weight = torch.nn.Parameter(torch.from_numpy(weight))
    model.config.tie_word_embeddings = True
    model.tie_weights()
    if model.get_output_embeddings().weight.data_ptr() != embed.weight.data_ptr():
        raise GGUFError("lm_head is still untied after tie_weights()")
    return str(tensor.tensor_type.name)
