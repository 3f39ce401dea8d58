"""The matrix and summary reads: JSON bytes cached per assessment version, in a cache
bounded by bytes (ENNAKKO_READ_CACHE_BYTES), rendered from rows on a miss."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from app.assessments import repository as repo
from app.assessments import service
from app.assessments.models import Assessment
from app.assessments.rendering import matrix_document, matrix_json, summary_document, summary_json
from app.assessments.summary import summarise_rows
from app.auth.principal import Principal
from app.core.body_cache import Body, BodyCache
from app.core.config import get_settings
from app.core.errors import NotFound

# Rendered bodies per (kind, assessment id), of the version last read: a version never
# changes content, and a newer one replaces it.
_BODIES = BodyCache(lambda: get_settings().read_cache_bytes)


@dataclass(frozen=True)
class Rendered:
    body: bytes
    version: int
    gzipped: bool


def _cached(
    session: Session,
    principal: Principal,
    draft_id: str,
    kind: str,
    make: Callable[[Assessment], bytes],
    gzipped: bool,
) -> Rendered:
    """The body of `kind` for the draft's active assessment, from the cache or
    `make(assessment)`. Visibility is checked (one query) before the cache is looked at."""
    assessment_id, version = service.visible_active(session, principal, draft_id)
    found = _BODIES.get((kind, assessment_id), version)
    if found is None:
        # The assessment the visibility query named (one primary-key read): if a write has
        # landed since, its newer version is what gets rendered and keyed.
        assessment = repo.assessment(session, assessment_id)
        if assessment is None:
            raise NotFound("The draft has no assessment yet")
        version = assessment.version
        found = _BODIES.put((kind, assessment_id), version, Body(make(assessment)))
    body = _BODIES.encoded((kind, assessment_id), version, found, gzipped=gzipped)
    return Rendered(body, version, gzipped)


def rendered_assessment(
    session: Session, *, principal: Principal, draft_id: str, gzipped: bool = False
) -> Rendered:
    """The whole matrix as JSON bytes (AssessmentRead), gzip-encoded if asked; cached per
    assessment version, rendered from rows on a miss."""

    def make(assessment: Assessment) -> bytes:
        template, _, shape = service.matrix_of(session, assessment, assessment.draft_id)
        rows = repo.cell_rows(session, assessment.id)
        return matrix_json(matrix_document(assessment, template, shape, rows))

    return _cached(session, principal, draft_id, "matrix", make, gzipped)


def rendered_summary(
    session: Session, *, principal: Principal, draft_id: str, gzipped: bool = False
) -> Rendered:
    """The summary as JSON bytes (SummaryRead), cached per assessment version."""

    def make(assessment: Assessment) -> bytes:
        _, _, shape = service.matrix_of(session, assessment, assessment.draft_id)
        rows = repo.summary_rows(session, assessment.id)
        summary = summarise_rows(shape, rows, service.scope_of(assessment))
        return summary_json(
            summary_document(
                assessment_id=assessment.id,
                version=assessment.version,
                shape=shape,
                summary=summary,
            )
        )

    return _cached(session, principal, draft_id, "summary", make, gzipped)


def cached_assessment(assessment_id: str, version: int, *, gzipped: bool) -> Rendered | None:
    """The matrix body of `version` when the cache holds it (its gzip encoding too, if
    asked): no database and no compression, so an async route can answer it on the event
    loop. None otherwise (`rendered_assessment` then renders or encodes it)."""
    return _held("matrix", assessment_id, version, gzipped)


def cached_summary(assessment_id: str, version: int, *, gzipped: bool) -> Rendered | None:
    """The summary body of `version` when the cache holds it, as `cached_assessment`."""
    return _held("summary", assessment_id, version, gzipped)


def _held(kind: str, assessment_id: str, version: int, gzipped: bool) -> Rendered | None:
    found = _BODIES.get((kind, assessment_id), version)
    body = None if found is None else found.gzipped if gzipped else found.identity
    return None if body is None else Rendered(body, version, gzipped)
