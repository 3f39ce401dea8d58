"""The assessment's part in the workflow: the guards whose facts it owns (the screening, the
matrix and its justifications) and its answer to new alternatives (the matrix gets a new
version). Registered by `register()`; the matrix summary is computed once per check."""

from __future__ import annotations

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments import service as assessments
from app.assessments.models import ScreeningOutcome
from app.assessments.summary import Summary
from app.auth.principal import Principal
from app.workflow import guards, listeners
from app.workflow.guards import GuardContext
from app.workflow.listeners import ContentScope, Loaded
from app.workflow.states import Subject


def _screening_done(ctx: GuardContext) -> str | None:
    screening = repo.screening_of(ctx.session, ctx.draft.id)
    return (
        None
        if screening and screening.reason.strip()
        else "the screening with its reason is missing"
    )


def _matrix_summary(ctx: GuardContext) -> Summary | None:
    """The matrix summary when the screening asks for a matrix and one was started."""

    def compute() -> Summary | None:
        screening = repo.screening_of(ctx.session, ctx.draft.id)
        if screening is None or screening.outcome is ScreeningOutcome.not_needed:
            return None
        assessment = repo.active_assessment(ctx.session, ctx.draft.id)
        if assessment is None:
            return None
        return assessments.summary_of(assessments.view_of(ctx.session, ctx.draft, assessment))

    summary: Summary | None = ctx.fact("assessments.summary", compute)
    return summary


def _needs_matrix(ctx: GuardContext) -> bool:
    screening = repo.screening_of(ctx.session, ctx.draft.id)
    return screening is not None and screening.outcome is not ScreeningOutcome.not_needed


def _matrix_complete(ctx: GuardContext) -> str | None:
    if not _needs_matrix(ctx):
        return None
    summary = _matrix_summary(ctx)
    if summary is None:
        return "the assessment has not been started"
    missing = summary.total.not_assessed
    return f"{missing} cells are not yet assessed" if missing else None


def _justifications_present(ctx: GuardContext) -> str | None:
    summary = _matrix_summary(ctx)
    if summary is None:
        return None
    missing = len(summary.missing_justification)
    return f"{missing} non-neutral cells lack a justification" if missing else None


def _content_changed(
    session: Session,
    draft: Subject,
    _actor: Principal,
    scopes: frozenset[ContentScope],
    _loaded: Loaded,
) -> None:
    """New alternatives change the matrix, so the assessment gets a new version too."""
    if "alternatives" not in scopes:
        return
    assessment = repo.active_assessment(session, draft.id, lock=True)
    if assessment is not None:
        assessment.version += 1
        session.add(assessment)


def register() -> None:
    guards.register("screening_done", _screening_done)
    guards.register("matrix_complete", _matrix_complete)
    guards.register("justifications_present", _justifications_present)
    listeners.listen(_content_changed)
