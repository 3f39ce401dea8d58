"""The approved content the impact ledger counts, snapshotted when a draft is approved.

Cells stay editable after an approval is withdrawn (reopen, a new cycle), so the ledger never
reads the live matrix: it reads what was approved. Written on the state change only, never on
a cell write; each row is immutable except for `current`, which the next approval clears.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, fk, id_field


class ReportApproval(SQLModel, table=True):
    __tablename__ = "report_approval"
    __table_args__ = (Index("ix_report_approval_org_current", "organisation_id", "current"),)

    id: str = id_field()
    draft_id: str = fk("decision_draft.id", cascade=True)
    organisation_id: str = Field(max_length=36)
    assessment_id: str | None = Field(default=None, max_length=36)
    template_id: str | None = Field(default=None, max_length=36)
    template_key: str | None = Field(default=None, max_length=80)
    cycle: int = 1
    # the alternative whose cells were snapshotted: the recommended one, else the first
    # alternative that is not the status quo
    alternative: str | None = Field(default=None, max_length=40)
    publicity_class: str = Field(default="public", max_length=20)
    approved_at: datetime = created_at_field()
    approved_by: str = Field(default="", max_length=200)
    current: bool = Field(default=True, nullable=False)
    # the month of the stored ledger (report_ledger_row) this approval is counted in, None when
    # it is not counted (superseded, or the draft left the approved states)
    ledger_month: date | None = None
    # the approved alternative's negative and positive cells (the annual report's notable
    # decisions, without reading the cells)
    negative_cells: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    positive_cells: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ReportCell(SQLModel, table=True):
    """One non-empty cell of the approved alternative, in template and canonical keys."""

    __tablename__ = "report_cell"
    __table_args__ = (Index("ix_report_cell_approval", "approval_id"),)

    id: str = id_field()
    approval_id: str = fk("report_approval.id", cascade=True, index=False)
    area: str = Field(max_length=80)
    grp: str = Field(max_length=80)
    gender: str = Field(max_length=40)
    canonical_group: str | None = Field(default=None, max_length=80)
    canonical_gender: str | None = Field(default=None, max_length=40)
    value: int | None = None
    # negative / neutral / positive, or cannot_assess
    direction: str = Field(max_length=20)
    strength: int = 0
    strength_max: int = 1
    uncertain: bool = Field(default=False, nullable=False)


class ReportLedgerRow(SQLModel, table=True):
    """The impact ledger kept pre-aggregated per organisation, decision month and publicity,
    rebuilt for one organisation-month whenever an approval in it comes, goes or moves
    (app/reports/ledger_store.py); never written on a cell write. Decision counts are of
    distinct approvals within the month, so they add up across months and organisations.

    kind: `impact` (group × gender × template × area × direction: decisions, cells, strongest
    strength, scale maximum, uncertain cells), `burden` (group × gender: decisions with a
    negative cell), `gap` (group: decisions where women fare worse in `decisions`, men in
    `second`, cell pairs compared in `cells`), `unmapped_group` / `unmapped_gender` (template
    key left out of the vocabulary in `grp` / `gender`: cells)."""

    __tablename__ = "report_ledger_row"
    __table_args__ = (Index("ix_report_ledger_row_org_month", "organisation_id", "month", "kind"),)

    id: str = id_field()
    organisation_id: str = Field(max_length=36)
    month: date
    public: bool = Field(default=True, nullable=False)
    kind: str = Field(max_length=20)
    grp: str = Field(default="", max_length=80)
    gender: str = Field(default="", max_length=40)
    template_key: str = Field(default="", max_length=80)
    area: str = Field(default="", max_length=80)
    direction: str = Field(default="", max_length=20)
    decisions: int = 0
    cells: int = 0
    strength: int = 0
    strength_max: int = 0
    uncertain: int = 0
    second: int = 0
