"""Per-client token buckets: `rate` requests per second on average, bursts up to `burst`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter", "TokenBucket"]

_MAX_BUCKETS = 10_000


@dataclass
class TokenBucket:
    """Holds up to `burst` tokens, refilled at `rate` per second; a request takes one."""

    rate: float
    burst: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take a token if there is one: returns 0.0, else the seconds until one is there."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def full(self, now: float) -> bool:
        """Whether the bucket would be full at `now` (an idle client)."""
        return self.tokens + (now - self.updated) * self.rate >= self.burst


class RateLimiter:
    """One token bucket per client key; thread-safe."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"need rate > 0 and burst >= 1, got {rate=} {burst=}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def acquire(self, client: str) -> float:
        """Spend one of `client`'s tokens: 0.0 when allowed, else seconds to wait."""
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._forget_idle(now)
                bucket = TokenBucket(self.rate, float(self.burst), float(self.burst), now)
                self._buckets[client] = bucket
            return bucket.take(now)

    def _forget_idle(self, now: float) -> None:
        """Drop full buckets: forgetting them changes nothing for their clients."""
        self._buckets = {k: b for k, b in self._buckets.items() if not b.full(now)}
