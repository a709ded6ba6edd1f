from __future__ import annotations

import io
import json
import tomllib
import zipfile
from pathlib import Path

import pytest

from builder.errors import BuildError
from builder.site import PACK_MODULES, ROOT, build_site, bundle_files, bundle_package, fill


def test_app_bundle_is_deterministic_and_holds_only_python() -> None:
    first, second = bundle_package(ROOT / "app"), bundle_package(ROOT / "app")
    assert first == second
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert "main.py" in names and any(name.startswith("core/") for name in names)
    assert all(name.endswith(".py") for name in names)


def test_site_build_vendors_versioned_runtimes_and_fills_the_page(tmp_path: Path) -> None:
    urls = build_site(tmp_path, ROOT / "node_modules")
    version = json.loads((ROOT / "node_modules/pyodide/package.json").read_text())["version"]
    assert urls["pyodide"] == f"/vendor/pyodide@{version}"
    assert (tmp_path / urls["pyodide"].lstrip("/") / "pyodide.asm.wasm").is_file()
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "{" + "pyscript}" not in page and urls["config"] in page
    config = tomllib.loads((tmp_path / urls["config"].lstrip("/")).read_text(encoding="utf-8"))
    assert config["interpreter"] == f"{urls['pyodide']}/pyodide.mjs"
    assert config["files"] == {urls["app_bundle"]: "./app/*", urls["contracts_bundle"]: "./contracts/*",
                               urls["builder_bundle"]: "./builder/*"}
    assert config["packages"] == ["fsrs", "markdown-it-py"]
    assert "http" not in page  # nothing is loaded from another origin


def test_missing_npm_package_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="npm package 'pyodide' is not installed"):
        build_site(tmp_path / "out", tmp_path / "no_modules")


def test_unfilled_placeholder_is_refused() -> None:
    with pytest.raises(BuildError, match=r"page.html: placeholder \{css\} has no value"):
        fill("<link href='{css}'>", {}, "page.html")


def test_builder_bundle_holds_the_pack_modules_only() -> None:
    """The page gets the content compiler's checks and renderer, not the build tooling."""
    with zipfile.ZipFile(io.BytesIO(bundle_files(ROOT / "builder", PACK_MODULES))) as archive:
        names = archive.namelist()
    assert sorted(names) == sorted(PACK_MODULES)
    assert "content/pack.py" in names and "site.py" not in names and "content/__main__.py" not in names
