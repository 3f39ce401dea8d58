"""Snapshot the approved assessment when a draft enters `approved` (a transition listener):
the approved alternative's cells in canonical keys, with direction and strength."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from app.assessments import service as assessments
from app.assessments.models import Assessment, AssessmentCell
from app.audit import service as audit
from app.auth.principal import SYSTEM, Principal
from app.core.models import new_id
from app.drafts import service as drafts
from app.drafts.models import DraftAlternative
from app.organisations import service as organisations
from app.reports import ledger_store
from app.reports.models import ReportApproval
from app.reports.repository import snapshots as repo
from app.reports.repository.scope import APPROVED_STATES
from app.templates import service as templates
from app.templates.definition import TemplateDefinition
from app.templates.vocabulary import mapping_of
from app.workflow import listeners
from app.workflow.listeners import ContentScope, Loaded
from app.workflow.states import DraftStatus, Subject


def register() -> None:
    """Keep the ledger's snapshots on the state change that approves a draft."""
    listeners.on_transition(_on_transition)
    listeners.listen(_on_change)


def _on_transition(
    session: Session,
    draft: Subject,
    actor: Principal,
    _name: str,
    previous: DraftStatus,
    to: DraftStatus,
) -> None:
    if to is DraftStatus.approved and previous is not DraftStatus.approved:
        snapshot(session, draft=draft, actor=actor)
    if to in APPROVED_STATES or previous in APPROVED_STATES:
        ledger_store.refresh_draft(session, draft.id)


def _on_change(
    session: Session,
    draft: Subject,
    _actor: Principal,
    changed: frozenset[ContentScope],
    _loaded: Loaded,
) -> None:
    """An approved draft's meeting date may have moved it to another month of the ledger."""
    if "draft" in changed and draft.status in APPROVED_STATES:
        ledger_store.refresh_draft(session, draft.id)


def proposed_alternative(
    assessment: Assessment, alternatives: Sequence[DraftAlternative]
) -> str | None:
    """The alternative the decision is about: the recommended one, else the first that is not
    the status quo, else the first."""
    keys = [a.key for a in alternatives]
    if assessment.recommended_alternative in keys:
        return assessment.recommended_alternative
    proposals = [a.key for a in alternatives if not a.is_status_quo]
    return next(iter(proposals or keys), None)


def snapshot(session: Session, *, draft: Subject, actor: Principal) -> ReportApproval:
    """Record this approval as the draft's current one, with the approved cells."""
    assessment = assessments.active_assessment(session, draft.id)
    org = organisations.organisation(session, draft.organisation_id)
    repo.supersede(session, draft.id)
    approval = ReportApproval(
        draft_id=draft.id,
        organisation_id=draft.organisation_id,
        publicity_class=(org.records_settings if org else {}).get("publicity_class", "public"),
        approved_by=actor.name,
    )
    if assessment is not None:
        template = templates.get_any(session, assessment.template_id)
        definition = templates.definition_of(template)
        alternative = proposed_alternative(assessment, drafts.alternatives(session, draft.id))
        approval.assessment_id, approval.cycle = assessment.id, assessment.cycle
        approval.template_id, approval.template_key = template.id, template.key
        approval.alternative = alternative
        cells = list(assessments.cells_of(session, assessment.id))
        rows = _cells(approval.id, definition, [c for c in cells if c.alternative == alternative])
        approval.negative_cells = sum(r["direction"] == "negative" for r in rows)
        approval.positive_cells = sum(r["direction"] == "positive" for r in rows)
        session.add(approval)
        session.flush()
        repo.add_cells(session, rows)
    else:
        session.add(approval)
        session.flush()
    return approval


def _cells(
    approval_id: str, definition: TemplateDefinition, cells: Sequence[AssessmentCell]
) -> list[dict[str, Any]]:
    """The snapshot rows (plain mappings: a few hundred per approval, inserted at once)."""
    mapping = mapping_of(definition)
    scale = definition.scale
    neutral = scale.neutral if scale else 0
    strength_max = max((abs(v.value - neutral) for v in scale.values), default=1) if scale else 1
    low = definition.certainty_levels[0].key if definition.certainty_levels else None
    found = []
    for cell in cells:
        if cell.cannot_assess:
            direction, strength = "cannot_assess", 0
        elif cell.value is None:
            continue  # not assessed (or scoped out): nothing was said about this cell
        else:
            strength = abs(cell.value - neutral)
            direction = _direction(definition, cell.value, neutral)
        found.append(
            {
                "id": new_id(),
                "approval_id": approval_id,
                "area": cell.area,
                "grp": cell.grp,
                "gender": cell.gender,
                "canonical_group": mapping.groups.get(cell.grp),
                "canonical_gender": mapping.genders.get(cell.gender),
                "value": None if cell.cannot_assess else cell.value,
                "direction": direction,
                "strength": strength,
                "strength_max": max(strength_max, 1),
                "uncertain": cell.cannot_assess or (low is not None and cell.certainty == low),
            }
        )
    return found


def _direction(definition: TemplateDefinition, value: int, neutral: int) -> str:
    """The scale's own direction for the value (numeric order when it is not on the scale)."""
    try:
        return definition.scale_value(value).direction.value
    except KeyError:
        return "neutral" if value == neutral else "positive" if value > neutral else "negative"


def backfill(session: Session) -> int:
    """Snapshot drafts approved before the snapshots existed, dated by their audited approval
    (the shipped policy lets nobody edit the matrix after approval, so the cells are the
    approved ones; a policy that does is snapshotted as the cells are now). Returns how many."""
    missing = repo.approved_without_snapshot(session)
    approved_at = {
        entry.entity_id: entry.occurred_at
        for entry in audit.entries_for_entities(session, missing)
        if entry.action == "workflow.approve"
    }
    for draft_id in missing:
        draft = drafts.visible_draft(session, principal=SYSTEM, draft_id=draft_id)
        approval = snapshot(session, draft=draft, actor=SYSTEM)
        approval.approved_at = approved_at.get(draft_id, approval.approved_at)
        session.add(approval)
        session.flush()
        ledger_store.refresh_draft(session, draft_id)
    return len(missing)
