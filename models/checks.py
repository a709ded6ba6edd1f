"""Build-time checks that fail the build: the shipped ONNX files against PyTorch.

Embedders: cosine between the ONNX embeddings (through `Embedder`, what ships) and the PyTorch
model of the same (dequantized) weights, on fixed English and Russian sentences.
Generators: greedy tokens of the fp32 ONNX against PyTorch's greedy tokens; for quantized files,
top-1 agreement of each step's logits along PyTorch's greedy continuation (teacher forcing),
because a native int8 greedy run is not a trustworthy reference (see docs/architecture.md).
Every int8 (q8) file is also run with its integer products computed exactly in float
(`models.int8.exact_int8`), a reference that does not depend on this CPU's int8 kernels: the
limits apply to both runs, and the native run must agree with the exact one, so a kernel that
does not compute what onnxruntime-web computes fails the build with that cause named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from tokenizers import Tokenizer

from models.embedder import Embedder, pool_and_normalize
from models.int8 import exact_int8
from models.manifest import DTYPE_FILES

SENTENCES = [
    "How do I sort a list of numbers in Python?",
    "A dictionary stores pairs of keys and values.",
    "The weather is sunny and warm today.",
    "Recursion is when a function calls itself.",
    "Как отсортировать список чисел в Python?",
    "Словарь хранит пары ключей и значений.",
    "Сегодня солнечная и тёплая погода.",
    "Рекурсия — это когда функция вызывает саму себя.",
]
# SENTENCES[i] (English) and SENTENCES[i + 4] (Russian) say the same thing.
TRANSLATION_OFFSET = 4
# Native int8 against exact integer arithmetic: only float rounding may differ (1.0000 measured
# with u8 weights; s8 weights on an AVX2-only CPU: tiny-embedder 0.98, Qwen top-1 0.000).
KERNEL_MIN_COSINE = 0.999
KERNEL_MIN_TOP1 = 0.9


class CheckError(RuntimeError):
    """A build check measured a figure outside its limit."""


@dataclass
class Figures:
    """Measured figures of one model's checks, printed and stored in manifest.json."""

    values: dict[str, Any]

    def line(self) -> str:
        return ", ".join(f"{k}={_fmt(v)}" for k, v in self.values.items())


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, str) and ("\n" in value or " " in value):
        return repr(value)
    return str(value)


def check_embedder(hf_dir: Path, model_dir: Path, dtypes: tuple[str, ...], checks: dict[str, Any]) -> Figures:
    """Compare every dtype's ONNX embeddings with PyTorch's; raise CheckError below the limits."""
    from transformers import BertModel

    min_cosine = float(checks.get("min_cosine", 0.99))
    reference = _torch_embed(BertModel.from_pretrained(hf_dir).eval(), model_dir, SENTENCES)
    figures: dict[str, Any] = {}
    for dtype in dtypes:
        embedder = Embedder(model_dir, dtype)
        onnx_vectors = embedder.embed(SENTENCES)
        _check_cosines(dtype, onnx_vectors, reference, min_cosine, figures)
        exact = exact_session(model_dir / "onnx" / DTYPE_FILES[dtype])
        if exact is not None:
            embedder.session = exact
            exact_vectors = embedder.embed(SENTENCES)
            _check_cosines(f"{dtype}_exact", exact_vectors, reference, min_cosine, figures)
            kernel = float((onnx_vectors * exact_vectors).sum(axis=1).min())
            figures[f"{dtype}_native_vs_exact_min_cosine"] = kernel
            if kernel < KERNEL_MIN_COSINE:
                raise CheckError(_kernel_message(dtype, f"cosine {kernel:.4f} < {KERNEL_MIN_COSINE}"))
        norms = np.linalg.norm(onnx_vectors, axis=1)
        if not np.allclose(norms, 1.0, atol=1e-4):
            raise CheckError(f"{dtype} embeddings are not unit vectors: norms {norms}")
        if checks.get("translation_retrieval"):
            figures[f"{dtype}_translation_hits"] = _translation_hits(onnx_vectors)
    return Figures(figures)


