"""Forms posted after the browser session lapsed: kept, and given back after the sign-in.

The web layer signs the stash id into a cookie; this module keeps the rows. A stash lives
`STASH_TTL` at most and is handed only to the person whose lapsed session posted it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session

from app.auth.models import FormStash
from app.core.db import utcnow

STASH_TTL = timedelta(hours=2)
# The posted fields kept at most (the matrix page has fewer than 400 controls).
MAX_FIELDS = 2_000
MAX_BYTES = 1_000_000


def keep_form(
    session: Session, *, subject: str, path: str, fields: Sequence[tuple[str, str]]
) -> str | None:
    """Store the posted fields; the stash id, or None when the form is too large to keep."""
    body = json.dumps([[name, value] for name, value in fields[:MAX_FIELDS]])
    if len(fields) > MAX_FIELDS or len(body) > MAX_BYTES or len(path) > 300:
        return None
    session.exec(delete(FormStash).where(FormStash.created_at < utcnow() - STASH_TTL))  # type: ignore[arg-type]
    stash = FormStash(id=secrets.token_urlsafe(32), subject=subject[:200], path=path, body=body)
    session.add(stash)
    session.flush()
    return stash.id


def kept_form(
    session: Session, *, stash_id: str, subject: str, path: str
) -> list[tuple[str, str]] | None:
    """The fields kept for this person and page, None when there are none (or they lapsed)."""
    stash = session.get(FormStash, stash_id)
    if (
        stash is None
        or stash.subject != subject
        or stash.path != path
        or stash.created_at < utcnow() - STASH_TTL
    ):
        return None
    return [(str(name), str(value)) for name, value in json.loads(stash.body)]
