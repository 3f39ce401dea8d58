"""Slowing password and secret guessing without letting anyone lock out a person or a system.

What is counted, and why:

- **Per source address and credential** (the e-mail or the client id). The first
  `login_max_failures` failures are free; after that the pair must wait before its next
  attempt is checked, `login_first_delay_seconds` doubling up to `login_lockout_seconds`.
  Only that pair waits: the owner of the account signing in from anywhere else is not
  affected, however often an attacker fails elsewhere. E-mails and client ids are not
  secret, so a count per credential alone (what this replaced) let anyone lock out anyone.
- **Per source address** over every credential (`login_source_max_failures`, then the same
  growing wait): one address trying many accounts (password spraying, or guessing e-mails)
  is slowed although each pair stays under its own limit.
- A **success** clears the pair's count: proof of the right secret wins, and the wait only
  ever stands between an address and its *next* check, never in front of a correct secret
  that gets checked.

A waiting pair or address is answered 429 with `Retry-After` **without** verifying anything:
an attempt that arrives while it must wait is not looked at, so hammering costs the server
a database read, not an argon2id verification, and does not prolong the wait (nothing is
counted). When the wait is over the next attempt is checked; if it fails, the wait doubles.
One address therefore gets at most `login_max_failures` checks per credential and
`login_source_max_failures` overall per `login_window_seconds`, plus one per wait.

Bounds on the work an anonymous caller can cause, beyond the counts above
(`app/auth/login.py`): at most `login_source_concurrency` attempts of one address are being
checked at once (more get 429 at once), and at most `verify_concurrency` verifications run
at once per process; the rest wait up to `verify_wait_seconds`, then get 503 `busy`. So many
addresses together can make sign-in slow or busy, but cannot make it lock anyone out, and
cannot make the server do more than `verify_concurrency` verifications at a time.

What remains: someone behind the same address as an attacker (a shared NAT) waits like the
attacker's address; they get one check per wait, and the right secret wins it. A person
who needs more than that signs in through the organisation's OIDC provider.

The counts live in the database (`login_throttle`), so every worker process shares them.
The source is the ASGI client address, which `ennakko serve --proxy-headers` takes from the
trusted proxy's `X-Forwarded-For`.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import and_, delete, or_
from sqlmodel import Session, col, select

from app.auth.models import LoginThrottle
from app.core import upsert
from app.core.config import Settings
from app.core.db import utcnow
from app.core.errors import TooManyRequests

# Expired counts are removed at most this often per process, in a failure's transaction.
PURGE_EVERY_S = 60.0
_purged_at = 0.0


@dataclass(frozen=True)
class Rule:
    """How many failures are free, and how the wait after them grows."""

    free: int
    first_delay_s: int
    longest_s: int
    window_s: int

    def wait_after(self, failures: int) -> int | None:
        """Seconds to wait after the `failures`-th failure, or None while it is free."""
        beyond = failures - self.free
        if beyond < 0:
            return None
        return min(self.longest_s, self.first_delay_s * (1 << min(beyond, 30)))


def pair_rule(settings: Settings) -> Rule:
    return Rule(
        settings.login_max_failures,
        settings.login_first_delay_seconds,
        settings.login_lockout_seconds,
        settings.login_window_seconds,
    )


def source_rule(settings: Settings) -> Rule:
    return Rule(
        settings.login_source_max_failures,
        settings.login_first_delay_seconds,
        settings.login_lockout_seconds,
        settings.login_window_seconds,
    )


def _digest(value: str) -> str:
    # Keys stay short and the table holds no e-mail addresses.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt: which credential it claims (e-mail or client id) and from where."""

    kind: Literal["user", "client"]
    credential: str
    source: str

    @property
    def pair_key(self) -> str:
        return f"{self.kind}:{self.source[:100]}:{_digest(self.credential)}"

    @property
    def source_key(self) -> str:
        return f"source:{self.source[:100]}"

    def counters(self, settings: Settings) -> list[tuple[str, Rule]]:
        return [(self.pair_key, pair_rule(settings)), (self.source_key, source_rule(settings))]


def refuse_if_waiting(session: Session, keys: Sequence[str]) -> None:
    """429 with Retry-After while any of `keys` must wait; checks nothing else."""
    now = utcnow()
    entries = session.exec(select(LoginThrottle).where(col(LoginThrottle.key).in_(keys))).all()
    waits = [
        (entry.locked_until - now).total_seconds()
        for entry in entries
        if entry.locked_until is not None and entry.locked_until > now
    ]
    if waits:
        raise TooManyRequests(
            "Too many failed sign-ins from this address; try again later",
            retry_after=math.ceil(max(waits)),
        )


def record_failure(session: Session, counters: Sequence[tuple[str, Rule]]) -> None:
    """Count a failure on each counter; the caller raises an error that keeps this change."""
    now = utcnow()
    for key, rule in counters:
        entry = _locked_entry(session, key, now)
        if now - entry.first_failure_at > timedelta(seconds=rule.window_s):
            entry.failures, entry.first_failure_at, entry.locked_until = 0, now, None
        entry.failures += 1
        wait = rule.wait_after(entry.failures)
        if wait is not None:
            entry.locked_until = now + timedelta(seconds=wait)
        session.add(entry)
    session.flush()
    _purge_now_and_then(session, now, max(rule.window_s for _, rule in counters))


def _locked_entry(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The key's row, created if missing and locked for this transaction: failures of one
    address arrive concurrently on PostgreSQL, and none may be lost or fail on the insert."""
    insert = upsert.insert_or_ignore(
        upsert.dialect_name(session),
        LoginThrottle.__table__,  # type: ignore[attr-defined]
        ["key"],
    )
    session.execute(insert.values(key=key, failures=0, first_failure_at=now))
    statement = (
        select(LoginThrottle)
        .where(col(LoginThrottle.key) == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(statement).one()


def forget(session: Session, key: str) -> None:
    """The right secret was shown: this pair starts afresh."""
    entry = session.get(LoginThrottle, key)
    if entry is not None:
        session.delete(entry)
        session.flush()


def _purge_now_and_then(session: Session, now: datetime, window_s: int) -> None:
    """Counts whose window and wait are both over mean nothing any more."""
    global _purged_at
    if time.monotonic() - _purged_at < PURGE_EVERY_S:
        return
    _purged_at = time.monotonic()
    session.execute(
        delete(LoginThrottle).where(
            and_(
                col(LoginThrottle.first_failure_at) < now - timedelta(seconds=window_s),
                or_(
                    col(LoginThrottle.locked_until).is_(None),
                    col(LoginThrottle.locked_until) < now,
                ),
            )
        )
    )
