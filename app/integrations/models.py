"""Webhook subscriptions, the transactional outbox, deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, fk, id_field, timestamp_field


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"

    id: str = id_field()
    organisation_id: str = fk("organisation.id", cascade=True)
    url: str = Field(max_length=2000)
    # Kept readable: every delivery is signed with it (HMAC needs the secret itself).
    secret: str = Field(max_length=200)
    events: list[str] = Field(sa_column=Column(JSON, nullable=False))
    is_active: bool = Field(default=True, nullable=False)
    description: str = Field(default="", max_length=300)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()


class OutboxEvent(SQLModel, table=True):
    """An event written in the same transaction as the change it announces."""

    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_org_seq", "organisation_id", "occurred_at"),)

    id: str = id_field()
    organisation_id: str = Field(max_length=36)
    event: str = Field(max_length=60)
    resource: str = Field(max_length=40)
    resource_id: str = Field(max_length=36)
    version: int
    occurred_at: datetime = created_at_field()


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_order", "subscription_id", "resource_id", "seq"),
        Index("ix_webhook_delivery_listing", "subscription_id", "created_at"),
    )

    id: str = id_field()
    # The delivery's number among its subscription's deliveries about the same resource.
    seq: int
    event_id: str = fk("outbox_event.id", cascade=True)
    subscription_id: str = fk("webhook_subscription.id", cascade=True, index=False)
    resource_id: str = Field(max_length=36)
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.pending)
    attempts: int = 0
    next_attempt_at: datetime = created_at_field()
    # The worker holding the lease; its outcome is only recorded while it still holds it.
    leased_by: str | None = Field(default=None, max_length=100)
    last_status_code: int | None = None
    delivered_at: datetime | None = timestamp_field(nullable=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = created_at_field()


class DeliveryAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"

    id: str = id_field()
    delivery_id: str = fk("webhook_delivery.id", cascade=True)
    attempted_at: datetime = created_at_field()
    status_code: int | None = None
    latency_ms: float
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    worker: str = Field(default="", max_length=100)


class CaseSystemEndpoint(SQLModel, table=True):
    """Where an organisation's case-management system takes records (Ahjo-style push)."""

    __tablename__ = "case_system_endpoint"

    id: str = id_field()
    organisation_id: str = Field(
        foreign_key="organisation.id", ondelete="CASCADE", unique=True, max_length=36
    )
    url: str = Field(max_length=2000)
    # Sent as a bearer token to the case system; the secret signs each push like a webhook.
    auth_token: str | None = Field(default=None, max_length=2000)
    secret: str = Field(max_length=200)
    record_type: str = Field(max_length=100)
    is_active: bool = Field(default=True, nullable=False)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class PushStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    acknowledged = "acknowledged"
    rejected = "rejected"
    failed = "failed"


class RecordPush(SQLModel, table=True):
    """One annex record sent to a case system, and what the case system answered."""

    __tablename__ = "record_push"
    __table_args__ = (Index("ix_record_push_due", "status", "next_attempt_at"),)

    id: str = id_field()
    organisation_id: str = fk("organisation.id", cascade=True)
    endpoint_id: str = fk("case_system_endpoint.id", cascade=True)
    annex_id: str = Field(max_length=36, index=True)
    draft_id: str = Field(max_length=36)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: PushStatus = enum_field(PushStatus, default=PushStatus.pending)
    attempts: int = 0
    next_attempt_at: datetime = created_at_field()
    leased_by: str | None = Field(default=None, max_length=100)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    external_record_id: str | None = Field(default=None, max_length=200)
    callback_message: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = timestamp_field(nullable=True)
    acknowledged_at: datetime | None = timestamp_field(nullable=True)


class WorkerHeartbeat(SQLModel, table=True):
    """A delivery worker's sign of life: readiness tells a stalled queue from a busy one."""

    __tablename__ = "worker_heartbeat"
    worker_id: str = Field(primary_key=True, max_length=100)
    pid: int
    started_at: datetime = created_at_field()
    beat_at: datetime = timestamp_field(index=True)
