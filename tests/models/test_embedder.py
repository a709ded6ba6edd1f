from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.embedder import Embedder, pool_and_normalize

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "dist/models/multilingual-e5-small"
TEXTS = ["Python lists keep order.", "Словарь хранит пары.", "def f(x): return x", "a b c d e f g"]


@pytest.fixture(scope="module")
def tiny(tiny_models: Path) -> Embedder:
    return Embedder(tiny_models / "tiny-embedder")


def test_shape_dtype_and_unit_norm(tiny: Embedder) -> None:
    vectors = tiny.embed(TEXTS)
    assert vectors.shape == (4, tiny.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_deterministic_and_independent_of_batching(tiny_models: Path) -> None:
    folder = tiny_models / "tiny-embedder"
    one_by_one = Embedder(folder, "fp32", batch_size=1).embed(TEXTS)
    together = Embedder(folder, "fp32", batch_size=4).embed(TEXTS)
    # padding in a batch must not change a text's vector (mean pooling under the attention mask)
    np.testing.assert_allclose(one_by_one, together, atol=1e-5)
    # q8 quantizes activations per tensor, so batch mates move a vector slightly, no more
    q8_single = Embedder(folder, batch_size=1).embed(TEXTS)
    q8_batch = Embedder(folder, batch_size=4).embed(TEXTS)
    assert (q8_single * q8_batch).sum(axis=1).min() > 0.999
    np.testing.assert_array_equal(q8_batch, Embedder(folder, batch_size=4).embed(TEXTS))


def test_prefix_is_part_of_the_input(tiny: Embedder) -> None:
    query = tiny.embed(["lists"], prefix="query: ")
    passage = tiny.embed(["lists"], prefix="passage: ")
    explicit = tiny.embed(["query: lists"], prefix="")
    assert not np.allclose(query, passage)
    np.testing.assert_allclose(query, explicit, atol=1e-6)


def test_long_text_is_truncated_to_512_tokens(tiny: Embedder) -> None:
    long = "word " * 2000
    assert len(tiny.tokenizer.encode(long).ids) == 512
    vector = tiny.embed([long])
    assert vector.shape == (1, tiny.dim) and np.isfinite(vector).all()


def test_fp32_and_q8_agree_on_the_tiny_model(tiny_models: Path) -> None:
    q8 = Embedder(tiny_models / "tiny-embedder", "q8").embed(TEXTS)
    fp32 = Embedder(tiny_models / "tiny-embedder", "fp32").embed(TEXTS)
    assert (q8 * fp32).sum(axis=1).min() > 0.99


def test_empty_list_and_bad_arguments(tiny: Embedder, tiny_models: Path) -> None:
    assert tiny.embed([]).shape == (0, tiny.dim)
    with pytest.raises(TypeError, match="list of texts"):
        tiny.embed("one string")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='Unsupported dtype "int4"'):
        Embedder(tiny_models / "tiny-embedder", "int4")
    with pytest.raises(FileNotFoundError, match=r"model_q4\.onnx"):
        Embedder(tiny_models / "tiny-embedder", "q4")


def test_pool_and_normalize_by_hand() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    # mean of the two unmasked rows = (2, 2) → unit vector (0.7071, 0.7071)
    np.testing.assert_allclose(pool_and_normalize(hidden, mask), [[2**-0.5, 2**-0.5]], rtol=1e-6)


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason="real models not built (python -m models.build)")
def test_real_e5_ranks_related_texts_first_across_languages() -> None:
    embedder = Embedder(REAL)
    assert embedder.dim == 384
    queries = embedder.embed(["how to sort a list in python", "как работает словарь"], prefix="query: ")
    passages = embedder.embed(
        [
            "Use sorted() or list.sort() to put a list in order.",
            "Словарь хранит пары ключ-значение и ищет значение по ключу.",
            "The cat slept on the warm windowsill all afternoon.",
            "Кошка весь день спала на тёплом подоконнике.",
        ]
    )
    scores = queries @ passages.T
    assert scores[0].argmax() == 0 and scores[1].argmax() == 1
    assert scores[0, 0] - scores[0, 2:].max() > 0.1
    assert scores[1, 1] - scores[1, 2:].max() > 0.05
