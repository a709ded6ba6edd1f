"""The output-head rewrites (models/head.py) on the tiny generators: same numbers, same tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto

from models.checks import greedy_onnx
from models.export import export_onnx
from models.head import HeadError, integer_head, keep_last_logits
from models.int8 import exact_int8, matmulinteger_weight_types
from models.quantize import quantize
from models.tiny import build_tiny

IDS = [5, 17, 42, 7, 99, 3, 250, 11, 64, 30]


@pytest.fixture(scope="module", params=["tiny-qwen2", "tiny-llama"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(request.param)
    build_tiny(request.param, root / "hf")
    return export_onnx(root / "hf", root / "onnx", "generator")


def session(model: onnx.ModelProto | Path) -> ort.InferenceSession:
    data = str(model) if isinstance(model, Path) else model.SerializeToString()
    return ort.InferenceSession(data, providers=["CPUExecutionProvider"])


def logits(sess: ort.InferenceSession, ids: list[int], keep: int | None) -> np.ndarray:
    feeds: dict[str, np.ndarray] = {
        "input_ids": np.array([ids]),
        "attention_mask": np.ones((1, len(ids)), np.int64),
        "position_ids": np.arange(len(ids))[None],
    }
    if keep is not None:
        feeds["num_logits_to_keep"] = np.array(keep, np.int64)
    for meta in sess.get_inputs():
        if meta.name.startswith("past_key_values"):
            feeds[meta.name] = np.zeros((1, meta.shape[1], 0, meta.shape[3]), np.float32)
    result: np.ndarray = sess.run(["logits"], feeds)[0]
    return result


def without_logits_to_keep(path: Path) -> onnx.ModelProto:
    """The export as optimum wrote it: the Slice before the head taken out again."""
    model = onnx.load(str(path))
    graph = model.graph
    nodes = {n.name: n for n in graph.node}
    slice_node = nodes["logits_keep_slice"]
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == slice_node.output[0]:
                node.input[i] = slice_node.input[0]
    for name in ("logits_keep_slice", "logits_keep_unsqueeze", "logits_keep_neg"):
        graph.node.remove(nodes[name])
    keep = next(i for i in graph.input if i.name == "num_logits_to_keep")
    graph.input.remove(keep)
    return model


def test_export_declares_num_logits_to_keep_and_the_last_rows_equal_the_full_ones(exported: Path) -> None:
    sess = session(exported)
    meta = {i.name: i for i in sess.get_inputs()}["num_logits_to_keep"]
    assert meta.type == "tensor(int64)" and meta.shape == []
    full = logits(sess, IDS, 0)
    assert full.shape[1] == len(IDS)
    np.testing.assert_array_equal(full, logits(session(without_logits_to_keep(exported)), IDS, None))
    for keep in (1, 3):
        last = logits(sess, IDS, keep)
        assert last.shape[1] == keep
        np.testing.assert_allclose(last, full[:, -keep:], rtol=1e-5, atol=1e-5)


def test_keep_last_logits_is_idempotent_and_needs_a_matmul_head(exported: Path) -> None:
    model = onnx.load(str(exported))
    count = len(model.graph.node)
    keep_last_logits(model)
    assert len(model.graph.node) == count
    broken = onnx.load(str(exported))
    head = next(n for n in broken.graph.node if "logits" in n.output)
    head.op_type = "Gemm"
    broken.graph.input.remove(next(i for i in broken.graph.input if i.name == "num_logits_to_keep"))
    with pytest.raises(HeadError, match="expected MatMul"):
        keep_last_logits(broken)


def dequantized_head_q8(fp32: Path, out: Path) -> Path:
    """The q8 file as onnxruntime's quantizer leaves it (DequantizeLinear + float MatMul head)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(out), per_channel=True, weight_type=QuantType.QUInt8)
    return out


def test_q8_head_is_integer_with_one_u8_embedding_copy(exported: Path, tmp_path: Path) -> None:
    path = quantize(exported, "q8", tmp_path / "model_quantized.onnx")
    model = onnx.load(str(path))
    graph = model.graph
    producers = {o: n for n in graph.node for o in n.output}
    chain = []
    name = "logits"
    while name in producers and len(chain) < 4:
        node = producers[name]
        chain.append(node.op_type)
        name = node.input[0]
    assert chain == ["Mul", "Cast", "MatMulInteger", "DynamicQuantizeLinear"]
    assert "DequantizeLinear" not in {
        producers[i].op_type for i in producers["logits"].input if i in producers
    }
    embedding = next(
        t for t in onnx.load(str(exported)).graph.initializer if t.name == "model.embed_tokens.weight"
    )
    vocab, hidden = embedding.dims
    vocab_by_hidden = [
        t
        for t in graph.initializer
        if t.data_type == TensorProto.UINT8 and sorted(t.dims) == sorted([vocab, hidden])
    ]
    assert len(vocab_by_hidden) == 1, "the embedding is stored once"
    assert list(vocab_by_hidden[0].dims) == [hidden, vocab], "as [hidden, vocab], what MatMulInteger reads"
    readers = [n.op_type for n in graph.node if vocab_by_hidden[0].name in n.input]
    assert sorted(readers) == ["Gather", "MatMulInteger"], "no Transpose or DequantizeLinear of it per step"
    assert matmulinteger_weight_types(model) == {"uint8"}


def test_q8_integer_head_matches_the_dequantized_head(exported: Path, tmp_path: Path) -> None:
    before = session(dequantized_head_q8(exported, tmp_path / "before.onnx"))
    after = session(quantize(exported, "q8", tmp_path / "after.onnx"))
    want = logits(before, IDS, 0)
    got = logits(after, IDS, 0)
    # Only the head's activation rounding is new (u8 per tensor): well under a logit's spread.
    np.testing.assert_allclose(got, want, rtol=0, atol=0.02 * np.abs(want).max())
    assert (got.argmax(-1) == want.argmax(-1)).mean() >= 0.9
    assert greedy_onnx(after, IDS, 8) == greedy_onnx(before, IDS, 8)
    # The rewritten file is still computed exactly by this CPU (u8 × u8, models/int8.py).
    exact = session(exact_int8(onnx.load(str(tmp_path / "after.onnx"))))
    np.testing.assert_allclose(got, logits(exact, IDS, 0), rtol=0, atol=1e-3 * np.abs(got).max())


def test_integer_head_leaves_embedders_and_rejects_s8_heads(exported: Path, tmp_path: Path) -> None:
    model = onnx.load(str(dequantized_head_q8(exported, tmp_path / "q8.onnx")))
    graph = model.graph
    zero = next(t for t in graph.initializer if t.name == "model.embed_tokens.weight_zero_point")
    zero.data_type = TensorProto.INT8
    with pytest.raises(HeadError, match="not u8"):
        integer_head(model)
    embedder = onnx.ModelProto()
    embedder.CopyFrom(model)
    embedder.graph.output[0].name = "last_hidden_state"
    assert integer_head(embedder) is embedder
