"""Webhook subscriptions, the transactional outbox, deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

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
    )

    id: str = id_field()
    seq: int = Field(index=True)
    event_id: str = fk("outbox_event.id", cascade=True)
    subscription_id: str = fk("webhook_subscription.id", cascade=True, index=False)
    resource_id: str = Field(max_length=36)
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.pending)
    attempts: int = 0
    next_attempt_at: datetime = created_at_field()
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
