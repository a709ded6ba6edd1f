from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from models.e5s1 import E5S1Error, bert_state_dict, convert_e5s1, dequantize_q4_0, read_e5s1
from models.e5s1_tokenizer import ReferenceTokenizer, nmt_nfkc
from tests.models.e5s1_file import SyntheticE5S1


@pytest.fixture
def synthetic(tmp_path: Path) -> tuple[SyntheticE5S1, Path]:
    spec = SyntheticE5S1()
    return spec, spec.write(tmp_path / "model.bin")


def test_q4_0_block_dequantizes_by_hand() -> None:
    # scale 0.5 (fp16 0x3800); byte j = low nibble j | high nibble (15 - j) << 4
    raw = struct.pack("<H", 0x3800) + bytes(j | ((15 - j) << 4) for j in range(16))
    values = dequantize_q4_0(raw, 32)
    expected_low = [(j - 8) * 0.5 for j in range(16)]  # -4.0, -3.5, ..., 3.5
    expected_high = [(15 - j - 8) * 0.5 for j in range(16)]  # 3.5, 3.0, ..., -4.0
    assert values.dtype == np.float32
    assert values.tolist() == expected_low + expected_high


def test_q4_0_two_blocks_use_their_own_scales() -> None:
    block = bytes([0x98] * 16)  # low nibble 8 → 0, high nibble 9 → +1
    raw = struct.pack("<e", 2.0) + block + struct.pack("<e", -0.25) + block
    values = dequantize_q4_0(raw, 64)
    assert values[:16].tolist() == [0.0] * 16
    assert values[16:32].tolist() == [2.0] * 16
    assert values[48:].tolist() == [-0.25] * 16


def test_q4_0_rejects_short_data_and_odd_counts() -> None:
    with pytest.raises(E5S1Error, match="need 36"):
        dequantize_q4_0(b"\0" * 18, 64)
    with pytest.raises(E5S1Error, match="multiple of 32"):
        dequantize_q4_0(b"\0" * 18, 31)


def test_reads_config_vocab_and_normalization(synthetic: tuple[SyntheticE5S1, Path]) -> None:
    spec, path = synthetic
    model = read_e5s1(path)
    c = model.config
    assert (c.hidden, c.layers, c.heads, c.ffn, c.vocab) == (32, 1, 2, 64, spec.vocab)
    assert (c.max_positions, c.type_vocab, c.block_size) == (16, 2, 32)
    assert model.vocab.pieces == spec.pieces
    assert model.vocab.scores == pytest.approx(spec.scores())
    assert (model.vocab.bos, model.vocab.eos, model.vocab.pad, model.vocab.unk) == (0, 2, 1, 3)
    assert model.vocab.normalization == spec.normalization


def test_tensors_match_what_was_written(synthetic: tuple[SyntheticE5S1, Path]) -> None:
    spec, path = synthetic
    model = read_e5s1(path)
    for name, _dtype, values in spec.tensors():
        got = model.tensor(name, values.shape)
        np.testing.assert_array_equal(got, spec.decoded[name])
    # Q4_0 round trip stays near the source values (sanity of the writer and the reader)
    word = model.tensor("emb.word", (spec.vocab, spec.hidden))
    assert np.abs(word - spec.tensors()[0][2]).max() < 0.1


def test_bad_magic_truncation_and_missing_tensor(
    tmp_path: Path, synthetic: tuple[SyntheticE5S1, Path]
) -> None:
    _, path = synthetic
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + path.read_bytes()[4:])
    with pytest.raises(E5S1Error, match="not an E5S1 file"):
        read_e5s1(bad)
    short = tmp_path / "short.bin"
    short.write_bytes(path.read_bytes()[:60])
    with pytest.raises(E5S1Error, match="truncated"):
        read_e5s1(short)
    with pytest.raises(E5S1Error, match=r"no tensor 'l9\.q\.w'"):
        read_e5s1(path).tensor("l9.q.w", (32, 32))
    with pytest.raises(E5S1Error, match="expected"):
        read_e5s1(path).tensor("emb.ln.w", (33,))


def test_state_dict_uses_bert_names_and_shapes(synthetic: tuple[SyntheticE5S1, Path]) -> None:
    spec, path = synthetic
    state = bert_state_dict(read_e5s1(path))
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (64, 32)
    assert state["encoder.layer.0.output.dense.weight"].shape == (32, 64)
    np.testing.assert_array_equal(
        state["encoder.layer.0.attention.self.query.weight"], spec.decoded["l0.q.w"]
    )
    np.testing.assert_array_equal(state["encoder.layer.0.output.LayerNorm.bias"], spec.decoded["l0.oln.b"])


def test_convert_writes_bert_with_the_dequantized_weights(
    tmp_path: Path, synthetic: tuple[SyntheticE5S1, Path]
) -> None:
    from transformers import BertModel

    spec, path = synthetic
    figures = convert_e5s1(path, tmp_path / "hf")
    assert figures["tokenizer_matches_e5s1"] == "10/10"
    assert figures["normalization_is_nmt_nfkc"] == str(len(spec.normalization))
    config = json.loads((tmp_path / "hf/config.json").read_text())
    assert config["architectures"] == ["BertModel"]
    assert config["vocab_size"] == spec.vocab and config["hidden_act"] == "gelu"
    bert = BertModel.from_pretrained(tmp_path / "hf", add_pooling_layer=False)
    np.testing.assert_array_equal(
        bert.embeddings.word_embeddings.weight.detach().numpy(), spec.decoded["emb.word"]
    )
    with torch.no_grad():
        out = bert(input_ids=torch.tensor([[0, 5, 6, 2]])).last_hidden_state
    assert out.shape == (1, 4, 32) and torch.isfinite(out).all()


def test_tokenizer_json_splits_like_the_reference(
    tmp_path: Path, synthetic: tuple[SyntheticE5S1, Path]
) -> None:
    from tokenizers import Tokenizer

    _, path = synthetic
    convert_e5s1(path, tmp_path / "hf")
    tokenizer = Tokenizer.from_file(str(tmp_path / "hf/tokenizer.json"))
    reference = ReferenceTokenizer(read_e5s1(path).vocab)
    for text in [
        "hello world",
        "привет мир!",
        "hello\tworld\u00a0hello",
        "  hello   world ",
        "helloworld",
        "он xyz",
    ]:
        assert tokenizer.encode(text).ids == [0, *reference.content_ids(text), 2], text
    assert tokenizer.encode("hello world").tokens == ["<s>", "▁hello", "▁world", "</s>"]


def test_nmt_nfkc_rule() -> None:
    norm = nmt_nfkc()
    assert norm.normalize_str("a\u0001b\tc\u00a0d") == "ab c d"
    assert norm.normalize_str("Ｆｕｌｌ ～") == "Full ～"  # NFKC, but the fullwidth tilde stays
    assert norm.normalize_str("a    b") == "a b"
