"""Writes small synthetic E5S1 files (the layout documented in models/e5s1.py) for tests."""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32


def quantize_q4_0(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Q4_0-encode `values` (length a multiple of 32); returns (bytes, the values they decode to)."""
    blocks = values.astype(np.float32).reshape(-1, QK)
    out = bytearray()
    decoded = []
    for block in blocks:
        amax = float(np.abs(block).max())
        scale = np.float16(amax / 7 if amax else 1.0)
        q = np.clip(np.round(block / np.float32(scale)), -8, 7).astype(np.int64) + 8
        packed = bytes(int(q[j]) | (int(q[j + 16]) << 4) for j in range(16))
        out += scale.tobytes() + packed
        decoded.append((q - 8).astype(np.float32) * np.float32(scale))
    return bytes(out), np.concatenate(decoded)


def nmt_nfkc_map() -> dict[int, tuple[int, ...]]:
    """SentencePiece's nmt_nfkc rule per code point, for the code points it changes (a subset of
    Unicode, enough for tests), computed with `unicodedata` as the E5S1 files store it."""
    control = re.compile("[\u0001-\u0008\u000b\u000e-\u001f\u007f\u008f\u009f]")
    space = re.compile(
        "[\u0009\u000a\u000c\u000d\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u2581\u3000\ufeff\ufffd]"
    )
    table = {}
    for cp in [*range(1, 0x3100), *range(0xFB00, 0xFB07), *range(0xFF00, 0xFFF0)]:
        ch = chr(cp)
        out = ch if cp == 0xFF5E else unicodedata.normalize("NFKC", space.sub(" ", control.sub("", ch)))
        if out != ch:
            table[cp] = tuple(ord(c) for c in out)
    return table


@dataclass
class SyntheticE5S1:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 16
    type_vocab: int = 2
    pieces: list[str] = field(
        default_factory=lambda: [
            "<s>",
            "<pad>",
            "</s>",
            "<unk>",
            "▁",
            "▁hello",
            "▁world",
            "h",
            "e",
            "l",
            "o",
            "w",
            "r",
            "d",
            "▁привет",
            "▁мир",
            "!",
            "▁он",
            "<mask>",
        ]
    )
    normalization: dict[int, tuple[int, ...]] = field(default_factory=lambda: nmt_nfkc_map())
    seed: int = 0
    decoded: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def vocab(self) -> int:
        return len(self.pieces) + 1  # the model's vocab may exceed the piece count, as in e5

    def scores(self) -> list[float]:
        return [
            0.0 if p.startswith("<") else -float(len(self.pieces) - i) / len(p)
            for i, p in enumerate(self.pieces)
        ]

    def tensors(self) -> list[tuple[str, int, np.ndarray]]:
        """(name, dtype code 0=f32 1=Q4_0, values) in file order."""
        rng = np.random.default_rng(self.seed)
        h, ff = self.hidden, self.ffn
        q4 = lambda *shape: rng.normal(0, 0.2, size=shape).astype(np.float32)  # noqa: E731
        f32 = lambda *shape: rng.normal(0, 0.1, size=shape).astype(np.float32)  # noqa: E731
        items = [
            ("emb.word", 1, q4(self.vocab, h)),
            ("emb.pos", 0, f32(self.max_positions, h)),
            ("emb.type", 0, f32(self.type_vocab, h)),
            ("emb.ln.w", 0, 1 + f32(h)),
            ("emb.ln.b", 0, f32(h)),
        ]
        for i in range(self.layers):
            for name, shape in (
                ("q", (h, h)),
                ("k", (h, h)),
                ("v", (h, h)),
                ("ao", (h, h)),
                ("fi", (ff, h)),
                ("fo", (h, ff)),
            ):
                items.append((f"l{i}.{name}.w", 1, q4(*shape)))
                items.append((f"l{i}.{name}.b", 0, f32(shape[0])))
            for name in ("aln", "oln"):
                items.append((f"l{i}.{name}.w", 0, 1 + f32(h)))
                items.append((f"l{i}.{name}.b", 0, f32(h)))
        return items

    def write(self, path: Path) -> Path:
        header = b"E5S1" + struct.pack(
            "<I7ifi",
            1,
            self.hidden,
            self.layers,
            self.heads,
            self.ffn,
            self.vocab,
            self.max_positions,
            self.type_vocab,
            1e-12,
            QK,
        )
        blob = b"".join(p.encode() for p in self.pieces)
        offsets = np.cumsum([0] + [len(p.encode()) for p in self.pieces]).astype("<u4")
        tok = struct.pack("<5iQ", len(self.pieces), 0, 2, 1, 3, len(blob))
        tok += offsets.tobytes() + np.array(self.scores(), dtype="<f4").tobytes() + blob
        norm = b"".join(
            struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *out)
            for cp, out in sorted(self.normalization.items())
        )
        tok += struct.pack("<iI", len(self.normalization), len(norm)) + norm
        payloads = []
        for name, dtype, values in self.tensors():
            if dtype == 1:
                raw, decoded = quantize_q4_0(values.reshape(-1))
                self.decoded[name] = decoded.reshape(values.shape)
            else:
                raw = values.astype("<f4").tobytes()
                self.decoded[name] = values
            payloads.append((name, dtype, values.size, raw))
        directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in payloads)
        offset = len(header) + len(tok) + directory_size
        directory, data = struct.pack("<i", len(payloads)), b""
        for name, dtype, count, raw in payloads:
            directory += struct.pack("<H", len(name)) + name.encode()
            directory += struct.pack("<BIQQ", dtype, count, offset + len(data), len(raw))
            data += raw
        path.write_bytes(header + tok + directory + data)
        return path
