"""Request and response bodies for webhooks, deliveries, case-system endpoints and pushes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from app.core.schemas import InputModel, ReadModel
from app.integrations.events import EVENT_TYPES
from app.integrations.models import DeliveryStatus, PushStatus

Url = Annotated[str, StringConstraints(min_length=8, max_length=2000)]
EventType = Annotated[str, Field(json_schema_extra={"enum": list(EVENT_TYPES)})]
Description = Annotated[str, StringConstraints(max_length=300)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
RecordType = Annotated[str, StringConstraints(min_length=1, max_length=100)]
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Message = Annotated[str, StringConstraints(max_length=2000)]
DEFAULT_RECORD_TYPE = "Vaikutusten ennakkoarviointi"


def _check_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = sorted(set(value) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event types: {', '.join(unknown)}")
    if len(set(value)) != len(value):
        raise ValueError("each event type once")
    return value


class WebhookCreate(InputModel):
    url: Url = Field(description="http(s) URL; private and loopback targets are refused")
    events: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: Description = ""
    is_active: bool = True

    _events = field_validator("events")(_check_events)


class WebhookUpdate(InputModel):
    url: Url | None = None
    events: list[EventType] | None = Field(default=None, min_length=1, max_length=len(EVENT_TYPES))
    description: Description | None = None
    is_active: bool | None = None

    _events = field_validator("events")(_check_events)

    @model_validator(mode="after")
    def _no_nulls(self) -> WebhookUpdate:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class WebhookRead(ReadModel):
    id: str
    organisation_id: str
    url: str
    events: list[str]
    description: str
    is_active: bool
    version: int
    created_at: datetime


class WebhookWithSecret(WebhookRead):
    secret: str = Field(description="Signs every delivery. Shown only in this response.")


class DeliveryRead(ReadModel):
    id: str
    subscription_id: str
    event_id: str
    event: str
    resource: str
    resource_id: str
    version: int
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class AttemptRead(ReadModel):
    id: str
    delivery_id: str
    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None
    worker: str


class CaseSystemPut(InputModel):
    url: Url = Field(description="Where records are POSTed; private targets are refused")
    auth_token: Token | None = Field(
        default=None, description="Sent as `Authorization: Bearer …` with every push"
    )
    record_type: RecordType = DEFAULT_RECORD_TYPE
    is_active: bool = True


class CaseSystemRead(ReadModel):
    id: str
    organisation_id: str
    url: str
    has_auth_token: bool
    record_type: str
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class CaseSystemWithSecret(CaseSystemRead):
    secret: str | None = Field(
        default=None, description="Signs every push like a webhook. Shown only on creation."
    )


class RecordPushRead(ReadModel):
    id: str
    organisation_id: str
    annex_id: str
    draft_id: str
    status: PushStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    external_record_id: str | None
    callback_message: str | None
    payload: dict[str, Any]
    created_at: datetime
    sent_at: datetime | None
    acknowledged_at: datetime | None


class PushCallback(InputModel):
    """The case system's answer to a push."""

    status: Literal["accepted", "rejected"]
    external_record_id: RecordId | None = None
    message: Message = ""

    @model_validator(mode="after")
    def _record_id_when_accepted(self) -> PushCallback:
        if self.status == "accepted" and not self.external_record_id:
            raise ValueError("external_record_id is required when the record was accepted")
        return self
