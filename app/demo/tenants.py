"""The demo tenants: a region, two municipalities, a user per role and one API client."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.permissions import Scope
from app.auth.principal import SYSTEM
from app.core.passwords import hash_secret
from app.organisations import clients as org_clients
from app.organisations import service as org_service
from app.organisations.models import OrganisationKind, Role
from app.organisations.schemas import ApiClientCreate, Language, OrganisationCreate, UserCreate

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


def create_tenants(session: Session) -> None:
    """The organisations, their users (password DEMO_PASSWORD) and the API client."""
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
