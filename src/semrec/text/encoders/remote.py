"""An OpenAI-compatible embeddings endpoint (Ollama, vLLM, llama.cpp server, hosted APIs).

``POST {url}/embeddings`` with ``{"model": ..., "input": [...]}``; the reply's
``{"data": [{"index": i, "embedding": [...]}]}`` rows are put back in input order by ``index``.
Connect errors, time-outs, HTTP 429 and 5xx are retried with exponential back-off; any other
HTTP error, and a reply that is not that shape, fail at once with an `EncoderError` naming the
URL and what was wrong. The dimension is learnt from the first reply (or one probe request).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import httpx
import numpy as np

from semrec.data.settings import RemoteEncoderSettings
from semrec.text.encoders.base import BatchEncoder, EncoderError, Matrix

__all__ = ["RemoteEncoder"]

log = logging.getLogger(__name__)
PROBE_TEXT = "dimension probe"


class _RetryableError(Exception):
    """A failure worth another attempt (connection, time-out, 429, 5xx)."""


class RemoteEncoder(BatchEncoder):
    """Embeddings from an OpenAI-compatible HTTP endpoint, batched and retried."""

    def __init__(self, settings: RemoteEncoderSettings) -> None:
        self.settings = settings
        self.endpoint = settings.url.rstrip("/") + "/embeddings"
        self.name = f"remote:{settings.model}"
        self.batch_size = settings.batch_size
        self._dim: int | None = None
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=settings.timeout_s, headers=self._headers())

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.settings.api_key_env, "") if self.settings.api_key_env else ""
        return {"Authorization": f"Bearer {key}"} if key else {}

    @property
    def dim(self) -> int:  # type: ignore[override]  # learnt lazily, not set at construction
        """The endpoint's dimension; asks it with one probe text if no reply has told it yet."""
        if self._dim is not None:
            return self._dim
        return int(self._encode_batch([PROBE_TEXT]).shape[1])

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _encode_batch(self, texts: list[str]) -> Matrix:
        reply = self._post({"model": self.settings.model, "input": texts})
        rows = self._parse(reply, len(texts))
        with self._lock:
            if self._dim is None:
                self._dim = rows.shape[1]
        if rows.shape[1] != self._dim:
            raise self._error(f"embeddings of length {rows.shape[1]}, earlier ones had {self._dim}")
        return rows

    def _post(self, body: dict[str, Any]) -> Any:
        attempts = self.settings.retries + 1
        failure = _RetryableError("no attempt made")
        for attempt in range(attempts):
            if attempt:
                delay = self.settings.backoff_s * 2 ** (attempt - 1)
                log.info("retrying %s in %.2fs: %s", self.endpoint, delay, failure)
                time.sleep(delay)
            try:
                return self._attempt(body)
            except _RetryableError as exc:
                failure = exc
        raise self._error(f"{failure} (after {attempts} attempts)")

    def _attempt(self, body: dict[str, Any]) -> Any:
        try:
            response = self._client.post(self.endpoint, json=body)
        except httpx.TimeoutException:
            raise _RetryableError(
                f"no reply within {self.settings.timeout_s}s (timed out)"
            ) from None
        except httpx.TransportError as exc:
            raise _RetryableError(f"cannot connect ({type(exc).__name__}: {exc})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise _RetryableError(f"HTTP {response.status_code}: {response.text[:200]}")
        if response.status_code >= 400:
            raise self._error(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError:
            raise self._error(f"reply is not JSON: {response.text[:200]!r}") from None

    def _parse(self, reply: Any, n: int) -> Matrix:
        data = reply.get("data") if isinstance(reply, dict) else None
        if not isinstance(data, list) or len(data) != n:
            got = f"{len(data)} rows" if isinstance(data, list) else repr(reply)[:200]
            raise self._error(f"malformed reply: expected 'data' with {n} rows, got {got}")
        rows: list[Any] = [None] * n
        for position, entry in enumerate(data):
            index = entry.get("index", position) if isinstance(entry, dict) else None
            vector = entry.get("embedding") if isinstance(entry, dict) else None
            if not isinstance(index, int) or not 0 <= index < n or rows[index] is not None:
                raise self._error(f"malformed reply: data[{position}] has a bad index {index!r}")
            if not isinstance(vector, list) or not vector:
                raise self._error(f"malformed reply: data[{position}] has no embedding list")
            rows[index] = vector
        try:
            matrix = np.array(rows, dtype=np.float32)
        except (TypeError, ValueError):
            raise self._error("malformed reply: embeddings are not equal-length numbers") from None
        if matrix.ndim != 2 or not np.isfinite(matrix).all():
            raise self._error("malformed reply: embeddings are not equal-length finite numbers")
        return matrix

    def _error(self, what: str) -> EncoderError:
        return EncoderError(f"remote encoder {self.settings.model!r} at {self.endpoint}: {what}")
