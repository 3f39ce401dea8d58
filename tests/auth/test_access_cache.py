"""A person's roles are cached per worker under `user_account.access_version`, which database
triggers raise on every membership or region change: a change made anywhere (another worker,
another process, plain SQL that ends no session) shows on the next request."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.core.db import transaction
from app.core.models import new_id
from tests.factories import Person, World


def _in_another_process(sql: str, **params: str) -> None:
    """Run `sql` in a separate Python process on the same database (as another worker or an
    operator's SQL would), without raising anyone's session epoch."""
    script = textwrap.dedent(
        f"""
        from sqlalchemy import text
        from app.core.db import transaction
        with transaction() as session:
            session.execute(text({sql!r}), {params!r})
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def _roles(client: TestClient, person: Person, organisation_id: str) -> list[str]:
    me = client.get("/api/v1/me", headers=person.headers)
    assert me.status_code == 200, me.text
    organisations = me.json()["organisations"]
    found = [o["roles"] for o in organisations if o["organisation_id"] == organisation_id]
    return found[0] if found else []


def _access_version(user_id: str) -> int:
    with transaction() as session:
        found = session.execute(
            text("SELECT access_version FROM user_account WHERE id = :id"), {"id": user_id}
        ).scalar_one()
    return int(found)


def _create_draft(client: TestClient, person: Person, organisation_id: str) -> int:
    body = {
        "title": "Kirjaston aukioloajat",
        "proposal": "Aukioloaikoja pidennetään.",
        "decision_body": "Sivistyslautakunta",
        "decision_type": "policy",
        "languages": ["fi"],
        "organisation_id": organisation_id,
    }
    return client.post("/api/v1/drafts", json=body, headers=person.headers).status_code


def test_a_role_removed_in_another_process_is_refused_on_the_next_request(
    client: TestClient, world: World
) -> None:
    assert _roles(client, world.preparer, world.org) == ["preparer"]  # cached now
    assert _create_draft(client, world.preparer, world.org) == 201
    before = _access_version(world.preparer.id)
    _in_another_process(
        "DELETE FROM membership WHERE user_id = :user_id", user_id=world.preparer.id
    )
    assert _access_version(world.preparer.id) == before + 1
    assert _roles(client, world.preparer, world.org) == []
    assert _create_draft(client, world.preparer, world.org) in (403, 404)


def test_a_role_added_in_another_process_counts_on_the_next_request(
    client: TestClient, world: World
) -> None:
    assert _roles(client, world.expert, world.org) == ["expert"]
    _in_another_process(
        "INSERT INTO membership (id, user_id, organisation_id, role, created_at) "
        "VALUES (:id, :user_id, :org, 'preparer', CURRENT_TIMESTAMP)",
        id=new_id(),
        user_id=world.expert.id,
        org=world.org,
    )
    assert _roles(client, world.expert, world.org) == ["expert", "preparer"]
    assert _create_draft(client, world.expert, world.org) == 201


def test_an_organisation_leaving_its_region_ends_the_region_experts_reach(
    client: TestClient, world: World
) -> None:
    assert _roles(client, world.region_expert, world.other) == ["expert"]
    with transaction() as session:
        session.execute(
            text("UPDATE organisation SET parent_id = NULL WHERE id = :id"), {"id": world.other}
        )
    assert _roles(client, world.region_expert, world.other) == []
    assert _roles(client, world.region_expert, world.org) == ["expert"]
    with transaction() as session:
        session.execute(
            text("UPDATE organisation SET parent_id = :region WHERE id = :id"),
            {"id": world.other, "region": world.region},
        )
    assert _roles(client, world.region_expert, world.other) == ["expert"]


def test_a_role_changed_in_place_counts_for_the_person_who_lost_it_and_who_got_it(
    client: TestClient, world: World
) -> None:
    assert _roles(client, world.secretary, world.org) == ["secretary"]
    assert _roles(client, world.expert2, world.org) == ["expert"]
    with transaction() as session:
        session.execute(
            text(
                "UPDATE membership SET user_id = :to WHERE user_id = :from "
                "AND organisation_id = :org"
            ),
            {"to": world.expert2.id, "from": world.secretary.id, "org": world.org},
        )
    assert _roles(client, world.secretary, world.org) == []
    assert _roles(client, world.expert2, world.org) == ["expert", "secretary"]
