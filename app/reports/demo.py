"""A year (2026) of decisions in Vaasa and Laihia for the demo, so that `make run` shows
meaningful reports: approved assessments whose negative effects pile up on some groups, a
gender gap, decisions screened 'not needed' with their reasons, drafts never screened, open
reviews, and outcomes at meetings. Made through the same services as the API; the drafts'
creation and approval days are then set back to the spring so draft → approval times look
like a year's work (demo data only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from app.annexes import service as annexes
from app.assessments import screening as screening_service
from app.assessments import service as assessments
from app.assessments.schemas import CellWrite, ScreeningIn
from app.auth.principal import Principal
from app.drafts import service as drafts
from app.drafts.models import DecisionDraft
from app.drafts.schemas import AlternativeIn, DraftCreate
from app.meetings import service as meetings
from app.meetings.models import Outcome
from app.meetings.schemas import MeetingAttach, OutcomeRecord
from app.organisations.schemas import Language
from app.reports import demo_followups, ledger_store
from app.reports.repository import snapshots as repo
from app.reviews import service as reviews
from app.reviews.models import Decision
from app.templates import service as templates
from app.translations import service as translations

YEAR = 2026
FULL = {
    "exemption": "none",
    "affects_residents": "yes",
    "affects_staff": "no",
    "budget_over_threshold": "yes",
    "affects_businesses": "no",
    "service_network": "yes",
    "strategy": "no",
    "significant_impacts": "yes",
    "concerns_people": "yes",
    "gender_situations_differ": "yes",
}
Effect = tuple[str, str, str, int]  # area, group, gender, value


@dataclass(frozen=True)
class DemoDecision:
    title: str
    body: str
    meeting: date
    template: str | None = None  # None: screened 'not needed' (reason) or never screened
    effects: tuple[Effect, ...] = ()
    reason: str | None = None
    stage: str = "approved"  # approved, review, unscreened, not_needed, decided
    outcome: Outcome | None = None


@dataclass
class People:
    preparer: Principal
    expert: Principal
    secretary: Principal
    languages: list[Language] = field(default_factory=lambda: [Language.fi])


_KIDS = "children_0_6"
VAASA = (
    DemoDecision("Päiväkotien aukioloaikojen supistaminen", "Kasvatus- ja opetuslautakunta",
              date(YEAR, 2, 12), "lava",
              (("child_wellbeing", _KIDS, "all", -1), ("family_relationships", _KIDS, "all", -1),
               ("family_finances", "families_with_children", "all", -1)),
              stage="decided", outcome=Outcome.passed_unchanged),
    DemoDecision("Koulukuljetusten kilometrirajat", "Kasvatus- ja opetuslautakunta",
              date(YEAR, 3, 19), "lava",
              (("safety", "children_7_12", "girls", -2), ("safety", "children_7_12", "boys", -1),
               ("leisure_play", "children_7_12", "all", -1)),
              stage="decided", outcome=Outcome.passed_after_vote),
    DemoDecision("Omaishoidon tuen kriteerit", "Sosiaali- ja terveyslautakunta", date(YEAR, 4, 9),
              "suva",
              (("care_responsibilities", "working_age", "women", -2),
               ("care_responsibilities", "working_age", "men", -1),
               ("income_work", "working_age", "women", -1),
               ("health_wellbeing", "older_people", "all", -1)),
              stage="decided", outcome=Outcome.passed_modified),
    DemoDecision("Nuorisotilojen uudet aukioloajat", "Sivistyslautakunta", date(YEAR, 5, 21),
              "lava", (("leisure_play", "children_13_17", "all", 2),
                       ("participation", "children_13_17", "all", 1))),
    DemoDecision("Ikäihmisten päivätoiminnan keskittäminen", "Sosiaali- ja terveyslautakunta",
              date(YEAR, 6, 11), "suva",
              (("health_wellbeing", "older_people", "women", -2),
               ("health_wellbeing", "older_people", "men", -1),
               ("risks", "older_people", "all", -1))),
    DemoDecision("Liikuntapaikkojen maksut", "Sivistyslautakunta", date(YEAR, 8, 27), "lava",
              (("leisure_play", "children_7_12", "all", -1),
               ("family_finances", "families_with_children", "all", -1))),
    DemoDecision("Kotihoidon iltakäynnit", "Sosiaali- ja terveyslautakunta", date(YEAR, 9, 24),
              "suva", (("care_responsibilities", "older_people", "women", -1),
                       ("resources", "older_people", "all", 1))),
    DemoDecision("Varhaiskasvatuksen ryhmäkoot", "Kasvatus- ja opetuslautakunta",
              date(YEAR, 10, 15), "lava", (("learning", _KIDS, "all", -1),)),
    DemoDecision("Koulupsykologien lisävirat", "Kasvatus- ja opetuslautakunta", date(YEAR, 11, 12),
              "lava", (("child_health", "children_13_17", "all", 2),), stage="review"),
    DemoDecision("Uimahallin peruskorjaus", "Tekninen lautakunta", date(YEAR, 12, 10),
              "kuntaliitto", (), stage="review"),
    DemoDecision("Rehtorin viran täyttäminen", "Kasvatus- ja opetuslautakunta", date(YEAR, 1, 22),
              reason="Viran täyttäminen: yksittäinen henkilöstöpäätös.", stage="not_needed"),
    DemoDecision("Tilinpäätöksen merkitseminen tiedoksi", "Kaupunginhallitus", date(YEAR, 3, 2),
              reason="Merkitään tiedoksi.", stage="not_needed"),
    DemoDecision("Oikaisuvaatimus maksupäätöksestä", "Sosiaali- ja terveyslautakunta",
              date(YEAR, 5, 6), reason="Oikaisuvaatimus yksittäisestä päätöksestä.",
              stage="not_needed"),
    DemoDecision("Valtuustoaloitteen vastaus", "Kaupunginhallitus", date(YEAR, 6, 15),
              reason="Merkitään tiedoksi.", stage="not_needed"),
    DemoDecision("Katuvalojen uusiminen", "Tekninen lautakunta", date(YEAR, 9, 3),
              stage="unscreened"),
    DemoDecision("Hankintaohjeen päivitys", "Kaupunginhallitus", date(YEAR, 11, 30),
              stage="unscreened"),
)  # fmt: skip
LAIHIA = (
    DemoDecision("Kirjaston lauantaiaukiolo", "Sivistyslautakunta", date(YEAR, 3, 25), "lava",
              (("leisure_play", "children_7_12", "all", -1),
               ("services", "families_with_children", "all", -1))),
    DemoDecision("Kouluruokailun järjestäminen", "Sivistyslautakunta", date(YEAR, 5, 27), "lava",
              (("child_health", _KIDS, "all", -1), ("child_health", "children_7_12", "girls", -1),
               ("child_health", "children_7_12", "boys", 0))),
    DemoDecision("Kunnan liikuntastrategia", "Kunnanvaltuusto", date(YEAR, 10, 5), "suva",
              (("health_wellbeing", "working_age", "all", 1),), stage="review"),
    DemoDecision("Vanhusneuvoston kokoonpano", "Kunnanhallitus", date(YEAR, 2, 3),
              reason="Merkitään tiedoksi.", stage="not_needed"),
    DemoDecision("Tekninen johtaja, viran täyttö", "Kunnanhallitus", date(YEAR, 4, 14),
              reason="Viran täyttäminen: yksittäinen henkilöstöpäätös.", stage="not_needed"),
    DemoDecision("Tiealueen nopeusrajoitus", "Tekninen lautakunta", date(YEAR, 8, 18),
              stage="unscreened"),
)  # fmt: skip


# Vaasa is bilingual: every text its drafts carry, in Swedish (the approval guard asks for
# them, and the Swedish reports and annexes show them).
SWEDISH = {
    "Päiväkotien aukioloaikojen supistaminen": "Inskränkning av daghemmens öppettider",
    "Koulukuljetusten kilometrirajat": "Kilometergränserna för skolskjutsar",
    "Omaishoidon tuen kriteerit": "Kriterierna för stöd för närståendevård",
    "Nuorisotilojen uudet aukioloajat": "Nya öppettider för ungdomslokalerna",
    "Ikäihmisten päivätoiminnan keskittäminen": "Centralisering av dagverksamheten för äldre",
    "Liikuntapaikkojen maksut": "Avgifterna för idrottsplatser",
    "Kotihoidon iltakäynnit": "Hemvårdens kvällsbesök",
    "Varhaiskasvatuksen ryhmäkoot": "Gruppstorlekarna inom småbarnspedagogiken",
    "Koulupsykologien lisävirat": "Nya tjänster som skolpsykolog",
    "Uimahallin peruskorjaus": "Grundrenovering av simhallen",
    "Rehtorin viran täyttäminen": "Tillsättning av rektorstjänsten",
    "Tilinpäätöksen merkitseminen tiedoksi": "Antecknande av bokslutet för kännedom",
    "Oikaisuvaatimus maksupäätöksestä": "Begäran om omprövning av ett avgiftsbeslut",
    "Valtuustoaloitteen vastaus": "Svar på en fullmäktigemotion",
    "Katuvalojen uusiminen": "Förnyelse av gatubelysningen",
    "Hankintaohjeen päivitys": "Uppdatering av upphandlingsanvisningen",
    "Kasvatus- ja opetuslautakunta": "Fostrans- och utbildningsnämnden",
    "Sosiaali- ja terveyslautakunta": "Social- och hälsovårdsnämnden",
    "Sivistyslautakunta": "Bildningsnämnden",
    "Tekninen lautakunta": "Tekniska nämnden",
    "Kaupunginhallitus": "Stadsstyrelsen",
    "Esityksen mukaan": "Enligt förslaget",
    "Nykytila": "Nuläge",
    "Vaikuttaa asukkaisiin ja palveluverkkoon.": "Påverkar invånarna och servicenätet.",
    "Viran täyttäminen: yksittäinen henkilöstöpäätös.": "Tillsättning av tjänst: ett enskilt "
    "personalbeslut.",
    "Merkitään tiedoksi.": "Antecknas för kännedom.",
    "Oikaisuvaatimus yksittäisestä päätöksestä.": "Begäran om omprövning av ett enskilt beslut.",
    "Arvioitu valmistelussa kuultujen tietojen perusteella.": "Bedömt utifrån uppgifter som "
    "inhämtats under beredningen.",
}


def load_year(session: Session, *, vaasa: People, laihia: People) -> None:
    """Every demo decision of the year, in Vaasa and in Laihia."""
    screening = templates.shipped_template(session, "eva-screening")
    assert screening is not None
    for people, decisions in ((vaasa, VAASA), (laihia, LAIHIA)):
        for decision in decisions:
            _decide(session, people, decision, screening.id)


def _decide(session: Session, people: People, decision: DemoDecision, screening_id: str) -> None:
    view = drafts.create(
        session,
        principal=people.preparer,
        data=DraftCreate(
            title=decision.title,
            proposal=_proposal(decision.body, decision.title, "päättää"),
            decision_body=decision.body,
            decision_type="service" if decision.template else "routine",
            meeting_date=decision.meeting,
            languages=people.languages,
            alternatives=[
                AlternativeIn(key="proposal", name="Esityksen mukaan"),
                AlternativeIn(key="status_quo", name="Nykytila", is_status_quo=True),
            ],
        ),
    )
    draft = view.draft
    if decision.stage != "unscreened":
        not_needed = decision.stage == "not_needed"
        screening_service.record_screening(
            session,
            principal=people.preparer,
            draft_id=draft.id,
            expected_version=draft.version,
            data=ScreeningIn(
                template_id=screening_id,
                answers=FULL | ({"exemption": "for_information"} if not_needed else {}),
                reason=decision.reason or "Vaikuttaa asukkaisiin ja palveluverkkoon.",
            ),
        )
    if decision.template is None:
        _translate(session, people, draft.id)
    else:
        _assess(session, people, decision, draft.id)
    _backdate(session, draft, decision)


def _proposal(body: str, title: str, decides: str) -> str:
    return f"{body} {decides}: {title[0].lower()}{title[1:]}."


def _translate(session: Session, people: People, draft_id: str) -> None:
    """Every text of a bilingual draft in Swedish, as its preparer would write them."""
    if Language.sv not in people.languages:
        return
    read = translations.read(
        session, principal=people.preparer, draft_id=draft_id, lang="sv", label_lang="fi"
    )
    swedish = SWEDISH | {
        _proposal(body, title, "päättää"): _proposal(SWEDISH[body], SWEDISH[title], "beslutar")
        for body in SWEDISH
        for title in SWEDISH
        if body.endswith(("lautakunta", "hallitus")) and title in (d.title for d in VAASA)
    }
    translations.save(
        session,
        principal=people.preparer,
        draft_id=draft_id,
        lang="sv",
        expected_etag=read.etag,
        texts={item.path: swedish[item.source] for item in read.items},
        label_lang="fi",
    )


def _assess(session: Session, people: People, decision: DemoDecision, draft_id: str) -> None:
    template = templates.shipped_template(session, decision.template or "")
    assert template is not None
    started = assessments.start_assessment(
        session, principal=people.preparer, draft_id=draft_id, template_id=template.id
    )
    effects = {(area, group, gender): value for area, group, gender, value in decision.effects}
    writes = []
    for alternative, area, group, gender in started.shape.cell_keys():
        value = effects.get((area, group, gender), 0) if alternative == "proposal" else 0
        writes.append(
            CellWrite(
                alternative=alternative,
                area=area,
                group=group,
                gender=gender,
                value=value,
                justification="Arvioitu valmistelussa kuultujen tietojen perusteella."
                if value
                else "",
            )
        )
    assessments.write_cells(
        session,
        principal=people.expert,
        draft_id=draft_id,
        expected_version=started.assessment.version,
        writes=writes,
    )
    demo_followups.add_indicator(session, people.preparer, decision.title, draft_id)
    _translate(session, people, draft_id)
    version = submit_for_review(session, people.preparer, draft_id)
    if decision.stage == "review":
        return
    sign_and_approve(session, people.expert, draft_id, version)
    if decision.outcome is not None:
        _to_meeting(session, people, decision, draft_id)
    demo_followups.follow_up(session, people.expert, decision.title, draft_id)


def submit_for_review(session: Session, preparer: Principal, draft_id: str) -> int:
    """The preparer sends the assessed draft to review; the draft's version it was sent at."""
    draft = drafts.visible_draft(session, principal=preparer, draft_id=draft_id)
    reviews.transition(
        session,
        principal=preparer,
        draft_id=draft_id,
        name="submit_for_review",
        expected_version=draft.version,
    )
    return draft.version


