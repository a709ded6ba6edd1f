from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from models.export import export_onnx
from models.int8 import exact_int8, matmulinteger_weight_types
from models.quantize import quantize
from models.tiny import build_tiny


def matmul_integer_model(weight: np.ndarray, b_zero: np.ndarray | None = None) -> onnx.ModelProto:
    inputs = ["A", "B", "", "B_zero"] if b_zero is not None else ["A", "B"]
    initializers = [numpy_helper.from_array(weight, "B")]
    if b_zero is not None:
        initializers.append(numpy_helper.from_array(b_zero, "B_zero"))
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", inputs, ["Y"], name="mm")],
        "g",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, [None, weight.shape[0]])],
        [helper.make_tensor_value_info("Y", TensorProto.INT32, None)],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def run(model: onnx.ModelProto, a: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    result: np.ndarray = session.run(None, {"A": a})[0]
    return result


@pytest.fixture(scope="module")
def tiny_qwen2_q8(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("int8")
    build_tiny("tiny-qwen2", root / "hf")
    fp32 = export_onnx(root / "hf", root / "onnx", "generator")
    return quantize(fp32, "q8", root / "q8" / "model_quantized.onnx")


def test_exact_int8_computes_full_range_products_exactly() -> None:
    # 255 * 127 pairs are what a saturating u8s8 kernel (x86 without VNNI) gets wrong.
    rng = np.random.default_rng(0)
    weight = rng.integers(-127, 128, (64, 16)).astype(np.int8)
    weight[:, 0] = 127
    a = rng.integers(0, 256, (4, 64)).astype(np.uint8)
    a[0] = 255
    exact = run(exact_int8(matmul_integer_model(weight)), a)
    np.testing.assert_array_equal(exact, a.astype(np.int32) @ weight.astype(np.int32))
    assert exact[0, 0] == 64 * 255 * 127


def test_exact_int8_subtracts_per_column_zero_points() -> None:
    rng = np.random.default_rng(1)
    weight = rng.integers(0, 256, (32, 8)).astype(np.uint8)
    zero = rng.integers(100, 156, (8,)).astype(np.uint8)
    a = rng.integers(0, 256, (3, 32)).astype(np.uint8)
    model = matmul_integer_model(weight, zero)
    expected = a.astype(np.int32) @ (weight.astype(np.int32) - zero.astype(np.int32))
    np.testing.assert_array_equal(run(exact_int8(model), a), expected)
    np.testing.assert_array_equal(run(model, a), expected)  # u8u8 is exact natively too
    assert [n.op_type for n in model.graph.node] == ["MatMulInteger"], "the input is not changed"


def test_weight_types_are_read_from_matmulinteger_weights() -> None:
    assert matmulinteger_weight_types(matmul_integer_model(np.zeros((4, 4), np.int8))) == {"int8"}
    assert matmulinteger_weight_types(matmul_integer_model(np.zeros((4, 4), np.uint8))) == {"uint8"}
    assert matmulinteger_weight_types(onnx.ModelProto()) == set()


def test_q8_weights_are_unsigned(tiny_qwen2_q8: Path) -> None:
    # s8 weights saturate onnxruntime's u8×s8 kernel on x86 without VNNI; u8×u8 is exact.
    assert matmulinteger_weight_types(onnx.load(str(tiny_qwen2_q8))) == {"uint8"}


def test_q8_runs_natively_as_exact_integer_arithmetic(tiny_qwen2_q8: Path) -> None:
    native = ort.InferenceSession(str(tiny_qwen2_q8), providers=["CPUExecutionProvider"])
    exact = ort.InferenceSession(
        exact_int8(onnx.load(str(tiny_qwen2_q8))).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    ids = np.array([[5, 17, 42, 7, 99, 3, 250, 11]])
    feeds = {
        "input_ids": ids,
        "attention_mask": np.ones_like(ids),
        "position_ids": np.arange(ids.shape[1])[None],
        "num_logits_to_keep": np.array(0),
    }
    for meta in native.get_inputs():
        if meta.name.startswith("past_key_values"):
            feeds[meta.name] = np.zeros((1, meta.shape[1], 0, meta.shape[3]), np.float32)
    got = native.run(["logits"], feeds)[0]
    want = exact.run(["logits"], feeds)[0]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-3 * np.abs(want).max())
    assert (got.argmax(-1) == want.argmax(-1)).all()
