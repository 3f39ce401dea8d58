"""Emitting events: one outbox row and one delivery per matching subscription, in the caller's
transaction, so an event exists exactly when its change was committed.

A delivery's `seq` numbers it among the deliveries of the same subscription and resource:
that is the only order the worker keeps (a resource's events reach a receiver in the order
they were committed), so it is the only order numbered. The next number is read from the
(subscription, resource, seq) index under the writer's own lock on the resource (the
version claim), never from a counter that every write of every organisation would read or
wait on. Two transactions that hold no common lock may draw the same number: they were
concurrent, neither order is wrong, and the worker delivers both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Insert, bindparam, func, insert, type_coerce
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from app.core.db import utcnow
from app.core.models import new_id
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


_SUBSCRIPTION = WebhookSubscription.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboxEvent.__table__  # type: ignore[attr-defined]


def _subscriptions_as_json(dialect: str) -> Any:
    """[[id, events], ...] of the organisation's active subscriptions as one JSON value (NULL
    on PostgreSQL when there are none), in the database's own spelling."""
    if dialect == "sqlite":
        item = func.json_array(_SUBSCRIPTION.c.id, func.json(_SUBSCRIPTION.c.events))
        aggregate = func.json_group_array(item)
    else:
        aggregate = func.json_agg(func.json_build_array(_SUBSCRIPTION.c.id, _SUBSCRIPTION.c.events))
    return type_coerce(
        core_select(aggregate)
        .where(
            _SUBSCRIPTION.c.organisation_id == bindparam("subscribers_of"),
            _SUBSCRIPTION.c.is_active.is_(True),
        )
        .scalar_subquery(),
        JSON(),
    )


# Built once per dialect: the outbox row, a plain INSERT of plain values (no model, no unit
# of work: the row is written once and never changes here), which returns the organisation's
# active subscriptions, so that no statement of its own reads them.
@functools.cache
def _insert_outbox(dialect: str) -> Insert:
    return insert(_OUTBOX).returning(_subscriptions_as_json(dialect))


_INSERT_DELIVERY = insert(WebhookDelivery.__table__)  # type: ignore[attr-defined]
_LAST_SEQS = (
    core_select(col(WebhookDelivery.subscription_id), func.max(WebhookDelivery.seq))
    .where(
        col(WebhookDelivery.resource_id) == bindparam("resource_id"),
        col(WebhookDelivery.subscription_id).in_(bindparam("subscription_ids", expanding=True)),
    )
    .group_by(col(WebhookDelivery.subscription_id))
)


@dataclass(frozen=True, slots=True)
class Emitted:
    """The outbox row an `emit` wrote."""

    id: str
    occurred_at: datetime


def emit(
    session: Session,
    *,
    organisation_id: str,
    event: str,
    resource: str,
    resource_id: str,
    version: int,
) -> Emitted:
    """Record `event` for `resource_id` at `version`."""
    if event not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event}")
    outbox = Emitted(new_id(), utcnow())
    statement = _insert_outbox(session.get_bind().dialect.name)
    values = {
        "id": outbox.id,
        "organisation_id": organisation_id,
        "event": event,
        "resource": resource,
        "resource_id": resource_id,
        "version": version,
        "occurred_at": outbox.occurred_at,
        "subscribers_of": organisation_id,
    }
    subscriptions = session.connection().execute(statement, values).scalar_one() or []
    matching = [str(found) for found, events in subscriptions if event in events]
    if matching:
        _deliver(session, outbox, resource_id, matching)
    return outbox


def _deliver(
    session: Session, outbox: Emitted, resource_id: str, subscription_ids: list[str]
) -> None:
    """One delivery per matching subscription, numbered after its last one for the resource."""
    found = session.execute(
        _LAST_SEQS, {"resource_id": resource_id, "subscription_ids": subscription_ids}
    )
    last = {str(subscription_id): seq for subscription_id, seq in found}
    rows = [
        WebhookDelivery(
            seq=int(last.get(subscription_id) or 0) + 1,
            event_id=outbox.id,
            subscription_id=subscription_id,
            resource_id=resource_id,
            next_attempt_at=outbox.occurred_at,
        ).model_dump()
        for subscription_id in subscription_ids
    ]
    session.execute(_INSERT_DELIVERY, rows)
