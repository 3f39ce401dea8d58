"""Tenants, people and tokens for tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from fastapi import FastAPI

from app.auth.permissions import Scope
from app.auth.principal import SYSTEM
from app.auth.service import EPOCH_CLAIM, SecurityContext
from app.core import tokens
from app.core.db import transaction
from app.organisations import clients as org_clients
from app.organisations import repository as org_repo
from app.organisations import service as org_service
from app.organisations.models import OrganisationKind, Role
from app.organisations.schemas import (
    ApiClientCreate,
    Language,
    OrganisationCreate,
    UserCreate,
)


@dataclass
class Person:
    id: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """One test's tenants: `region` with members `org` (fi+sv) and `other` (fi)."""

    app: FastAPI
    region: str
    org: str
    other: str
    people: dict[str, Person] = field(default_factory=dict)
    client_secret: str = ""
    client_id: str = ""

    def __getattr__(self, name: str) -> Person:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def token(self, subject: str, **claims: object) -> str:
        return mint(self.app, subject, **claims)


def current_epoch(subject: str) -> int:
    """The session epoch a token for `subject` must carry to be accepted now."""
    kind, _, ident = subject.partition(":")
    with transaction() as session:
        if kind == "user":
            user = org_repo.get_user(session, ident)
            return user.session_epoch if user is not None else 0
        client = org_repo.get_client(session, ident)
        return client.session_epoch if client is not None else 0


def mint(app: FastAPI, subject: str, **claims: object) -> str:
    ctx: SecurityContext = app.state.security
    settings = ctx.settings
    claims.setdefault(EPOCH_CLAIM, current_epoch(subject))
    return tokens.issue_token(
        ctx.signer,
        subject=subject,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime_s=600,
        claims=dict(claims),
    )


EMAIL_DOMAIN = "test.ennakko.fi"

# name → (organisation attribute, roles)
PEOPLE = {
    "preparer": ("org", [Role.preparer]),
    "preparer2": ("org", [Role.preparer]),
    "expert": ("org", [Role.expert]),
    "expert2": ("org", [Role.expert]),
    "secretary": ("org", [Role.secretary]),
    "admin": ("org", [Role.admin]),
    "region_expert": ("region", [Role.expert]),
    "other_preparer": ("other", [Role.preparer]),
    "other_admin": ("other", [Role.admin]),
    "other_expert": ("other", [Role.expert]),
    "other_secretary": ("other", [Role.secretary]),
}


def build_world(app: FastAPI, *, password: str | None = None) -> World:
    tag = uuid.uuid4().hex[:10]
    with transaction() as session:

        def org(
            slug: str, kind: OrganisationKind, langs: list[Language], parent: str | None
        ) -> str:
            return org_service.create_organisation(
                session,
                principal=SYSTEM,
                data=OrganisationCreate(
                    slug=f"{slug}-{tag}",
                    name=f"{slug.title()} {tag}",
                    name_sv=f"{slug.title()} SV {tag}",
                    kind=kind,
                    languages=langs,
                    parent_id=parent,
                    email_domains=[EMAIL_DOMAIN],
                ),
            ).id

        region = org("region", OrganisationKind.regional_council, [Language.fi, Language.sv], None)
        world = World(
            app=app,
            region=region,
            org=org("kunta", OrganisationKind.municipality, [Language.fi, Language.sv], region),
            other=org("muu", OrganisationKind.municipality, [Language.fi], region),
        )
        for name, (where, roles) in PEOPLE.items():
            user = org_service.create_user(
                session,
                principal=SYSTEM,
                data=UserCreate(
                    email=f"{name}.{tag}@{EMAIL_DOMAIN}",
                    full_name=f"{name.title()} {tag}",
                    password=password,
                    organisation_id=getattr(world, where),
                    roles=roles,
                ),
            )
            world.people[name] = Person(user.id, user.email, "")
        issued = org_clients.create_client(
            session,
            principal=SYSTEM,
            organisation_id=world.org,
            data=ApiClientCreate(client_id=f"system-{tag}", name="Case system", scopes=list(Scope)),
        )
        world.client_id, world.client_secret = issued.client.client_id, issued.secret
        client_pk = issued.client.id
    for person in world.people.values():
        person.token = mint(app, f"user:{person.id}", gen=0)  # fresh: epoch 0
    world.people["system"] = Person(
        client_pk,
        world.client_id,
        mint(app, f"client:{client_pk}", scope=" ".join(s.value for s in Scope), gen=0),
    )
    return world
