"""The coverage register's queries, aggregated in the database: drafts counted per
organisation, decision body, type, decision month, screening outcome and latest meeting
outcome; the approval times of approved drafts; the 'not needed' reasons counted per text, with
the first decisions of each text to link to; and the reviews open per organisation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    Text,
    and_,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlmodel import Session

from app.core.db import UTCDateTime
from app.reports.repository.scope import (
    CASE_LABEL,
    D_TABLE,
    RA,
    RA_TABLE,
    D,
    M,
    S,
    Window,
)
from app.workflow.states import DraftStatus

NOT_NEEDED = "not_needed"


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def decision_month(session: Session) -> Any:
    """A draft's decision month as 'YYYY-MM': of its meeting date, else of the UTC day it was
    created (periods.decision_date); every report period starts on the first of a month."""
    if _postgres(session):
        created = cast(func.timezone("UTC", D.created_at), Date)
        return func.to_char(func.coalesce(D.meeting_date, created), "YYYY-MM")
    # SQLite keeps dates as 'YYYY-MM-DD' and UTC timestamps as 'YYYY-MM-DD HH:MM:SS...'
    return func.substr(func.coalesce(D.meeting_date, D.created_at), 1, 7)


def _of_draft(column: Any, draft_id: Any, *where: Any) -> Any:
    """`column` of the draft's one row (its screening), looked up by
    the draft's id: the window is a small share of the table, so an index lookup per draft
    beats the hash join over the whole table a planner would choose."""
    return select(column).where(draft_id == D.id, *where).correlate(D_TABLE).scalar_subquery()


def _current_approval(window: Window) -> Any:
    """A draft's current approval, of the window's organisations (an approval is its draft's
    organisation's): the few approvals of a few organisations are read once, not looked up
    per draft."""
    return and_(
        RA.draft_id == D.id,
        RA.current.is_(True),
        RA.organisation_id.in_(window.organisation_ids),
    )


def _latest_meeting_outcome() -> Any:
    """The outcome of the draft's latest meeting item ('pending' before one is recorded), NULL
    when the draft never reached a meeting."""
    return (
        select(func.coalesce(func.nullif(M.outcome, ""), "pending"))
        .where(M.draft_id == D.id)
        .order_by(M.attached_at.desc(), M.id.desc())
        .limit(1)
        .correlate(D_TABLE)
        .scalar_subquery()
    )


# the columns of the one result set every part of the register comes back in
_COLUMNS: dict[str, Any] = {
    "part": String(),
    "organisation_id": String(),
    "decision_body": String(),
    "decision_type": String(),
    "month": String(),
    "outcome": String(),
    "meeting": String(),
    "n": Integer(),
    "created_at": UTCDateTime(),
    "approved_at": UTCDateTime(),
    "reason": Text(),
    "id": String(),
    "title": String(),
    "external_label": String(),
}


def _part(name: str, **columns: Any) -> Any:
    """One part's columns in the shared order, the ones it does not use NULL."""
    return [literal(name, String()).label("part")] + [
        (columns[c] if c in columns else type_coerce(null(), t)).label(c)
        for c, t in _COLUMNS.items()
        if c != "part"
    ]


def register_rows(
    session: Session, window: Window, readable: Sequence[str], links: int
) -> Sequence[Any]:
    """The register's parts in one statement over the window's drafts read once, each row
    tagged with its `part`:

    - `count`: drafts per organisation, body, type, decision month, screening outcome (None:
      never screened) and latest meeting outcome (None: no meeting), in `n`;
    - `approval`: each draft with a current approval: its keys, creation and approval;
    - `reason`: 'not needed' screenings per reason text (as written) and organisation;
    - `link`: of each reason text, the first `links` drafts by title and id (in code point
      order) of the organisations in `readable`."""
    d = _window_drafts(session, window).c
    keys = (d.organisation_id, d.decision_body, d.decision_type, d.month)
    counted = (d.outcome, d.meeting)
    not_needed = d.outcome == NOT_NEEDED
    parts = [
        select(*_part("count", **_named(*keys, *counted), n=func.count())).group_by(
            *keys, *counted
        ),
        select(*_part("approval", **_named(*keys, d.created_at, d.approved_at))).where(
            d.approved_at.is_not(None)
        ),
        select(*_part("reason", **_named(d.reason, d.organisation_id), n=func.count()))
        .where(not_needed)
        .group_by(d.reason, d.organisation_id),
    ]
    if readable:
        parts.append(_links(session, d, readable, links))
    with _no_jit(session):
        return session.execute(union_all(*parts)).all()


def _window_drafts(session: Session, window: Window) -> Any:
    """The window's drafts with what the register counts of each."""
    return (
        select(
            D.id,
            D.organisation_id,
            D.title,
            CASE_LABEL,
            D.decision_body,
            D.decision_type,
            decision_month(session).label("month"),
            D.created_at,
            _of_draft(S.outcome, S.draft_id).label("outcome"),
            _of_draft(S.reason, S.draft_id).label("reason"),
            _latest_meeting_outcome().label("meeting"),
            RA.approved_at,
        )
        .select_from(D_TABLE)
        .outerjoin(RA_TABLE, _current_approval(window))
        .where(window.drafts())
        .cte("window_drafts")
    )


def _links(session: Session, d: Any, readable: Sequence[str], links: int) -> Any:
    """Of each reason text, the first `links` drafts by title and id in code point order."""
    order: tuple[Any, ...] = (d.title, d.id)
    if _postgres(session):
        order = (d.title.collate("C"), d.id.collate("C"))
    rank = func.row_number().over(partition_by=d.reason, order_by=order).label("rank")
    ranked = (
        select(d.id, d.title, d.external_label, d.organisation_id, d.reason, rank)
        .where(d.outcome == NOT_NEEDED, d.organisation_id.in_(readable))
        .subquery()
    )
    r = ranked.c
    named = _named(r.id, r.title, r.external_label, r.organisation_id, r.reason)
    return select(*_part("link", **named)).where(r.rank <= links)


@contextmanager
def _no_jit(session: Session) -> Iterator[None]:
    """PostgreSQL without JIT compilation for the statements inside (in this transaction):
    the per-draft lookups make the planner's estimate pass the JIT threshold, and compiling
    costs more than running the statement."""
    if not _postgres(session):
        yield
        return
    jit = func.set_config("jit", "off", True)
    before = session.execute(select(func.current_setting("jit"), jit)).one()[0]
    try:
        yield
    finally:
        session.execute(select(func.set_config("jit", before, True)))


def _named(*columns: Any) -> dict[str, Any]:
    return {c.name: c for c in columns}


def open_reviews(session: Session, organisation_ids: Sequence[str]) -> dict[str, int]:
    """Drafts in review now, per organisation."""
    query = (
        select(D.organisation_id, func.count())
        .where(D.organisation_id.in_(organisation_ids), D.status == DraftStatus.in_review)
        .group_by(D.organisation_id)
    )
    return {str(org): int(count) for org, count in session.execute(query).all()}
