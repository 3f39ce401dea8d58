"""Demo data for `make run`: a region, two municipalities, a user per role, one API client."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.core.passwords import hash_secret
from app.organisations import repository as org_repo
from app.organisations import service as org_service
from app.organisations.models import OrganisationKind, Role
from app.organisations.schemas import (
    ApiClientCreate,
    Language,
    OrganisationCreate,
    Scope,
    UserCreate,
)

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
    ),
    (
        "vaasa",
        "Vaasan kaupunki",
        "Vasa stad",
        OrganisationKind.municipality,
        [Language.fi, Language.sv],
        "pohjanmaan-liitto",
    ),
    (
        "laihia",
        "Laihian kunta",
        None,
        OrganisationKind.municipality,
        [Language.fi],
        "pohjanmaan-liitto",
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
    summary = DemoSummary(created=org_repo.organisation_by_slug(session, "vaasa") is None)
    if summary.created:
        _create(session)
    for email, _name, slug, roles, _op in USERS:
        summary.logins.append(
            (email, DEMO_PASSWORD, f"{slug}: {', '.join(r.value for r in roles)}")
        )
    summary.logins.append((DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, "vaasa: API client (all scopes)"))
    return summary


def _create(session: Session) -> None:
    ids: dict[str, str] = {}
    for slug, name, name_sv, kind, languages, parent in ORGANISATIONS:
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
    issued = org_service.create_client(
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
