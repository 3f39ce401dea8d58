"""The translatable texts of a draft: every non-empty text that reaches the annex, with the
part of the draft it belongs to (whose editing rules apply to its translations too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.assessments import service as assessments
from app.assessments.models import AssessmentCell
from app.core.i18n import translate
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft, DraftAlternative
from app.templates import service as templates
from app.templates.definition import TemplateDefinition
from app.templates.elements import ALL_GENDERS
from app.translations import paths
from app.workflow.policy import Part

PREFIX = "translations."


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    part: Part
    text: str
    label: str

    @property
    def hash(self) -> str:
        return paths.source_hash(self.text)


def source_language(draft: DecisionDraft) -> str:
    """The language the draft's texts are written in: its first language."""
    return draft.languages[0] if draft.languages else "fi"


def target_languages(draft: DecisionDraft) -> list[str]:
    """The languages the draft's texts are translated into: its other languages."""
    return list(draft.languages[1:])


def _t(lang: str, key: str, **params: object) -> str:
    return translate(lang, PREFIX + key, **params)


class _Collector:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.items: list[Source] = []

    def add(self, path: str, part: Part, text: str | None, label: str) -> None:
        if paths.counts(text):
            self.items.append(Source(path, part, text or "", label))


def _draft_texts(c: _Collector, draft: DecisionDraft, alts: Sequence[DraftAlternative]) -> None:
    lang = c.lang
    c.add(paths.TITLE, "draft", draft.title, _t(lang, "label.title"))
    c.add(paths.PROPOSAL, "draft", draft.proposal, _t(lang, "label.proposal"))
    c.add(paths.BACKGROUND, "draft", draft.background, _t(lang, "label.background"))
    c.add(paths.DECISION_BODY, "draft", draft.decision_body, _t(lang, "label.decision_body"))
    for number, alt in enumerate(alts, start=1):
        c.add(
            paths.alternative(alt.key, "name"),
            "draft",
            alt.name,
            _t(lang, "label.alternative_name", number=number),
        )
        c.add(
            paths.alternative(alt.key, "description"),
            "draft",
            alt.description,
            _t(lang, "label.alternative_description", number=number, name=alt.name),
        )


def _cell_texts(
    c: _Collector,
    definition: TemplateDefinition,
    alts: Sequence[DraftAlternative],
    cells: Sequence[AssessmentCell],
) -> None:
    lang = c.lang
    alt_names = {a.key: a.name for a in alts}
    areas = {a.key: a.name.text(lang) for a in definition.areas}
    groups = {g.key: g.name.text(lang) for g in definition.population_groups}
    genders = {g.key: g.name.text(lang) for g in definition.gender_breakdown.genders}
    rank = {key: i for i, key in enumerate([*alt_names, *areas, *groups, *genders, ALL_GENDERS])}
    for cell in sorted(
        cells, key=lambda x: tuple(rank.get(k, 0) for k in (x.alternative, x.area, x.grp, x.gender))
    ):
        where = _t(
            lang,
            "label.cell",
            alternative=alt_names.get(cell.alternative, cell.alternative),
            area=areas.get(cell.area, cell.area),
            group=groups.get(cell.grp, cell.grp),
            gender=genders.get(cell.gender) or _t(lang, "label.all_genders"),
        )
        for field in paths.CELL_FIELDS:
            c.add(
                paths.cell(cell.alternative, cell.area, cell.grp, cell.gender, field),
                "cells",
                getattr(cell, field),
                f"{where}: {_t(lang, 'field.' + field)}",
            )


def sources_of(session: Session, draft: DecisionDraft, lang: str) -> list[Source]:
    """Every non-empty source text of the draft in annex order, labelled in `lang`."""
    c = _Collector(lang)
    alts = drafts.alternatives(session, draft.id)
    _draft_texts(c, draft, alts)
    screening = assessments.screening_of(session, draft.id)
    if screening is not None:
        c.add(paths.SCREENING_REASON, "screening", screening.reason, _t(lang, "label.screening"))
    assessment = assessments.active_assessment(session, draft.id)
    if assessment is not None:
        for field in paths.ASSESSMENT_FIELDS:
            c.add(
                paths.assessment(field),
                "texts",
                getattr(assessment, field),
                _t(lang, f"label.{field}"),
            )
        view = assessments.view_of(session, draft, assessment)
        _cell_texts(c, templates.definition_of(view.template), alts, view.cells)
    return c.items
