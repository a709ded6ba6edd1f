"""convert() in real Pyodide (the npm package the site self-hosts, run by Node), from
only the modules ``roadmapsh.MODULES`` names: the result equals CPython's."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.content.roadmapsh import MODULES, convert
from tests.builder.content.roadmapsh.conftest import fixture_files

ROOT = Path(__file__).resolve().parents[4]
PYODIDE = ROOT / "node_modules" / "pyodide" / "pyodide.mjs"
SCRIPT = """
import { loadPyodide } from %s;
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const py = await loadPyodide();
for (const [path, text] of Object.entries(input.modules)) {
  py.FS.mkdirTree("/lib/tropa/" + path.split("/").slice(0, -1).join("/"));
  py.FS.writeFile("/lib/tropa/" + path, text);
}
py.globals.set("fixture", py.toPy(input.files));
console.log(py.runPython(`
import json, sys
sys.path.insert(0, "/lib/tropa")
from builder.content.roadmapsh import convert
from builder.content.roadmapsh.ids import keep_ids
conversion = keep_ids(convert(dict(fixture)), {})
json.dumps({"files": conversion.files, "differences": conversion.differences})
`));
"""


def test_convert_runs_in_pyodide_from_the_listed_modules(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not PYODIDE.is_file():
        pytest.skip("needs node and node_modules/pyodide (npm ci)")
    modules = {f"builder/{name}": (ROOT / "builder" / name).read_text(encoding="utf-8")
               for name in MODULES}
    (tmp_path / "input.json").write_text(json.dumps({"modules": modules, "files": fixture_files()}),
                                         encoding="utf-8")
    (tmp_path / "run.mjs").write_text(SCRIPT % json.dumps(PYODIDE.as_uri()), encoding="utf-8")
    done = subprocess.run([node, str(tmp_path / "run.mjs"), str(tmp_path / "input.json")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    in_pyodide = json.loads(done.stdout.strip().splitlines()[-1])
    here = convert(fixture_files())
    assert in_pyodide == {"files": here.files, "differences": here.differences}


def test_the_site_ships_what_convert_needs() -> None:
    from builder.site import PACK_MODULES

    assert set(MODULES) <= set(PACK_MODULES)
