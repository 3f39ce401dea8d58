"""API steps shared by the integration tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from app.core.db import transaction
from app.integrations import events
from app.integrations.models import DeliveryStatus, WebhookDelivery
from tests.factories import Person


def subscribe(
    api: TestClient,
    person: Person,
    organisation_id: str,
    url: str,
    events_: list[str] | None = None,
) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/organisations/{organisation_id}/webhooks",
        json={"url": url, "events": events_ or list(events.EVENT_TYPES), "description": "test"},
        headers=person.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def emit(organisation_id: str, resource_id: str, version: int, event: str = "draft.updated") -> str:
    with transaction() as session:
        outbox = events.emit(
            session,
            organisation_id=organisation_id,
            event=event,
            resource="draft",
            resource_id=resource_id,
            version=version,
        )
    return outbox.id


def deliveries_of(subscription_id: str) -> list[WebhookDelivery]:
    with transaction() as session:
        return list(
            session.exec(
                select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
            ).all()
        )


def all_delivered(subscription_id: str) -> bool:
    rows = deliveries_of(subscription_id)
    return bool(rows) and all(d.status is DeliveryStatus.delivered for d in rows)
