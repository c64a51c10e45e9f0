"""`POST /search`: items matching a natural-language query."""

from __future__ import annotations

from fastapi import APIRouter, Response

from semrec.api.schemas import SearchIn, SearchOut, recommendations_answer
from semrec.api.security import ReadCtx

__all__ = ["router"]

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchOut)
def search(body: SearchIn, ctx: ReadCtx) -> Response:
    """Lexical and semantic search; hard constraints in the query and `filters` always hold."""
    recs = ctx.handle.call(
        lambda rec: rec.search(body.query, k=body.k, user_id=body.user_id, filters=body.filters)
    )
    return recommendations_answer(recs, query=body.query, model_version=ctx.handle.model_version)
