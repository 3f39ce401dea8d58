"""Every query about webhooks, deliveries, case-system endpoints and record pushes."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Row, bindparam, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, func, select

from app.integrations import batch_pg
from app.integrations.models import (
    CaseSystemEndpoint,
    DeliveryAttempt,
    DeliveryStatus,
    OutboxEvent,
    PushStatus,
    RecordPush,
    WebhookDelivery,
    WebhookSubscription,
    WorkerHeartbeat,
)

_FORGET = timedelta(days=1)


def subscription(session: Session, subscription_id: str) -> WebhookSubscription | None:
    return session.get(WebhookSubscription, subscription_id)


def subscriptions_of(
    session: Session, organisation_id: str, *, limit: int, offset: int
) -> Sequence[WebhookSubscription]:
    return session.exec(
        select(WebhookSubscription)
        .where(WebhookSubscription.organisation_id == organisation_id)
        .order_by(col(WebhookSubscription.created_at), col(WebhookSubscription.id))
        .limit(limit)
        .offset(offset)
    ).all()


def delivery(session: Session, delivery_id: str, *, lock: bool = False) -> WebhookDelivery | None:
    return session.get(WebhookDelivery, delivery_id, with_for_update=lock)


def deliveries_of(
    session: Session,
    subscription_id: str,
    *,
    status: DeliveryStatus | None,
    limit: int,
    offset: int,
) -> Sequence[tuple[WebhookDelivery, OutboxEvent]]:
    """Newest first, with the event each one carries."""
    query = (
        select(WebhookDelivery, OutboxEvent)
        .join(OutboxEvent, col(OutboxEvent.id) == col(WebhookDelivery.event_id))
        .where(WebhookDelivery.subscription_id == subscription_id)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return session.exec(
        query.order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.seq).desc())
        .limit(limit)
        .offset(offset)
    ).all()


def attempts_of(session: Session, delivery_id: str) -> Sequence[DeliveryAttempt]:
    return session.exec(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(col(DeliveryAttempt.attempted_at), col(DeliveryAttempt.id))
    ).all()


def _due_deliveries_query() -> Any:
    """Due pending deliveries with no earlier pending one for the same subscription+resource
    (binds `now`, `limit`); built once, as the worker runs it many times a second."""
    earlier = aliased(WebhookDelivery)
    blocked = (
        select(earlier.id)
        .where(
            earlier.subscription_id == WebhookDelivery.subscription_id,
            earlier.resource_id == WebhookDelivery.resource_id,
            earlier.status == DeliveryStatus.pending,
            earlier.seq < WebhookDelivery.seq,
        )
        .exists()
    )
    return (
        core_select(
            col(WebhookDelivery.id).label("delivery_id"),
            (col(WebhookDelivery.attempts) + 1).label("attempt"),
            col(WebhookSubscription.url).label("url"),
            col(WebhookSubscription.secret).label("secret"),
            col(OutboxEvent.id).label("id"),
            col(OutboxEvent.event).label("event"),
            col(OutboxEvent.resource).label("resource"),
            col(OutboxEvent.resource_id).label("resource_id"),
            col(OutboxEvent.version).label("version"),
            col(OutboxEvent.occurred_at).label("occurred_at"),
        )
        .join(
            WebhookSubscription, col(WebhookSubscription.id) == col(WebhookDelivery.subscription_id)
        )
        .join(OutboxEvent, col(OutboxEvent.id) == col(WebhookDelivery.event_id))
        .where(
            col(WebhookDelivery.status) == DeliveryStatus.pending,
            col(WebhookDelivery.next_attempt_at) <= bindparam("now"),
            col(WebhookSubscription.is_active).is_(True),
            ~blocked,
        )
        # oldest due first; `seq` orders only within a subscription and resource
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.seq))
        .limit(bindparam("limit", type_=Integer))
    )


_DUE = _due_deliveries_query()
_DUE_SKIP_LOCKED = _DUE.with_for_update(skip_locked=True, of=WebhookDelivery)
# Core statements on the tables (not the ORM's bulk paths): the worker's hot loop.
_DELIVERY_TABLE = WebhookDelivery.__table__  # type: ignore[attr-defined]
_LEASE = (
    update(_DELIVERY_TABLE)
    .where(col(WebhookDelivery.id).in_(bindparam("ids", expanding=True)))
    .values(
        attempts=col(WebhookDelivery.attempts) + 1,
        next_attempt_at=bindparam("until"),
        leased_by=bindparam("worker_id"),
    )
)
_ADD_ATTEMPTS = insert(DeliveryAttempt.__table__)  # type: ignore[attr-defined]


_CLAIM_PG = batch_pg.claim_statement(_DUE_SKIP_LOCKED)


def claim_deliveries(
    session: Session, *, now: datetime, limit: int, worker_id: str, until: datetime, postgres: bool
) -> Sequence[Row[Any]]:
    """Claim and lease up to `limit` due pending deliveries with no earlier pending one for the
    same subscription+resource: each row's attempt counted, leased to the worker until `until`.
    Plain rows (no ORM objects): `delivery_id`, `attempt` (the one now being made), `url`,
    `secret` and the event's (`id`, `event`, `resource`, `resource_id`, `version`,
    `occurred_at`).

    On PostgreSQL one statement (rows another worker is claiming right now are passed over
    instead of waited for); elsewhere a select, then one UPDATE for the batch.
    """
    params = {"now": now, "limit": limit, "until": until, "worker_id": worker_id}
    if postgres:
        return batch_pg.claim(session.connection(), _CLAIM_PG, params)
    due = session.connection().execute(_DUE, params).all()
    if due:
        session.connection().execute(
            _LEASE,
            {"ids": [row.delivery_id for row in due], "until": until, "worker_id": worker_id},
        )
    return due


def record_deliveries_pg(
    session: Session, outcomes: Sequence[dict[str, Any]], *, worker_id: str, now: datetime
) -> set[str]:
    """PostgreSQL: a batch's attempt rows and results in one statement (see `batch_pg`)."""
    return batch_pg.record(session.connection(), outcomes, worker_id=worker_id, now=now)


