"""The demo drafts: two bilingual drafts in Vaasa (one being assessed on the IVA matrix,
one approved with its annexes) and a year of decisions in Vaasa and Laihia for the reports."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from app.annexes import service as annexes
from app.assessments import screening as screening_service
from app.assessments import service as assessments
from app.assessments.schemas import AssessmentTexts, CellWrite, ScreeningIn
from app.auth.principal import Principal
from app.auth.service import user_principal
from app.demo.tenants import USERS
from app.demo.texts import DEMO_DRAFTS, SCREENING_ANSWERS, STATUS_QUO, DemoDraft
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.drafts.schemas import AlternativeIn, DraftCreate, ExternalRef
from app.organisations import service as org_service
from app.organisations.schemas import Language
from app.reports import demo as demo_year
from app.templates import service as templates
from app.translations import service as translations
from app.wiring import install as install_workflow


def create_demo_drafts(session: Session) -> None:
    """Two bilingual drafts in Vaasa, with their Swedish texts: one being assessed on the IVA
    matrix, one approved with its annexes."""
    install_workflow()

    def person(email: str) -> Principal:
        user = org_service.user_by_email(session, email)
        assert user is not None
        return user_principal(session, user.id)

    preparer, expert = person(USERS[2][0]), person(USERS[3][0])
    for demo in DEMO_DRAFTS:
        draft_id = _demo_draft(session, preparer, expert, demo)
        translations.save_every_text(
            session,
            principal=preparer,
            draft_id=draft_id,
            lang="sv",
            by_source=demo.swedish | {STATUS_QUO[0]: STATUS_QUO[1]},
            label_lang="fi",
        )
        if demo.finish:
            _approve(session, preparer, expert, draft_id)
            annexes.issue(session, principal=person(USERS[4][0]), draft_id=draft_id, languages=None)
    region_expert = person(USERS[1][0])
    demo_year.load_year(
        session,
        vaasa=demo_year.People(preparer, expert, person(USERS[4][0]), [Language.fi, Language.sv]),
        laihia=demo_year.People(person(USERS[6][0]), region_expert, person(USERS[7][0])),
    )


def _demo_draft(session: Session, preparer: Principal, expert: Principal, demo: DemoDraft) -> str:
    """The draft, screened, assessed (every cell when it is to be approved, else 40 of them)."""
    draft = _create_draft(session, preparer, demo)
    _screen(session, preparer, draft, demo)
    _assess(session, preparer, expert, draft.id, demo)
    return draft.id


def _create_draft(session: Session, preparer: Principal, demo: DemoDraft) -> DecisionDraft:
    return drafts.create(
        session,
        principal=preparer,
        data=DraftCreate(
            title=demo.title,
            proposal=demo.proposal,
            background=demo.background,
            decision_body="Kasvatus- ja opetuslautakunta",
            decision_type="service_network",
            budget_eur=Decimal("450000.00"),
            languages=[Language.fi, Language.sv],
            external_ref=ExternalRef(system="ahjo", case_id=demo.case, label=demo.case),
            alternatives=[
                AlternativeIn(key="status_quo", name=STATUS_QUO[0], is_status_quo=True),
                AlternativeIn(key="reform", name=demo.reform),
                AlternativeIn(key="phased", name=demo.phased),
            ],
        ),
    ).draft


def _screen(session: Session, preparer: Principal, draft: DecisionDraft, demo: DemoDraft) -> None:
    screening = templates.shipped_template(session, "eva-screening")
    assert screening is not None
    screening_service.record_screening(
        session,
        principal=preparer,
        draft_id=draft.id,
        expected_version=draft.version,
        data=ScreeningIn(template_id=screening.id, answers=SCREENING_ANSWERS, reason=demo.reason),
    )


def _assess(
    session: Session, preparer: Principal, expert: Principal, draft_id: str, demo: DemoDraft
) -> None:
    """Neutral cells, with every seventh of the reform's negative and justified."""
    template = templates.shipped_template(session, demo.template)
    assert template is not None
    started = assessments.start_assessment(
        session, principal=preparer, draft_id=draft_id, template_id=template.id
    )
    keys = started.shape.cell_keys() if demo.finish else started.shape.cell_keys()[:40]
    negative = [a == "reform" and i % 7 == 0 for i, (a, *_) in enumerate(keys)]
    written = assessments.write_cells(
        session,
        principal=expert,
        draft_id=draft_id,
        expected_version=started.assessment.version,
        writes=[
            CellWrite(
                alternative=a,
                area=ar,
                group=g,
                gender=ge,
                value=-1 if hit else 0,
                justification=demo.justification if hit else "",
            )
            for (a, ar, g, ge), hit in zip(keys, negative, strict=True)
        ],
    )
    if demo.comparison or demo.mitigation:
        assessments.update_texts(
            session,
            principal=preparer,
            draft_id=draft_id,
            expected_version=written.version,
            data=AssessmentTexts(
                comparison=demo.comparison,
                mitigation=demo.mitigation,
                recommended_alternative="phased",
            ),
        )


def _approve(session: Session, preparer: Principal, expert: Principal, draft_id: str) -> None:
    version = demo_year.submit_for_review(session, preparer, draft_id)
    demo_year.sign_and_approve(session, expert, draft_id, version)
