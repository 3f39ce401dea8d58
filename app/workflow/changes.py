"""The one place a change to a draft, or to something hanging off it, is recorded: the audit
entry, the outbox event for webhooks, and the content-change announcement, in that order and
in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.integrations import events
from app.workflow import listeners
from app.workflow.listeners import NOTHING_LOADED, ContentScope, Loaded
from app.workflow.states import Subject


@dataclass(frozen=True)
class Entity:
    """What an audit entry or an event is about, when it is not the draft itself."""

    type: str
    id: str
    version: int | None


def record(
    session: Session,
    *,
    actor: Principal,
    draft: Subject,
    action: str,
    data: dict[str, Any] | None = None,
    entity: Entity | None = None,
    event: str | None = None,
    resource: Entity | None = None,
    changed: Iterable[ContentScope] = (),
    loaded: Loaded = NOTHING_LOADED,
) -> None:
    """Audit `action` on `entity` (the draft by default); emit `event` about `resource` (the
    draft by default); announce that the `changed` parts of the draft's content changed, with
    what the caller has `loaded` already, so that listeners do not read it again."""
    target = entity or Entity("draft", draft.id, draft.version)
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=target.type,
        entity_id=target.id,
        organisation_id=draft.organisation_id,
        version=target.version,
        data=data,
    )
    if event is not None:
        about = resource or Entity("draft", draft.id, draft.version)
        emit(session, draft=draft, event=event, resource=about)
    scopes = frozenset(changed)
    if scopes:
        listeners.announce(session, draft=draft, actor=actor, scopes=scopes, loaded=loaded)


def emit(session: Session, *, draft: Subject, event: str, resource: Entity | None = None) -> None:
    """An outbox event alone (the audit entry was written with another action)."""
    about = resource or Entity("draft", draft.id, draft.version)
    events.emit(
        session,
        organisation_id=draft.organisation_id,
        event=event,
        resource=about.type,
        resource_id=about.id,
        version=about.version or 0,
    )
