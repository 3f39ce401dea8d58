"""Reading and verifying the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditEntryRead, ChainReportRead, ChainVerdictRead
from app.auth.dependencies import CurrentPrincipal, DbSession, RequireScope
from app.auth.permissions import ADMINISTER, OPERATE
from app.core.errors import error_responses
from app.core.idempotency import CapturingRoute
from app.core.pagination import Paging

router = APIRouter(prefix="/api/v1", tags=["audit"], route_class=CapturingRoute)


@router.get(
    "/organisations/{organisation_id}/audit",
    response_model=list[AuditEntryRead],
    summary="Read an organisation's audit log",
    responses=error_responses(401, 403, 404, 422),
    dependencies=[RequireScope(ADMINISTER)],
)
def organisation_log(
    organisation_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Paging,
    entity_id: Annotated[str | None, Query(max_length=80)] = None,
) -> list[AuditEntryRead]:
    """Entries in chain order, optionally for one entity."""
    entries = service.organisation_log(
        session,
        principal=principal,
        organisation_id=organisation_id,
        entity_id=entity_id,
        limit=page.limit,
        offset=page.offset,
    )
    return [AuditEntryRead.model_validate(e) for e in entries]


@router.get(
    "/audit/verify",
    response_model=ChainReportRead,
    summary="Verify the audit chains",
    responses=error_responses(401, 403),
    dependencies=[RequireScope(OPERATE)],
)
def verify(session: DbSession, principal: CurrentPrincipal) -> ChainReportRead:
    """Walk every organisation's chain and report, per chain, the first broken link."""
    report = service.verify_as(session, principal=principal)
    first = report.first_broken
    return ChainReportRead(
        ok=report.ok,
        checked=report.checked,
        broken_at=first.broken_at if first else None,
        reason=first.reason if first else None,
        unsigned_checkpoints=report.unsigned_checkpoints,
        chains=[
            ChainVerdictRead(
                chain=c.chain,
                ok=c.ok,
                checked=c.checked,
                broken_at=c.broken_at,
                reason=c.reason,
                checkpointed=c.checkpointed,
            )
            for c in report.chains
        ],
    )
