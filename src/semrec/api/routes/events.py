"""`POST /events`: store a batch of events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from semrec.api.schemas import EventsIn, IngestOut
from semrec.api.security import IngestCtx

__all__ = ["router"]

router = APIRouter(tags=["events"])
#: Batches up to this size are stored on the event loop (`ServiceHandle.ingest`).
SHORT_BATCH = 64


@router.post("/events")
async def ingest_events(
    body: EventsIn,
    ctx: IngestCtx,
    skip_invalid: Annotated[
        bool, Query(description="Store the valid events and report the invalid ones.")
    ] = False,
) -> IngestOut:
    """Validate and durably store events; they count for the user's next recommendations.

    By default one invalid event rejects the batch (422 naming it); with `skip_invalid` the
    invalid ones are counted as rejected, with their reasons.
    """
    short = len(body.events) <= SHORT_BATCH
    report = await ctx.handle.ingest(body.events, skip_invalid=skip_invalid, short=short)
    ctx.metrics.count_events(report.accepted, report.duplicates, report.rejected)
    ctx.schedule.note_events(report.accepted)
    return IngestOut(**report.to_dict())
