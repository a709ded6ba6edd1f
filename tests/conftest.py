"""Fixtures shared across the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random-weight models, built by the real model build (a few seconds)."""
    out = tmp_path_factory.mktemp("models")
    subprocess.run(
        [sys.executable, "-m", "models.build", "--out", str(out), "--only", "tiny"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return out
