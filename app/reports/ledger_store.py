"""Keep the stored ledger (report_ledger_row) on state changes, never on a cell write.

An organisation-month is rebuilt from the approval snapshots (with the live aggregates of
repository/cells.py, so the stored figures are the live ones by construction) whenever an
approval in it comes (approve), goes (reopen, a new cycle) or moves (the draft's meeting date
changes). Each approval remembers the month it is counted in (report_approval.ledger_month),
so the month it leaves is rebuilt too."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session

from app.reports.periods import Span, decision_date
from app.reports.repository import cells, ledger_table
from app.reports.repository import snapshots as snapshot_rows
from app.reports.repository.scope import APPROVED_STATES, RA, RA_TABLE, Window
from app.templates.vocabulary import GAP_PAIR
from app.workflow.states import DraftStatus


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_window(organisation_id: str, month: date) -> Window:
    last = month.replace(day=monthrange(month.year, month.month)[1])
    return Window(
        [organisation_id],
        month,
        last,
        datetime.combine(month, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    )


def whole_months(span: Span) -> tuple[date, date] | None:
    """The first and last month of a span made of whole months, else None (read live)."""
    if span.start.day != 1 or (span.end + timedelta(days=1)).day != 1:
        return None
    return span.start, month_of(span.end)


def rebuild_month(session: Session, organisation_id: str, month: date) -> None:
    """Replace the stored rows of one organisation-month with the live aggregates."""
    approvals = cells.approvals(session, month_window(organisation_id, month))
    rows: list[dict[str, Any]] = []
    for public in (True, False):
        ids = [a.id for a in approvals if (a.publicity_class == "public") is public]
        if ids:
            rows += [r | {"public": public} for r in _rows(session, ids)]
    ledger_table.replace_month(session, organisation_id, month, rows)


def _rows(session: Session, ids: Sequence[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for group, gender, template, area, direction, *counts in cells.ledger_buckets(session, ids, []):
        if group is None or gender is None:
            continue  # counted under `unmapped`
        decisions, n, strength, strength_max, uncertain, _ = counts
        found.append(
            {"kind": "impact", "grp": group, "gender": gender, "template_key": template or "",
             "area": area, "direction": direction, "decisions": decisions, "cells": n,
             "strength": strength, "strength_max": strength_max, "uncertain": uncertain}
        )  # fmt: skip
    for group, gender, decisions, _areas, _ in cells.burden(session, ids, []):
        if gender is not None:
            found.append({"kind": "burden", "grp": group, "gender": gender, "decisions": decisions})
    for group, first, second, compared, _ in cells.gender_gaps(session, ids, GAP_PAIR, []):
        found.append(
            {"kind": "gap", "grp": group, "decisions": first, "second": second, "cells": compared}
        )
    for template, kind, key, n in cells.unmapped(session, ids):
        column = "grp" if kind == "group" else "gender"
        found.append(
            {"kind": f"unmapped_{kind}", "template_key": template or "", column: key, "cells": n}
        )
    return found


def refresh_draft(session: Session, draft_id: str) -> None:
    """Count the draft's current approval (if the draft is approved or later) in its decision
    month, and rebuild that month and any month it was counted in before."""
    before = snapshot_rows.counted_months(session, draft_id)
    now = snapshot_rows.counted_now(session, draft_id)
    month = None
    if now is not None and DraftStatus(now.status) in APPROVED_STATES:
        month = month_of(decision_date(now.meeting_date, now.created_at))
    if month is None and not before:
        return
    if now is not None and before == {(str(now.organisation_id), month)} == {
        (str(now.organisation_id), now.ledger_month)
    }:
        return  # counted where it was: a later state of the same approval
    snapshot_rows.set_counted_month(session, draft_id, now.id if now else None, month)
    targets = before | ({(str(now.organisation_id), month)} if now and month else set())
    for organisation_id in sorted({o for o, _ in targets}):
        ledger_table.lock_organisation(session, organisation_id)
    for organisation_id, one in sorted(targets):
        rebuild_month(session, organisation_id, one)


def rebuild_all(session: Session) -> int:
    """Recount every current approval of an approved draft and rebuild every month (the
    migration's backfill and `ennakko reports rebuild-ledger`). Returns the months built."""
    counted = snapshot_rows.current_approvals(session)
    session.execute(
        update(RA_TABLE).values(ledger_month=None).execution_options(synchronize_session=False)
    )
    marks = [
        {"approval": row.id, "month": month_of(decision_date(row.meeting_date, row.created_at))}
        for row in counted
    ]
    if marks:
        session.execute(
            update(RA_TABLE)
            .where(RA.id == bindparam("approval"))
            .values(ledger_month=bindparam("month"))
            .execution_options(synchronize_session=False),
            marks,
        )
    ledger_table.clear(session)
    months = ledger_table.counted_months(session)
    for organisation_id, month in sorted(months):
        rebuild_month(session, organisation_id, month)
    return len(months)
