"""Drafts addressed by a case system's own case id (kept beside service.py, which it reuses)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from app.auth.permissions import READ_DRAFTS, ensure
from app.auth.principal import Principal
from app.core.errors import NotFound, Unprocessable
from app.core.versioning import check_create_or_replace
from app.drafts import repository as repo
from app.drafts.schemas import DraftCreate, DraftUpdate, ExternalRef
from app.drafts.service import DraftView, _target_organisation, create, update


def get(
    session: Session,
    *,
    principal: Principal,
    system: str,
    case_id: str,
    organisation_id: str | None,
) -> DraftView:
    """The draft linked to the case in the caller's organisation (404 when there is none)."""
    org = _target_organisation(session, principal, organisation_id)
    ensure(principal, org, READ_DRAFTS, "read drafts")
    draft = repo.by_external_case(session, organisation_id=org, system=system, case_id=case_id)
    if draft is None:
        raise NotFound("No draft is linked to this case")
    return DraftView(draft, repo.alternatives(session, draft.id))


def put(
    session: Session,
    *,
    principal: Principal,
    system: str,
    case_id: str,
    data: DraftCreate,
    expected_version: int | None,
) -> tuple[DraftView, bool]:
    """Create the case's draft, or save the given fields to it (If-Match); True if created."""
    ref = data.external_ref
    if ref is not None and (ref.system, ref.case_id) != (system, case_id):
        raise Unprocessable("external_ref must name the case given in the query")
    try:
        linked = ExternalRef(system=system, case_id=case_id, label=ref.label if ref else None)
    except ValidationError as exc:
        # The query's system and case id meet the same text rules as a body's external_ref.
        problems = [{"loc": ["query", *e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        raise Unprocessable("The case given in the query is not valid", details=problems) from exc
    org = _target_organisation(session, principal, data.organisation_id)
    draft = repo.by_external_case(session, organisation_id=org, system=system, case_id=case_id)
    check_create_or_replace(
        exists=draft is not None,
        expected=expected_version,
        absent="No draft is linked to this case yet; omit If-Match",
        present="The case's draft exists: updating it needs If-Match",
    )
    if draft is None or expected_version is None:  # the same after the check (types narrowed)
        full = data.model_copy(update={"organisation_id": org, "external_ref": linked})
        return create(session, principal=principal, data=full), True
    fields = data.model_dump(exclude_unset=True, exclude={"organisation_id", "external_ref"})
    if ref is not None:
        fields["external_ref"] = linked.model_dump()
    if "alternatives" in fields:
        fields["alternatives"] = _with_status_quo(session, draft.id, fields["alternatives"])
    changes = DraftUpdate.model_validate(fields)
    view = update(
        session,
        principal=principal,
        draft_id=draft.id,
        expected_version=expected_version,
        data=changes,
    )
    return view, False


def _with_status_quo(
    session: Session, draft_id: str, given: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The creation payload leaves the status quo implicit, so an update with the same payload
    keeps the draft's own status quo instead of asking the case system to name it."""
    existing = next((a for a in repo.alternatives(session, draft_id) if a.is_status_quo), None)
    if existing is None or any(
        a.get("is_status_quo") or a.get("key") == existing.key for a in given
    ):
        return given
    status_quo = {
        "key": existing.key,
        "name": existing.name,
        "description": existing.description,
        "is_status_quo": True,
    }
    return [status_quo, *given]
