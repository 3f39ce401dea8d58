"""Demo data for `make run`: a region, two municipalities, a user per role, one API client,
and a year of decisions in Vaasa and Laihia for the reports (app/reports/demo.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session

from app.annexes import service as annexes
from app.assessments import screening as screening_service
from app.assessments import service as assessments
from app.assessments.schemas import CellWrite, ScreeningIn
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
from app.wiring import install as install_workflow

DEMO_PASSWORD = "ennakko-demo-2026"  # noqa: S105 (demo data only, refused in production)
DEMO_CLIENT_ID = "casesystem-vaasa"
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


def _demo_drafts(session: Session) -> None:
    """Two drafts in Vaasa: one being assessed on the IVA matrix, one approved with its annex."""
    install_workflow()

    def person(email: str) -> Principal:
        user = org_service.user_by_email(session, email)
        assert user is not None
        return user_principal(session, user.id)

    preparer, expert = person(USERS[2][0]), person(USERS[3][0])
    screening = templates.shipped_template(session, "eva-screening")
    assert screening is not None
    answers = {
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
    for title, case, key, finish in (
        ("Kouluverkon uudistaminen 2027–2030", "VAA 2026-001245", "iva", False),
        ("Kirjastoautopalvelun lakkauttaminen", "VAA 2026-000987", "kuntaliitto", True),
    ):
        view = drafts.create(
            session,
            principal=preparer,
            data=DraftCreate(
                title=title,
                proposal=f"Kasvatus- ja opetuslautakunta esittää: {title.lower()}.",
                background="Oppilasmäärät laskevat alueella; palveluverkkoa sopeutetaan.",
                decision_body="Kasvatus- ja opetuslautakunta",
                decision_type="service_network",
                budget_eur=Decimal("450000.00"),
                languages=[Language.fi, Language.sv],
                external_ref=ExternalRef(system="ahjo", case_id=case, label=case),
                alternatives=[
                    AlternativeIn(key="reform", name="Uudistus esityksen mukaan"),
                    AlternativeIn(key="phased", name="Vaiheittainen toteutus"),
                ],
            ),
        )
        draft = view.draft
        screening_service.record_screening(
            session,
            principal=preparer,
            draft_id=draft.id,
            expected_version=draft.version,
            data=ScreeningIn(
                template_id=screening.id,
                answers=answers,
                reason="Muuttaa palveluverkkoa ja koskee lapsiperheitä.",
            ),
        )
        template = templates.shipped_template(session, key)
        assert template is not None
        started = assessments.start_assessment(
            session, principal=preparer, draft_id=draft.id, template_id=template.id
        )
        keys = started.shape.cell_keys() if finish else started.shape.cell_keys()[:40]
        writes = [
            CellWrite(
                alternative=a,
                area=ar,
                group=g,
                gender=ge,
                value=(-1 if a == "reform" and i % 7 == 0 else 0),
                justification="Matkat pitenevät osalla oppilaista."
                if a == "reform" and i % 7 == 0
                else "",
            )
            for i, (a, ar, g, ge) in enumerate(keys)
        ]
        assessments.write_cells(
            session,
            principal=expert,
            draft_id=draft.id,
            expected_version=started.assessment.version,
            writes=writes,
        )
        if finish:
            reviews.transition(
                session,
                principal=preparer,
                draft_id=draft.id,
                name="submit_for_review",
                expected_version=draft.version,
            )
            _, states = reviews.status(session, principal=expert, draft_id=draft.id)
            reviews.sign(
                session,
                principal=expert,
                draft_id=draft.id,
                requirement_key=states[0].requirement.key,
                decision=Decision.approved,
                comment="Arvio on riittävä.",
                content_hash=states[0].content_hash,
            )
            reviews.transition(
                session,
                principal=expert,
                draft_id=draft.id,
                name="approve",
                expected_version=draft.version,
            )
            annexes.issue(session, principal=person(USERS[4][0]), draft_id=draft.id, languages=None)
    region_expert = person(USERS[1][0])
    demo_year.load_year(
        session,
        vaasa=demo_year.People(preparer, expert, person(USERS[4][0]), [Language.fi, Language.sv]),
        laihia=demo_year.People(person(USERS[6][0]), region_expert, person(USERS[7][0])),
    )
