"""Follow-ups in the demo year: indicators on three of Vaasa's decided drafts, their plans,
and one post-decision review recorded (the rest of the demo: app/reports/demo.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.assessments import service as assessments
from app.assessments.schemas import AssessmentTexts, Indicator
from app.auth.principal import Principal
from app.followups import service as followups
from app.followups.models import Verdict
from app.followups.schemas import CellVerdict, FollowUpPlan, FollowUpRecord, RealisedValue


@dataclass(frozen=True)
class DemoFollowUp:
    indicator: Indicator
    realised: str | None = None
    observation: str = ""
    verdict: tuple[str, str, str, str, Verdict] | None = None


FOLLOW_UPS = {
    "Päiväkotien aukioloaikojen supistaminen": DemoFollowUp(
        Indicator(
            name="Vuorohoidon tarpeen täyttyminen",
            baseline="96 %",
            target="95 %",
            review_on=date(2026, 9, 1),
            responsible="Varhaiskasvatuksen palvelupäällikkö",
        ),
        realised="91 %",
        observation="Osa perheistä siirtyi vuorohoitoon; kaikille ei löytynyt paikkaa.",
        verdict=("proposal", "child_wellbeing", "children_0_6", "all", Verdict.partly),
    ),
    "Koulukuljetusten kilometrirajat": DemoFollowUp(
        Indicator(
            name="Koulumatkan kokeminen turvalliseksi (huoltajakysely)",
            baseline="82 %",
            target="80 %",
            review_on=date(2027, 3, 1),
            responsible="Hyvinvointikoordinaattori",
        )
    ),
    "Omaishoidon tuen kriteerit": DemoFollowUp(
        Indicator(
            name="Omaishoidon tuen hakemusten hylkäysosuus",
            baseline="12 %",
            target="15 %",
            review_on=date(2026, 11, 16),
            responsible="Vanhuspalvelujen johtaja",
        )
    ),
}


def add_indicator(session: Session, preparer: Principal, title: str, draft_id: str) -> None:
    """The follow-up indicator of a demo decision, written with its assessment's texts."""
    found = FOLLOW_UPS.get(title)
    assessment = assessments.active_assessment(session, draft_id)
    if found is None or assessment is None:
        return
    assessments.update_texts(
        session,
        principal=preparer,
        draft_id=draft_id,
        expected_version=assessment.version,
        data=AssessmentTexts(indicators=[found.indicator]),
    )


def follow_up(session: Session, expert: Principal, title: str, draft_id: str) -> None:
    """Plan the decided draft's follow-up; record its review where the demo has one."""
    found = FOLLOW_UPS.get(title)
    if found is None:
        return
    view = followups.plan(
        session, principal=expert, draft_id=draft_id, data=FollowUpPlan(), expected_version=None
    )
    if found.realised is None or found.verdict is None:
        return
    alternative, area, group, gender, verdict = found.verdict
    followups.record(
        session,
        principal=expert,
        draft_id=draft_id,
        expected_version=view.follow_up.version,
        on=found.indicator.review_on,
        data=FollowUpRecord(
            indicators=[
                RealisedValue(position=0, realised=found.realised, observation=found.observation)
            ],
            cells=[
                CellVerdict(
                    alternative=alternative,
                    area=area,
                    group=group,
                    gender=gender,
                    verdict=verdict,
                    note="Aukioloaikojen supistus osui vuorotyötä tekeviin perheisiin.",
                )
            ],
            summary="Vaikutus lapsiin jäi ennakoitua pienemmäksi, mutta vuorohoidon tarve kasvoi.",
            complete=True,
        ),
    )
