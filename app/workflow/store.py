"""Where an organisation's workflow policy is kept: reading it, replacing it, and the policy a
draft's organisation works by (parsed once per stored version)."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.permissions import ADMINISTER, READ_DRAFTS, ensure
from app.auth.principal import Principal
from app.core.cache import LruCache
from app.core.db import utcnow
from app.core.errors import Unprocessable
from app.core.versioning import check_version
from app.organisations.service import visible_organisation
from app.workflow.models import PolicyRecord
from app.workflow.policy import DEFAULT_POLICY, WorkflowPolicy, problems

_POLICY_OF = select(PolicyRecord.version, PolicyRecord.policy).where(
    col(PolicyRecord.organisation_id) == bindparam("organisation_id")
)
_PARSED: LruCache[tuple[str, int], WorkflowPolicy] = LruCache(1024)
_LOADED = "workflow.policies"  # the policies a session has read, by organisation


def policy_for(session: Session, organisation_id: str) -> WorkflowPolicy:
    """The organisation's policy, or the default one: read once per unit of work (a request)
    and parsed once per stored version."""
    loaded: dict[str, WorkflowPolicy] = session.info.setdefault(_LOADED, {})
    found = loaded.get(organisation_id)
    if found is None:
        found = loaded[organisation_id] = _read(session, organisation_id)
    return found


def policy_at(session: Session, organisation_id: str, version: int | None) -> WorkflowPolicy:
    """The organisation's policy when the caller read its stored `version` (None: no row, the
    default) in a statement of its own: parsed policies are kept per (organisation, version),
    so a version parsed before is not read again; another worker's change shows as a new
    version. Kept for the rest of the unit of work like `policy_for`'s."""
    loaded: dict[str, WorkflowPolicy] = session.info.setdefault(_LOADED, {})
    found = loaded.get(organisation_id)
    if found is None:
        cached = DEFAULT_POLICY if version is None else _PARSED.get((organisation_id, version))
        found = loaded[organisation_id] = cached or _read(session, organisation_id)
    return found


def _read(session: Session, organisation_id: str) -> WorkflowPolicy:
    row = session.execute(_POLICY_OF, {"organisation_id": organisation_id}).first()
    if row is None:
        return DEFAULT_POLICY
    stored = row[1]
    return _PARSED.get_or_make(
        (organisation_id, row[0]), lambda: WorkflowPolicy.model_validate(stored)
    )


def _record_of(
    session: Session, organisation_id: str, *, lock: bool = False
) -> PolicyRecord | None:
    query = select(PolicyRecord).where(PolicyRecord.organisation_id == organisation_id)
    return session.exec(query.with_for_update() if lock else query).first()


def get(
    session: Session, *, principal: Principal, organisation_id: str
) -> tuple[PolicyRecord | None, WorkflowPolicy]:
    """The stored policy record (None for the shipped default) and the policy itself."""
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    ensure(principal, organisation_id, READ_DRAFTS, "read the workflow policy")
    record = _record_of(session, organisation_id)
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
    visible_organisation(session, principal=principal, organisation_id=organisation_id)
    ensure(principal, organisation_id, ADMINISTER, "change the workflow policy")
    found = problems(policy)
    if found:
        raise Unprocessable("The policy cannot be used", code="invalid_policy", details=found)
    record = _record_of(session, organisation_id, lock=True)
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
    session.info.get(_LOADED, {}).pop(organisation_id, None)
    audit.changed(session, principal, "policy.updated", record, data={"policy": record.policy})
    return record
