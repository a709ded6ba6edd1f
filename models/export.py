"""Hugging Face folder → fp32 ONNX with optimum-onnx.

Embedders export as `feature-extraction` (output `last_hidden_state`); generators as
`text-generation-with-past` (inputs input_ids, attention_mask, position_ids,
past_key_values.N.key/value; outputs logits, present.N.key/value), the layout Transformers.js loads.
Generators also get the `num_logits_to_keep` input (models/head.py), which Transformers.js
feeds so that a prompt's prefill projects only its last position onto the vocabulary.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

TASKS = {"embedder": "feature-extraction", "generator": "text-generation-with-past"}


def export_onnx(hf_dir: Path, out_dir: Path, role: str) -> Path:
    """Export `hf_dir` for `role`; returns the fp32 `model.onnx` path (weights may sit beside it)."""
    if role not in TASKS:
        raise ValueError(f'Unsupported role "{role}". Should be one of: {", ".join(TASKS)}.')
    from optimum.exporters.onnx import main_export
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    logging.getLogger("optimum").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        # Tracer warnings about constant-folded shapes are expected for these architectures.
        warnings.simplefilter("ignore")
        main_export(str(hf_dir), output=str(out_dir), task=TASKS[role], device="cpu", do_validation=False)
    onnx_path = out_dir / "model.onnx"
    if not onnx_path.is_file():
        raise RuntimeError(f"optimum export wrote no model.onnx into {out_dir}")
    if role == "generator":
        import onnx

        from models.head import keep_last_logits

        # The weights stay where the export put them (external data is not loaded or moved).
        model = onnx.load(str(onnx_path), load_external_data=False)
        onnx.save_model(keep_last_logits(model), str(onnx_path), save_as_external_data=False)
    return onnx_path
