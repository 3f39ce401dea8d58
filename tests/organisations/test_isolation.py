"""Tenant boundaries an administrator cannot cross: the region an organisation belongs to,
other tenants' people (no existence oracle), and their memberships elsewhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.audit.models import AuditEntry
from app.auth.principal import SYSTEM
from app.core.db import transaction
from app.organisations import service
from app.organisations.models import OrganisationKind, Role
from app.organisations.schemas import OrganisationCreate, UserCreate
from tests.factories import World, mint


@dataclass
class Foreign:
    """Another tenant: a municipality in another region, with its own domain and a person."""

    region: str
    org: str
    domain: str
    user_id: str
    email: str


@pytest.fixture
def foreign() -> Foreign:
    tag = uuid.uuid4().hex[:8]
    domain = f"laihia-{tag}.ennakko.fi"
    with transaction() as session:

        def org(slug: str, kind: OrganisationKind, parent: str | None) -> str:
            return service.create_organisation(
                session,
                principal=SYSTEM,
                data=OrganisationCreate(
                    slug=f"{slug}-{tag}",
                    name=f"{slug} {tag}",
                    kind=kind,
                    parent_id=parent,
                    email_domains=[domain],
                ),
            ).id

        region = org("maakunta", OrganisationKind.regional_council, None)
        municipality = org("laihia", OrganisationKind.municipality, region)
        user = service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=f"lauri@{domain}",
                full_name="Lauri Laihialainen",
                organisation_id=municipality,
                roles=[Role.preparer],
            ),
        )
    return Foreign(region, municipality, domain, user.id, user.email)


def _operator(world: World) -> dict[str, str]:
    with transaction() as session:
        user = service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=f"op-{uuid.uuid4().hex[:8]}@test.ennakko.fi",
                full_name="Operator",
                organisation_id=world.region,
                roles=[Role.admin],
            ),
        )
        user.is_superuser = True
    return {"Authorization": f"Bearer {mint(world.app, f'user:{user.id}')}"}


def _patch(client: TestClient, org: str, body: dict[str, object], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    version = client.get(f"/api/v1/organisations/{org}", headers=headers).headers["etag"]
    return client.patch(
        f"/api/v1/organisations/{org}", json=body, headers=headers | {"If-Match": version}
    )


def test_an_admin_cannot_move_the_organisation_to_another_region(
    client: TestClient, world: World, foreign: Foreign
) -> None:
    answers = [
        _patch(client, world.org, {"parent_id": target}, world.admin.headers)
        for target in (foreign.org, foreign.region, str(uuid.uuid4()), None)
    ]
    assert [a.status_code for a in answers] == [403] * 4
    # The same answer for a real and a made-up id: no existence oracle.
    assert len({a.text for a in answers}) == 1
    assert (
        client.get(f"/api/v1/organisations/{world.org}", headers=world.admin.headers).json()[
            "parent_id"
        ]
        == world.region
    )
    # The region's experts keep their reach into the municipality.
    me = client.get("/api/v1/me", headers=world.region_expert.headers).json()
    assert world.org in {o["organisation_id"] for o in me["organisations"]}
    # Sending the current region back with another change is fine.
    same = _patch(
        client, world.org, {"parent_id": world.region, "name": "Kunta"}, world.admin.headers
    )
    assert same.status_code == 200, same.text
    domains = _patch(client, world.org, {"email_domains": ["evil.test"]}, world.admin.headers)
    assert domains.status_code == 403


def test_the_parent_must_be_a_region_and_the_change_is_audited(
    client: TestClient, world: World, foreign: Foreign
) -> None:
    operator = _operator(world)
    municipality = _patch(client, world.org, {"parent_id": foreign.org}, operator)
    assert municipality.status_code == 422
    assert "region" in municipality.json()["error"]["message"]
    region_in_region = _patch(client, world.region, {"parent_id": foreign.region}, operator)
    assert region_in_region.status_code == 422
    moved = _patch(client, world.org, {"parent_id": foreign.region}, operator)
    assert moved.status_code == 200, moved.text
    with transaction() as session:
        entries = session.exec(
            select(AuditEntry).where(
                AuditEntry.entity_id == world.org,
                AuditEntry.action == "organisation.region_changed",
            )
        ).all()
    assert {e.organisation_id for e in entries} == {world.region, foreign.region}
    assert all(e.data == {"from": world.region, "to": foreign.region} for e in entries)
    me = client.get("/api/v1/me", headers=world.region_expert.headers).json()
    assert world.org not in {o["organisation_id"] for o in me["organisations"]}


def test_creating_a_user_never_tells_whether_another_tenants_address_exists(
    client: TestClient, world: World, foreign: Foreign
) -> None:
    body = {"full_name": "Joku", "organisation_id": world.org, "roles": ["preparer"]}
    taken = client.post(
        "/api/v1/users", json=body | {"email": foreign.email}, headers=world.admin.headers
    )
    free = client.post(
        "/api/v1/users",
        json=body | {"email": f"nobody@{foreign.domain}"},
        headers=world.admin.headers,
    )
    assert taken.status_code == free.status_code == 403
    assert taken.json()["error"]["code"] == "email_domain_not_managed"
    assert taken.json()["error"]["message"] == free.json()["error"]["message"]
    # In the organisation's own domain the answer is honest: created, or already there.
    own = body | {"email": f"uusi-{uuid.uuid4().hex[:6]}@test.ennakko.fi"}
    assert client.post("/api/v1/users", json=own, headers=world.admin.headers).status_code == 201
    assert client.post("/api/v1/users", json=own, headers=world.admin.headers).status_code == 409
    # A platform operator creates accounts for any address (and sees what exists).
    operator = _operator(world)
    anywhere = body | {"email": f"joku-{uuid.uuid4().hex[:6]}@elsewhere.ennakko.fi"}
    assert client.post("/api/v1/users", json=anywhere, headers=operator).status_code == 201
    assert (
        client.post("/api/v1/users", json=body | {"email": foreign.email}, headers=operator)
    ).status_code == 409


def test_another_tenants_person_joins_only_through_an_operator(
    client: TestClient, world: World, foreign: Foreign
) -> None:
    url = f"/api/v1/organisations/{world.org}/memberships"
    theirs = client.post(
        url, json={"user_id": foreign.user_id, "role": "expert"}, headers=world.admin.headers
    )
    nobody = client.post(
        url, json={"user_id": str(uuid.uuid4()), "role": "expert"}, headers=world.admin.headers
    )
    assert theirs.status_code == nobody.status_code == 422
    assert theirs.json()["error"]["message"] == nobody.json()["error"]["message"]
    assert (
        client.get(f"/api/v1/users/{foreign.user_id}", headers=world.admin.headers).status_code
        == 404
    )
    # A person of the admin's own organisation gets another role directly.
    mine = client.post(
        url, json={"user_id": world.preparer.id, "role": "expert"}, headers=world.admin.headers
    )
    assert mine.status_code == 201
    # The operator attaches the foreign person; the admin then sees only this membership.
    joined = client.post(
        url, json={"user_id": foreign.user_id, "role": "expert"}, headers=_operator(world)
    )
    assert joined.status_code == 201, joined.text
    one = client.get(f"/api/v1/users/{foreign.user_id}", headers=world.admin.headers).json()
    assert {m["organisation_id"] for m in one["memberships"]} == {world.org}
    listed = client.get(f"/api/v1/organisations/{world.org}/users", headers=world.admin.headers)
    [person] = [u for u in listed.json() if u["id"] == foreign.user_id]
    assert {m["organisation_id"] for m in person["memberships"]} == {world.org}
    # The person sees all of their own memberships.
    own = client.get(
        f"/api/v1/users/{foreign.user_id}",
        headers={"Authorization": f"Bearer {mint(world.app, f'user:{foreign.user_id}')}"},
    ).json()
    assert {m["organisation_id"] for m in own["memberships"]} == {world.org, foreign.org}