def sign_and_approve(session: Session, expert: Principal, draft_id: str, version: int) -> None:
    """The HYTE expert signs the first requirement off and approves the assessment."""
    _, states = reviews.status(session, principal=expert, draft_id=draft_id)
    reviews.sign(
        session,
        principal=expert,
        draft_id=draft_id,
        requirement_key=states[0].requirement.key,
        decision=Decision.approved,
        comment="Arvio on riittävä.",
        content_hash=states[0].content_hash,
    )
    reviews.transition(
        session, principal=expert, draft_id=draft_id, name="approve", expected_version=version
    )


def _to_meeting(session: Session, people: People, decision: DemoDecision, draft_id: str) -> None:
    # one language keeps `make run` quick; the first annex of the demo has both
    annexes.issue(session, principal=people.secretary, draft_id=draft_id, languages=["fi"])
    draft = drafts.visible_draft(session, principal=people.secretary, draft_id=draft_id)
    meetings.attach(
        session,
        principal=people.secretary,
        draft_id=draft_id,
        expected_version=draft.version,
        data=MeetingAttach(
            meeting_id=f"{decision.body} {decision.meeting.isoformat()}",
            item_number=f"§ {decision.meeting.day + 10}",
            meeting_date=decision.meeting,
            decision_body=decision.body,
        ),
    )
    modified = decision.outcome in (Outcome.passed_modified, Outcome.passed_revised)
    meetings.record_outcome(
        session,
        principal=people.secretary,
        draft_id=draft_id,
        expected_version=draft.version,
        data=OutcomeRecord(
            outcome=decision.outcome or Outcome.passed_unchanged,
            addendum="Lautakunta muutti kriteerien voimaantuloa." if modified else None,
            vote_result="7–4" if decision.outcome is Outcome.passed_after_vote else None,
        ),
    )


def _backdate(session: Session, draft: DecisionDraft, decision: DemoDecision) -> None:
    """Created six to ten weeks before the meeting, approved two weeks before it."""
    meeting = datetime.combine(decision.meeting, time(9), tzinfo=UTC)
    repo.backdate_for_demo(
        session,
        draft.id,
        created_at=meeting - timedelta(days=42 + 7 * (len(decision.title) % 5)),
        approved_at=meeting - timedelta(days=14),
    )
    ledger_store.refresh_draft(session, draft.id)
