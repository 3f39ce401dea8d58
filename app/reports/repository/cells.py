"""Live aggregates over the approval snapshots' cells: the ledger computed from the cells
themselves (the stored ledger in ledger_table.py is built with these, per organisation and
month), the cells behind a figure, and the verdicts of follow-up reviews."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from app.reports.repository.scope import (
    CASE_LABEL,
    D_TABLE,
    F_TABLE,
    FV_TABLE,
    RA,
    RA_TABLE,
    RC,
    RC_TABLE,
    D,
    Window,
    approved_cells,
)


def approvals(session: Session, window: Window) -> Sequence[Any]:
    """The approvals the ledger counts: (approval, draft, organisation, title, label, template,
    publicity). The cell aggregates below are driven by these ids (index on approval_id)."""
    query = (
        select(
            RA.id,
            RA.draft_id,
            RA.organisation_id,
            D.title,
            CASE_LABEL,
            RA.template_id,
            RA.template_key,
            RA.publicity_class,
        )
        .join(D_TABLE, D.id == RA.draft_id)
        .where(approved_cells(window))
    )
    return session.execute(query).all()


def _restricted(restricted: Sequence[str], approval: Any = None) -> Any:
    """1 for a cell of an approval the caller may not see below the minimum count, else 0."""
    if not restricted:
        return func.sum(0)
    column = RC.approval_id if approval is None else approval
    return func.sum(case((column.in_(restricted), 1), else_=0))


def ledger_buckets(
    session: Session, ids: Sequence[str], restricted: Sequence[str]
) -> Sequence[Any]:
    """Per canonical group × gender × template area × direction: decisions, cells, strength."""
    if not ids:
        return []
    keys = (RC.canonical_group, RC.canonical_gender, RA.template_key, RC.area, RC.direction)
    query = (
        select(
            *keys,
            func.count(func.distinct(RC.approval_id)),
            func.count(),
            func.max(RC.strength),
            func.max(RC.strength_max),
            func.sum(case((RC.uncertain.is_(True), 1), else_=0)),
            _restricted(restricted),
        )
        .join(RA_TABLE, RA.id == RC.approval_id)
        .where(RC.approval_id.in_(ids), RC.direction != "neutral")
        .group_by(*keys)
    )
    return session.execute(query).all()


def burden(session: Session, ids: Sequence[str], restricted: Sequence[str]) -> Sequence[Any]:
    """Per canonical group × gender hit negatively: decisions and distinct areas."""
    if not ids:
        return []
    query = (
        select(
            RC.canonical_group,
            RC.canonical_gender,
            func.count(func.distinct(RC.approval_id)),
            func.count(func.distinct(RA.template_key + ":" + RC.area)),
            _restricted(restricted),
        )
        .join(RA_TABLE, RA.id == RC.approval_id)
        .where(
            RC.approval_id.in_(ids),
            RC.direction == "negative",
            RC.canonical_group.is_not(None),
        )
        .group_by(RC.canonical_group, RC.canonical_gender)
    )
    return session.execute(query).all()


def gender_gaps(
    session: Session, ids: Sequence[str], pair: tuple[str, str], restricted: Sequence[str]
) -> Sequence[Any]:
    """Per canonical group: decisions where the first gender of `pair` fares worse than the
    second in some cell (same area and template group), and the other way round, and the
    cells compared. One pass: each cell pair is folded with conditional aggregates."""
    if not ids:
        return []
    first = func.max(case((RC.canonical_gender == pair[0], RC.value)))
    second = func.max(case((RC.canonical_gender == pair[1], RC.value)))
    pairs = (
        select(
            RC.approval_id.label("approval_id"),
            RC.canonical_group.label("grp"),
            first.label("first"),
            second.label("second"),
        )
        .where(
            RC.approval_id.in_(ids),
            RC.canonical_gender.in_(pair),
            RC.value.is_not(None),
            RC.canonical_group.is_not(None),
        )
        .group_by(RC.approval_id, RC.canonical_group, RC.area, RC.grp)
        .subquery()
    )
    both = and_(pairs.c.first.is_not(None), pairs.c.second.is_not(None))
    query = (
        select(
            pairs.c.grp,
            func.count(func.distinct(case((pairs.c.first < pairs.c.second, pairs.c.approval_id)))),
            func.count(func.distinct(case((pairs.c.first > pairs.c.second, pairs.c.approval_id)))),
            func.count(),
            _restricted(restricted, pairs.c.approval_id),
        )
        .where(both)
        .group_by(pairs.c.grp)
    )
    return session.execute(query).all()


def unmapped(session: Session, ids: Sequence[str]) -> Sequence[Any]:
    """Template keys the ledger could not count: (template, kind, key, cells)."""
    if not ids:
        return []
    query = (
        select(
            RA.template_key,
            RC.grp,
            RC.gender,
            RC.canonical_group.is_(None),
            RC.canonical_gender.is_(None),
            func.count(),
        )
        .join(RA_TABLE, RA.id == RC.approval_id)
        .where(
            RC.approval_id.in_(ids),
            or_(RC.canonical_group.is_(None), RC.canonical_gender.is_(None)),
        )
        .group_by(
            RA.template_key,
            RC.grp,
            RC.gender,
            RC.canonical_group.is_(None),
            RC.canonical_gender.is_(None),
        )
    )
    found: dict[tuple[str, str, str], int] = {}
    for template, grp, gender, no_group, no_gender, count in session.execute(query).all():
        for unmapped_, kind, key in ((no_group, "group", grp), (no_gender, "gender", gender)):
            if unmapped_:
                found[template, kind, key] = found.get((template, kind, key), 0) + count
    return [(template, kind, key, count) for (template, kind, key), count in found.items()]


def bucket_cells(
    session: Session,
    window: Window,
    *,
    group: str,
    gender: str,
    template_key: str | None,
    area: str | None,
    direction: str | None,
    limit: int,
) -> Sequence[Any]:
    """The cells behind one ledger bucket, with their decisions (newest approvals first)."""
    conditions = [
        approved_cells(window),
        RC.canonical_group == group,
        RC.canonical_gender == gender,
        RC.direction != "neutral",
    ]
    if template_key is not None:
        conditions.append(RA.template_key == template_key)
    if area is not None:
        conditions.append(RC.area == area)
    if direction is not None:
        conditions.append(RC.direction == direction)
    query = (
        select(
            RA.draft_id,
            RA.organisation_id,
            RA.publicity_class,
            D.title,
            CASE_LABEL,
            RA.template_key,
            RC.area,
            RC.grp,
            RC.gender,
            RC.value,
            RC.direction,
            RC.uncertain,
        )
        .join(RA_TABLE, RA.id == RC.approval_id)
        .join(D_TABLE, D.id == RA.draft_id)
        .where(*conditions)
        .order_by(RA.approved_at.desc(), RC.area, RC.grp)
        .limit(limit)
    )
    return session.execute(query).all()


def most_negative(session: Session, window: Window, limit: int) -> Sequence[Any]:
    """The approved decisions of the window with the most negative cells (counted on the
    snapshot, so no cell is read)."""
    query = (
        select(
            RA.draft_id,
            RA.organisation_id,
            D.title,
            CASE_LABEL,
            RA.negative_cells.label("negative"),
            RA.positive_cells.label("positive"),
        )
        .join(D_TABLE, D.id == RA.draft_id)
        .where(approved_cells(window), RA.negative_cells > 0)
        .order_by(RA.negative_cells.desc(), D.title, RA.draft_id)
        .limit(limit)
    )
    return session.execute(query).all()


def followup_verdicts(
    session: Session, approval_ids: Sequence[str], readable: Sequence[str]
) -> Sequence[Any]:
    """Verdicts of post-decision reviews on the approved cells they judge, in canonical keys:
    (group, gender, template, area, direction, verdict, cells), readable organisations only."""
    if not approval_ids:
        return []
    v, f = FV_TABLE.c, F_TABLE.c
    query = (
        select(
            RC.canonical_group,
            RC.canonical_gender,
            RA.template_key,
            RC.area,
            RC.direction,
            v.verdict,
            func.count().label("cells"),
        )
        .select_from(FV_TABLE)
        .join(F_TABLE, f.id == v.follow_up_id)
        .join(
            RA_TABLE,
            and_(
                RA.draft_id == f.draft_id,
                RA.alternative == v.alternative,
                RA.id.in_(list(approval_ids)),
                RA.organisation_id.in_(list(readable)),
            ),
        )
        .join(
            RC_TABLE,
            and_(
                RC.approval_id == RA.id,
                RC.area == v.area,
                RC.grp == v.grp,
                RC.gender == v.gender,
            ),
        )
        .group_by(
            RC.canonical_group,
            RC.canonical_gender,
            RA.template_key,
            RC.area,
            RC.direction,
            v.verdict,
        )
    )
    return session.execute(query).all()
