"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import MANAGE_WEBHOOKS
from app.core.config import Settings
from app.core.errors import error_responses
from app.core.idempotency import IDEMPOTENT, CapturingRoute
from app.core.pagination import Paging
from app.core.versioning import VERSIONED_WRITE_ERRORS, IfMatch, set_etag
from app.integrations import service
from app.integrations.models import DeliveryStatus, OutboxEvent, WebhookDelivery
from app.integrations.schemas import (
    AttemptRead,
    DeliveryRead,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
)

router = APIRouter(prefix="/api/v1", tags=["integrations"], route_class=CapturingRoute)
BASE = "/organisations/{organisation_id}/webhooks"
READ_ERRORS = error_responses(401, 403, 404, 422)


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]


def _with_secret(issued: service.IssuedSubscription) -> WebhookWithSecret:
    read = WebhookRead.model_validate(issued.subscription)
    return WebhookWithSecret(**read.model_dump(), secret=issued.secret)


def delivery_read(delivery: WebhookDelivery, event: OutboxEvent) -> DeliveryRead:
    return DeliveryRead(
        **delivery.model_dump(exclude={"seq", "leased_by"}),
        event=event.event,
        resource=event.resource,
        version=event.version,
    )


@router.post(
    BASE,
    status_code=201,
    response_model=WebhookWithSecret,
    summary="Subscribe to events",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(MANAGE_WEBHOOKS), *IDEMPOTENT],
)
def create_webhook(
    organisation_id: str,
    data: WebhookCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    settings: AppSettings,
    response: Response,
) -> WebhookWithSecret:
    """Create a subscription; its signing secret is shown only in this response."""
    issued = service.create(
        session,
        principal=principal,
        organisation_id=organisation_id,
        data=data,
        allow_private=settings.webhook_allow_private_targets,
    )
    set_etag(response, issued.subscription.version)
    response.headers["Location"] = (
        f"/api/v1/organisations/{organisation_id}/webhooks/{issued.subscription.id}"
    )
    return _with_secret(issued)


@router.get(
    BASE,
    response_model=list[WebhookRead],
    summary="List subscriptions",
    responses=READ_ERRORS,
    dependencies=[RequireScope(MANAGE_WEBHOOKS)],
)
def list_webhooks(
    organisation_id: str, session: DbSession, principal: CurrentPrincipal, page: Paging
) -> list[WebhookRead]:
    """The organisation's webhook subscriptions (without secrets)."""
    subs = service.list_for(
        session,
        principal=principal,
        organisation_id=organisation_id,
        limit=page.limit,
        offset=page.offset,
    )
    return [WebhookRead.model_validate(s) for s in subs]


@router.get(
    BASE + "/{webhook_id}",
    response_model=WebhookRead,
    summary="Get a subscription",
    responses=READ_ERRORS,
    dependencies=[RequireScope(MANAGE_WEBHOOKS)],
)
def get_webhook(
    organisation_id: str,
    webhook_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> WebhookRead:
    """One subscription; the ETag is its version."""
    sub = service.get(
        session, principal=principal, organisation_id=organisation_id, subscription_id=webhook_id
    )
    set_etag(response, sub.version)
    return WebhookRead.model_validate(sub)


@router.patch(
    BASE + "/{webhook_id}",
    response_model=WebhookRead,
    summary="Update a subscription",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(MANAGE_WEBHOOKS)],
)
def update_webhook(
    organisation_id: str,
    webhook_id: str,
    data: WebhookUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    settings: AppSettings,
    if_match: IfMatch,
    response: Response,
) -> WebhookRead:
    """Change URL, event types, description or active flag (If-Match required)."""
    sub = service.update(
        session,
        principal=principal,
        organisation_id=organisation_id,
        subscription_id=webhook_id,
        expected_version=if_match,
        data=data,
        allow_private=settings.webhook_allow_private_targets,
    )
    set_etag(response, sub.version)
    return WebhookRead.model_validate(sub)


@router.delete(
    BASE + "/{webhook_id}",
    status_code=204,
    summary="Delete a subscription",
    responses=VERSIONED_WRITE_ERRORS,
    dependencies=[RequireScope(MANAGE_WEBHOOKS)],
)
def delete_webhook(
    organisation_id: str,
    webhook_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    if_match: IfMatch,
) -> Response:
    """Delete the subscription and its undelivered events (If-Match required)."""
    service.delete(
        session,
        principal=principal,
        organisation_id=organisation_id,
        subscription_id=webhook_id,
        expected_version=if_match,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    BASE + "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    summary="Rotate a subscription's secret",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(MANAGE_WEBHOOKS), *IDEMPOTENT],
)
def rotate_webhook_secret(
    organisation_id: str,
    webhook_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> WebhookWithSecret:
    """Issue a new signing secret, shown only in this response."""
    issued = service.rotate_secret(
        session, principal=principal, organisation_id=organisation_id, subscription_id=webhook_id
    )
    set_etag(response, issued.subscription.version)
    return _with_secret(issued)


@router.get(
    BASE + "/{webhook_id}/deliveries",
    response_model=list[DeliveryRead],
    summary="List a subscription's deliveries",
    responses=READ_ERRORS,
    dependencies=[RequireScope(MANAGE_WEBHOOKS)],
)
def list_deliveries(
    organisation_id: str,
    webhook_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Paging,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
) -> list[DeliveryRead]:
    """Deliveries newest first, with status, attempts and the last error."""
    rows = service.deliveries(
        session,
        principal=principal,
        organisation_id=organisation_id,
        subscription_id=webhook_id,
        status=delivery_status,
        limit=page.limit,
        offset=page.offset,
    )
    return [delivery_read(d, e) for d, e in rows]


@router.get(
    "/webhook-deliveries/{delivery_id}/attempts",
    response_model=list[AttemptRead],
    summary="List a delivery's attempts",
    responses=READ_ERRORS,
    dependencies=[RequireScope(MANAGE_WEBHOOKS)],
)
def list_attempts(
    delivery_id: str, session: DbSession, principal: CurrentPrincipal
) -> list[AttemptRead]:
    """Every attempt: status code, latency, error and the worker that made it."""
    rows = service.attempts(session, principal=principal, delivery_id=delivery_id)
    return [AttemptRead.model_validate(a) for a in rows]


@router.post(
    "/webhook-deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryRead,
    summary="Redeliver an event",
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=[RequireScope(MANAGE_WEBHOOKS), *IDEMPOTENT],
)
def redeliver(delivery_id: str, session: DbSession, principal: CurrentPrincipal) -> DeliveryRead:
    """Queue the delivery again at once, with a fresh attempt budget."""
    delivery, event = service.redeliver(session, principal=principal, delivery_id=delivery_id)
    return delivery_read(delivery, event)
