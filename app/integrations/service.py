"""Rules for webhook subscriptions and their delivery log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit
from app.auth.permissions import MANAGE_WEBHOOKS, ensure
from app.auth.principal import Principal
from app.core import lazy
from app.core.db import utcnow
from app.core.errors import NotFound, Unprocessable
from app.core.versioning import claim
from app.integrations import repository as repo
from app.integrations import signing
from app.integrations.models import (
    DeliveryAttempt,
    DeliveryStatus,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from app.integrations.schemas import WebhookCreate, WebhookUpdate
from app.organisations.service import visible_organisation


@dataclass(frozen=True)
class IssuedSubscription:
    subscription: WebhookSubscription
    secret: str


def check_target(url: str, *, allow_private: bool) -> None:
    """422 when `url` is not an allowed http(s) target (the SSRF rules)."""
    refusal: Callable[..., str | None] = lazy.load("app.integrations.ssrf").refusal
    reason = refusal(url, allow_private=allow_private)
    if reason is not None:
        raise Unprocessable(reason, code="url_refused", details={"url": url})


def _managed_org(session: Session, principal: Principal, organisation_id: str) -> None:
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    ensure(principal, organisation_id, MANAGE_WEBHOOKS, "manage webhooks")


def _audit(
    session: Session, principal: Principal, sub: WebhookSubscription, action: str, **data: object
) -> None:
    audit.changed(session, principal, f"webhook.{action}", sub, data=dict(data))


def create(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    data: WebhookCreate,
    allow_private: bool,
) -> IssuedSubscription:
    """Subscribe a URL to event types; the secret is returned only now."""
    _managed_org(session, principal, organisation_id)
    check_target(data.url, allow_private=allow_private)
    secret = signing.new_secret()
    sub = WebhookSubscription(
        organisation_id=organisation_id,
        url=data.url,
        secret=secret,
        events=list(data.events),
        description=data.description,
        is_active=data.is_active,
    )
    session.add(sub)
    session.flush()
    _audit(session, principal, sub, "created", url=sub.url, events=sub.events)
    return IssuedSubscription(sub, secret)


def list_for(
    session: Session, *, principal: Principal, organisation_id: str, limit: int, offset: int
) -> Sequence[WebhookSubscription]:
    """The organisation's subscriptions, oldest first."""
    _managed_org(session, principal, organisation_id)
    return repo.subscriptions_of(session, organisation_id, limit=limit, offset=offset)


def get(
    session: Session, *, principal: Principal, organisation_id: str, subscription_id: str
) -> WebhookSubscription:
    """One subscription of the organisation (404 across organisations)."""
    _managed_org(session, principal, organisation_id)
    sub = repo.subscription(session, subscription_id)
    if sub is None or sub.organisation_id != organisation_id:
        raise NotFound("Webhook subscription not found")
    return sub


def _claim(session: Session, sub: WebhookSubscription, expected: int) -> None:
    claim(session, sub, expected)


def update(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    subscription_id: str,
    expected_version: int,
    data: WebhookUpdate,
    allow_private: bool,
) -> WebhookSubscription:
    """Change the URL, event types, description or active flag (If-Match)."""
    sub = get(
        session,
        principal=principal,
        organisation_id=organisation_id,
        subscription_id=subscription_id,
    )
    changes = data.model_dump(exclude_unset=True)
    if "url" in changes:
        check_target(changes["url"], allow_private=allow_private)
    _claim(session, sub, expected_version)
    for name, value in changes.items():
        setattr(sub, name, value)
    session.add(sub)
    session.flush()
    _audit(session, principal, sub, "updated", changed=sorted(changes))
    return sub


def delete(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    subscription_id: str,
    expected_version: int,
) -> None:
    """Remove a subscription with its pending deliveries (If-Match)."""
    sub = get(
        session,
        principal=principal,
        organisation_id=organisation_id,
        subscription_id=subscription_id,
    )
    _claim(session, sub, expected_version)
    _audit(session, principal, sub, "deleted", url=sub.url)
    session.delete(sub)
    session.flush()


def rotate_secret(
    session: Session, *, principal: Principal, organisation_id: str, subscription_id: str
) -> IssuedSubscription:
    """Replace the signing secret; deliveries from now on use the new one."""
    sub = get(
        session,
        principal=principal,
        organisation_id=organisation_id,
        subscription_id=subscription_id,
    )
    _claim(session, sub, sub.version)
    sub.secret = signing.new_secret()
    session.add(sub)
    session.flush()
    _audit(session, principal, sub, "secret_rotated")
    return IssuedSubscription(sub, sub.secret)


def deliveries(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    subscription_id: str,
    status: DeliveryStatus | None,
    limit: int,
    offset: int,
) -> Sequence[tuple[WebhookDelivery, OutboxEvent]]:
    """The subscription's deliveries, newest first."""
    sub = get(
        session,
        principal=principal,
        organisation_id=organisation_id,
        subscription_id=subscription_id,
    )
    return repo.deliveries_of(session, sub.id, status=status, limit=limit, offset=offset)


def visible_delivery(
    session: Session, *, principal: Principal, delivery_id: str, lock: bool = False
) -> WebhookDelivery:
    """The delivery, 404 unless its subscription's organisation is visible to the caller."""
    found = repo.delivery(session, delivery_id, lock=lock)
    sub = repo.subscription(session, found.subscription_id) if found else None
    if found is None or sub is None or not principal.sees(sub.organisation_id):
        raise NotFound("Delivery not found")
    ensure(principal, sub.organisation_id, MANAGE_WEBHOOKS, "manage webhooks")
    return found


def attempts(
    session: Session, *, principal: Principal, delivery_id: str
) -> Sequence[DeliveryAttempt]:
    """Every attempt of a delivery, oldest first."""
    found = visible_delivery(session, principal=principal, delivery_id=delivery_id)
    return repo.attempts_of(session, found.id)


def redeliver(
    session: Session, *, principal: Principal, delivery_id: str
) -> tuple[WebhookDelivery, OutboxEvent]:
    """Queue the delivery again now, with a fresh attempt budget."""
    found = visible_delivery(session, principal=principal, delivery_id=delivery_id, lock=True)
    sub = repo.subscription(session, found.subscription_id)
    found.status, found.attempts, found.leased_by = DeliveryStatus.pending, 0, None
    found.next_attempt_at, found.delivered_at = utcnow(), None
    session.add(found)
    session.flush()
    event = session.get(OutboxEvent, found.event_id)
    assert sub is not None
    assert event is not None
    audit.changed(
        session,
        principal,
        "webhook.redelivery_requested",
        found,
        organisation_id=sub.organisation_id,
        data={"event_id": found.event_id, "subscription_id": sub.id},
    )
    return found, event
