"""`POST /search`: items matching a natural-language query."""

from __future__ import annotations

from fastapi import APIRouter

from semrec.api.schemas import SearchIn, SearchOut, recommendations
from semrec.api.security import Ctx, Read

__all__ = ["router"]

router = APIRouter(tags=["search"])


@router.post("/search", dependencies=[Read])
def search(body: SearchIn, ctx: Ctx) -> SearchOut:
    """Lexical and semantic search; hard constraints in the query and `filters` always hold."""
    recs = ctx.handle.call(
        lambda rec: rec.search(body.query, k=body.k, user_id=body.user_id, filters=body.filters)
    )
    return SearchOut(
        query=body.query, items=recommendations(recs), model_version=ctx.handle.model_version
    )
