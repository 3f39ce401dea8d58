"""Throttling of repeated failed logins, shared by every worker through the database."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlmodel import Session

from app.auth.models import LoginThrottle
from app.core.config import Settings
from app.core.db import utcnow
from app.core.errors import TooManyRequests


def check_not_locked(session: Session, key: str) -> None:
    entry = session.get(LoginThrottle, key)
    now = utcnow()
    if entry is not None and entry.locked_until is not None and entry.locked_until > now:
        wait = math.ceil((entry.locked_until - now).total_seconds())
        raise TooManyRequests("Too many failed logins; try again later", retry_after=wait)


def record_failure(session: Session, key: str, settings: Settings) -> None:
    """Count a failure; the caller raises an error that keeps this change."""
    now = utcnow()
    entry = session.get(LoginThrottle, key) or LoginThrottle(key=key, first_failure_at=now)
    window = timedelta(seconds=settings.login_lockout_seconds)
    if now - entry.first_failure_at > window:
        entry.failures, entry.first_failure_at = 0, now
    entry.failures += 1
    if entry.failures >= settings.login_max_failures:
        entry.locked_until = now + window
        entry.failures, entry.first_failure_at = 0, now
    session.add(entry)
    session.flush()


def clear(session: Session, key: str) -> None:
    entry = session.get(LoginThrottle, key)
    if entry is not None:
        session.delete(entry)
