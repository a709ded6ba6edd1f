"""Facts about the q8 (dynamic int8) files that decide whether a CPU computes them exactly.

A q8 MatMul is DynamicQuantizeLinear (activations to u8, 0-255) then MatMulInteger by the
quantized weights. onnxruntime's x86 u8×s8 GEMM without VNNI (AVX2, AVX-512 without VNNI)
multiplies with `vpmaddubsw`, which adds two u8·s8 products into a *saturating* int16: two
products with full-range s8 weights (±127) reach 64 770 and clip at 32 767. Measured on an
AVX2-only EPYC: 255·127 over K=64 gave 1 048 544 (= 32 · 32 767) instead of 2 072 640, and
Qwen2.5-Coder's q8 top-1 agreement fell from 0.958 to 0.000. u8 weights (u8×u8) are widened to
int16 before multiplying (`vpmaddwd`, WASM `i32x4.dot_i16x8_s`), so every kernel sums them
exactly; that is why q8 weights are u8 (models/quantize.py).

`exact_int8` rewrites a q8 model so that its integer matrix products run as float MatMul of the
same integers: a reference for the q8 file that does not depend on the CPU's int8 kernels.
"""

from __future__ import annotations

import onnx
from onnx import TensorProto, helper


def matmulinteger_weight_types(model: onnx.ModelProto) -> set[str]:
    """The element types ("int8", "uint8") of the weight initializers MatMulInteger nodes
    multiply by."""
    initializers = {t.name: t for t in model.graph.initializer}
    types = set()
    for node in model.graph.node:
        if node.op_type == "MatMulInteger" and len(node.input) >= 2 and node.input[1] in initializers:
            data_type = initializers[node.input[1]].data_type
            types.add(TensorProto.DataType.Name(data_type).lower())
    return types


def exact_int8(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of `model` whose MatMulInteger nodes compute (A - a_zero) @ (B - b_zero) in float32.

    The integers are exact in float32 and the sums are rounded at most to float32 precision, so
    the result is the integer product up to a relative 1e-7: what an exact int8 runtime computes.
    """
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    nodes: list[onnx.NodeProto] = []
    for index, node in enumerate(copy.graph.node):
        if node.op_type != "MatMulInteger":
            nodes.append(node)
            continue
        inputs = list(node.input) + [""] * (4 - len(node.input))
        prefix = f"{node.name or 'MatMulInteger'}_exact{index}"
        operands = [
            _shifted(nodes, f"{prefix}_a", inputs[0], inputs[2]),
            _shifted(nodes, f"{prefix}_b", inputs[1], inputs[3]),
        ]
        nodes.append(helper.make_node("MatMul", operands, [f"{prefix}_product"]))
        nodes.append(helper.make_node("Cast", [f"{prefix}_product"], [node.output[0]], to=TensorProto.INT32))
    del copy.graph.node[:]
    copy.graph.node.extend(nodes)
    return copy


def _shifted(nodes: list[onnx.NodeProto], name: str, value: str, zero_point: str) -> str:
    """Append nodes computing float(value) - float(zero_point); returns the result's name."""
    nodes.append(helper.make_node("Cast", [value], [f"{name}_f"], to=TensorProto.FLOAT))
    if not zero_point:
        return f"{name}_f"
    nodes.append(helper.make_node("Cast", [zero_point], [f"{name}_zf"], to=TensorProto.FLOAT))
    nodes.append(helper.make_node("Sub", [f"{name}_f", f"{name}_zf"], [f"{name}_s"]))
    return f"{name}_s"
