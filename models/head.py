"""Graph rewrites of an exported generator's output head (the logits projection).

`keep_last_logits` (every dtype, applied to the fp32 export): adds the optional input
`num_logits_to_keep` (int64 scalar) that Transformers.js feeds when a model declares it (1 while
generating, 0 in a plain forward pass); the head then projects only the last k positions
(0 = all, the Hugging Face meaning). A 600-token prompt no longer computes 600 × vocabulary logits
of which generation reads one row.

`integer_head` (q8): after onnxruntime's dynamic quantization a tied head is left as
`DequantizeLinear` of the whole u8 embedding (151,936 × 896 for Qwen) then a float `MatMul`,
every step: onnxruntime's profiler put 42% + 21% of Qwen's decode time there. The rewrite
quantizes the head's activations (`DynamicQuantizeLinear`, u8) and multiplies by the same u8
integers with `MatMulInteger`, then scales: the weights and their scale are unchanged, only the
activation rounding is added (what every other q8 MatMul does). The embedding is stored once,
transposed ([hidden, vocab], the layout `MatMulInteger` reads), and the token lookup gathers
its columns, so the file holds one copy and no load-time transpose is needed. u8 × u8 is summed
exactly by every kernel (see models/int8.py).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LOGITS_TO_KEEP = "num_logits_to_keep"
INT64_MAX = np.iinfo(np.int64).max


class HeadError(RuntimeError):
    """The graph does not have the head layout a rewrite expects."""


def _producers(graph: onnx.GraphProto) -> dict[str, onnx.NodeProto]:
    return {output: node for node in graph.node for output in node.output}


def _logits_node(graph: onnx.GraphProto) -> onnx.NodeProto:
    for node in graph.node:
        if "logits" in node.output:
            return node
    raise HeadError("no node writes the graph output 'logits'")


def keep_last_logits(model: onnx.ModelProto) -> onnx.ModelProto:
    """Add the `num_logits_to_keep` input: the head projects hidden[:, -k:] (k = 0: all)."""
    graph = model.graph
    if any(i.name == LOGITS_TO_KEEP for i in graph.input):
        return model
    head = _logits_node(graph)
    if head.op_type != "MatMul":
        raise HeadError(f"the logits come from {head.op_type}, expected MatMul")
    hidden = head.input[0]
    sliced = f"{hidden}_last_k"
    graph.input.append(helper.make_tensor_value_info(LOGITS_TO_KEEP, TensorProto.INT64, []))
    graph.initializer.extend(
        [
            numpy_helper.from_array(np.array([INT64_MAX], dtype=np.int64), "logits_keep_end"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "logits_keep_axis"),
            numpy_helper.from_array(np.array([0], dtype=np.int64), "logits_keep_zero_axis"),
        ]
    )
    # start = -k: k = 0 gives start 0, every position.
    nodes = [
        helper.make_node("Neg", [LOGITS_TO_KEEP], ["logits_keep_neg"], name="logits_keep_neg"),
        helper.make_node(
            "Unsqueeze",
            ["logits_keep_neg", "logits_keep_zero_axis"],
            ["logits_keep_start"],
            name="logits_keep_unsqueeze",
        ),
        helper.make_node(
            "Slice",
            [hidden, "logits_keep_start", "logits_keep_end", "logits_keep_axis"],
            [sliced],
            name="logits_keep_slice",
        ),
    ]
    head.input[0] = sliced
    index = list(graph.node).index(head)
    for offset, node in enumerate(nodes):
        graph.node.insert(index + offset, node)
    for output in graph.output:
        if output.name == "logits":
            dims = output.type.tensor_type.shape.dim
            if len(dims) == 3:
                dims[1].ClearField("dim_value")
                dims[1].dim_param = "logits_length"
    return model


def integer_head(model: onnx.ModelProto) -> onnx.ModelProto:
    """Rewrite a dequantized u8 tied head as DynamicQuantizeLinear + MatMulInteger (see above).

    Returns the model unchanged when its head is not a MatMul by a dequantized u8 tensor.
    """
    graph = model.graph
    if not any(o.name == "logits" for o in graph.output):
        return model  # an embedder
    producers = _producers(graph)
    initializers = {t.name: t for t in graph.initializer}
    head = _logits_node(graph)
    if head.op_type != "MatMul":
        return model
    dequant = producers.get(head.input[1])
    if dequant is None or dequant.op_type != "DequantizeLinear":
        return model
    weight_q, scale, zero_point = [*dequant.input, "", ""][:3]
    if scale not in initializers or zero_point not in initializers:
        raise HeadError("the head's DequantizeLinear has no constant scale or zero point")
    if initializers[zero_point].data_type != TensorProto.UINT8:
        raise HeadError("the head's weights are not u8 (s8 saturates x86 kernels, models/int8.py)")
    if numpy_helper.to_array(initializers[scale]).size != 1:
        raise HeadError("the head's weight scale is per channel; expected one per-tensor scale")
    transpose = producers.get(weight_q)
    if weight_q in initializers:
        weight_t = weight_q  # already [hidden, vocab]
    elif transpose is not None and transpose.op_type == "Transpose" and transpose.input[0] in initializers:
        weight_t = _store_transposed(graph, transpose, initializers[transpose.input[0]])
    else:
        raise HeadError(f"the head's weights {weight_q!r} are neither a constant nor its transpose")
    hidden = head.input[0]
    prefix = "/lm_head/integer"
    nodes = [
        helper.make_node(
            "DynamicQuantizeLinear",
            [hidden],
            [f"{prefix}/a_q", f"{prefix}/a_scale", f"{prefix}/a_zero"],
            name=f"{prefix}/quantize",
        ),
        helper.make_node(
            "MatMulInteger",
            [f"{prefix}/a_q", weight_t, f"{prefix}/a_zero", zero_point],
            [f"{prefix}/product"],
            name=f"{prefix}/MatMulInteger",
        ),
        helper.make_node(
            "Cast",
            [f"{prefix}/product"],
            [f"{prefix}/product_f"],
            to=TensorProto.FLOAT,
            name=f"{prefix}/cast",
        ),
        helper.make_node("Mul", [f"{prefix}/a_scale", scale], [f"{prefix}/scale"], name=f"{prefix}/scale"),
        helper.make_node(
            "Mul", [f"{prefix}/product_f", f"{prefix}/scale"], ["logits"], name=f"{prefix}/scaled"
        ),
    ]
    index = list(graph.node).index(head)
    graph.node.remove(head)
    for offset, node in enumerate(nodes):
        graph.node.insert(index + offset, node)
    if not any(dequant.output[0] in n.input for n in graph.node):
        graph.node.remove(dequant)
    _prune(graph)
    return model


def _store_transposed(graph: onnx.GraphProto, transpose: onnx.NodeProto, embedding: onnx.TensorProto) -> str:
    """Replace the [vocab, hidden] u8 embedding by its [hidden, vocab] transpose, stored once;
    its Gather lookups read columns (axis 1) and transpose the few gathered rows back."""
    perm = next((list(a.ints) for a in transpose.attribute if a.name == "perm"), [1, 0])
    if perm != [1, 0] or len(embedding.dims) != 2:
        raise HeadError(f"unexpected head transpose perm {perm} of {list(embedding.dims)}")
    name = transpose.output[0]
    values = numpy_helper.to_array(embedding)
    graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(values.T), name))
    graph.node.remove(transpose)
    gathers = [n for n in graph.node if n.op_type == "Gather" and n.input[0] == embedding.name]
    for gather in gathers:
        axis = next((a.i for a in gather.attribute if a.name == "axis"), 0)
        if axis != 0:
            raise HeadError(f"the embedding Gather {gather.name} reads axis {axis}")
        out = gather.output[0]
        columns = f"{out}_columns"
        gather.input[0] = name
        del gather.attribute[:]
        gather.attribute.append(helper.make_attribute("axis", 1))
        gather.output[0] = columns
        # [hidden, *ids.shape] → [*ids.shape, hidden]; ids are [batch, sequence] here.
        back = helper.make_node("Transpose", [columns], [out], perm=[1, 2, 0], name=f"{gather.name}_rows")
        graph.node.insert(list(graph.node).index(gather) + 1, back)
    if any(embedding.name in n.input for n in graph.node):
        raise HeadError(f"{embedding.name} has uses other than Gather and the head")
    graph.initializer.remove(embedding)
    return name


def _prune(graph: onnx.GraphProto) -> None:
    used = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
    for tensor in [t for t in graph.initializer if t.name not in used]:
        graph.initializer.remove(tensor)
