"""`/users/{user_id}`: recommendations for a user, and forgetting a user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from semrec.api.query_params import query_model, query_parameters
from semrec.api.schemas import ForgetOut, RecommendationsOut, RecommendQuery, recommendations_answer
from semrec.api.security import AdminCtx, ReadCtx

__all__ = ["router"]

router = APIRouter(prefix="/users", tags=["users"])
UserId = Annotated[str, Path(description="The user id.")]


@router.get(
    "/{user_id}/recommendations",
    response_model=RecommendationsOut,
    openapi_extra={"parameters": query_parameters(RecommendQuery)},
)
async def recommend(
    user_id: UserId,
    ctx: ReadCtx,  # first: the key is checked before the query is read
    params: Annotated[RecommendQuery, Depends(query_model(RecommendQuery))],
) -> Response:
    """The user's top-k items from their current history, with reasons and an explanation.

    Unknown users get popular items, marked with a `fallback` reason. Then, in order: the
    request's business rules (`rule`, after the shop's), the `objective`, `diversity` and
    `category_cap`; pinned items come first. Each item's `explanation` is one sentence in
    `locale`. Unknown query parameters are refused (422), so a misspelt filter never passes
    silently; a bad rule is refused naming it (`rules[i]`), its text and the expected form.
    """
    recs = await ctx.handle.recommend(
        user_id,
        k=params.k,
        exclude_seen=params.exclude_seen,
        filters=params.filters(),
        query=params.query,
        session_id=params.session_id,
        options=params.options(),
    )
    return recommendations_answer(recs, user_id=user_id, model_version=ctx.handle.model_version)


@router.delete("/{user_id}")
def forget_user(user_id: UserId, ctx: AdminCtx) -> ForgetOut:
    """Delete the user and every event of theirs (admin scope)."""
    deleted = ctx.handle.call(lambda rec: rec.forget_user(user_id))
    return ForgetOut(user_id=user_id, deleted_events=deleted)
