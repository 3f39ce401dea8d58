"""Building the annex record of an approved draft from the database, in one language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.annexes import record as r
from app.assessments.models import Assessment, AssessmentCell, Screening
from app.assessments.shape import EVERYTHING, MatrixScope, MatrixShape
from app.assessments.summary import Summary
from app.core.i18n import translate
from app.drafts.models import DecisionDraft, DraftAlternative
from app.organisations.models import Organisation
from app.reviews.service import RequirementState
from app.templates.definition import TemplateDefinition
from app.templates.elements import ALL_GENDERS
from app.translations import paths
from app.translations.localise import Localiser

# The annex summarises the proposal and background; the decision document has them whole.
SUMMARY_CHARS = 1500


@dataclass(frozen=True)
class AnnexSources:
    """Everything an annex shows, loaded by the service."""

    organisation: Organisation
    draft: DecisionDraft
    alternatives: Sequence[DraftAlternative]
    preparer_name: str
    screening: Screening
    screening_template: TemplateDefinition
    assessment: Assessment | None
    template: TemplateDefinition | None
    shape: MatrixShape | None
    cells: Sequence[AssessmentCell]
    summary: Summary | None
    requirements: Sequence[RequirementState]
    issued_at: datetime
    scope: MatrixScope = EVERYTHING
    # current translations by language and path (app.translations)
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _text(value: str | None, fallback: str = "—") -> str:
    value = (value or "").strip()
    return value[:500] if value else fallback


def _long(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _abridged(value: str | None, limit: int = SUMMARY_CHARS) -> tuple[str | None, bool]:
    """The text whole when short, else cut at the last sentence (or word) before `limit`."""
    text = _long(value)
    if text is None or len(text) <= limit:
        return text, False
    head = text[:limit]
    cut = max(head.rfind(". "), head.rfind(".\n"))
    cut = cut + 1 if cut > limit // 2 else head.rstrip().rfind(" ")
    return head[: cut if cut > 0 else limit].rstrip() + " …", True


def _localiser(src: AnnexSources, lang: str) -> Localiser:
    """Each text in `lang` when translated from its current source, else as written."""
    written = src.draft.languages[0] if src.draft.languages else lang
    current = src.translations.get(lang, {})
    return Localiser(source_lang=written, lang=lang, current=current)


def _proposal(draft: DecisionDraft, say: Localiser) -> r.Proposal:
    text, cut_text = _abridged(say.say(paths.PROPOSAL, draft.proposal))
    background, cut_background = _abridged(say.say(paths.BACKGROUND, draft.background))
    return r.Proposal(text=text, background=background, abridged=cut_text or cut_background)


def _answer(option: str) -> tuple[str, bool]:
    """(yes|no|unknown, whether the option itself is worth noting)."""
    if option in ("yes", "no"):
        return option, False
    if option in ("none",):
        return "no", False
    if option in ("not_known", "unknown"):
        return "unknown", False
    return "yes", True


def _screening(src: AnnexSources, lang: str, say: Localiser) -> r.Screening:
    answers = []
    for question in (
        src.screening_template.screening.questions if src.screening_template.screening else ()
    ):
        chosen = src.screening.answers.get(question.key)
        if chosen is None:
            continue
        answer, noted = _answer(chosen)
        option = next((o for o in question.options if o.key == chosen), None)
        answers.append(
            r.ScreeningAnswer(
                question=_text(question.text.text(lang)),
                answer=answer,
                note=option.name.text(lang) if noted and option else None,
            )
        )
    return r.Screening(
        outcome=src.screening.outcome.value,
        reason=_text(say.say(paths.SCREENING_REASON, src.screening.reason)),
        answers=answers,
    )


def _identification(src: AnnexSources, lang: str, say: Localiser) -> r.Identification:
    org, draft = src.organisation, src.draft
    template = src.template or src.screening_template
    name = org.name_sv if lang == "sv" and org.name_sv else org.name
    case_id = draft.external_case_id or draft.id
    return r.Identification(
        organisation_name=_text(name),
        organisation_logo_png=org.records_settings.get("logo_png_base64"),
        title=_text(say.say(paths.TITLE, draft.title)),
        case=r.CaseRef(
            id=_text(case_id),
            label=_text(draft.external_label or case_id),
            system=_text(draft.external_system or r.INTERNAL_SYSTEM),
        ),
        decision_body=_text(say.say(paths.DECISION_BODY, draft.decision_body)),
        meeting_date=draft.meeting_date,
        preparer=_text(src.preparer_name),
        presenting_official=_long(draft.presenting_official),
        template=r.TemplateRef(
            key=template.key, name=_text(template.name.text(lang)), version=str(template.version)
        ),
    )


def _records(org: Organisation) -> r.RecordsManagement:
    settings = org.records_settings
    return r.RecordsManagement(
        document_type=settings.get("document_type", "impact_assessment_annex"),
        publicity_class=settings.get("publicity_class", "public"),
        publicity_reason=settings.get("publicity_reason"),
        personal_data_class=settings.get("personal_data_class", "no_personal_data"),
        retention_years=settings.get("retention_years"),
    )


def _scale(template: TemplateDefinition | None, lang: str) -> r.Scale:
    if template is None or template.scale is None:
        labels = [(1, "+", "positive"), (0, "0", "neutral"), (-1, "−", "negative")]
        return r.Scale(
            values=[
                r.ScaleValue(
                    value=v,
                    symbol=s,
                    direction=d,
                    label=translate(lang, f"annex.direction.{d}"),
                )
                for v, s, d in labels
            ]
        )
    return r.Scale(
        values=[
            r.ScaleValue(
                value=v.value,
                symbol=v.symbol,
                direction=v.direction.value,
                label=_text(v.label.text(lang)),
            )
            for v in template.scale.values
        ]
    )


def _dimensions(src: AnnexSources, lang: str) -> dict[str, Any]:
    t = src.template
    if t is None or src.shape is None:
        return {}
    area_groups = {g.key: g.name.text(lang) for g in t.area_groups}
    genders = {g.key: g.name.text(lang) for g in t.gender_breakdown.genders}
    return {
        "areas": [
            r.Area(
                key=a.key,
                name=_text(a.name.text(lang)),
                group_name=area_groups.get(a.area_group),
                groups=list(src.shape.groups_by_area.get(a.key, ())),
            )
            for a in t.areas
        ],
        "groups": [
            r.Group(key=g.key, name=_text(g.name.text(lang)), parent=g.parent)
            for g in t.population_groups
        ],
        "genders": [
            r.Gender(key=g, name=_text(genders.get(g) or translate(lang, "annex.gender_all")))
            for g in src.shape.genders
            if g in genders or g == ALL_GENDERS
        ],
    }


def _cell(c: AssessmentCell, say: Localiser) -> r.Cell:
    status = "cannot_assess" if c.cannot_assess else "assessed"
    where = (c.alternative, c.area, c.grp, c.gender)
    return r.Cell(
        area=c.area,
        group=c.grp,
        gender=c.gender,
        status=status,
        value=c.value if status == "assessed" else None,
        horizon=c.horizon,
        certainty=c.certainty,
        justification=_long(say.say(paths.cell(*where, "justification"), c.justification)),
        evidence=_long(say.say(paths.cell(*where, "evidence"), c.evidence)),
        mitigation=_long(say.say(paths.cell(*where, "mitigation"), c.mitigation)),
    )


def _matrix(src: AnnexSources, say: Localiser) -> list[r.AlternativeMatrix]:
    """The cells in scope per alternative (what is stored for scoped-out cells is not shown)."""
    if src.shape is None:
        return []
    scope = src.scope
    return [
        r.AlternativeMatrix(
            alternative=alt,
            cells=[
                _cell(c, say)
                for c in src.cells
                if c.alternative == alt and scope.covers(c.area, c.grp)
            ],
        )
        for alt in src.shape.alternatives
    ]


def _scoping(src: AnnexSources) -> r.Scoping | None:
    scope = src.scope
    if not scope.is_set or src.shape is None:
        return None
    shape = src.shape
    return r.Scoping(
        areas=None if scope.areas is None else [a for a in shape.areas if a in scope.areas],
        groups=None if scope.groups is None else [g for g in shape.groups if g in scope.groups],
        reason=_long(scope.reason) or "—",
    )


def _summary_and_findings(src: AnnexSources) -> dict[str, Any]:
    s = src.summary
    if s is None:
        return {}
    return {
        "summary": [
            r.AlternativeSummary(
                alternative=alt,
                positive=c.positive,
                neutral=c.neutral,
                negative=c.negative,
                cannot_assess=c.cannot_assess,
                not_assessed=c.not_assessed,
                scoped_out=c.scoped_out,
                completeness_percent=c.completeness,
            )
            for alt, c in s.by_alternative.items()
        ],
        "findings": r.Findings(
            cumulative=[
                r.CumulativeImpact(
                    group=c.group, alternative=c.alternative, negative_areas=list(c.areas)
                )
                for c in s.cumulative
            ],
            gender_gaps=[
                r.GenderGap(
                    area=g.area, group=g.group, alternative=g.alternative, women=g.women, men=g.men
                )
                for g in s.gender_gaps
            ],
            missing_justifications=[
                r.MissingJustification(alternative=k[0], area=k[1], group=k[2], gender=k[3])
                for k in s.missing_justification
            ],
        ),
    }


def _texts(a: Assessment | None, say: Localiser) -> dict[str, Any]:
    if a is None:
        return {}
    return {
        "comparison": r.Comparison(
            text=_long(say.say(paths.assessment("comparison"), a.comparison)),
            recommended_alternative=a.recommended_alternative,
        ),
        "mitigation": _long(say.say(paths.assessment("mitigation"), a.mitigation)),
        "participation": r.Participation(
            description=_long(say.say(paths.assessment("participation"), a.participation)),
            statements=[r.Statement(**s) for s in a.statements],
        ),
        "data_sources": [r.DataSource(**d) for d in a.sources],
        "follow_up_indicators": [r.Indicator(**i) for i in a.indicators],
    }


def approvals(requirements: Sequence[RequirementState]) -> list[r.Approval]:
    return [
        r.Approval(
            reviewer_name=_text(s.reviewer_name),
            role=_text(s.role),
            decision=s.decision.value,
            decided_at=s.created_at,
            content_hash=s.content_hash,
            stale=s.content_hash != req.content_hash,
            comment=_long(s.comment),
        )
        for req in requirements
        for s in req.signoffs
    ]


def _alternatives(src: AnnexSources, say: Localiser) -> list[r.Alternative]:
    return [
        r.Alternative(
            key=a.key,
            name=_text(say.say(paths.alternative(a.key, "name"), a.name)),
            description=_long(say.say(paths.alternative(a.key, "description"), a.description)),
            is_status_quo=a.is_status_quo,
        )
        for a in src.alternatives
    ]


def build_record(src: AnnexSources, lang: str) -> r.AnnexRecord:
    """The annex record in `lang` (names from the templates, the organisation's name in sv,
    people's texts translated where a current translation exists, the rest as written)."""
    say = _localiser(src, lang)
    people = {
        "identification": _identification(src, lang, say),
        "proposal": _proposal(src.draft, say),
        "screening": _screening(src, lang, say),
        "alternatives": _alternatives(src, say),
        "matrix": _matrix(src, say),
        **_texts(src.assessment, say),
    }
    return r.AnnexRecord(
        schema_version=r.SCHEMA_ID,
        language=lang,
        records_management=_records(src.organisation),
        draft_version=src.draft.version,
        content_hash=src.draft.content_hash,
        text_language=say.fallback_lang,
        untranslated=say.untranslated,
        scale=_scale(src.template, lang),
        scoping=_scoping(src),
        approvals=approvals(src.requirements),
        issued_at=src.issued_at,
        **people,
        **_dimensions(src, lang),
        **_summary_and_findings(src),
    )
