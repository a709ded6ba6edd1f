from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from models.checks import CheckError, check_generator, greedy_onnx, top1_agreement
from models.export import export_onnx
from models.tiny import build_tiny


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("llama")
    build_tiny("tiny-llama", root / "hf")
    return root / "hf", export_onnx(root / "hf", root / "onnx", "generator")


def test_greedy_onnx_with_kv_cache_equals_pytorch(tiny_llama: tuple[Path, Path]) -> None:
    from transformers import AutoModelForCausalLM

    hf_dir, onnx_path = tiny_llama
    model = AutoModelForCausalLM.from_pretrained(hf_dir).eval()
    prompt = [5, 17, 42, 7, 99]
    with torch.no_grad():
        out = model.generate(
            torch.tensor([prompt]), max_new_tokens=10, do_sample=False, eos_token_id=None, pad_token_id=0
        )
    expected = out[0, len(prompt) :].tolist()
    session = ort.InferenceSession(str(onnx_path))
    assert greedy_onnx(session, prompt, 10) == expected
    assert top1_agreement(session, prompt, expected) == 1.0
    other = [(t + 1) % 512 for t in expected]
    assert top1_agreement(session, prompt, other) == 0.0


def test_generator_check_passes_and_fails_on_its_limits(
    tiny_llama: tuple[Path, Path], tmp_path: Path
) -> None:
    hf_dir, onnx_path = tiny_llama
    figures = check_generator(hf_dir, hf_dir, onnx_path, (), {"prompt": "hi", "tokens": 6})
    assert figures.values["fp32_token_match"] == "6/6"
    with pytest.raises(CheckError, match="lacks 'Paris'"):
        check_generator(hf_dir, hf_dir, onnx_path, (), {"prompt": "hi", "expect": "Paris"})
    # a different model's ONNX must not pass the token-match check
    build_tiny("tiny-qwen2", tmp_path / "qwen")
    other = export_onnx(tmp_path / "qwen", tmp_path / "onnx", "generator")
    with pytest.raises(CheckError, match="match PyTorch for"):
        check_generator(hf_dir, hf_dir, other, (), {"prompt": "hi", "tokens": 6})


def test_figures_line_is_one_line() -> None:
    from models.checks import Figures

    line = Figures({"text": "a\nb", "cos": 0.99912, "n": "3/4"}).line()
    assert "\n" not in line and "cos=0.9991" in line and "n=3/4" in line
    assert np.isclose(0.99912, 0.99912)


def test_generator_check_measures_q8_natively_and_with_exact_integers(tiny_llama: tuple[Path, Path]) -> None:
    from models.quantize import quantize

    hf_dir, onnx_path = tiny_llama
    quantize(onnx_path, "q8", hf_dir / "onnx" / "model_quantized.onnx")
    figures = check_generator(
        hf_dir, hf_dir, onnx_path, ("q8",), {"prompt": "hi", "tokens": 6, "min_top1": 0.0}
    )
    assert figures.values["q8_native_vs_exact_top1"] == 1.0
    assert figures.values["q8_exact_top1"] == figures.values["q8_top1"]
    with pytest.raises(CheckError, match="q8 top-1 agreement with PyTorch"):
        check_generator(hf_dir, hf_dir, onnx_path, ("q8",), {"prompt": "hi", "tokens": 6, "min_top1": 1.01})


def test_embedder_check_measures_q8_natively_and_with_exact_integers(tmp_path: Path) -> None:
    from models.checks import check_embedder
    from models.layout import copy_configs
    from models.quantize import quantize

    build_tiny("tiny-bert", tmp_path / "hf")
    fp32 = export_onnx(tmp_path / "hf", tmp_path / "export", "embedder")
    target = tmp_path / "model"
    (target / "onnx").mkdir(parents=True)
    copy_configs(tmp_path / "hf", target, "embedder")
    quantize(fp32, "q8", target / "onnx" / "model_quantized.onnx")
    figures = check_embedder(tmp_path / "hf", target, ("q8",), {"min_cosine": 0.99}).values
    assert figures["q8_min_cosine"] >= 0.99 and figures["q8_exact_min_cosine"] >= 0.99
    assert figures["q8_native_vs_exact_min_cosine"] > 0.9999
    with pytest.raises(CheckError, match="q8 ONNX vs PyTorch cosine"):
        check_embedder(tmp_path / "hf", target, ("q8",), {"min_cosine": 0.99999})
