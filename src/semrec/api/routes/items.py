"""`/items`: upsert a batch, read one, delete one, and items similar to one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from semrec.api.schemas import (
    DeletedOut,
    ItemOut,
    ItemsIn,
    SimilarOut,
    UpsertOut,
    recommendations_answer,
)
from semrec.api.security import IngestCtx, ReadCtx
from semrec.data.errors import NotFoundError

__all__ = ["router"]

router = APIRouter(prefix="/items", tags=["items"])
ItemId = Annotated[str, Path(description="The item id.")]


@router.put("")
def upsert_items(body: ItemsIn, ctx: IngestCtx) -> UpsertOut:
    """Insert or replace items; one invalid item rejects the whole batch (422)."""
    return UpsertOut(upserted=ctx.handle.call(lambda rec: rec.upsert_items(body.items)))


@router.get("/{item_id}")
def get_item(item_id: ItemId, ctx: ReadCtx) -> ItemOut:
    """One catalog item (404 when the catalog has no such item)."""
    return ItemOut(**ctx.handle.call(lambda rec: rec.get_item(item_id)).to_dict())


@router.delete("/{item_id}")
def delete_item(item_id: ItemId, ctx: IngestCtx) -> DeletedOut:
    """Remove an item from the catalog: it is never recommended again (404 when absent)."""
    deleted = ctx.handle.call(lambda rec: rec.delete_items([item_id]))
    if not deleted:
        raise NotFoundError("item", item_id)
    return DeletedOut(item_id=item_id, deleted=deleted)


@router.get("/{item_id}/similar", response_model=SimilarOut)
async def similar_items(
    item_id: ItemId,
    ctx: ReadCtx,
    k: Annotated[int, Query(ge=1, le=1000, description="How many items (1 to 1000).")] = 10,
) -> Response:
    """Items engaged with by the same people (404 for an unknown item)."""
    recs = await ctx.handle.short(lambda rec: rec.similar(item_id, k=k))
    return recommendations_answer(recs, item_id=item_id, model_version=ctx.handle.model_version)
