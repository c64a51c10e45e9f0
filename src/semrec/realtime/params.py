"""The knobs of live state, with their defaults, validated once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from semrec.data.errors import ValidationError
from semrec.models.base import check_float, check_int

__all__ = ["RealtimeParams", "check_unit"]

DAY = 86_400.0


def check_unit(field: str, value: Any) -> float:
    """Return `value` as a float, or raise `ValidationError` unless ``0 < value <= 1``."""
    number = check_float(field, value, 0.0, strict=True)
    if number > 1.0:
        raise ValidationError(field, value, "a number in (0, 1]")
    return number


@dataclass(frozen=True, slots=True)
class RealtimeParams:
    """Parameters of every live counter (times in seconds, like event timestamps).

    Co-visitation: pairs with each of the user's last `window` items at most `max_gap` apart,
    the k-th previous item weighted ``distance_decay ** (k - 1)``; neighbour lists keep their
    `top_n` largest counts; at scoring the k-th most recent item counts ``recency ** k``.
    Transitions: direct successors at most `session_gap` apart; scored from the last `order`
    items with the same `recency`. Trending: `trending_half_life`. Session vector: each new
    event multiplies older ones by `session_decay` and by ``0.5 ** (gap / session_half_life)``.
    """

    window: int = 20
    max_gap: float = DAY
    distance_decay: float = 0.9
    recency: float = 0.7
    top_n: int = 200
    merge_at: int = 32
    session_gap: float = 1800.0
    order: int = 3
    trending_half_life: float = 3 * DAY
    session_decay: float = 0.8
    session_half_life: float | None = 3600.0

    def __post_init__(self) -> None:
        """Reject out-of-range values with a `ValidationError` naming the field."""
        for name in ("window", "top_n", "merge_at", "order"):
            check_int(name, getattr(self, name), 1)
        for name in ("max_gap", "session_gap", "trending_half_life"):
            check_float(name, getattr(self, name), 0.0, strict=True)
        for name in ("distance_decay", "recency", "session_decay"):
            check_unit(name, getattr(self, name))
        if self.session_half_life is not None:
            check_float("session_half_life", self.session_half_life, 0.0, strict=True)
