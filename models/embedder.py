"""Sentence embeddings in CPython from a built embedder folder (same ONNX file as the browser).

    >>> emb = Embedder(Path("dist/models/multilingual-e5-small"))
    >>> vectors = emb.embed(["Списки в Python"], prefix="query: ")   # (1, 384) float32

Mean pooling over the attention mask, then L2 normalisation; inputs truncated to 512 tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from models.manifest import DTYPE_FILES

MAX_TOKENS = 512


class Embedder:
    """Embeds texts with `<model_dir>/onnx/<file for dtype>` and `<model_dir>/tokenizer.json`.

    `dtype` is a Transformers.js dtype name ("q8", "fp32", ...). `threads` caps onnxruntime's
    intra-op threads (0 = onnxruntime's default).
    """

    def __init__(
        self,
        model_dir: Path,
        dtype: str = "q8",
        *,
        batch_size: int = 16,
        max_tokens: int = MAX_TOKENS,
        threads: int = 0,
    ) -> None:
        if dtype not in DTYPE_FILES:
            raise ValueError(f'Unsupported dtype "{dtype}". Should be one of: {", ".join(DTYPE_FILES)}.')
        onnx_path = Path(model_dir) / "onnx" / DTYPE_FILES[dtype]
        tokenizer_path = Path(model_dir) / "tokenizer.json"
        for path in (onnx_path, tokenizer_path):
            if not path.is_file():
                raise FileNotFoundError(f"Embedder file not found: {path}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        pad_id = self.tokenizer.token_to_id("<pad>")
        if pad_id is None:
            pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        self.tokenizer.enable_padding(pad_id=pad_id)
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def embed(self, texts: Sequence[str], prefix: str = "passage: ") -> np.ndarray:
        """Return float32 (len(texts), dim) unit vectors for `prefix + text` of each text."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of texts, got a single str")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = [prefix + t for t in texts[start : start + self.batch_size]]
            out[start : start + len(batch)] = self._embed_batch(batch)
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {k: feeds[k] for k in self.input_names})[0]
        return pool_and_normalize(hidden, mask)


def pool_and_normalize(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of `hidden` (n, t, d) over positions where `mask` (n, t) is 1, then L2-normalised."""
    weights = mask[..., None].astype(np.float32)
    summed = (hidden.astype(np.float32) * weights).sum(axis=1)
    pooled = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
