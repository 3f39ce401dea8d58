"""The annex record: a typed, versioned JSON document from which every annex format is rendered.

Names and labels inside the record are already in the annex's language; the renderers only
translate their own fixed labels. The record's parts live in record_fields and
record_sections; this module is their one public surface (renderers import from here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.annexes.record_fields import INTERNAL_SYSTEM, Key, Lang, LongText, Sha256, Text
from app.annexes.record_sections import (
    Alternative,
    AlternativeMatrix,
    AlternativeSummary,
    Approval,
    Area,
    CaseRef,
    Cell,
    Comparison,
    CumulativeImpact,
    DataSource,
    Findings,
    Gender,
    GenderGap,
    Group,
    Identification,
    Indicator,
    MissingJustification,
    Participation,
    Proposal,
    RecordsManagement,
    Scale,
    ScaleValue,
    Scoping,
    Screening,
    ScreeningAnswer,
    Statement,
    TemplateRef,
)

__all__ = [
    "INTERNAL_SYSTEM",
    "SCHEMA_ID",
    "SCHEMA_PATH",
    "Alternative",
    "AlternativeMatrix",
    "AlternativeSummary",
    "AnnexRecord",
    "Approval",
    "Area",
    "CaseRef",
    "Cell",
    "Comparison",
    "CumulativeImpact",
    "DataSource",
    "Findings",
    "Gender",
    "GenderGap",
    "Group",
    "Identification",
    "Indicator",
    "Key",
    "Lang",
    "LongText",
    "MissingJustification",
    "Participation",
    "Proposal",
    "RecordsManagement",
    "Scale",
    "ScaleValue",
    "Scoping",
    "Screening",
    "ScreeningAnswer",
    "Sha256",
    "Statement",
    "TemplateRef",
    "Text",
    "json_schema",
    "json_schema_text",
    "load_record",
    "write_json_schema",
]

SCHEMA_ID = "ennakko.annex/1"
SCHEMA_PATH = Path(__file__).with_name("annex-record.schema.json")


class AnnexRecord(BaseModel):
    """Everything an annex shows, in DOMAIN.md's section order."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, title="Ennakko annex record (ennakko.annex/1)"
    )

    schema_version: Literal["ennakko.annex/1"]
    language: Lang
    identification: Identification
    records_management: RecordsManagement
    draft_version: Annotated[int, Field(ge=1)]
    content_hash: Sha256
    proposal: Proposal = Proposal()
    text_language: Lang | None = Field(
        None,
        description="The language the texts people wrote are in, when some are shown in it "
        "rather than in the annex's language (they are marked with that language)",
    )
    untranslated: list[Annotated[str, StringConstraints(min_length=1, max_length=300)]] | None = (
        Field(
            None,
            description="The texts (by path, e.g. `title`, `alternative/reform/name`) shown in "
            "text_language because they have no current translation; absent in records made "
            "before translations, where every text people wrote is in text_language",
        )
    )
    screening: Screening
    alternatives: list[Alternative] = []
    scale: Scale
    areas: list[Area] = []
    groups: list[Group] = []
    genders: list[Gender] = []
    scoping: Scoping | None = None
    matrix: list[AlternativeMatrix] = []
    summary: list[AlternativeSummary] = []
    findings: Findings = Findings()
    comparison: Comparison = Comparison()
    mitigation: LongText | None = None
    participation: Participation = Participation()
    data_sources: list[DataSource] = []
    follow_up_indicators: list[Indicator] = []
    approvals: list[Approval] = []
    issued_at: AwareDatetime

    @model_validator(mode="after")
    def _references_resolve(self) -> AnnexRecord:
        _check_references(self)
        return self


def _unique(kind: str, keys: list[str]) -> set[str]:
    if len(set(keys)) != len(keys):
        raise ValueError(f"{kind} keys must be unique")
    return set(keys)


def _known(kind: str, key: str | None, known: set[str]) -> None:
    if key is not None and key not in known:
        raise ValueError(f"unknown {kind} {key!r}")


def _check_references(record: AnnexRecord) -> None:
    alts = _unique("alternative", [a.key for a in record.alternatives])
    areas = _unique("area", [a.key for a in record.areas])
    groups = _unique("group", [g.key for g in record.groups])
    genders = _unique("gender", [g.key for g in record.genders])
    scale = {v.value for v in record.scale.values}
    for group in record.groups:
        _known("group", group.parent, groups)
    for area in record.areas:
        for key in area.groups or ():
            _known("group", key, groups)
    if record.scoping is not None:
        for key in record.scoping.areas or ():
            _known("area", key, areas)
        for key in record.scoping.groups or ():
            _known("group", key, groups)
    for matrix in record.matrix:
        _known("alternative", matrix.alternative, alts)
        seen: set[tuple[str, str, str]] = set()
        for cell in matrix.cells:
            _known("area", cell.area, areas)
            _known("group", cell.group, groups)
            _known("gender", cell.gender, genders)
            if cell.value is not None and cell.value not in scale:
                raise ValueError(f"value {cell.value} is not on the scale")
            if (cell.area, cell.group, cell.gender) in seen:
                raise ValueError(f"duplicate cell {cell.area}/{cell.group}/{cell.gender}")
            seen.add((cell.area, cell.group, cell.gender))
    for summary in record.summary:
        _known("alternative", summary.alternative, alts)
    _check_findings(record.findings, alts, areas, groups, genders)
    _known("alternative", record.comparison.recommended_alternative, alts)


def _check_findings(
    findings: Findings, alts: set[str], areas: set[str], groups: set[str], genders: set[str]
) -> None:
    for cum in findings.cumulative:
        _known("alternative", cum.alternative, alts)
        _known("group", cum.group, groups)
        for area in cum.negative_areas:
            _known("area", area, areas)
    for gap in findings.gender_gaps:
        _known("alternative", gap.alternative, alts)
        _known("area", gap.area, areas)
        _known("group", gap.group, groups)
    for missing in findings.missing_justifications:
        _known("alternative", missing.alternative, alts)
        _known("area", missing.area, areas)
        _known("group", missing.group, groups)
        _known("gender", missing.gender, genders)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the annex record."""
    schema = AnnexRecord.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:ennakko:schema:{SCHEMA_ID}",
        **schema,
    }


def json_schema_text() -> str:
    """The JSON Schema as the exact text committed beside this module."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_json_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the JSON Schema next to this module (documentation; a test checks for drift)."""
    path.write_text(json_schema_text(), encoding="utf-8")
    return path


def load_record(path: Path) -> AnnexRecord:
    """Read and validate an annex record from a JSON file."""
    return AnnexRecord.model_validate_json(path.read_bytes())


if __name__ == "__main__":
    print(write_json_schema())
