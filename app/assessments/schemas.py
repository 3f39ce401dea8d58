"""Bodies for screening, the assessment matrix, cell writes and summaries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from app.assessments.models import ScreeningOutcome
from app.core.schemas import InputModel, ReadModel

Key = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Text = Annotated[str, StringConstraints(max_length=20_000)]


class ScreeningIn(InputModel):
    template_id: str = Field(max_length=36, description="A screening template")
    answers: dict[Key, Annotated[str, StringConstraints(max_length=80)]] = Field(max_length=100)
    outcome: ScreeningOutcome | None = Field(
        default=None, description="Overrides the outcome the rules give; the reason says why"
    )
    reason: Annotated[str, StringConstraints(min_length=3, max_length=5000)] = Field(
        description="Why this outcome; always required"
    )


class TemplateSuggestion(ReadModel):
    template_id: str
    key: str
    version: int
    name: str


class ScreeningRead(ReadModel):
    template_id: str
    answers: dict[str, str]
    computed_outcome: ScreeningOutcome
    outcome: ScreeningOutcome
    reason: str
    matched_rule: str | None
    suggested_templates: list[TemplateSuggestion]
    screened_by: str
    screened_at: datetime


class AssessmentStart(InputModel):
    template_id: str = Field(max_length=36, description="A published matrix template")


class CellWrite(InputModel):
    alternative: Key
    area: Key
    group: Key
    gender: Key = "all"
    value: int | None = Field(default=None, ge=-10, le=10)
    cannot_assess: bool = False
    clear: bool = Field(default=False, description="Back to *not yet assessed*")
    horizon: Key | None = None
    certainty: Key | None = None
    justification: Text = ""
    evidence: Text = ""
    mitigation: Text = ""

    @model_validator(mode="after")
    def _one_state(self) -> CellWrite:
        states = (self.value is not None) + self.cannot_assess + self.clear
        if states != 1:
            raise ValueError("give exactly one of value, cannot_assess=true or clear=true")
        return self


class CellsWrite(InputModel):
    cells: list[CellWrite] = Field(min_length=1, max_length=5000)


Keys = Annotated[list[Key], Field(min_length=1, max_length=200)]


class ScopeWrite(InputModel):
    """The areas and groups judged relevant; left out (null) means every one."""

    areas: Keys | None = Field(default=None, description="Impact areas in scope; null: all")
    groups: Keys | None = Field(default=None, description="Population groups in scope; null: all")
    reason: Annotated[str, StringConstraints(max_length=5000)] = Field(
        default="",
        description="Why what is left out is not significantly affected; required when "
        "something is left out",
    )


class ScopeRead(ReadModel):
    assessment_id: str
    version: int
    is_set: bool = Field(description="False: no scope was chosen and every cell is in scope")
    areas: list[str] = Field(description="Impact areas in scope, in the template's order")
    groups: list[str] = Field(description="Population groups in scope, in the template's order")
    reason: str
    scoped_out_areas: list[str]
    scoped_out_groups: list[str]
    mandatory_cells: int = Field(description="Cells in scope over all alternatives")
    matrix_size: int
    suggested_areas: list[str]
    suggested_groups: list[str]
    suggested_from: Literal["template", "screening", "previous_cycle"]


class BulkSelection(InputModel):
    """Cells of one alternative: a row (areas), a column (groups and genders), a group across
    genders (groups), or everything in scope; only_missing keeps the not yet assessed ones."""

    alternative: Key
    areas: Keys | None = None
    groups: Keys | None = None
    genders: Keys | None = None
    only_missing: bool = False


class CellsBulk(InputModel):
    """set: one value (or cannot_assess) with one shared justification; copy: the cells of
    from_alternative; clear: back to *not yet assessed*. Only cells in scope are touched."""

    operation: Literal["set", "copy", "clear"]
    selection: BulkSelection
    value: int | None = Field(default=None, ge=-10, le=10)
    cannot_assess: bool = False
    justification: Text = Field(
        default="", description="Shared by every cell set; empty keeps each cell's own"
    )
    from_alternative: Key | None = None

    @model_validator(mode="after")
    def _fits_operation(self) -> CellsBulk:
        chosen = (self.value is not None) + self.cannot_assess
        if self.operation == "set" and chosen != 1:
            raise ValueError("set needs exactly one of value or cannot_assess=true")
        if self.operation != "set" and (chosen or self.justification):
            raise ValueError(f"{self.operation} takes no value, cannot_assess or justification")
        if (self.operation == "copy") != (self.from_alternative is not None):
            raise ValueError("from_alternative is given exactly when the operation is copy")
        return self


class CellsBulkResult(ReadModel):
    assessment_id: str
    version: int
    count: int = Field(description="Cells written or cleared")


Short = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class Statement(InputModel):
    """A statement of an influencing body (youth council, council for older people, …)."""

    body: Short
    given_on: date
    summary: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    url: Short | None = Field(default=None, description="Where the statement can be read")


class DataSource(InputModel):
    title: Short
    publisher: Short | None = None
    year: int | None = Field(default=None, ge=1800, le=2200)
    url: Short | None = None


class Indicator(InputModel):
    name: Short
    baseline: Short | None = None
    target: Short | None = None
    data_source: Short | None = None
    review_on: date | None = None
    responsible: Short | None = None


class AssessmentTexts(InputModel):
    """The parts of the assessment outside the matrix; a field left out is unchanged."""

    mitigation: Text | None = None
    comparison: Text | None = None
    recommended_alternative: Key | None = None
    participation: Text | None = None
    statements: list[Statement] | None = Field(default=None, max_length=50)
    sources: list[DataSource] | None = Field(default=None, max_length=100)
    indicators: list[Indicator] | None = Field(default=None, max_length=50)


class CellRead(ReadModel):
    alternative: str
    area: str
    group: str
    gender: str
    value: int | None
    cannot_assess: bool
    horizon: str | None
    certainty: str | None
    justification: str
    evidence: str
    mitigation: str
    updated_at: datetime
    updated_by: str


class CellsWriteResult(ReadModel):
    assessment_id: str
    version: int
    cells: list[CellRead] = Field(description="The cells written (cleared ones are absent)")


class AssessmentRead(ReadModel):
    id: str
    draft_id: str
    template_id: str
    template_key: str
    template_version: int
    state: str
    cycle: int
    version: int
    mitigation: str
    comparison: str
    recommended_alternative: str | None
    participation: str
    statements: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    matrix_size: int
    cells: list[CellRead] = Field(
        description="Assessed cells in the matrix's order (alternative, area, group, gender as "
        "the template lists them); a missing key is *not yet assessed*"
    )
    updated_at: datetime
    updated_by: str


class CountsRead(ReadModel):
    positive: int
    neutral: int
    negative: int
    cannot_assess: int
    not_assessed: int
    scoped_out: int = Field(description="Outside the assessment's scope: neither 0 nor missing")
    total: int
    completeness: float = Field(description="Percent of the cells in scope that are assessed")
    direction: str


class CumulativeRead(ReadModel):
    alternative: str
    group: str
    negative_cells: int
    areas: list[str]


class GenderGapRead(ReadModel):
    alternative: str
    area: str
    group: str
    women: int
    men: int


class CellKey(ReadModel):
    alternative: str
    area: str
    group: str
    gender: str


class SummaryRead(ReadModel):
    assessment_id: str
    version: int
    total: CountsRead
    by_alternative: dict[str, CountsRead]
    by_area: dict[str, dict[str, CountsRead]]
    by_group: dict[str, dict[str, CountsRead]]
    by_gender: dict[str, dict[str, CountsRead]]
    comparison: list[dict[str, Any]] = Field(
        description="Per area, each alternative's counts side by side, status quo first"
    )
    cumulative_impacts: list[CumulativeRead]
    gender_gaps: list[GenderGapRead]
    missing_justifications: list[CellKey]


class MigrationReport(ReadModel):
    assessment: AssessmentRead
    carried: int
    not_carried: list[dict[str, Any]]
