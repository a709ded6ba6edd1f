"""fp32 ONNX → the Transformers.js dtypes `q8`, `q4`, `q4f16` (and `fp32` as a plain copy).

- q8: onnxruntime dynamic quantization, int8 weights, per-channel (per-tensor cost MiniLM's
  agreement with fp32: cosine 0.895 against 0.990, see docs/architecture.md), u8 weights:
  s8 ones saturate onnxruntime's u8×s8 kernel on x86 CPUs without VNNI (Qwen's top-1
  agreement 0.000 there), u8×u8 is exact everywhere; see models/int8.py and models/README.md.
  A generator's tied output head is then made integer too (models/head.py: it was a
  DequantizeLinear of the whole embedding every step).
- q4: MatMulNBits (QOperator), MatMul only, block 32, symmetric; onnxruntime-web has no kernel
  for the 4-bit Gather (GatherBlockQuantized) and cannot load the QDQ form.
- q4f16: q4, then every float tensor (weights, activations, KV cache, logits) to float16.
Every output is one self-contained file (no external data): each is under 2 GB.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import onnx

from models.head import integer_head
from models.int8 import matmulinteger_weight_types

Q4_BLOCK_SIZE = 32


def quantize(fp32_path: Path, dtype: str, out_path: Path) -> Path:
    """Write `out_path` as `dtype` from the fp32 model at `fp32_path`; returns `out_path`."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if dtype == "fp32":
        model = onnx.load(str(fp32_path))
        onnx.save_model(model, str(out_path), save_as_external_data=False)
    elif dtype == "q8":
        _q8(fp32_path, out_path)
    elif dtype == "q4":
        onnx.save_model(_q4(fp32_path), str(out_path), save_as_external_data=False)
    elif dtype == "q4f16":
        onnx.save_model(_to_fp16(_q4(fp32_path)), str(out_path), save_as_external_data=False)
    else:
        raise ValueError(f'Unsupported dtype "{dtype}". Should be one of: fp32, q8, q4, q4f16.')
    return out_path


def _q8(fp32_path: Path, out_path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = out_path.with_suffix(".tmp.onnx")
    quantize_dynamic(
        str(fp32_path),
        str(tmp),
        per_channel=True,
        weight_type=QuantType.QUInt8,
        use_external_data_format=False,
    )
    model = integer_head(onnx.load(str(tmp)))
    onnx.save_model(model, str(tmp), save_as_external_data=False)
    types = matmulinteger_weight_types(model)
    if types != {"uint8"}:
        tmp.unlink()
        raise RuntimeError(f"q8 of {fp32_path} multiplies by {sorted(types)} weights, expected ['uint8']")
    shutil.move(tmp, out_path)


def _q4(fp32_path: Path) -> onnx.ModelProto:
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )

    model = onnx.load(str(fp32_path))
    config = DefaultWeightOnlyQuantConfig(
        block_size=Q4_BLOCK_SIZE, is_symmetric=True, op_types_to_quantize=("MatMul",)
    )
    quantizer = MatMulNBitsQuantizer(
        model,
        block_size=Q4_BLOCK_SIZE,
        is_symmetric=True,
        op_types_to_quantize=("MatMul",),
        algo_config=config,
    )
    quantizer.process()
    return quantizer.model.model


def _to_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.transformers.float16 import convert_float_to_float16

    # keep_io_types=False: Transformers.js reads the KV-cache and logits types from the session.
    return convert_float_to_float16(model, keep_io_types=False, disable_shape_infer=True)