def _check_cosines(
    name: str, vectors: np.ndarray, reference: np.ndarray, limit: float, figures: dict[str, Any]
) -> None:
    cosines = (vectors * reference).sum(axis=1)
    figures[f"{name}_min_cosine"] = float(cosines.min())
    figures[f"{name}_mean_cosine"] = float(cosines.mean())
    if cosines.min() < limit:
        worst = int(cosines.argmin())
        raise CheckError(
            f"{name} ONNX vs PyTorch cosine {cosines.min():.4f} < {limit} on {SENTENCES[worst]!r}"
        )


def exact_session(path: Path) -> ort.InferenceSession | None:
    """A session of the int8 file at `path` with exact integer products (models.int8), or None
    when the file has no MatMulInteger."""
    model = onnx.load(str(path))
    if not any(node.op_type == "MatMulInteger" for node in model.graph.node):
        return None
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(
        exact_int8(model).SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def _kernel_message(dtype: str, measured: str) -> str:
    return (
        f"{dtype}: this CPU's onnxruntime int8 kernels disagree with exact integer arithmetic "
        f"({measured}); s8 weights saturate x86 kernels without VNNI, see models/int8.py"
    )


def _translation_hits(vectors: np.ndarray) -> str:
    english, russian = vectors[:TRANSLATION_OFFSET], vectors[TRANSLATION_OFFSET:]
    scores = english @ russian.T
    hits = int((scores.argmax(axis=1) == np.arange(len(english))).sum())
    if hits != len(english):
        raise CheckError(f"English→Russian translation retrieval found {hits}/{len(english)}")
    return f"{hits}/{len(english)}"


def _torch_embed(model: torch.nn.Module, model_dir: Path, texts: list[str]) -> np.ndarray:
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_padding(pad_id=model.config.pad_token_id or 0)
    encodings = tokenizer.encode_batch(["passage: " + t for t in texts])
    ids = torch.tensor([e.ids for e in encodings])
    mask = torch.tensor([e.attention_mask for e in encodings])
    with torch.no_grad():
        hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
    return pool_and_normalize(hidden.numpy(), mask.numpy())


def check_generator(
    hf_dir: Path, model_dir: Path, fp32_onnx: Path, dtypes: tuple[str, ...], checks: dict[str, Any]
) -> Figures:
    """Greedy-decode the check prompt in PyTorch and ONNX; raise CheckError below the limits."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32).eval()
    messages = [{"role": "user", "content": checks["prompt"]}]
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    prompt = list(prompt["input_ids"] if isinstance(prompt, dict) else prompt)
    steps = int(checks.get("tokens", 24))
    with torch.no_grad():
        output = model.generate(
            torch.tensor([prompt]),
            attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
            max_new_tokens=steps,
            do_sample=False,
            pad_token_id=tokenizer.pad_token_id,
        )
    torch_tokens = output[0, len(prompt) :].tolist()
    text = tokenizer.decode(torch_tokens, skip_special_tokens=True)
    figures: dict[str, Any] = {"prompt_tokens": len(prompt), "torch_text": text}
    _check_sensible(text, torch_tokens, checks)

    onnx_tokens = greedy_onnx(_session(fp32_onnx), prompt, len(torch_tokens))
    matched = _common_prefix(torch_tokens, onnx_tokens)
    figures["fp32_token_match"] = f"{matched}/{len(torch_tokens)}"
    need = min(int(checks.get("match_tokens", steps)), len(torch_tokens))
    if matched < need:
        raise CheckError(
            f"fp32 ONNX greedy tokens match PyTorch for {matched} tokens, need {need}: "
            f"torch {torch_tokens} vs onnx {onnx_tokens}"
        )
    min_top1 = float(checks.get("min_top1", 0.8))
    for dtype in dtypes:
        if dtype != "fp32":
            _check_quantized(
                model_dir / "onnx" / DTYPE_FILES[dtype], dtype, prompt, torch_tokens, min_top1, figures
            )
    return Figures(figures)


def _check_quantized(
    path: Path, dtype: str, prompt: list[int], tokens: list[int], min_top1: float, figures: dict[str, Any]
) -> None:
    """Top-1 agreement of the file at `path` natively and, for int8, with exact integer products."""
    session = _session(path)
    predicted = teacher_forced_argmax(session, prompt, tokens)
    agreement = float((predicted == np.array(tokens)).mean())
    figures[f"{dtype}_top1"] = agreement
    native = greedy_onnx(session, prompt, min(8, len(tokens)))
    figures[f"{dtype}_native_first8_match"] = f"{_common_prefix(tokens, native)}/8"
    if agreement < min_top1:
        raise CheckError(f"{dtype} top-1 agreement with PyTorch {agreement:.3f} < {min_top1}")
    exact = exact_session(path)
    if exact is None:
        return
    exact_predicted = teacher_forced_argmax(exact, prompt, tokens)
    exact_agreement = float((exact_predicted == np.array(tokens)).mean())
    figures[f"{dtype}_exact_top1"] = exact_agreement
    kernel = float((predicted == exact_predicted).mean())
    figures[f"{dtype}_native_vs_exact_top1"] = kernel
    if kernel < KERNEL_MIN_TOP1:
        raise CheckError(
            _kernel_message(dtype, f"same top-1 token at {kernel:.3f} of positions < {KERNEL_MIN_TOP1}")
        )
    if exact_agreement < min_top1:
        raise CheckError(
            f"{dtype} exact-integer top-1 agreement with PyTorch {exact_agreement:.3f} < {min_top1}"
        )


def _check_sensible(text: str, tokens: list[int], checks: dict[str, Any]) -> None:
    expect = checks.get("expect")
    if expect and expect.lower() not in text.lower():
        raise CheckError(f"PyTorch greedy answer lacks {expect!r}: {text!r}")
    if checks.get("expect") and len(set(tokens)) < max(2, len(tokens) // 4):
        raise CheckError(f"PyTorch greedy answer is degenerate: {text!r}")


def _common_prefix(a: list[int], b: list[int]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _empty_cache(session: ort.InferenceSession) -> dict[str, np.ndarray]:
    feeds = {}
    for meta in session.get_inputs():
        if meta.name.startswith("past_key_values."):
            _, heads, _, head_dim = meta.shape
            dtype = np.float16 if meta.type == "tensor(float16)" else np.float32
            feeds[meta.name] = np.zeros((1, heads, 0, head_dim), dtype=dtype)
    return feeds


def _run(
    session: ort.InferenceSession, ids: list[int], past: dict[str, np.ndarray], past_len: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    names = [o.name for o in session.get_outputs()]
    feeds = {
        "input_ids": np.array([ids], dtype=np.int64),
        "attention_mask": np.ones((1, past_len + len(ids)), dtype=np.int64),
        "position_ids": np.arange(past_len, past_len + len(ids), dtype=np.int64)[None],
        # 0 = logits for every position (models/head.py); the teacher-forced checks read them all.
        "num_logits_to_keep": np.array(0, dtype=np.int64),
        **past,
    }
    wanted = {i.name for i in session.get_inputs()}
    outputs = dict(
        zip(names, session.run(None, {k: v for k, v in feeds.items() if k in wanted}), strict=True)
    )
    present = {
        k.replace("present.", "past_key_values."): v for k, v in outputs.items() if k.startswith("present.")
    }
    return outputs["logits"].astype(np.float32), present


def greedy_onnx(session: ort.InferenceSession, prompt: list[int], steps: int) -> list[int]:
    """Greedy tokens from a `text-generation-with-past` ONNX session, using its KV cache."""
    logits, past = _run(session, prompt, _empty_cache(session), 0)
    tokens: list[int] = []
    for _ in range(steps):
        token = int(logits[0, -1].argmax())
        tokens.append(token)
        if len(tokens) == steps:
            break
        logits, past = _run(session, [token], past, len(prompt) + len(tokens) - 1)
    return tokens


def teacher_forced_argmax(session: ort.InferenceSession, prompt: list[int], tokens: list[int]) -> np.ndarray:
    """The session's argmax token at each of len(tokens) positions, fed prompt + tokens[:-1]."""
    logits, _ = _run(session, prompt + tokens[:-1], _empty_cache(session), 0)
    predicted: np.ndarray = logits[0, len(prompt) - 1 :].argmax(axis=-1)
    return predicted


def top1_agreement(session: ort.InferenceSession, prompt: list[int], tokens: list[int]) -> float:
    """Fraction of positions where the session's argmax equals `tokens`, fed prompt + tokens."""
    return float((teacher_forced_argmax(session, prompt, tokens) == np.array(tokens)).mean())
