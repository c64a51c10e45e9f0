"""`/admin/train` (background training) and `/stats`."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from semrec.api.schemas import StatsOut, TrainStatusOut
from semrec.api.security import AdminCtx, ApiContext, ReadCtx
from semrec.api.training import TrainStatus

__all__ = ["router"]

router = APIRouter(tags=["admin"])


def _out(status: TrainStatus, ctx: ApiContext) -> TrainStatusOut:
    return TrainStatusOut(
        **asdict(status), model_version=ctx.handle.model_version, schedule=ctx.schedule.describe()
    )


@router.post("/admin/train", status_code=202)
def start_training(ctx: AdminCtx, response: Response) -> TrainStatusOut:
    """Train in the background (a request during a run queues one more); poll `GET`."""
    response.headers["Location"] = "/admin/train"
    return _out(ctx.trainer.request(), ctx)


@router.get("/admin/train")
def training_status(ctx: AdminCtx) -> TrainStatusOut:
    """Where background training stands, the last run's report, the served version, the schedule."""
    return _out(ctx.trainer.status(), ctx)


@router.get("/stats")
def stats(ctx: ReadCtx) -> StatsOut:
    """Counts of items, users, events and the serving snapshot."""
    return StatsOut(**ctx.handle.call(lambda rec: rec.stats()))
