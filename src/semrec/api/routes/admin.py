"""`/admin/train` (background training) and `/stats`."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from semrec.api.schemas import StatsOut, TrainStatusOut
from semrec.api.security import Admin, Ctx, Read
from semrec.api.training import TrainStatus

__all__ = ["router"]

router = APIRouter(tags=["admin"])


def _out(status: TrainStatus) -> TrainStatusOut:
    return TrainStatusOut(**asdict(status))


@router.post("/admin/train", status_code=202, dependencies=[Admin])
def start_training(ctx: Ctx, response: Response) -> TrainStatusOut:
    """Train in the background (a request during a run queues one more); poll `GET`."""
    response.headers["Location"] = "/admin/train"
    return _out(ctx.trainer.request())


@router.get("/admin/train", dependencies=[Admin])
def training_status(ctx: Ctx) -> TrainStatusOut:
    """Where background training stands and the report of the last run."""
    return _out(ctx.trainer.status())


@router.get("/stats", dependencies=[Read])
def stats(ctx: Ctx) -> StatsOut:
    """Counts of items, users, events and the serving snapshot."""
    return StatsOut(**ctx.handle.call(lambda rec: rec.stats()))
