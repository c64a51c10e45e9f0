"""One contract for every encoder that can run here, plus what is particular to each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semrec.data.settings import RemoteEncoderSettings, TextSettings
from semrec.text.encoders import (
    Encoder,
    EncoderError,
    FallbackEncoder,
    HashingEncoder,
    MiniLMOnnxEncoder,
    RemoteEncoder,
    UsemEncoder,
    make_encoder,
    torch_available,
)
from semrec.text.encoders.base import Lazy

ALL = ["hashing", "usem", "minilm-onnx", "minilm-torch"]
SEMANTIC = ["usem", "minilm-onnx", "minilm-torch"]
DIMS = {"hashing": 256, "usem": 512, "minilm-onnx": 384, "minilm-torch": 384}

Get = Callable[[str], Encoder]


@pytest.fixture(scope="module")
def encoders() -> Get:
    """Each encoder built (and its model loaded) once for the whole module."""
    built: dict[str, Encoder] = {}

    def get(kind: str) -> Encoder:
        if kind == "minilm-torch" and not torch_available():
            pytest.skip("torch / sentence-transformers not installed (extra semrec[torch])")
        if kind not in built:
            built[kind] = make_encoder(TextSettings(encoder=kind, hashing_dim=256))
        return built[kind]

    return get


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.parametrize("kind", ALL)
def test_shape_dtype_and_unit_rows(kind: str, encoders: Get) -> None:
    encoder = encoders(kind)
    texts = ["red running shoes", "", "   ", "红色跑鞋", "x"]
    vectors = encoder.encode(texts)
    assert encoder.dim == DIMS[kind]
    assert vectors.shape == (5, DIMS[kind])
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), [1, 0, 0, 1, 1], atol=1e-5)


@pytest.mark.parametrize("kind", ALL)
def test_deterministic_and_independent_of_batch_order(kind: str, encoders: Get) -> None:
    encoder = encoders(kind)
    texts = ["a", "stainless steel wok with a long wooden handle", "noise cancelling headphones"]
    first = encoder.encode(texts)
    np.testing.assert_array_equal(encoder.encode(texts), first)
    reversed_rows = encoder.encode(texts[::-1])[::-1]
    alone = np.vstack([encoder.encode([text]) for text in texts])
    np.testing.assert_allclose(reversed_rows, first, atol=1e-5)
    np.testing.assert_allclose(alone, first, atol=1e-5)


@pytest.mark.parametrize("kind", ALL)
def test_empty_input_gives_empty_matrix(kind: str, encoders: Get) -> None:
    encoder = encoders(kind)
    assert encoder.encode([]).shape == (0, DIMS[kind])


@pytest.mark.parametrize("kind", SEMANTIC)
def test_paraphrase_is_closer_than_unrelated(kind: str, encoders: Get) -> None:
    headphones, earbuds, pan = encoders(kind).encode(
        [
            "wireless noise cancelling headphones",
            "bluetooth earbuds with ANC",
            "cast iron frying pan",
        ]
    )
    assert cosine(headphones, earbuds) > cosine(headphones, pan) + 0.2


def test_usem_is_cross_lingual(encoders: Get) -> None:
    shoes, chinese_shoes, chinese_wok = encoders("usem").encode(
        ["red running shoes", "红色跑鞋", "不锈钢炒锅"]
    )
    assert cosine(shoes, chinese_shoes) > 0.6
    assert cosine(shoes, chinese_shoes) > cosine(shoes, chinese_wok) + 0.3


def test_minilm_truncates_long_texts(encoders: Get) -> None:
    long_text = " ".join(["guitar strings"] * 400)  # 800 words, past the model's 512 positions
    vector = encoders("minilm-onnx").encode([long_text])
    assert vector.shape == (1, 384)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_hashing_tracks_shared_words() -> None:
    encoder = HashingEncoder(512)
    query, reordered, other = encoder.encode(
        [
            "wireless noise cancelling headphones",
            "noise cancelling wireless headphones",
            "cast iron pan",
        ]
    )
    assert cosine(query, reordered) > 0.8
    assert cosine(query, other) < 0.3


def test_hashing_is_the_same_in_another_process() -> None:
    code = (
        "from semrec.text.encoders import HashingEncoder;"
        "print(HashingEncoder(64).encode(['Red running shoes, size 42'])[0].tolist())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    other = np.array(json.loads(out.stdout), dtype=np.float32)
    np.testing.assert_array_equal(
        other, HashingEncoder(64).encode(["Red running shoes, size 42"])[0]
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=6))
def test_hashing_rows_are_unit_unless_blank(texts: list[str]) -> None:
    vectors = HashingEncoder(16).encode(texts)
    expected = [0.0 if not text.strip() else 1.0 for text in texts]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), expected, atol=1e-5)


def test_hashing_names_differ_by_dim_and_reject_tiny_dims() -> None:
    assert HashingEncoder(64).name != HashingEncoder(128).name
    with pytest.raises(EncoderError, match="at least 2"):
        HashingEncoder(1)


def test_a_single_string_or_a_non_string_is_refused() -> None:
    encoder = HashingEncoder(16)
    with pytest.raises(EncoderError, match="not one string"):
        encoder.encode("red shoes")
    with pytest.raises(EncoderError, match=r"texts\[1\] is int"):
        encoder.encode(["red shoes", 7])  # type: ignore[list-item]


def test_factory_builds_what_settings_name() -> None:
    assert isinstance(make_encoder(TextSettings(encoder="usem")), UsemEncoder)
    assert isinstance(make_encoder(TextSettings(encoder="minilm-onnx")), MiniLMOnnxEncoder)
    hashing = make_encoder(TextSettings(encoder="hashing", hashing_dim=32))
    assert isinstance(hashing, HashingEncoder)
    assert hashing.dim == 32
    remote = make_encoder(TextSettings(encoder="remote"))
    assert isinstance(remote, RemoteEncoder)
    with_fallback = TextSettings(encoder="remote", remote=RemoteEncoderSettings(fallback="usem"))
    assert isinstance(make_encoder(with_fallback), FallbackEncoder)


@pytest.mark.skipif(torch_available(), reason="torch is installed here")
def test_minilm_torch_without_torch_says_what_to_install() -> None:
    with pytest.raises(EncoderError, match=r"torch==2\.13\.0.*semrec\[torch\]"):
        make_encoder(TextSettings(encoder="minilm-torch"))


def test_lazy_value_is_built_once_under_concurrent_first_use() -> None:
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        time.sleep(0.05)
        return 42

    lazy = Lazy(build)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(lazy.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42] * 8
    assert len(builds) == 1
