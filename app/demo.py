"""Demo data for `make run`: a region, two municipalities, a user per role, one API client,
and a year of decisions in Vaasa and Laihia for the reports (app/reports/demo.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session

from app.annexes import service as annexes
from app.assessments import screening as screening_service
from app.assessments import service as assessments
from app.assessments.schemas import AssessmentTexts, CellWrite, ScreeningIn
from app.auth.permissions import Scope
from app.auth.principal import SYSTEM, Principal
from app.auth.service import user_principal
from app.core.passwords import hash_secret
from app.drafts import service as drafts
from app.drafts.schemas import AlternativeIn, DraftCreate, ExternalRef
from app.organisations import clients as org_clients
from app.organisations import service as org_service
from app.organisations.models import OrganisationKind, Role
from app.organisations.schemas import (
    ApiClientCreate,
    Language,
    OrganisationCreate,
    UserCreate,
)
from app.reports import demo as demo_year
from app.reviews import service as reviews
from app.reviews.models import Decision
from app.templates import service as templates
from app.translations import service as translations
from app.wiring import install as install_workflow

DEMO_PASSWORD = "ennakko-demo-2026"  # noqa: S105 (demo data only, refused in production)
DEMO_CLIENT_ID = "vaasa.casesystem"
DEMO_CLIENT_SECRET = "demo-client-secret-vaasa"  # noqa: S105 (demo data only)

ORGANISATIONS = [
    (
        "pohjanmaan-liitto",
        "Pohjanmaan liitto",
        "Österbottens förbund",
        OrganisationKind.regional_council,
        [Language.fi, Language.sv],
        None,
        ["demo.ennakko.fi"],
    ),
    (
        "vaasa",
        "Vaasan kaupunki",
        "Vasa stad",
        OrganisationKind.municipality,
        [Language.fi, Language.sv],
        "pohjanmaan-liitto",
        ["vaasa.demo.ennakko.fi"],
    ),
    (
        "laihia",
        "Laihian kunta",
        None,
        OrganisationKind.municipality,
        [Language.fi],
        "pohjanmaan-liitto",
        ["laihia.demo.ennakko.fi"],
    ),
]

# (e-mail, full name, organisation slug, roles, platform operator)
USERS = [
    ("operator@demo.ennakko.fi", "Olli Operaattori", "pohjanmaan-liitto", [Role.admin], True),
    ("hyte@demo.ennakko.fi", "Helena Hyvinvointi", "pohjanmaan-liitto", [Role.expert], False),
    ("valmistelija@vaasa.demo.ennakko.fi", "Veera Valmistelija", "vaasa", [Role.preparer], False),
    ("asiantuntija@vaasa.demo.ennakko.fi", "Anders Sakkunnig", "vaasa", [Role.expert], False),
    ("sihteeri@vaasa.demo.ennakko.fi", "Sanna Sihteeri", "vaasa", [Role.secretary], False),
    ("paakayttaja@vaasa.demo.ennakko.fi", "Pekka Pääkäyttäjä", "vaasa", [Role.admin], False),
    ("valmistelija@laihia.demo.ennakko.fi", "Lauri Laihialainen", "laihia", [Role.preparer], False),
    (
        "paakayttaja@laihia.demo.ennakko.fi",
        "Liisa Laihia",
        "laihia",
        [Role.admin, Role.secretary],
        False,
    ),
]


@dataclass
class DemoSummary:
    created: bool
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def load_demo_data(session: Session) -> DemoSummary:
    """Create the demo tenants once; later calls leave existing data alone."""
    summary = DemoSummary(created=org_service.organisation_by_slug(session, "vaasa") is None)
    if summary.created:
        _create(session)
        session.flush()
        _demo_drafts(session)
    for email, _name, slug, roles, _op in USERS:
        summary.logins.append(
            (email, DEMO_PASSWORD, f"{slug}: {', '.join(r.value for r in roles)}")
        )
    summary.logins.append((DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, "vaasa: API client (all scopes)"))
    return summary


def _create(session: Session) -> None:
    ids: dict[str, str] = {}
    for slug, name, name_sv, kind, languages, parent, domains in ORGANISATIONS:
        org = org_service.create_organisation(
            session,
            principal=SYSTEM,
            data=OrganisationCreate(
                slug=slug,
                name=name,
                name_sv=name_sv,
                kind=kind,
                languages=languages,
                parent_id=ids.get(parent) if parent else None,
                email_domains=domains,
            ),
        )
        ids[slug] = org.id
    for email, full_name, slug, roles, operator in USERS:
        user = org_service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=email,
                full_name=full_name,
                password=DEMO_PASSWORD,
                organisation_id=ids[slug],
                roles=roles,
            ),
        )
        user.is_superuser = operator
    issued = org_clients.create_client(
        session,
        principal=SYSTEM,
        organisation_id=ids["vaasa"],
        data=ApiClientCreate(
            client_id=DEMO_CLIENT_ID,
            name="Vaasan asianhallinta (demo)",
            scopes=list(Scope),
        ),
    )
    # A fixed, printed secret so the README's curl examples work against the demo.
    issued.client.secret_hash = hash_secret(DEMO_CLIENT_SECRET)
    session.flush()


@dataclass(frozen=True)
class DemoDraft:
    """A demo draft in Finnish, and each of its texts in Swedish (keyed by the Finnish)."""

    title: str
    case: str
    template: str
    finish: bool
    proposal: str
    background: str
    reform: str
    phased: str
    reason: str
    justification: str
    comparison: str = ""
    mitigation: str = ""
    swedish: dict[str, str] = field(default_factory=dict)


DEMO_DRAFTS = (
    DemoDraft(
        title="Kouluverkon uudistaminen 2027–2030",
        case="VAA 2026-001245",
        template="iva",
        finish=False,
        proposal="Kasvatus- ja opetuslautakunta esittää, että kouluverkkoa uudistetaan vuosina "
        "2027–2030: kaksi pientä koulua yhdistetään lähimpiin kouluihin ja koulukuljetukset "
        "järjestetään uudelleen.",
        background="Oppilasmäärät laskevat alueella; palveluverkkoa sopeutetaan.",
        reform="Uudistus esityksen mukaan",
        phased="Vaiheittainen toteutus",
        reason="Muuttaa palveluverkkoa ja koskee lapsiperheitä.",
        justification="Matkat pitenevät osalla oppilaista.",
        swedish={
            "Kouluverkon uudistaminen 2027–2030": "Förnyelse av skolnätet 2027–2030",
            "Kasvatus- ja opetuslautakunta esittää, että kouluverkkoa uudistetaan vuosina "
            "2027–2030: kaksi pientä koulua yhdistetään lähimpiin kouluihin ja "
            "koulukuljetukset järjestetään uudelleen.": "Fostrans- och utbildningsnämnden "
            "föreslår att skolnätet förnyas åren 2027–2030: två små skolor slås samman med "
            "de närmaste skolorna och skolskjutsarna ordnas på nytt.",
            "Oppilasmäärät laskevat alueella; palveluverkkoa sopeutetaan.": "Elevantalet "
            "minskar i området; servicenätet anpassas därefter.",
            "Kasvatus- ja opetuslautakunta": "Fostrans- och utbildningsnämnden",
            "Uudistus esityksen mukaan": "Förnyelse enligt förslaget",
            "Vaiheittainen toteutus": "Genomförande i etapper",
            "Muuttaa palveluverkkoa ja koskee lapsiperheitä.": "Ändrar servicenätet och berör "
            "barnfamiljer.",
            "Matkat pitenevät osalla oppilaista.": "Resorna blir längre för en del av eleverna.",
        },
    ),
    DemoDraft(
        title="Kirjastoautopalvelun lakkauttaminen",
        case="VAA 2026-000987",
        template="kuntaliitto",
        finish=True,
        proposal="Kasvatus- ja opetuslautakunta esittää, että kirjastoautopalvelu lakkautetaan "
        "1.8.2027 alkaen ja korvataan haja-asutusalueen noutopisteillä ja kirjojen "
        "kotiinkuljetuksella.",
        background="Kirjastoauto on 22 vuotta vanha, ja sen korvaaminen maksaisi noin 450 000 "
        "euroa. Lainausmäärät ovat pienentyneet, mutta autoa käyttävät erityisesti lapset ja "
        "ikääntyneet.",
        reform="Lakkautus esityksen mukaan",
        phased="Vaiheittainen lakkautus",
        reason="Muuttaa palveluverkkoa ja koskee erityisesti lapsia ja ikääntyneitä "
        "haja-asutusalueella.",
        justification="Kirjastopalvelujen saavutettavuus heikkenee haja-asutusalueella, "
        "erityisesti niillä, joilla ei ole omaa autoa.",
        comparison="Nykytila säilyttää palvelun mutta vaatii uuden auton hankinnan. "
        "Vaiheittainen lakkautus antaa aikaa rakentaa korvaavat palvelut.",
        mitigation="Noutopisteet avataan kouluihin ja kyläkeskuksiin ennen lakkautusta; "
        "kotiinkuljetusta tarjotaan niille, joiden on vaikea liikkua.",
        swedish={
            "Kirjastoautopalvelun lakkauttaminen": "Indragning av bokbussverksamheten",
            "Kasvatus- ja opetuslautakunta esittää, että kirjastoautopalvelu lakkautetaan "
            "1.8.2027 alkaen ja korvataan haja-asutusalueen noutopisteillä ja kirjojen "
            "kotiinkuljetuksella.": "Fostrans- och utbildningsnämnden föreslår att "
            "bokbussverksamheten dras in från och med 1.8.2027 och ersätts med "
            "utlämningsställen i glesbygden och hemleverans av böcker.",
            "Kirjastoauto on 22 vuotta vanha, ja sen korvaaminen maksaisi noin 450 000 euroa. "
            "Lainausmäärät ovat pienentyneet, mutta autoa käyttävät erityisesti lapset ja "
            "ikääntyneet.": "Bokbussen är 22 år gammal, och att ersätta den skulle kosta "
            "cirka 450 000 euro. Utlåningen har minskat, men bussen används särskilt av barn "
            "och äldre.",
            "Kasvatus- ja opetuslautakunta": "Fostrans- och utbildningsnämnden",
            "Lakkautus esityksen mukaan": "Indragning enligt förslaget",
            "Vaiheittainen lakkautus": "Indragning i etapper",
            "Muuttaa palveluverkkoa ja koskee erityisesti lapsia ja ikääntyneitä "
            "haja-asutusalueella.": "Ändrar servicenätet och berör särskilt barn och äldre "
            "i glesbygden.",
            "Kirjastopalvelujen saavutettavuus heikkenee haja-asutusalueella, erityisesti "
            "niillä, joilla ei ole omaa autoa.": "Tillgången till bibliotekstjänster "
            "försämras i glesbygden, särskilt för dem som inte har egen bil.",
            "Nykytila säilyttää palvelun mutta vaatii uuden auton hankinnan. Vaiheittainen "
            "lakkautus antaa aikaa rakentaa korvaavat palvelut.": "Nuläget bevarar tjänsten "
            "men kräver att en ny buss anskaffas. En indragning i etapper ger tid att bygga "
            "upp ersättande tjänster.",
            "Noutopisteet avataan kouluihin ja kyläkeskuksiin ennen lakkautusta; "
            "kotiinkuljetusta tarjotaan niille, joiden on vaikea liikkua.": "Utlämningsställen "
            "öppnas i skolor och bycentrum före indragningen; hemleverans erbjuds dem som har "
            "svårt att röra sig.",
        },
    ),
)
STATUS_QUO = ("Nykytila", "Nuläge")
SCREENING_ANSWERS = {
    "exemption": "none",
    "affects_residents": "yes",
    "affects_staff": "yes",
    "budget_over_threshold": "yes",
    "affects_businesses": "no",
    "service_network": "yes",
    "strategy": "no",
    "significant_impacts": "yes",
    "concerns_people": "yes",
    "gender_situations_differ": "yes",
}


def _demo_drafts(session: Session) -> None:
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
        _translate(session, preparer, draft_id, demo.swedish | {STATUS_QUO[0]: STATUS_QUO[1]})
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
    view = drafts.create(
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
    )
    draft = view.draft
    screening = templates.shipped_template(session, "eva-screening")
    assert screening is not None
    screening_service.record_screening(
        session,
        principal=preparer,
        draft_id=draft.id,
        expected_version=draft.version,
        data=ScreeningIn(template_id=screening.id, answers=SCREENING_ANSWERS, reason=demo.reason),
    )
    template = templates.shipped_template(session, demo.template)
    assert template is not None
    started = assessments.start_assessment(
        session, principal=preparer, draft_id=draft.id, template_id=template.id
    )
    keys = started.shape.cell_keys() if demo.finish else started.shape.cell_keys()[:40]
    negative = [a == "reform" and i % 7 == 0 for i, (a, *_) in enumerate(keys)]
    written = assessments.write_cells(
        session,
        principal=expert,
        draft_id=draft.id,
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
            draft_id=draft.id,
            expected_version=written.assessment.version,
            data=AssessmentTexts(
                comparison=demo.comparison,
                mitigation=demo.mitigation,
                recommended_alternative="phased",
            ),
        )
    return draft.id


def _translate(
    session: Session, preparer: Principal, draft_id: str, swedish: dict[str, str]
) -> None:
    """Every text of the draft in Swedish (a demo text without its Swedish is a bug)."""
    read = translations.read(
        session, principal=preparer, draft_id=draft_id, lang="sv", label_lang="fi"
    )
    translations.save(
        session,
        principal=preparer,
        draft_id=draft_id,
        lang="sv",
        expected_etag=read.etag,
        texts={item.path: swedish[item.source] for item in read.items},
        label_lang="fi",
    )


def _approve(session: Session, preparer: Principal, expert: Principal, draft_id: str) -> None:
    draft = drafts.get_view(session, principal=preparer, draft_id=draft_id).draft
    reviews.transition(
        session,
        principal=preparer,
        draft_id=draft_id,
        name="submit_for_review",
        expected_version=draft.version,
    )
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
        session,
        principal=expert,
        draft_id=draft_id,
        name="approve",
        expected_version=draft.version,
    )
