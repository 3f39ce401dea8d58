"""Optimistic concurrency: strong ETags from versions, If-Match on every write.

The one home of a versioned write's HTTP rules: parsing If-Match (428 when absent, 412 when it
names no version), the statuses such a route documents, the ETag of the version it leaves, the
create-or-replace rule of PUTs, the details of a stale 412 and If-None-Match for 304s. Routers
take `Versioned` (or `MaybeVersioned`) and call `write.answer(version)`; services check and
claim with `check_version` and `claim`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Header, Response
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.core.db import utcnow
from app.core.errors import PreconditionFailed, PreconditionRequired, error_responses
from app.core.repository import claim_version

_ETAG = re.compile(r'^"v(\d{1,9})"$')
# What a route that writes under If-Match can answer, for its `responses=`.
VERSIONED_WRITE_ERRORS = error_responses(401, 403, 404, 409, 412, 422, 428)

Expected = TypeVar("Expected")


def etag(version: int) -> str:
    return f'"v{version}"'


def set_etag(response: Response, version: int) -> None:
    set_strong_etag(response, etag(version))


def set_strong_etag(response: Response, tag: str) -> None:
    """For resources whose ETag is not a version number (a content hash, quotes included)."""
    response.headers["ETag"] = tag


# If-None-Match in a route's documentation, for a route that reads the header itself (from
# `request.headers`, sparing FastAPI's per-parameter validation on a hot read).
IF_NONE_MATCH_DOCUMENTED = {
    "parameters": [
        {
            "in": "header",
            "name": "if-none-match",
            "required": False,
            "description": "An ETag read before: 304 Not Modified while it is current.",
            "schema": {"type": "string"},
        }
    ]
}


def names_tag(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match (one ETag or a comma-separated list) names `tag`: answer 304."""
    return if_none_match is not None and tag in [t.strip() for t in if_none_match.split(",")]


def required_if_match(if_match: str | None) -> str:
    """The If-Match value, stripped; 428 when the header is absent or blank."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired("This write needs an If-Match header with the ETag you read")
    return if_match.strip()


def matching_if_match(
    if_match: str | None, pattern: re.Pattern[str], *, what: str
) -> re.Match[str]:
    """If-Match matched against the resource's ETag form; 428 when absent, 412 when it names
    no version of `what` (e.g. "this resource")."""
    match = pattern.match(required_if_match(if_match))
    if match is None:
        raise PreconditionFailed(
            f"If-Match does not name a version of {what}", details={"if_match": if_match}
        )
    return match


# async: parsing a header needs no thread-pool hop
async def _if_match_version(
    if_match: Annotated[
        str | None,
        Header(description='The ETag you read, e.g. "v3". Required on every write.'),
    ] = None,
) -> int:
    return int(matching_if_match(if_match, _ETAG, what="this resource").group(1))


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


@dataclass(frozen=True, slots=True)
class VersionedWrite(Generic[Expected]):
    """A write route's If-Match (`expected`) and its response, which names the version the
    write leaves in its ETag."""

    expected: Expected
    response: Response

    def answer(self, version: int) -> None:
        set_etag(self.response, version)

    def answer_tag(self, tag: str) -> None:
        set_strong_etag(self.response, tag)


def _versioned(expected: IfMatch, response: Response) -> VersionedWrite[int]:
    return VersionedWrite(expected, response)


def _maybe_versioned(expected: OptionalIfMatch, response: Response) -> VersionedWrite[int | None]:
    return VersionedWrite(expected, response)


Versioned = Annotated[VersionedWrite[int], Depends(_versioned)]
# Create-or-replace (PUT): `expected` is None when the caller creates.
MaybeVersioned = Annotated[VersionedWrite[int | None], Depends(_maybe_versioned)]


def check_create_or_replace(
    *, exists: bool, expected: int | None, absent: str, present: str
) -> None:
    """A create-or-replace write names a version only to replace: If-Match on a resource that
    does not exist is a 412 (`absent` says so), none on one that exists a 428 (`present`)."""
    if not exists and expected is not None:
        raise PreconditionFailed(absent)
    if exists and expected is None:
        raise PreconditionRequired(present)


def stale_details(
    *, current_etag: str, changed_by: str | None, changed_at: datetime | None
) -> dict[str, Any]:
    """The `details` of a 412 for a stale If-Match: the current ETag and the last writer."""
    return {
        "current_etag": current_etag,
        "changed_by": changed_by,
        "changed_at": changed_at.isoformat() if changed_at else None,
    }


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
                **stale_details(
                    current_etag=etag(current), changed_by=changed_by, changed_at=changed_at
                ),
            },
        )


def claim(session: Session, entity: Any, expected: int, *, by: str | None = None) -> None:
    """Check If-Match and move `entity` to its next version, atomically (the one way to do it).

    A conditional UPDATE is the compare-and-swap; when another writer won in between, the
    entity is re-read so that the 412 names them. With `by`, the entity's `updated_by` and
    `updated_at` are stamped too, in the same statement: the entity is left with nothing
    to flush for it.
    """
    check_entity_version(entity, expected)
    stamp = {} if by is None else {"updated_at": utcnow(), "updated_by": by}
    if not claim_version(session, type(entity), entity.id, expected, stamp):
        session.refresh(entity)
        check_entity_version(entity, expected)
        raise PreconditionFailed(  # pragma: no cover - the refresh shows the winner
            "The resource was changed meanwhile", details={"current_version": entity.version}
        )
    for name, value in {"version": expected + 1, **stamp}.items():
        set_committed_value(entity, name, value)
    session.add(entity)


def check_entity_version(entity: Any, expected: int) -> None:
    """`check_version` against an entity's `version`, naming its `updated_by`/`updated_at`."""
    check_version(
        expected=expected,
        current=entity.version,
        changed_by=getattr(entity, "updated_by", None),
        changed_at=getattr(entity, "updated_at", None),
    )
