"""What the reports answer: the coverage register and the impact ledger."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class OrganisationRef(_Out):
    id: str
    name: str


class DecisionLink(_Out):
    id: str
    title: str
    case: str | None = Field(description="The case system's label of the case, if any")
    organisation_id: str
    url: str = Field(description="The draft's page")
    api_url: str


class CoverageRow(_Out):
    organisation_id: str | None
    organisation_name: str | None
    decision_body: str | None
    decision_type: str | None
    period: str | None
    decisions: int
    screened: int
    full: int
    light: int
    not_needed: int
    never_screened: int
    approved: int
    approval_days_median: float | None = Field(description="Draft created → approved, days")
    approval_days_p90: float | None
    reached_meeting: int
    outcomes: dict[str, int] = Field(description="Latest meeting outcome → decisions; pending")


class ReasonGroup(_Out):
    reason: str
    count: int
    decisions: list[DecisionLink]
    not_shown: int = Field(description="Decisions with this reason the caller may not open")


class CoverageReport(_Out):
    organisation: OrganisationRef
    region: bool
    organisations: list[OrganisationRef]
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    period: str
    group_by: list[str]
    rows: list[CoverageRow]
    totals: CoverageRow
    not_needed_reasons: list[ReasonGroup]
    reasons_not_shown: int = Field(description="'Not needed' decisions whose reason is not shown")


class LedgerRow(_Out):
    group: str
    group_label: str
    gender: str
    gender_label: str
    template: str
    area: str
    area_label: str
    direction: str = Field(description="negative, positive or cannot_assess")
    decisions: int | None = Field(description="Approved decisions; null when suppressed")
    cells: int | None
    uncertain: int | None = Field(description="Cells that cannot be assessed or are uncertain")
    strength_max: int | None
    scale_max: int
    suppressed: bool
    cells_url: str


class BurdenRow(_Out):
    group: str
    group_label: str
    gender: str
    gender_label: str
    decisions: int | None = Field(description="Approved decisions with a negative effect")
    areas: int | None = Field(description="Distinct impact areas with a negative effect")
    cumulative: bool = Field(description="Hit negatively in several decisions or areas")
    suppressed: bool


class GapRow(_Out):
    group: str
    group_label: str
    female_worse: int | None = Field(description="Decisions where women and girls fare worse")
    male_worse: int | None = Field(description="Decisions where men and boys fare worse")
    cells_compared: int | None
    suppressed: bool


class UnmappedRow(_Out):
    template: str
    kind: str = Field(description="group or gender")
    key: str
    cells: int


class FollowUpCounts(_Out):
    planned: int = Field(description="Review date still ahead")
    due: int = Field(description="Review date come, not recorded")
    overdue: int = Field(description="More than 30 days past the review date")
    done: int


class VerdictRow(_Out):
    group: str
    group_label: str
    gender: str
    gender_label: str
    template: str
    area: str
    area_label: str
    predicted: str = Field(description="The predicted direction: negative, neutral, positive")
    held: int
    partly: int
    did_not_hold: int
    cannot_say: int


class FollowUpSection(_Out):
    on: date = Field(description="The day the statuses are evaluated on")
    counts: FollowUpCounts
    verdicts: list[VerdictRow] = Field(description="Predicted against realised, per cell")


class LedgerReport(_Out):
    organisation: OrganisationRef
    region: bool
    organisations: list[OrganisationRef]
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    language: str
    approvals: int
    minimum_count: int
    rows: list[LedgerRow]
    burden: list[BurdenRow]
    gender_gaps: list[GapRow]
    unmapped: list[UnmappedRow]
    followups: FollowUpSection | None = None


class LedgerCell(_Out):
    decision: DecisionLink
    template: str
    area: str
    group: str
    gender: str
    value: int | None
    direction: str
    uncertain: bool


class LedgerCells(_Out):
    cells: list[LedgerCell]
    not_shown: int = Field(description="Cells of decisions the caller may not open")


class MemberSummary(_Out):
    organisation: OrganisationRef
    decisions: int
    screened: int
    full: int
    light: int
    not_needed: int
    never_screened: int
    approved: int
    screened_share: float | None = Field(description="Screened / decisions, 0..1")
    open_reviews: int = Field(description="Drafts in review now (the region's experts may sign)")
    hot_spots: list[BurdenRow] = Field(description="Groups hit negatively most often")
    followups_due: int = Field(default=0, description="Follow-ups due or overdue now")


class RegionDashboard(_Out):
    region: OrganisationRef
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    members: list[MemberSummary]


class NotableDecision(_Out):
    decision: DecisionLink
    negative_cells: int
    positive_cells: int


class AnnualFile(_Out):
    format: str
    media_type: str
    file_name: str
    sha256: str
    size: int


class AnnualReport(_Out):
    organisation: OrganisationRef
    year: int
    language: str
    languages: list[str] = Field(description="The organisation's languages (a report in each)")
    coverage: CoverageRow
    coverage_by_body: list[CoverageRow]
    burden: list[BurdenRow]
    gender_gaps: list[GapRow]
    unmapped: list[UnmappedRow]
    approvals: int
    followups: FollowUpSection | None = None
    notable: list[NotableDecision] = Field(
        description="Approved decisions with most negative cells"
    )
    content_hash: str = Field(description="sha256 of this report's data as canonical JSON")
    files: list[AnnualFile] = Field(default_factory=list)
