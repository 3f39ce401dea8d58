"""Optimistic concurrency: strong ETags from versions, If-Match on every write."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Response
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.core.db import utcnow
from app.core.errors import PreconditionFailed, PreconditionRequired
from app.core.repository import claim_version

_ETAG = re.compile(r'^"v(\d{1,9})"$')


def etag(version: int) -> str:
    return f'"v{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


# async: parsing a header needs no thread-pool hop
async def _if_match_version(
    if_match: Annotated[
        str | None,
        Header(description='The ETag you read, e.g. "v3". Required on every write.'),
    ] = None,
) -> int:
    if if_match is None or not if_match.strip():
        raise PreconditionRequired("This write needs an If-Match header with the ETag you read")
    match = _ETAG.match(if_match.strip())
    if match is None:
        raise PreconditionFailed(
            "If-Match does not name a version of this resource", details={"if_match": if_match}
        )
    return int(match.group(1))


IfMatch = Annotated[int, Depends(_if_match_version)]


async def _optional_if_match_version(
    if_match: Annotated[
        str | None,
        Header(description='The ETag you read, e.g. "v3". Required when the resource exists.'),
    ] = None,
) -> int | None:
    if if_match is None or not if_match.strip():
        return None
    return await _if_match_version(if_match)


# For create-or-replace (PUT) routes: absent when creating, required when replacing.
OptionalIfMatch = Annotated[int | None, Depends(_optional_if_match_version)]


def check_version(
    *,
    expected: int,
    current: int,
    changed_by: str | None = None,
    changed_at: datetime | None = None,
) -> None:
    """Raise 412 naming the last writer when the caller's version is not the current one."""
    if expected != current:
        who = f" by {changed_by}" if changed_by else ""
        when = f" at {changed_at.isoformat()}" if changed_at else ""
        raise PreconditionFailed(
            f"The resource was changed{who}{when}; you have version {expected}, "
            f"the current one is {current}",
            details={
                "current_version": current,
                "current_etag": etag(current),
                "changed_by": changed_by,
                "changed_at": changed_at.isoformat() if changed_at else None,
            },
        )


def claim(session: Session, entity: Any, expected: int, *, by: str | None = None) -> None:
    """Check If-Match and move `entity` to its next version, atomically (the one way to do it).

    A conditional UPDATE is the compare-and-swap; when another writer won in between, the
    entity is re-read so that the 412 names them. With `by`, the entity's `updated_by` and
    `updated_at` are stamped too, in the same statement: the entity is left with nothing
    to flush for it.
    """
    _check(entity, expected)
    stamp = {} if by is None else {"updated_at": utcnow(), "updated_by": by}
    if not claim_version(session, type(entity), entity.id, expected, stamp):
        session.refresh(entity)
        _check(entity, expected)
        raise PreconditionFailed(  # pragma: no cover - the refresh shows the winner
            "The resource was changed meanwhile", details={"current_version": entity.version}
        )
    for name, value in {"version": expected + 1, **stamp}.items():
        set_committed_value(entity, name, value)
    session.add(entity)


def _check(entity: Any, expected: int) -> None:
    check_version(
        expected=expected,
        current=entity.version,
        changed_by=getattr(entity, "updated_by", None),
        changed_at=getattr(entity, "updated_at", None),
    )
