"""`RemoteEncoder` against a real HTTP server on 127.0.0.1 that speaks the OpenAI protocol.

No embeddings service can exist here, so the server is a stand-in: a stdlib `http.server` in a
thread, answering ``POST /v1/embeddings`` from a fixed table, scripted per request to fail
(HTTP 500, 400, a sleep past the client's time-out, a body that is not JSON).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from semrec.data.settings import RemoteEncoderSettings, TextSettings
from semrec.text.encoders import EncoderError, FallbackEncoder, RemoteEncoder, make_encoder

VECTORS = {
    "alpha": [3.0, 4.0, 0.0],
    "beta": [0.0, 0.0, 2.0],
    "gamma": [1.0, 0.0, 0.0],
    "delta": [0.0, 5.0, 0.0],
    "epsilon": [0.0, 0.6, 0.8],
}


class FakeEmbeddings(ThreadingHTTPServer):
    """The server: records each request, plays `script` (one step per request, then "ok")."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        self.script: list[str] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def next_step(self, body: dict[str, Any], auth: str | None) -> str:
        with self.lock:
            self.requests.append(body)
            self.auth.append(auth)
            return self.script.pop(0) if self.script else "ok"


class _Handler(BaseHTTPRequestHandler):
    server: FakeEmbeddings

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        step = self.server.next_step(body, self.headers.get("Authorization"))
        if self.path != "/v1/embeddings":
            self._send(404, b'{"error": "not found"}')
        elif step == "sleep":
            time.sleep(0.6)
            self._send(200, b"{}")
        elif step == "garbage":
            self._send(200, b"<html>not json")
        elif step == "no-data":
            self._send(200, b'{"object": "list"}')
        elif step.isdigit():
            self._send(int(step), b'{"error": {"message": "scripted failure"}}')
        else:
            self._send(200, json.dumps(self._reply(body)).encode())

    def _reply(self, body: dict[str, Any]) -> dict[str, Any]:
        data = [
            {"object": "embedding", "index": i, "embedding": VECTORS.get(text, [1.0, 1.0, 1.0])}
            for i, text in enumerate(body["input"])
        ]
        return {"object": "list", "model": body["model"], "data": data[::-1]}

    def _send(self, status: int, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (time-out test)


@pytest.fixture
def server() -> Iterator[FakeEmbeddings]:
    fake = FakeEmbeddings()
    thread = threading.Thread(target=fake.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.shutdown()
    fake.server_close()


def remote(url: str, **changes: Any) -> RemoteEncoder:
    options = {"url": url, "model": "test-model", "retries": 2, "backoff_s": 0.01, **changes}
    return RemoteEncoder(RemoteEncoderSettings(**options))


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_batches_and_puts_rows_back_in_input_order(server: FakeEmbeddings) -> None:
    encoder = remote(server.url, batch_size=2)
    vectors = encoder.encode(["alpha", "beta", "", "gamma", "delta", "epsilon"])
    expected = [
        [0.6, 0.8, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.6, 0.8],
    ]
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
    assert vectors.dtype == np.float32
    inputs = [r["input"] for r in server.requests]
    assert inputs == [["alpha", "beta"], ["gamma", "delta"], ["epsilon"]]
    assert {r["model"] for r in server.requests} == {"test-model"}
    assert encoder.dim == 3
    assert encoder.name == "remote:test-model"


def test_dim_is_learnt_with_one_probe(server: FakeEmbeddings) -> None:
    encoder = remote(server.url)
    assert encoder.dim == 3
    assert encoder.dim == 3
    assert len(server.requests) == 1


def test_sends_the_api_key_from_the_named_variable(
    server: FakeEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMREC_TEST_EMBED_KEY", "sekrit-123")
    remote(server.url, api_key_env="SEMREC_TEST_EMBED_KEY").encode(["alpha"])
    monkeypatch.delenv("SEMREC_TEST_EMBED_KEY")
    remote(server.url, api_key_env="SEMREC_TEST_EMBED_KEY").encode(["alpha"])
    assert server.auth == ["Bearer sekrit-123", None]


def test_time_out_is_retried_then_reported(server: FakeEmbeddings) -> None:
    server.script = ["sleep", "sleep"]
    encoder = remote(server.url, timeout_s=0.2, retries=1)
    started = time.perf_counter()
    with pytest.raises(EncoderError, match=r"timed out.*after 2 attempts") as caught:
        encoder.encode(["alpha"])
    assert server.url + "/embeddings" in str(caught.value)
    assert len(server.requests) == 2
    assert time.perf_counter() - started < 2.0


def test_server_error_is_retried_then_reported(server: FakeEmbeddings) -> None:
    server.script = ["500", "500", "500"]
    with pytest.raises(EncoderError, match=r"HTTP 500.*after 3 attempts"):
        remote(server.url).encode(["alpha"])
    assert len(server.requests) == 3


def test_server_error_then_success(server: FakeEmbeddings) -> None:
    server.script = ["500", "429"]
    vectors = remote(server.url).encode(["gamma"])
    np.testing.assert_allclose(vectors, [[1.0, 0.0, 0.0]])
    assert len(server.requests) == 3


def test_client_error_is_not_retried(server: FakeEmbeddings) -> None:
    server.script = ["400"]
    with pytest.raises(EncoderError, match="HTTP 400"):
        remote(server.url).encode(["alpha"])
    assert len(server.requests) == 1


@pytest.mark.parametrize(("step", "what"), [("garbage", "not JSON"), ("no-data", "malformed")])
def test_malformed_reply_is_a_clear_error(server: FakeEmbeddings, step: str, what: str) -> None:
    server.script = [step]
    with pytest.raises(EncoderError, match=what) as caught:
        remote(server.url).encode(["alpha"])
    assert server.url + "/embeddings" in str(caught.value)


def test_connection_refused_names_the_url() -> None:
    url = refused_url()
    with pytest.raises(EncoderError, match="cannot connect") as caught:
        remote(url, retries=1).encode(["alpha"])
    assert f"{url}/embeddings" in str(caught.value)


def test_falls_back_to_the_local_encoder(caplog: pytest.LogCaptureFixture) -> None:
    url = refused_url()
    options = RemoteEncoderSettings(url=url, retries=0, fallback="hashing")
    encoder = make_encoder(TextSettings(encoder="remote", hashing_dim=32, remote=options))
    with caplog.at_level(logging.WARNING):
        vectors = encoder.encode(["red shoes", "blue shoes"])
    assert vectors.shape == (2, 32)
    assert encoder.name == "hashing-32-v1"
    assert encoder.dim == 32
    assert isinstance(encoder, FallbackEncoder)
    assert encoder.fell_back
    assert any(url in record.getMessage() for record in caplog.records)


def test_fallback_keeps_a_working_remote_and_never_mixes_spaces(server: FakeEmbeddings) -> None:
    options = RemoteEncoderSettings(url=server.url, model="m", retries=0, fallback="hashing")
    encoder = make_encoder(TextSettings(encoder="remote", remote=options))
    np.testing.assert_allclose(encoder.encode(["alpha"]), [[0.6, 0.8, 0.0]], atol=1e-6)
    assert (encoder.name, encoder.dim) == ("remote:m", 3)
    server.script = ["500"]
    with pytest.raises(EncoderError, match="HTTP 500"):
        encoder.encode(["beta"])
    assert encoder.name == "remote:m"
