"""Emitting events: one outbox row and one delivery per matching subscription, in the caller's
transaction, so an event exists exactly when its change was committed."""

from __future__ import annotations

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, col, select

from app.integrations.models import OutboxEvent, WebhookDelivery, WebhookSubscription

EVENT_TYPES = (
    "draft.created",
    "draft.updated",
    "draft.screened",
    "assessment.updated",
    "review.requested",
    "signoff.approved",
    "signoff.changes_requested",
    "signoff.stale",
    "draft.approved",
    "annex.issued",
    "meeting.outcome_recorded",
)


_ACTIVE_SUBSCRIPTIONS = select(WebhookSubscription.id, WebhookSubscription.events).where(
    col(WebhookSubscription.organisation_id) == bindparam("organisation_id"),
    col(WebhookSubscription.is_active).is_(True),
)


_INSERT_OUTBOX = insert(OutboxEvent.__table__)  # type: ignore[attr-defined]  # Core, not ORM


def emit(
    session: Session,
    *,
    organisation_id: str,
    event: str,
    resource: str,
    resource_id: str,
    version: int,
) -> OutboxEvent:
    """Record `event` for `resource_id` at `version`."""
    if event not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event}")
    outbox = OutboxEvent(
        organisation_id=organisation_id,
        event=event,
        resource=resource,
        resource_id=resource_id,
        version=version,
    )
    # a plain INSERT, no unit of work: the row is written once and never changes here
    session.execute(_INSERT_OUTBOX, outbox.model_dump())
    subscriptions = session.execute(
        _ACTIVE_SUBSCRIPTIONS, {"organisation_id": organisation_id}
    ).all()
    matching = [subscription_id for subscription_id, events in subscriptions if event in events]
    if matching:
        seq = int(session.exec(select(func.coalesce(func.max(WebhookDelivery.seq), 0))).one())
        for offset, subscription_id in enumerate(matching, start=1):
            session.add(
                WebhookDelivery(
                    seq=seq + offset,
                    event_id=outbox.id,
                    subscription_id=subscription_id,
                    resource_id=resource_id,
                    next_attempt_at=outbox.occurred_at,
                )
            )
        session.flush()
    return outbox
