"""Who may call what: API keys with scopes, then a per-key rate limit.

Keys come as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Scopes: `admin`
(everything), `ingest` (item and event writes), `read` (reads). Without a key store (``--no-auth``)
every request is let through and rate-limited per client address.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from semrec.api.errors import ApiError
from semrec.api.handle import ServiceHandle
from semrec.api.metrics import ApiMetrics
from semrec.api.ratelimit import RateLimiter
from semrec.api.schedule import TrainingSchedule
from semrec.api.training import BackgroundTrainer
from semrec.store.api_keys import ApiKeyStore

__all__ = ["Admin", "ApiContext", "Ctx", "Ingest", "Read", "context", "require"]

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <key>`")


@dataclass(frozen=True)
class ApiContext:
    """Everything the routes of one app share."""

    handle: ServiceHandle
    trainer: BackgroundTrainer
    schedule: TrainingSchedule
    metrics: ApiMetrics
    keys: ApiKeyStore | None
    limiter: RateLimiter | None


async def context(request: Request) -> ApiContext:
    """The context of the app serving `request`.

    Dependencies here are coroutines: FastAPI would run plain functions in its thread pool,
    one thread hand-off each per request, for work of microseconds.
    """
    return cast(ApiContext, request.app.state.semrec)


Ctx = Annotated[ApiContext, Depends(context)]


def _client(ctx: ApiContext, scope: str, key: str | None, address: str) -> str:
    """The rate-limit identity of an allowed caller; raises 401 or 403 otherwise."""
    if ctx.keys is None:
        return f"address:{address}"
    challenge = {"WWW-Authenticate": "Bearer"}
    if not key:
        raise ApiError(401, "unauthorized", "an API key is required", challenge)
    record = ctx.keys.authenticate(key)
    if record is None:
        raise ApiError(401, "unauthorized", "unknown or revoked API key", challenge)
    if not record.allows(scope):
        raise ApiError(
            403, "forbidden", f"key {record.key_id} lacks the {scope!r} scope for this route"
        )
    return f"key:{record.key_id}"


def require(scope: str) -> Any:
    """A dependency admitting callers whose key grants `scope`, within their rate."""

    async def check(
        request: Request,
        ctx: Ctx,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
        header: Annotated[str | None, Security(_header)],
    ) -> None:
        key = bearer.credentials if bearer is not None else header
        address = request.client.host if request.client else "unknown"
        client = _client(ctx, scope, key, address)
        wait = ctx.limiter.acquire(client) if ctx.limiter is not None else 0.0
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            raise ApiError(
                429,
                "rate_limited",
                f"rate limit reached: retry in {retry}s",
                {"Retry-After": retry},
            )

    checker: Callable[..., Awaitable[None]] = check
    return Depends(checker)


Admin = require("admin")
Ingest = require("ingest")
Read = require("read")
