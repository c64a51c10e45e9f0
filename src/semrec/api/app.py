"""`create_app`: the FastAPI application over one `Recommender`."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from threadpoolctl import threadpool_limits

from semrec.api.errors import install_error_handlers
from semrec.api.handle import ServiceHandle
from semrec.api.metrics import ApiMetrics
from semrec.api.middleware import BodyLimitMiddleware, GuardMiddleware
from semrec.api.ratelimit import RateLimiter
from semrec.api.routes import OPEN_ROUTERS, SECURED_ROUTERS
from semrec.api.schedule import TrainingSchedule
from semrec.api.schemas import ErrorOut, ValidationErrorOut
from semrec.api.security import ApiContext, document_security
from semrec.api.training import BackgroundTrainer
from semrec.data.errors import SettingsError
from semrec.service import Recommender
from semrec.store.api_keys import ApiKeyStore

__all__ = ["DEFAULT_BURST", "DEFAULT_MAX_BODY", "DEFAULT_RATE", "create_app", "require_active_key"]

log = logging.getLogger("semrec.api")

DEFAULT_RATE = 50.0
DEFAULT_BURST = 100
DEFAULT_MAX_BODY = 16 * 1024 * 1024

_ERRORS: dict[int | str, dict[str, object]] = {
    413: {"model": ErrorOut, "description": "Request body too large"},
    422: {"model": ValidationErrorOut, "description": "Invalid input: field, value, expected"},
    500: {"model": ErrorOut, "description": "Unexpected error (logged on the server)"},
}
_AUTH_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "No key, or an unknown or revoked key"},
    403: {"model": ErrorOut, "description": "The key lacks the route's scope"},
    429: {"model": ErrorOut, "description": "Rate limit reached; see Retry-After"},
}


def _version() -> str:
    try:
        return version("semrec")
    except PackageNotFoundError:
        return "0"


def _operations(routers: tuple[APIRouter, ...]) -> set[tuple[str, str]]:
    """Every ``(method, path)`` the routers serve, methods in OpenAPI's lower case."""
    return {
        (method.lower(), route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }


def require_active_key(keys: ApiKeyStore) -> None:
    """`SettingsError` unless the key store holds at least one active key."""
    if keys.active_count() == 0:
        raise SettingsError(
            "api keys", 0, "at least one active key (semrec keys create) or --no-auth"
        )


def create_app(
    recommender: Recommender,
    *,
    keys: ApiKeyStore | None,
    rate: float | None = DEFAULT_RATE,
    burst: int = DEFAULT_BURST,
    max_body: int = DEFAULT_MAX_BODY,
    on_shutdown: Callable[[], None] | None = None,
) -> FastAPI:
    """The HTTP API over `recommender`, which the caller keeps owning (and closes).

    `keys=None` turns authentication off (everything is open; a warning is logged); a key
    store must hold at least one active key. `rate` requests per second with bursts of `burst`
    are allowed per key (`None`: unlimited); bodies over `max_body` bytes are refused.
    Background training follows `recommender.settings.serve` (see `TrainingSchedule`).
    `on_shutdown` runs last when the server stops (a worker closes what it opened).
    """
    if keys is None:
        log.warning(
            "AUTHENTICATION IS OFF: anyone who can reach this server may change or erase data"
        )
    else:
        require_active_key(keys)
    metrics = ApiMetrics()
    handle = ServiceHandle(recommender, metrics)
    trainer = BackgroundTrainer(handle, metrics)
    schedule = TrainingSchedule(handle, trainer, recommender.settings.serve, metrics)
    limiter = None if rate is None else RateLimiter(rate, burst)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # One BLAS thread per request: requests run side by side, and a request's small
        # products (1,682 x 512 here) took 3.7 ms with two BLAS threads on a busy 2-core
        # machine against 0.35 ms with one. Training runs in a child process, unaffected.
        blas = threadpool_limits(limits=1, user_api="blas")
        threading.Thread(target=handle.warm_up, name="semrec-warm-up", daemon=True).start()
        schedule.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(schedule.stop)
            await anyio.to_thread.run_sync(trainer.join)
            blas.restore_original_limits()
            metrics.close()
            if on_shutdown is not None:
                on_shutdown()

    app = FastAPI(
        title="semrec",
        version=_version(),
        description="Real-time recommendations that understand language.",
        lifespan=lifespan,
        responses=_ERRORS,
    )
    app.state.semrec = ApiContext(handle, trainer, schedule, metrics, keys, limiter)
    install_error_handlers(app)
    # FastAPI tries routes in this order, each try costing microseconds: the busiest first
    for router in SECURED_ROUTERS:
        app.include_router(router, responses=_AUTH_ERRORS)
    for router in OPEN_ROUTERS:
        app.include_router(router)
    document_security(app, _operations(SECURED_ROUTERS))
    app.add_middleware(BodyLimitMiddleware, max_body=max_body)
    app.add_middleware(GuardMiddleware, metrics=metrics)
    return app
