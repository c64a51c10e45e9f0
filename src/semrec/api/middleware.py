"""ASGI middleware: request metrics with a last-resort 500, and the request body size limit."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from semrec.api.errors import ApiError, error_response, internal_error
from semrec.api.metrics import ApiMetrics

__all__ = ["BodyLimitMiddleware", "GuardMiddleware"]


class GuardMiddleware:
    """Times every request by route template, counts those in flight, answers 500 for crashes."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status, started = 0, time.perf_counter()

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:
            if status:  # the answer is under way: too late to replace it
                raise
            status = 500
            await internal_error(scope["method"], scope["path"], exc)(scope, receive, send)
        finally:
            self.metrics.in_flight.dec()
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.latency.labels(route, scope["method"], str(status or 500)).observe(
                time.perf_counter() - started
            )


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    """Answers 413 when a request body exceeds `max_body` bytes.

    A declared Content-Length over the limit is refused before anything is read; a body
    streamed without one is counted as it arrives and refused once it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    def _refusal(self) -> str:
        return f"request body larger than {self.max_body} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body:
            response = error_response(413, "too_large", self._refusal())
            await response(scope, receive, send)
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise ApiError(413, "too_large", self._refusal())
            return message

        await self.app(scope, counted_receive, send)
