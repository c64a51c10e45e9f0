"""Liveness, readiness and Prometheus metrics: open to everyone, never rate-limited."""

from __future__ import annotations

from fastapi import APIRouter, Response

from semrec.api.schemas import LiveOut, ReadyOut
from semrec.api.security import Ctx

__all__ = ["router"]

router = APIRouter(tags=["health"])
_PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/health/live")
async def live() -> LiveOut:
    """The process answers."""
    return LiveOut(status="ok")


@router.get("/health/ready", responses={503: {"model": ReadyOut}})
def ready(ctx: Ctx, response: Response) -> ReadyOut:
    """Ready when the store answers and a model snapshot is served and warm; 503 otherwise."""
    ok = ctx.handle.ready()
    if not ok:
        response.status_code = 503
    return ReadyOut(ready=ok, model_version=ctx.handle.model_version)


@router.get("/metrics", response_class=Response, responses={200: {"content": {_PROMETHEUS: {}}}})
def metrics(ctx: Ctx) -> Response:
    """Request latency, requests in flight, ingested events, model version, training state."""
    return Response(ctx.metrics.render(), media_type=_PROMETHEUS)
