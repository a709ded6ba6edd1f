"""The wheels the page's Python installs come from our origin: pinned by sha256, written
beside Pyodide, and entered in its lock file so micropip takes them from there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.errors import BuildError
from builder.wheels import DEFAULT_CACHE, WHEELS, Wheel, fetch, sha256_of, vendor_wheels

LOCK = {"info": {"version": "0.29.3"}, "packages": {
    "micropip": {"name": "micropip", "file_name": "micropip-0.11.1-py3-none-any.whl", "sha256": "0" * 64,
                 "depends": [], "imports": ["micropip"]},
    "numpy": {"name": "numpy", "file_name": "numpy.whl", "sha256": "1" * 64}}}


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A cache holding the pinned wheels (from the machine's cache, filled by the build)."""
    folder = tmp_path / "cache"
    folder.mkdir()
    for wheel in WHEELS:
        shutil.copyfile(fetch(wheel, DEFAULT_CACHE), folder / wheel.file)
    return folder


def test_wheels_land_beside_pyodide_and_in_its_lock(tmp_path: Path, cache: Path) -> None:
    pyodide = tmp_path / "pyodide@314.0.7"
    pyodide.mkdir()
    (pyodide / "pyodide-lock.json").write_text(json.dumps(LOCK), encoding="utf-8")
    written = vendor_wheels(pyodide, cache)
    assert written == [w.file for w in WHEELS]
    packages = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    for wheel in WHEELS:
        assert sha256_of(pyodide / wheel.file) == wheel.sha256 == packages[wheel.name]["sha256"]
        assert packages[wheel.name]["file_name"] == wheel.file
    assert packages["fsrs"]["depends"] == ["typing-extensions"] and packages["fsrs"]["imports"] == ["fsrs"]
    assert packages["numpy"] == LOCK["packages"]["numpy"]  # other entries untouched


def test_a_wheel_whose_hash_is_not_the_pinned_one_is_refused(tmp_path: Path, cache: Path) -> None:
    wheel = WHEELS[0]
    (cache / wheel.file).write_bytes(b"not the wheel")
    with pytest.raises(BuildError, match=f"is not the pinned {wheel.sha256}"):
        fetch(wheel, cache)


def test_fsrs_is_a_pure_python_wheel() -> None:
    fsrs = next(w for w in WHEELS if w.name == "fsrs")
    assert fsrs.file.endswith("-py3-none-any.whl") and fsrs.version == "6.3.2"


def test_a_missing_pyodide_lock_is_a_clear_error(tmp_path: Path, cache: Path) -> None:
    with pytest.raises(BuildError, match="vendor Pyodide first"):
        vendor_wheels(tmp_path, cache, (Wheel("x", "1", "x.whl", "0" * 64, ("x",)),))
