"""Per-client rate limit: a token bucket per API client, 429 with Retry-After when empty.

Only systems (client-credentials tokens) are limited, on the authenticated API routes (each
documents its 429), never on probes or pages; people are throttled at login. The buckets live
in the server process, so N processes allow N times the rate in total.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.caller import caller_of
from app.core.errors import error_response

MAX_BUCKETS = 10_000


@dataclass
class Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """`rate_per_minute` requests a minute, with bursts up to the same number."""

    def __init__(self, rate_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(rate_per_minute)
        self.per_second = rate_per_minute / 60.0
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until a token is free."""
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_BUCKETS:
                self.buckets.clear()  # forgetting buckets only ever lets requests through
            bucket = self.buckets[key] = Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.per_second


class ClientRateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, rate_per_minute: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate_per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = scope["type"] == "http" and _limited_path(scope["path"])
        subject = _client_subject(scope) if limited else None
        wait = self.buckets.take(subject) if subject else 0.0
        if wait > 0:
            response = error_response(
                429,
                "rate_limited",
                "Too many requests from this API client",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _limited_path(path: str) -> bool:
    """The authenticated API (where 429 is documented); never probes, pages or token issue."""
    return path.startswith("/api/") and not path.startswith("/api/v1/auth/")


def _client_subject(scope: Scope) -> str | None:
    """The verified `client:…` subject of the bearer token, if the caller is a system."""
    caller = caller_of(scope)
    return caller.client_subject if caller else None
