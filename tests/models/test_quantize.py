from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from models.export import export_onnx
from models.quantize import quantize
from models.tiny import build_tiny


@pytest.fixture(scope="module")
def tiny_qwen2_fp32(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("q")
    build_tiny("tiny-qwen2", root / "hf")
    return export_onnx(root / "hf", root / "onnx", "generator")


def op_types(path: Path) -> set[str]:
    return {node.op_type for node in onnx.load(str(path)).graph.node}


def test_q8_is_dynamic_uint8_with_per_channel_scales(tiny_qwen2_fp32: Path, tmp_path: Path) -> None:
    path = quantize(tiny_qwen2_fp32, "q8", tmp_path / "model_quantized.onnx")
    ops = op_types(path)
    assert {"DynamicQuantizeLinear", "MatMulInteger"} <= ops
    model = onnx.load(str(path))
    uint8 = [t for t in model.graph.initializer if t.data_type == onnx.TensorProto.UINT8]
    assert uint8, "weights are stored as uint8"
    assert not [t for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    scales = [t for t in model.graph.initializer if t.name.endswith("_scale") and t.dims]
    assert any(int(np.prod(t.dims)) > 1 for t in scales), "per-channel: vector scales"


def test_q4_uses_matmulnbits_and_no_4bit_gather(tiny_qwen2_fp32: Path, tmp_path: Path) -> None:
    for dtype in ("q4", "q4f16"):
        path = quantize(tiny_qwen2_fp32, dtype, tmp_path / f"{dtype}.onnx")
        ops = op_types(path)
        assert "MatMulNBits" in ops, dtype
        assert "GatherBlockQuantized" not in ops, dtype
        model = onnx.load(str(path))
        weights = {t.name for t in model.graph.initializer}
        weight_matmuls = [
            n.name for n in model.graph.node if n.op_type == "MatMul" and set(n.input) & weights
        ]
        assert weight_matmuls == [], f"{dtype}: every MatMul by a weight is 4-bit"
        assert "DequantizeLinear" not in ops, f"{dtype}: QOperator, not QDQ"


def test_q4f16_carries_float16_cache_and_logits(tiny_qwen2_fp32: Path, tmp_path: Path) -> None:
    session = ort.InferenceSession(str(quantize(tiny_qwen2_fp32, "q4f16", tmp_path / "m.onnx")))
    types = {i.name: i.type for i in [*session.get_inputs(), *session.get_outputs()]}
    assert types["logits"] == "tensor(float16)"
    assert types["past_key_values.0.key"] == "tensor(float16)"
    assert types["input_ids"] == "tensor(int64)"


def test_outputs_are_single_files_that_run(tiny_qwen2_fp32: Path, tmp_path: Path) -> None:
    for dtype in ("fp32", "q8", "q4", "q4f16"):
        path = quantize(tiny_qwen2_fp32, dtype, tmp_path / dtype / "model.onnx")
        assert [p.name for p in path.parent.iterdir()] == ["model.onnx"]
        session = ort.InferenceSession(str(path))
        feeds = {
            "input_ids": np.array([[1, 2, 3]]),
            "attention_mask": np.ones((1, 3), np.int64),
            "position_ids": np.array([[0, 1, 2]]),
            "num_logits_to_keep": np.array(0),
        }
        for meta in session.get_inputs():
            if meta.name.startswith("past_key_values"):
                dt = np.float16 if "float16" in meta.type else np.float32
                feeds[meta.name] = np.zeros((1, meta.shape[1], 0, meta.shape[3]), dt)
        logits = session.run(["logits"], feeds)[0]
        assert logits.shape[:2] == (1, 3) and np.isfinite(logits).all()


def test_unknown_dtype_is_named(tiny_qwen2_fp32: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match='Unsupported dtype "int2"'):
        quantize(tiny_qwen2_fp32, "int2", tmp_path / "x.onnx")
