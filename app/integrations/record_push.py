"""Ahjo-style record push: an issued annex goes to the organisation's case system.

The push row is written in the annex's own transaction (like an outbox event) and sent by
the webhook worker; the case system answers later on the callback route with its record id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlmodel import Session

from app.audit import service as audit
from app.auth.permissions import ADMINISTER, ANSWER_PUSHES, READ_ANNEXES, ensure, ensure_visible
from app.auth.principal import SYSTEM, Principal
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, PreconditionFailed, PreconditionRequired
from app.core.versioning import claim
from app.integrations import repository as repo
from app.integrations import signing
from app.integrations.models import CaseSystemEndpoint, PushStatus, RecordPush
from app.integrations.schemas import CaseSystemPut, PushCallback
from app.integrations.service import check_target
from app.organisations.service import visible_organisation


class AnnexLike(Protocol):
    """What the annex service hands over; `files` holds (file_name, format_name, sha256, uri)."""

    id: str
    organisation_id: str
    draft_id: str
    title: str
    language: str
    publicity_class: str
    personal_data_class: str
    files: Sequence[tuple[str, str, str, str]]


def record_payload(annex: AnnexLike, record_type: str) -> dict[str, Any]:
    """The record in Ahjo's shape; FileURI is Ennakko's stable, authenticated annex URL."""
    return {
        "Title": annex.title,
        "Type": record_type,
        "Language": annex.language,
        "PublicityClass": annex.publicity_class,
        "PersonalDataClass": annex.personal_data_class,
        "Documents": [
            {
                "FileName": file_name,
                "FormatName": format_name,
                "HashAlgorithm": "sha256",
                "HashValue": sha256,
                "FileURI": uri,
            }
            for file_name, format_name, sha256, uri in annex.files
        ],
    }


def enqueue(session: Session, *, annex: AnnexLike) -> RecordPush | None:
    """Queue a push of `annex` when its organisation has an active case-system endpoint."""
    endpoint = repo.endpoint_of(session, annex.organisation_id)
    if endpoint is None or not endpoint.is_active:
        return None
    push = RecordPush(
        organisation_id=annex.organisation_id,
        endpoint_id=endpoint.id,
        annex_id=annex.id,
        draft_id=annex.draft_id,
        payload=record_payload(annex, endpoint.record_type),
    )
    session.add(push)
    session.flush()
    audit.changed(
        session,
        SYSTEM,
        "record_push.queued",
        push,
        data={"annex_id": annex.id, "endpoint_id": endpoint.id},
    )
    return push


@dataclass(frozen=True)
class EndpointResult:
    endpoint: CaseSystemEndpoint
    created: bool


def _administered(session: Session, principal: Principal, organisation_id: str) -> None:
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    ensure(principal, organisation_id, ADMINISTER, "configure the case system")


def get_endpoint(
    session: Session, *, principal: Principal, organisation_id: str
) -> CaseSystemEndpoint:
    """The organisation's case-system endpoint (administrators)."""
    _administered(session, principal, organisation_id)
    endpoint = repo.endpoint_of(session, organisation_id)
    if endpoint is None:
        raise NotFound("No case-system endpoint is configured")
    return endpoint


def put_endpoint(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    data: CaseSystemPut,
    expected_version: int | None,
    allow_private: bool,
) -> EndpointResult:
    """Create the endpoint (with a new secret) or replace its settings (If-Match)."""
    _administered(session, principal, organisation_id)
    check_target(data.url, allow_private=allow_private)
    endpoint = repo.endpoint_of(session, organisation_id)
    created = endpoint is None
    if endpoint is None:
        if expected_version is not None:
            raise PreconditionFailed("No case-system endpoint exists to match If-Match")
        endpoint = CaseSystemEndpoint(
            organisation_id=organisation_id, secret=signing.new_secret(), **data.model_dump()
        )
    else:
        if expected_version is None:
            raise PreconditionRequired("Replacing the endpoint needs If-Match")
        _claim(session, endpoint, expected_version)
        for name, value in data.model_dump().items():
            setattr(endpoint, name, value)
        endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.flush()
    audit.changed(
        session,
        principal,
        "case_system.created" if created else "case_system.updated",
        endpoint,
        data={"url": endpoint.url, "is_active": endpoint.is_active},
    )
    return EndpointResult(endpoint, created)


def _claim(session: Session, endpoint: CaseSystemEndpoint, expected: int) -> None:
    claim(session, endpoint, expected)


def visible_push(
    session: Session, *, principal: Principal, push_id: str, lock: bool = False
) -> RecordPush:
    """The push; 404 outside the caller's organisations, 403 without annex read rights."""
    push = repo.push(session, push_id, lock=lock)
    if push is None:
        raise NotFound("Record push not found")
    ensure_visible(principal, push.organisation_id, "Record push")
    ensure(principal, push.organisation_id, READ_ANNEXES, "read record pushes")
    return push


def record_callback(
    session: Session, *, principal: Principal, push_id: str, data: PushCallback
) -> RecordPush:
    """Record the case system's answer; repeating the same answer changes nothing."""
    push = visible_push(session, principal=principal, push_id=push_id, lock=True)
    ensure(principal, push.organisation_id, ANSWER_PUSHES, "answer record pushes")
    status = PushStatus.acknowledged if data.status == "accepted" else PushStatus.rejected
    if push.status in (PushStatus.acknowledged, PushStatus.rejected):
        if (push.status, push.external_record_id) == (status, data.external_record_id):
            return push
        raise Conflict("The case system has already answered this push", code="push_answered")
    push.status, push.external_record_id = status, data.external_record_id
    push.callback_message, push.acknowledged_at = data.message, utcnow()
    push.leased_by = None
    session.add(push)
    session.flush()
    audit.changed(
        session,
        principal,
        f"record_push.{status.value}",
        push,
        data={"annex_id": push.annex_id, "external_record_id": push.external_record_id},
    )
    return push
