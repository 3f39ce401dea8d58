"""Every query about decision drafts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, func, literal, literal_column, or_, text, tuple_
from sqlmodel import Session, col, select

from app.drafts.models import DecisionDraft, DraftAlternative, DraftRevision
from app.drafts.schemas import DraftFilter
from app.workflow.models import PolicyRecord
from app.workflow.states import DraftStatus


def get(session: Session, draft_id: str) -> DecisionDraft | None:
    return session.get(DecisionDraft, draft_id)


# Built once: a draft with its organisation's stored policy version (None: the default policy),
# in one statement, for writes, which check the policy on every request.
_WITH_POLICY_VERSION = select(
    DecisionDraft,
    select(PolicyRecord.version)
    .where(col(PolicyRecord.organisation_id) == col(DecisionDraft.organisation_id))
    .correlate(DecisionDraft)
    .scalar_subquery(),
).where(col(DecisionDraft.id) == bindparam("draft_id"))


def with_policy_version(session: Session, draft_id: str) -> tuple[DecisionDraft, int | None] | None:
    """The draft and its organisation's stored policy version, or None."""
    row = session.execute(_WITH_POLICY_VERSION, {"draft_id": draft_id}).first()
    return None if row is None else (row[0], row[1])


_ALTERNATIVES = (
    select(DraftAlternative)
    .where(col(DraftAlternative.draft_id) == bindparam("draft_id"))
    .order_by(col(DraftAlternative.position))
)


def by_external_case(
    session: Session, *, organisation_id: str, system: str, case_id: str
) -> DecisionDraft | None:
    return session.exec(
        select(DecisionDraft).where(
            DecisionDraft.organisation_id == organisation_id,
            DecisionDraft.external_system == system,
            DecisionDraft.external_case_id == case_id,
        )
    ).first()


def alternatives(session: Session, draft_id: str) -> list[DraftAlternative]:
    return list(session.execute(_ALTERNATIVES, {"draft_id": draft_id}).scalars().all())


def revisions(session: Session, draft_id: str) -> Sequence[DraftRevision]:
    return session.exec(
        select(DraftRevision)
        .where(DraftRevision.draft_id == draft_id)
        .order_by(col(DraftRevision.version))
    ).all()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Above this many matches a term is common: walking the newest drafts finds a page of them
# sooner than materialising every match from the index.
_COMMON_TERM = 400


def _fts_phrase(text_query: str) -> str | None:
    """`text_query` as an FTS5 phrase, or None when the trigram index cannot answer it.

    Inside double quotes (doubled to escape) every character is literal except NUL, which
    ends the string in FTS5's query parser; under three characters there is no trigram."""
    if len(text_query) < 3 or "\x00" in text_query:
        return None
    return '"' + text_query.replace('"', '""') + '"'


def _text_condition(session: Session, text_query: str) -> ColumnElement[bool]:
    """Substring match in title or proposal, through the trigram index when it can be used.

    Case is folded by the database on both sides, so a text found by its exact spelling is
    always found (folding in Python differs from SQLite's and PostgreSQL's `lower`)."""
    phrase = _fts_phrase(text_query) if session.get_bind().dialect.name == "sqlite" else None
    if phrase is not None:
        matching = text(
            "SELECT rowid FROM decision_draft_fts WHERE decision_draft_fts MATCH :phrase"
        )
        probe = text(
            "SELECT count(*) FROM (SELECT rowid FROM decision_draft_fts "
            "WHERE decision_draft_fts MATCH :phrase LIMIT :cap)"
        )
        if (
            session.execute(probe, {"phrase": phrase, "cap": _COMMON_TERM}).scalar_one()
            < _COMMON_TERM
        ):
            return literal_column("decision_draft.rowid").in_(matching.bindparams(phrase=phrase))
    pattern = func.lower(literal(f"%{_escape_like(text_query)}%"))
    return or_(
        func.lower(DecisionDraft.title).like(pattern, escape="\\"),
        func.lower(DecisionDraft.proposal).like(pattern, escape="\\"),
    )


def search(
    session: Session, flt: DraftFilter, *, limit: int, after: tuple[datetime, str] | None
) -> Sequence[DecisionDraft]:
    """Newest first, keyset-paginated on (created_at, id) so pages never shift."""
    query = select(DecisionDraft).where(
        col(DecisionDraft.organisation_id).in_(flt.organisation_ids)
    )
    equal = [
        (DecisionDraft.status, flt.status),
        (DecisionDraft.external_system, flt.system),
        (DecisionDraft.external_case_id, flt.case_id),
        (DecisionDraft.decision_body, flt.decision_body),
        (DecisionDraft.matrix_template_key, flt.template_key),
    ]
    for column, value in equal:
        if value is not None:
            query = query.where(col(column) == value)
    if flt.meeting_from is not None:
        query = query.where(col(DecisionDraft.meeting_date) >= flt.meeting_from)
    if flt.meeting_to is not None:
        query = query.where(col(DecisionDraft.meeting_date) <= flt.meeting_to)
    if flt.text:
        query = query.where(_text_condition(session, flt.text))
    if after is not None:
        query = query.where(tuple_(DecisionDraft.created_at, DecisionDraft.id) < tuple_(*after))
    query = query.order_by(col(DecisionDraft.created_at).desc(), col(DecisionDraft.id).desc())
    return session.exec(query.limit(limit)).all()


def lock(session: Session, draft_id: str) -> None:
    """Row-lock the draft until commit (PostgreSQL); SQLite's write transaction is exclusive."""
    session.exec(
        select(DecisionDraft.id).where(DecisionDraft.id == draft_id).with_for_update()
    ).first()


def in_state(
    session: Session, organisation_ids: Sequence[str], status: DraftStatus
) -> Sequence[DecisionDraft]:
    if not organisation_ids:
        return []
    return session.exec(
        select(DecisionDraft)
        .where(
            col(DecisionDraft.organisation_id).in_(organisation_ids), DecisionDraft.status == status
        )
        .order_by(col(DecisionDraft.updated_at))
        .limit(500)
    ).all()
