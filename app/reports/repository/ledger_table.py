"""The stored ledger (report_ledger_row): replacing one organisation-month, and the ledger's
figures read from it in the same shapes as the live aggregates of cells.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, delete, distinct, func, insert, literal, select
from sqlmodel import Session

from app.core.models import new_id
from app.reports.repository.scope import ORG, RA, RL, RL_TABLE


def lock_organisation(session: Session, organisation_id: str) -> None:
    """Serialise rebuilds of one organisation's months (PostgreSQL row lock until commit;
    SQLite writes are serialised already), so two approvals never rebuild from stale reads."""
    session.execute(select(ORG.id).where(ORG.id == organisation_id).with_for_update())


# every row written with every column (one executemany), the keys a kind does not use empty
_EMPTY = {"grp": "", "gender": "", "template_key": "", "area": "", "direction": "", "decisions": 0,
          "cells": 0, "strength": 0, "strength_max": 0, "uncertain": 0, "second": 0}  # fmt: skip


def replace_month(
    session: Session, organisation_id: str, month: date, rows: Sequence[dict[str, Any]]
) -> None:
    session.execute(
        delete(RL_TABLE).where(RL.organisation_id == organisation_id, RL.month == month)
    )
    if rows:
        where = {"organisation_id": organisation_id, "month": month}
        session.execute(insert(RL_TABLE), [{"id": new_id()} | _EMPTY | where | r for r in rows])


def counted_months(session: Session) -> set[tuple[str, date]]:
    """Every (organisation, month) an approval is counted in."""
    query = select(RA.organisation_id, RA.ledger_month).where(RA.ledger_month.is_not(None))
    return {(str(org), month) for org, month in session.execute(query.distinct()).all()}


def clear(session: Session) -> None:
    session.execute(delete(RL_TABLE))


def _where(organisation_ids: Sequence[str], first: date, last: date, kind: str) -> Any:
    return and_(
        RL.organisation_id.in_(organisation_ids),
        RL.month >= first,
        RL.month <= last,
        RL.kind == kind,
    )


def _hidden(hidden: Sequence[str], column: Any) -> Any:
    """`column` summed over the rows of non-public approvals of organisations in `hidden`."""
    if not hidden:
        return literal(0)
    restricted = and_(RL.public.is_(False), RL.organisation_id.in_(hidden))
    return func.sum(case((restricted, column), else_=0))


def impact(
    session: Session, ids: Sequence[str], first: date, last: date, hidden: Sequence[str]
) -> Sequence[Any]:
    """As cells.ledger_buckets: group, gender, template, area, direction, decisions, cells,
    strength, scale maximum, uncertain, restricted cells."""
    keys = (RL.grp, RL.gender, RL.template_key, RL.area, RL.direction)
    query = (
        select(
            *keys,
            func.sum(RL.decisions),
            func.sum(RL.cells),
            func.max(RL.strength),
            func.max(RL.strength_max),
            func.sum(RL.uncertain),
            _hidden(hidden, RL.cells),
        )
        .where(_where(ids, first, last, "impact"))
        .group_by(*keys)
    )
    return session.execute(query).all()


def burden(
    session: Session, ids: Sequence[str], first: date, last: date, hidden: Sequence[str]
) -> Sequence[Any]:
    """As cells.burden: group, gender, decisions hit, distinct areas hit, restricted."""
    areas_query = (
        select(RL.grp, RL.gender, func.count(distinct(RL.template_key + ":" + RL.area)))
        .where(_where(ids, first, last, "impact"), RL.direction == "negative")
        .group_by(RL.grp, RL.gender)
    )
    areas = {(g, s): int(n) for g, s, n in session.execute(areas_query).all()}
    query = (
        select(RL.grp, RL.gender, func.sum(RL.decisions), _hidden(hidden, RL.decisions))
        .where(_where(ids, first, last, "burden"))
        .group_by(RL.grp, RL.gender)
    )
    return [
        (group, gender, int(decisions), areas.get((group, gender), 0), int(restricted))
        for group, gender, decisions, restricted in session.execute(query).all()
    ]


def gaps(
    session: Session, ids: Sequence[str], first: date, last: date, hidden: Sequence[str]
) -> Sequence[Any]:
    """As cells.gender_gaps: group, first worse, second worse, compared, restricted."""
    query = (
        select(
            RL.grp,
            func.sum(RL.decisions),
            func.sum(RL.second),
            func.sum(RL.cells),
            _hidden(hidden, RL.cells),
        )
        .where(_where(ids, first, last, "gap"))
        .group_by(RL.grp)
    )
    return session.execute(query).all()


def unmapped(session: Session, ids: Sequence[str], first: date, last: date) -> list[Any]:
    """As cells.unmapped: template, kind, key, cells."""
    found = []
    for kind, column in (("group", RL.grp), ("gender", RL.gender)):
        query = (
            select(RL.template_key, column, func.sum(RL.cells))
            .where(_where(ids, first, last, f"unmapped_{kind}"))
            .group_by(RL.template_key, column)
        )
        found += [(t, kind, key, int(n)) for t, key, n in session.execute(query).all()]
    return found
