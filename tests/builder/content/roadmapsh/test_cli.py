"""``python -m builder.content.roadmapsh SRC DIR``: converts, checks, writes, reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.content.__main__ import main as compiler_main
from builder.content.roadmapsh.__main__ import main
from builder.content.tree import read_tree
from tests.builder.content.roadmapsh.conftest import FIXTURE, FOLDER


def test_converts_the_fixture_into_a_content_folder(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "content"
    assert main([str(FIXTURE / FOLDER), str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"[roadmapsh] {out}/en/home-network: 1 roadmap, 7 topics; 28 difference(s):"
    assert printed[1] == ("- 1 'button' node(s) dropped (buttons linking to other pages; we have "
                          "no equivalent): 'Visit the Linux roadmap'")
    assert len(printed) == 29
    [bundle] = read_tree(out)
    assert sorted(bundle.topics) == ["ip-addresses", "mesh-systems", "name-resolution-dns",
                                     "port-forwarding", "resolvers-caching", "subnets-and-masks",
                                     "wi-fi"]
    # A second run would overwrite the roadmap: refused, nothing changed.
    before = (out / "en/home-network/roadmap.md").read_text(encoding="utf-8")
    assert main([str(FIXTURE / FOLDER), str(out)]) == 1
    assert capsys.readouterr().err == (f"roadmapsh: {out}/en/home-network already exists; "
                                       "remove it, give another DIR, or --update\n")
    assert (out / "en/home-network/roadmap.md").read_text(encoding="utf-8") == before


def test_bad_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "home-network"
    shutil.copytree(FIXTURE / FOLDER, src)
    (src / "home-network.json").write_text('{"nodes": [\n  {"id": "a", "type": "topic"}\n]}\n',
                                           encoding="utf-8")
    out = tmp_path / "content"
    assert main([str(src), str(out)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "home-network/home-network.json:2: topic node 'a' has no label (data.label)",
        "roadmapsh: 1 problem(s); nothing was written",
    ]
    assert not out.exists()


def test_the_content_compiler_takes_the_import_as_a_flag(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "content"
    assert compiler_main(["--import-roadmapsh", str(FIXTURE / FOLDER), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"[roadmapsh] {out}/en/home-network: 1 roadmap, 7 topics")
    assert len(read_tree(out)[0].topics) == 7
    with pytest.raises(SystemExit) as exited:  # never into the compiled site's default folder
        compiler_main(["--import-roadmapsh", str(FIXTURE / FOLDER)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith("error: --import-roadmapsh needs --out DIR, "
                                            "the content folder to write into\n")


def test_update_replaces_an_earlier_import_and_keeps_its_ids(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "content"
    assert main([str(FIXTURE / FOLDER), str(out)]) == 0
    src = tmp_path / "home-network"
    shutil.copytree(FIXTURE / FOLDER, src)
    drawing = src / "home-network.json"
    text = drawing.read_text(encoding="utf-8").replace('"label": "Wi-Fi"', '"label": "Wireless"')
    drawing.write_text(text.replace('"type": "subtopic",\n      "position": {\n        "x": 560,\n'
                                    '        "y": 640', '"type": "todo",\n      "position": {\n'
                                    '        "x": 560,\n        "y": 640'), encoding="utf-8")
    capsys.readouterr()
    assert main([str(src), str(out), "--update"]) == 0
    printed = capsys.readouterr().out
    assert "- topic 'wireless' keeps its earlier name and id 'wi-fi' (same roadmap.sh node)" in printed
    [bundle] = read_tree(out)
    assert bundle.topics["wi-fi"].id == "home-network.wi-fi"
    assert "mesh-systems" not in bundle.topics  # its node is a checklist item now: gone
    assert not (out / "en/home-network/mesh-systems.md").exists()


def test_update_never_replaces_topics_written_here(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "content"
    assert main([str(FIXTURE / FOLDER), str(out)]) == 0
    own = out / "en/home-network/wi-fi.md"
    own.write_text(own.read_text(encoding="utf-8").replace("origin: ", "note: "), encoding="utf-8")
    capsys.readouterr()
    assert main([str(FIXTURE / FOLDER), str(out), "--update"]) == 1
    assert capsys.readouterr().err == (f"roadmapsh: {own} was not imported (it has no 'origin:'); "
                                       f"not replacing {out}/en/home-network\n")
    assert "note: " in own.read_text(encoding="utf-8")
