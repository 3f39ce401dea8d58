"""Typed template definitions (matrix and screening), as written in assessment_templates/*.yaml.

Structure is checked by these models; cross-references (unknown keys, duplicates, cycles,
scale consistency) by app.templates.validation. Use parse_template or load_template_file:
both run every check, so a TemplateDefinition they return is consistent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from pydantic import (
    Field,
    StrictInt,
    model_validator,
)

from app.core.text import check_document
from app.templates.elements import (
    ALL_GENDERS,
    AreaGroup,
    CellFields,
    CertaintyLevel,
    FrozenModel,
    GenderBreakdown,
    Horizon,
    ImpactArea,
    Key,
    LocalizedText,
    Outcome,
    PopulationGroup,
    PublicationStatus,
    Rule,
    Scale,
    ScaleValue,
    Screening,
    SuggestWhen,
    TemplateKind,
    holds,
)


class CellKey(NamedTuple):
    alternative: str
    area: str
    group: str
    gender: str


class ScreeningOutcome(NamedTuple):
    outcome: Outcome
    matched_rule: str | None


class TemplateDefinition(FrozenModel):
    @model_validator(mode="before")
    @classmethod
    def _text_rule(cls, data: Any) -> Any:
        """YAML escapes (such as \0) can put any character in a document: the rule holds."""
        return check_document(data)

    key: Key
    version: StrictInt = Field(ge=1)
    status: PublicationStatus
    kind: TemplateKind
    name: LocalizedText
    description: LocalizedText
    scale: Scale | None = None
    area_groups: tuple[AreaGroup, ...] = ()
    areas: tuple[ImpactArea, ...] = ()
    population_groups: tuple[PopulationGroup, ...] = ()
    gender_breakdown: GenderBreakdown = GenderBreakdown()
    horizons: tuple[Horizon, ...] = ()
    cell_fields: CellFields = CellFields()
    certainty_levels: tuple[CertaintyLevel, ...] = ()
    cumulative_threshold: StrictInt = Field(default=2, ge=1)
    gender_gap_threshold: StrictInt = Field(default=2, ge=1)
    screening: Screening | None = None
    applicability: tuple[SuggestWhen, ...] = ()

    @cached_property
    def leaves_under(self) -> dict[str, tuple[str, ...]]:
        """Each population group's leaf groups (a leaf maps to itself), in template order."""
        parents = {group.key: group.parent for group in self.population_groups}
        leaves = [key for key in parents if key not in set(parents.values())]
        under: dict[str, list[str]] = {key: [] for key in parents}
        for leaf in leaves:
            node: str | None = leaf
            seen: set[str] = set()
            while node is not None and node in under and node not in seen:
                under[node].append(leaf)
                seen.add(node)
                node = parents[node]
        return {key: tuple(found) for key, found in under.items()}

    def leaf_groups(self) -> tuple[PopulationGroup, ...]:
        """The groups without subgroups: the matrix columns."""
        parents = {group.parent for group in self.population_groups}
        return tuple(group for group in self.population_groups if group.key not in parents)

    def groups_for_area(self, area_key: str) -> tuple[str, ...]:
        """The leaf groups assessed in an area (a listed parent stands for its leaves)."""
        area = next((a for a in self.areas if a.key == area_key), None)
        if area is None:
            raise KeyError(f"unknown area '{area_key}'")
        leaves = [group.key for group in self.leaf_groups()]
        if area.groups is None:
            return tuple(leaves)
        chosen = {leaf for key in area.groups for leaf in self.leaves_under.get(key, ())}
        return tuple(leaf for leaf in leaves if leaf in chosen)

    def cell_genders(self) -> tuple[str, ...]:
        """`all`, then the breakdown's genders when the breakdown is enabled."""
        if not self.gender_breakdown.enabled:
            return (ALL_GENDERS,)
        return (ALL_GENDERS, *(gender.key for gender in self.gender_breakdown.genders))

    def gender_gap_pair(self) -> tuple[str, str] | None:
        """The two genders compared when looking for gender gaps, if any."""
        keys = {gender.key for gender in self.gender_breakdown.genders}
        if not self.gender_breakdown.enabled:
            return None
        if self.gender_breakdown.gap_between is not None:
            return self.gender_breakdown.gap_between
        return ("women", "men") if {"women", "men"} <= keys else None

    def cell_keys(self, alternative_keys: Sequence[str]) -> list[CellKey]:
        """Every (alternative, area, group, gender) cell, in display order."""
        genders = self.cell_genders()
        per_area = [(area.key, self.groups_for_area(area.key)) for area in self.areas]
        return [
            CellKey(alternative, area, group, gender)
            for alternative in alternative_keys
            for area, groups in per_area
            for group in groups
            for gender in genders
        ]

    def scale_value(self, value: int) -> ScaleValue:
        """The scale entry for a numeric value; KeyError when it is not on the scale."""
        for entry in self.scale.values if self.scale is not None else ():
            if entry.value == value:
                return entry
        raise KeyError(f"{value} is not on the scale of {self.key} v{self.version}")

    def _screening(self) -> Screening:
        if self.screening is None:
            raise ValueError(f"{self.key} v{self.version} is not a screening template")
        return self.screening

    def asked_answers(self, answers: Mapping[str, str]) -> dict[str, str]:
        """The answers to questions that were asked (their `ask_if` holds), in question order."""
        asked: dict[str, str] = {}
        for question in self._screening().questions:
            if question.key in answers and (
                question.ask_if is None or holds(question.ask_if, asked)
            ):
                asked[question.key] = answers[question.key]
        return asked

    def unanswered(self, answers: Mapping[str, str]) -> list[str]:
        """Questions that are asked for these answers (their `ask_if` holds) but unanswered."""
        asked: dict[str, str] = {}
        missing = []
        for question in self._screening().questions:
            if question.ask_if is not None and not holds(question.ask_if, asked):
                continue
            if question.key in answers:
                asked[question.key] = answers[question.key]
            else:
                missing.append(question.key)
        return missing

    def answer_problems(self, answers: Mapping[str, str]) -> dict[str, str]:
        """Why answers do not fit the questions, by question key (empty when they fit)."""
        questions = {question.key: question for question in self._screening().questions}
        problems: dict[str, str] = {}
        for key, answer in answers.items():
            question = questions.get(key)
            if question is None:
                problems[key] = f"unknown question '{key}'"
            elif answer not in question.answer_keys():
                expected = ", ".join(question.answer_keys())
                problems[key] = f"unknown answer '{answer}' (expected {expected})"
        return problems

    def evaluate_screening(self, answers: Mapping[str, str]) -> ScreeningOutcome:
        """The outcome of the first rule that holds, else the default outcome."""
        screening = self._screening()
        asked = self.asked_answers(answers)
        for rule in screening.rules:
            if rule.matches(asked):
                return ScreeningOutcome(rule.outcome, rule.key)
        return ScreeningOutcome(screening.default_outcome, None)

    def rule(self, key: str) -> Rule:
        """A screening rule by key (its reason explains the outcome)."""
        for rule in self._screening().rules:
            if rule.key == key:
                return rule
        raise KeyError(f"unknown rule '{key}'")

    def suggest(
        self,
        *,
        decision_body: str,
        decision_type: str,
        budget_eur: Decimal | int | None,
        outcome: str | None,
    ) -> bool:
        """Whether to suggest this matrix template for a draft (any applicability entry holds)."""
        return any(
            entry.matches(
                decision_body=decision_body,
                decision_type=decision_type,
                budget_eur=budget_eur,
                outcome=outcome,
            )
            for entry in self.applicability
        )


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in a template: where (`areas[3].groups`, and the line in a file) and what.

    Problems of the whole document (YAML syntax, file name) have an empty path and say where
    they are in the message itself.
    """

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if not self.path:
            return self.message
        return (
            f"line {self.line}: {self.path}: {self.message}"
            if self.line
            else f"{self.path}: {self.message}"
        )


class TemplateInvalid(ValueError):
    """A template with problems; `issues` lists every one."""

    def __init__(self, issues: Sequence[TemplateIssue], source: str = "template") -> None:
        self.issues = list(issues)
        super().__init__(f"{source} has {len(self.issues)} problem(s); first: {self.issues[0]}")
