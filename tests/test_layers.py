"""Who may import whom, read from the source with ``ast`` (docs/architecture.md, "Layers").

- Only ``app/bridge`` touches the browser: nothing else under ``app/`` imports ``js``,
  ``pyscript`` or ``pyodide``.
- ``app/core`` imports only the standard library, ``contracts``, itself and ``fsrs``;
  ``app/services`` adds ``app.ports``; ``app/ui`` adds ``app.services``; ``app/bridge``
  adds ``app.ports`` and the browser. Only ``app/main.py`` (the composition root)
  imports ``app.bridge``.
- ``contracts/`` imports only the standard library.
- ``app/`` imports nothing from ``server/``, ``builder/``, ``models/``; ``server/``
  imports nothing from ``app/`` (shared rules come from ``contracts``); ``builder/``
  imports from ``app/`` only ``app.core`` and the pure views of ``app.ui`` (the
  prerendered pages, builder/prerender.py), which by the rules above reach no browser.
- One deliberate exception: ``app/services/packs.py`` imports ``builder.content.pack``,
  so a course pack added in the browser is checked by the build's own rules, not by a
  second implementation. The site ships that part of builder/ (``builder.site.
  PACK_MODULES``) to the page, so those modules may import only what Pyodide has there:
  the standard library, ``contracts``, ``app.core``, markdown-it-py and each other.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSER = ("js", "pyscript", "pyodide")
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def imports(source: str, module: str) -> Iterator[str]:
    """Every module ``source`` (the text of ``module``) imports, relative ones resolved."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                yield f"{base}.{node.module}" if node.module else base
            elif node.module:
                yield node.module


def modules(folder: str) -> Iterator[tuple[str, str]]:
    """(dotted name, source) of every Python file under ``folder`` (or that one file)."""
    path = ROOT / folder
    files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    for file in files:
        if "__pycache__" in file.parts:
            continue
        dotted = ".".join(file.relative_to(ROOT).with_suffix("").parts)
        yield dotted, file.read_text(encoding="utf-8")


def under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(folder: str, allowed: tuple[str, ...], *, stdlib: bool = True) -> list[str]:
    """``module imports name`` for each import under ``folder`` outside ``allowed``."""
    found = []
    for dotted, source in modules(folder):
        for name in imports(source, dotted):
            if stdlib and name.split(".")[0] in STDLIB:
                continue
            if not under(name, *allowed):
                found.append(f"{dotted} imports {name}")
    return found


def forbidden(folder: str, banned: tuple[str, ...]) -> list[str]:
    """``module imports name`` for each import under ``folder`` of one of ``banned``."""
    return [f"{dotted} imports {name}" for dotted, source in modules(folder)
            for name in imports(source, dotted) if under(name, *banned)]


# fsrs: the spaced-repetition scheduler, a pure-Python wheel that Pyodide loads too
# (builder/wheels.py vendors it); the one third-party package the core may use.
CORE = ("contracts", "app.core", "fsrs")
# The content compiler's entry for course packs: the one builder module the app imports.
PACK_COMPILER = "builder.content.pack"
PACK_USER = "app.services.packs"
# What the page's Python has besides the standard library and the shipped builder modules.
PYODIDE_HAS = ("contracts", "app.core", "markdown_it")
# (folder, what it may import besides the standard library)
LAYERS = [
    ("contracts", ("contracts",)),
    ("app/core", CORE),
    # The library knows nothing of the tutor that reads it.
    ("app/core/library", ("contracts", "app.core.errors", "app.core.i18n", "app.core.library")),
    ("app/services", (*CORE, "app.services", "app.ports", PACK_COMPILER)),
    ("app/ports.py", CORE),
    ("app/ui", (*CORE, "app.services", "app.ports", "app.ui")),
    # The bridge implements ports over the browser; it needs no use case and no view.
    ("app/bridge", (*CORE, "app.ports", "app.bridge", *BROWSER)),
]


@pytest.mark.parametrize(("folder", "allowed"), LAYERS, ids=[folder for folder, _ in LAYERS])
def test_each_layer_imports_only_the_layers_below_it(folder: str, allowed: tuple[str, ...]) -> None:
    assert violations(folder, allowed) == []


@pytest.mark.parametrize("folder", ["app/core", "app/services", "app/ui", "app/ports.py", "app/main.py"])
def test_only_the_bridge_touches_the_browser(folder: str) -> None:
    assert forbidden(folder, BROWSER) == []


@pytest.mark.parametrize(("folder", "banned"), [
    ("app", ("server", "builder", "models", "bench", "tests")),
    ("server", ("app", "builder", "models", "bench", "tests")),
    ("builder", ("app.services", "app.bridge", "app.main", "app.ports", "server")),
    ("contracts", ("app", "server", "builder", "models")),
])
def test_the_runtimes_share_only_contracts(folder: str, banned: tuple[str, ...]) -> None:
    allowed = {f"{PACK_USER} imports {PACK_COMPILER}"}
    assert [found for found in forbidden(folder, banned) if found not in allowed] == []


def test_only_the_pack_service_imports_the_pack_compiler() -> None:
    assert set(forbidden("app", ("builder",))) == {f"{PACK_USER} imports {PACK_COMPILER}"}


def test_the_builder_modules_the_page_runs_import_only_what_pyodide_has() -> None:
    from builder.site import PACK_MODULES

    shipped = {"builder." + name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
               for name in PACK_MODULES}
    shipped = {name.removesuffix(".__init__") for name in shipped} | {"builder"}
    found = []
    for name in PACK_MODULES:
        for dotted, source in modules("builder/" + name):
            for imported in imports(source, dotted):
                if imported.split(".")[0] in STDLIB or under(imported, *PYODIDE_HAS):
                    continue
                if imported not in shipped:
                    found.append(f"{dotted} imports {imported}")
    assert found == []
    assert PACK_COMPILER in shipped


def test_the_checks_see_every_kind_of_import(tmp_path: Path) -> None:
    source = ("import js\nfrom pyscript.ffi import create_proxy\nfrom . import views\n"
              "from ..services.tutor import Tutor\nimport os.path\n")
    assert list(imports(source, "app.ui.shell")) == [
        "js", "pyscript.ffi", "app.ui", "app.services.tutor", "os.path"]
    found = [name for name in imports(source, "app.ui.shell") if under(name, *BROWSER)]
    assert found == ["js", "pyscript.ffi"]
    assert not under("jsonschema", "js")  # a prefix of a name is not the module
