"""Templates API: visibility across regions, import, drafts, publish, copy, retire, export."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from tests.factories import World
from tests.flows import template_id


def _copy(
    client: TestClient, world: World, organisation: str, key: str = "suva"
) -> dict[str, object]:
    response = client.post(
        f"/api/v1/templates/{template_id(client, world.admin, key)}/copy",
        params={"organisation_id": organisation},
        headers=world.admin.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_shipped_templates_are_listed_for_everyone(client: TestClient, world: World) -> None:
    keys = {
        t["key"] for t in client.get("/api/v1/templates", headers=world.secretary.headers).json()
    }
    assert {"eva-screening", "iva", "lava", "suva", "kuntaliitto"} <= keys
    matrices = client.get(
        "/api/v1/templates", params={"kind": "matrix"}, headers=world.system.headers
    ).json()
    assert all(t["kind"] == "matrix" for t in matrices)
    assert client.get("/api/v1/templates").status_code == 401


def test_copy_edit_publish_retire_lifecycle(client: TestClient, world: World) -> None:
    copy = _copy(client, world, world.org)
    url = f"/api/v1/templates/{copy['id']}"
    assert (copy["status"], copy["version"]) == ("draft", 2)
    definition = dict(copy["definition"])  # type: ignore[arg-type]
    definition["cumulative_threshold"] = 3
    assert (
        client.put(
            url,
            json={"definition": definition},
            headers=world.preparer.headers | {"If-Match": '"v1"'},
        ).status_code
        == 403
    )
    edited = client.put(
        url, json={"definition": definition}, headers=world.admin.headers | {"If-Match": '"v1"'}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["definition"]["cumulative_threshold"] == 3
    assert (
        client.post(f"{url}/retire", headers=world.admin.headers | {"If-Match": '"v2"'}).status_code
        == 409
    )
    published = client.post(f"{url}/publish", headers=world.admin.headers | {"If-Match": '"v2"'})
    assert published.json()["status"] == "published"
    frozen = client.put(
        url, json={"definition": definition}, headers=world.admin.headers | {"If-Match": '"v3"'}
    )
    assert frozen.status_code == 409
    assert frozen.json()["error"]["code"] == "template_immutable"
    retired = client.post(f"{url}/retire", headers=world.admin.headers | {"If-Match": '"v3"'})
    assert retired.json()["status"] == "retired"
    exported = client.get(f"{url}/yaml", headers=world.admin.headers)
    assert exported.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(exported.text)["key"] == "suva"


def test_region_templates_are_visible_to_members_not_to_others(
    client: TestClient, world: World
) -> None:
    from tests.factories import mint

    region_admin = client.post(
        "/api/v1/users",
        json={
            "email": f"radmin-{world.region[:8]}@test.ennakko.fi",
            "full_name": "Region Admin",
            "organisation_id": world.region,
            "roles": ["admin"],
        },
        headers={"Authorization": f"Bearer {_operator(world)}"},
    )
    assert region_admin.status_code == 201, region_admin.text
    headers = {"Authorization": f"Bearer {mint(world.app, 'user:' + region_admin.json()['id'])}"}
    copy = client.post(
        f"/api/v1/templates/{template_id(client, world.admin, 'lava')}/copy",
        params={"organisation_id": world.region},
        headers=headers,
    )
    assert copy.status_code == 201, copy.text
    member_view = client.get(
        f"/api/v1/templates/{copy.json()['id']}", headers=world.preparer.headers
    )
    assert member_view.status_code == 200
    own = _copy(client, world, world.org)
    assert (
        client.get(
            f"/api/v1/templates/{own['id']}", headers=world.other_preparer.headers
        ).status_code
        == 404
    )


def _operator(world: World) -> str:
    from app.auth.principal import SYSTEM
    from app.core.db import transaction
    from app.organisations import service
    from app.organisations.models import Role
    from app.organisations.schemas import UserCreate
    from tests.factories import mint

    with transaction() as session:
        user = service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=f"op-{world.org[:8]}@test.ennakko.fi",
                full_name="Operator",
                organisation_id=world.region,
                roles=[Role.expert],
            ),
        )
        user.is_superuser = True
    return mint(world.app, f"user:{user.id}")


def test_import_yaml_reports_every_problem_with_its_path(client: TestClient, world: World) -> None:
    text = Path("assessment_templates/suva.v1.yaml").read_text(encoding="utf-8")
    text = text.replace("key: suva", "key: suva-oma", 1)
    created = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "yaml": text},
        headers=world.admin.headers,
    )
    assert created.status_code == 201, created.text
    assert (created.json()["key"], created.json()["status"]) == ("suva-oma", "draft")
    broken = yaml.safe_load(text)
    broken["key"] = "suva-rikki"
    broken["areas"][3]["groups"] = ["elderly75"]
    bad = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "definition": broken},
        headers=world.admin.headers,
    )
    assert bad.status_code == 422
    paths = [d["path"] for d in bad.json()["error"]["details"]]
    assert any(p.startswith("areas[3].groups") for p in paths), paths
    syntax = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "yaml": "key: [unclosed"},
        headers=world.admin.headers,
    )
    assert syntax.status_code == 422
    both = client.post(
        "/api/v1/templates",
        json={"organisation_id": world.org, "yaml": text, "definition": {}},
        headers=world.admin.headers,
    )
    assert both.status_code == 422
    assert (
        client.post(
            "/api/v1/templates",
            json={"organisation_id": world.org, "yaml": text},
            headers=world.other_admin.headers,
        ).status_code
        == 404
    )


def test_shipped_templates_cannot_be_changed(client: TestClient, world: World) -> None:
    shipped = template_id(client, world.admin, "iva")
    response = client.post(
        f"/api/v1/templates/{shipped}/retire", headers=world.admin.headers | {"If-Match": '"v1"'}
    )
    assert response.status_code == 409


def test_api_client_needs_the_templates_read_scope(client: TestClient, world: World) -> None:
    from tests.factories import mint

    def with_scope(scope: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {mint(world.app, f'client:{world.system.id}', scope=scope)}"
        }

    assert client.get("/api/v1/templates", headers=with_scope("templates:read")).status_code == 200
    refused = client.get("/api/v1/templates", headers=with_scope("drafts:read"))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
