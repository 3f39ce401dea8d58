"""The browser session token: a signed token of its own audience that slides with activity.

The API's access token lives a fixed 15 minutes. A person filling a matrix needs longer, so
the web session carries a token for the audience `<jwt_audience>:web` (refused by the API):
it expires after `web_idle_minutes` without a request and is re-issued while the person
works, never beyond `web_absolute_hours` after the sign-in (`auth_time`). Its `sid` stays
the same across re-issues, so the CSRF tokens of open pages stay valid. Revocation is the
API's: the token carries the session epoch, compared on every request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from app.auth.service import EPOCH_CLAIM, SecurityContext
from app.core import tokens
from app.core.errors import Unauthorized

SID_CLAIM = "sid"
AUTH_TIME_CLAIM = "auth_time"
# A token younger than this is not re-issued (a page's many requests need one cookie).
RENEW_AFTER_S = 30


def web_audience(ctx: SecurityContext) -> str:
    return f"{ctx.settings.jwt_audience}:web"


@dataclass(frozen=True)
class BrowserSession:
    """A verified browser session: its claims, its stable id and when it lapses."""

    claims: dict[str, Any]
    sid: str
    expires_at: int

    def due_for_renewal(self, now: float) -> bool:
        return now - int(self.claims["iat"]) >= RENEW_AFTER_S


def _absolute_end(ctx: SecurityContext, auth_time: int) -> int:
    return auth_time + ctx.settings.web_absolute_hours * 3600


def issue(
    ctx: SecurityContext,
    *,
    subject: str,
    epoch: int,
    sid: str,
    auth_time: int,
    now: float | None = None,
) -> tuple[str, int]:
    """A browser token and its lifetime in seconds (idle timeout, cut at the absolute end)."""
    issued = int(now if now is not None else time.time())
    lifetime = min(ctx.settings.web_idle_minutes * 60, _absolute_end(ctx, auth_time) - issued)
    if lifetime <= 0:
        raise Unauthorized("The session has ended; sign in again", code="session_expired")
    token = tokens.issue_token(
        ctx.signer,
        subject=subject,
        issuer=ctx.settings.jwt_issuer,
        audience=web_audience(ctx),
        lifetime_s=lifetime,
        claims={EPOCH_CLAIM: epoch, SID_CLAIM: sid, AUTH_TIME_CLAIM: auth_time},
        now=issued,
    )
    return token, lifetime


def from_access_claims(ctx: SecurityContext, claims: dict[str, Any]) -> tuple[str, int]:
    """The browser session begun by a freshly issued (or cookie-held) API access token."""
    return issue(
        ctx,
        subject=str(claims["sub"]),
        epoch=int(claims[EPOCH_CLAIM]),
        sid=str(claims["jti"]),
        auth_time=int(claims["iat"]),
    )


def renewed(ctx: SecurityContext, found: BrowserSession) -> tuple[str, int]:
    """The same session re-issued now: idle time starts again, the absolute end does not move."""
    claims = found.claims
    return issue(
        ctx,
        subject=str(claims["sub"]),
        epoch=int(claims[EPOCH_CLAIM]),
        sid=found.sid,
        auth_time=int(claims[AUTH_TIME_CLAIM]),
    )


def is_browser_token(ctx: SecurityContext, token: str) -> bool:
    try:
        return tokens.unverified_claims(token).get("aud") == web_audience(ctx)
    except tokens.TokenError:
        return False


def verify(ctx: SecurityContext, token: str, now: float | None = None) -> BrowserSession:
    """The browser session of `token`, or Unauthorized when it is forged, idle or too old."""
    settings = ctx.settings
    try:
        claims = tokens.verify_token(
            token,
            keys=ctx.local_keys,
            issuer=settings.jwt_issuer,
            audience=web_audience(ctx),
            max_lifetime_s=settings.web_idle_minutes * 60,
        )
    except tokens.TokenError as exc:
        raise Unauthorized("The session has ended; sign in again", code="session_expired") from exc
    sid, auth_time = claims.get(SID_CLAIM), claims.get(AUTH_TIME_CLAIM)
    current = time.time() if now is None else now
    if (
        not isinstance(sid, str)
        or not sid
        or type(auth_time) is not int
        or current >= _absolute_end(ctx, auth_time)
    ):
        raise Unauthorized("The session has ended; sign in again", code="session_expired")
    return BrowserSession(claims, sid, int(claims["exp"]))


def lapsed_subject(ctx: SecurityContext, token: str, within_s: int) -> str | None:
    """Whose browser session `token` was, if we signed it and it lapsed at most `within_s`
    ago; None for a forged, foreign or long-dead token."""
    try:
        claims = tokens.verify_token(
            token,
            keys=ctx.local_keys,
            issuer=ctx.settings.jwt_issuer,
            audience=web_audience(ctx),
            max_lifetime_s=ctx.settings.web_idle_minutes * 60,
            expired_within_s=within_s,
        )
    except tokens.TokenError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) and subject else None
