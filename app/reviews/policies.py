"""Viewing and changing an organisation's workflow policy."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit import service as audit
from app.auth.permissions import ADMINISTER, READ_DRAFTS, ensure, ensure_visible
from app.auth.principal import Principal
from app.core.db import utcnow
from app.core.errors import Unprocessable
from app.core.versioning import check_version
from app.reviews.models import PolicyRecord
from app.reviews.policy import DEFAULT_POLICY, WorkflowPolicy, problems


def get(
    session: Session, *, principal: Principal, organisation_id: str
) -> tuple[PolicyRecord | None, WorkflowPolicy]:
    ensure_visible(principal, organisation_id, "Organisation")
    ensure(principal, organisation_id, READ_DRAFTS, "read the workflow policy")
    record = session.exec(
        select(PolicyRecord).where(PolicyRecord.organisation_id == organisation_id)
    ).first()
    return record, (
        DEFAULT_POLICY if record is None else WorkflowPolicy.model_validate(record.policy)
    )


def put(
    session: Session,
    *,
    principal: Principal,
    organisation_id: str,
    expected_version: int,
    policy: WorkflowPolicy,
) -> PolicyRecord:
    """Replace the policy after validating it (administrators; the default has version 0)."""
    ensure_visible(principal, organisation_id, "Organisation")
    ensure(principal, organisation_id, ADMINISTER, "change the workflow policy")
    found = problems(policy)
    if found:
        raise Unprocessable("The policy cannot be used", code="invalid_policy", details=found)
    record = session.exec(
        select(PolicyRecord)
        .where(PolicyRecord.organisation_id == organisation_id)
        .with_for_update()
    ).first()
    check_version(
        expected=expected_version,
        current=record.version if record else 0,
        changed_by=record.updated_by if record else None,
    )
    record = record or PolicyRecord(organisation_id=organisation_id, policy={}, version=0)
    record.policy = policy.model_dump(mode="json")
    record.version += 1
    record.updated_at, record.updated_by = utcnow(), principal.name
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=principal,
        action="policy.updated",
        entity_type="workflow_policy",
        entity_id=record.id,
        organisation_id=organisation_id,
        version=record.version,
        data={"policy": record.policy},
    )
    return record