def add_attempts(session: Session, attempts: Sequence[dict[str, Any]]) -> None:
    """The attempt rows of a round, in one multi-row INSERT."""
    if attempts:
        session.connection().execute(_ADD_ATTEMPTS, list(attempts))


def settle_deliveries(
    session: Session,
    delivery_ids: Sequence[str],
    *,
    worker_id: str,
    attempt: int,
    values: dict[str, Any],
) -> set[str]:
    """Apply `values` to the deliveries this worker still holds at `attempt` (leased to it, still
    pending): one guarded UPDATE instead of a locked read per row. The ids it changed."""
    if not delivery_ids:
        return set()
    params = {f"set_{name}": value for name, value in values.items()}
    changed = session.connection().execute(
        _settle_statement(tuple(sorted(values))),
        params | {"ids": list(delivery_ids), "worker_id": worker_id, "attempt": attempt},
    )
    return set(changed.scalars().all())


@functools.cache
def _settle_statement(names: tuple[str, ...]) -> Any:
    """The guarded UPDATE setting `names` (bound as `set_<name>`), built once per set."""
    return (
        update(_DELIVERY_TABLE)
        .where(
            col(WebhookDelivery.id).in_(bindparam("ids", expanding=True)),
            col(WebhookDelivery.leased_by) == bindparam("worker_id"),
            col(WebhookDelivery.attempts) == bindparam("attempt"),
            col(WebhookDelivery.status) == DeliveryStatus.pending,
        )
        .values(leased_by=None, **{name: bindparam(f"set_{name}") for name in names})
        .returning(col(WebhookDelivery.id))
    )


def due_pushes(
    session: Session, *, now: datetime, limit: int, skip_locked: bool
) -> Sequence[tuple[RecordPush, CaseSystemEndpoint]]:
    query: Any = (
        select(RecordPush, CaseSystemEndpoint)
        .join(CaseSystemEndpoint, col(CaseSystemEndpoint.id) == col(RecordPush.endpoint_id))
        .where(
            RecordPush.status == PushStatus.pending,
            col(RecordPush.next_attempt_at) <= now,
            CaseSystemEndpoint.is_active == True,  # noqa: E712
        )
        .order_by(col(RecordPush.created_at))
        .limit(limit)
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True, of=RecordPush)
    return session.exec(query).all()  # type: ignore[no-any-return]


def endpoint_of(session: Session, organisation_id: str) -> CaseSystemEndpoint | None:
    return session.exec(
        select(CaseSystemEndpoint).where(CaseSystemEndpoint.organisation_id == organisation_id)
    ).first()


def push(session: Session, push_id: str, *, lock: bool = False) -> RecordPush | None:
    return session.get(RecordPush, push_id, with_for_update=lock)


def oldest_due_at(session: Session, *, now: datetime) -> datetime | None:
    """When the longest-waiting due delivery or record push became due (None: none is due)."""
    delivery = session.exec(
        select(func.min(WebhookDelivery.next_attempt_at))
        .join(
            WebhookSubscription, col(WebhookSubscription.id) == col(WebhookDelivery.subscription_id)
        )
        .where(
            WebhookDelivery.status == DeliveryStatus.pending,
            col(WebhookDelivery.next_attempt_at) <= now,
            WebhookSubscription.is_active == True,  # noqa: E712
        )
    ).one()
    push = session.exec(
        select(func.min(RecordPush.next_attempt_at))
        .join(CaseSystemEndpoint, col(CaseSystemEndpoint.id) == col(RecordPush.endpoint_id))
        .where(
            RecordPush.status == PushStatus.pending,
            col(RecordPush.next_attempt_at) <= now,
            CaseSystemEndpoint.is_active == True,  # noqa: E712
        )
    ).one()
    due = [moment for moment in (delivery, push) if moment is not None]
    return min(due) if due else None


def last_heartbeat_at(session: Session) -> datetime | None:
    return session.exec(select(func.max(WorkerHeartbeat.beat_at))).one()


def heartbeat(session: Session, *, worker_id: str, pid: int, now: datetime) -> None:
    """Record a worker's sign of life (and forget workers silent for a day)."""
    row = session.get(WorkerHeartbeat, worker_id)
    if row is None:
        row = WorkerHeartbeat(worker_id=worker_id, pid=pid, started_at=now, beat_at=now)
        session.exec(delete(WorkerHeartbeat).where(col(WorkerHeartbeat.beat_at) < now - _FORGET))
    row.beat_at = now
    session.add(row)


def forget_heartbeat(session: Session, worker_id: str) -> None:
    session.exec(delete(WorkerHeartbeat).where(col(WorkerHeartbeat.worker_id) == worker_id))
