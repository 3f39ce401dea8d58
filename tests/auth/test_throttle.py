"""Failed sign-ins slow the address that fails, never the owner elsewhere, and cost bounded
argon2 work (counted by `app.core.passwords.verifications`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.auth.principal import SYSTEM
from app.core.config import get_settings
from app.core.db import transaction
from app.core.passwords import verifications
from app.main import create_app
from app.organisations import service as org_service
from app.organisations.models import Role
from app.organisations.schemas import UserCreate
from tests.factories import World

PASSWORD = "correct horse battery staple"
ATTACKER, OWNER = ("198.51.100.7", 40000), ("203.0.113.9", 41000)
TOKEN = "/api/v1/auth/token"


def _app(**settings: object) -> FastAPI:
    return create_app(get_settings().model_copy(update=settings))


@pytest.fixture(scope="module")
def strict_app(database: str) -> FastAPI:
    """Five free failures per address and account, then a wait far longer than any test."""
    return _app(login_max_failures=5, login_first_delay_seconds=600, login_source_max_failures=50)


def _from(app: FastAPI, source: tuple[str, int]) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=source)


@pytest.fixture
def attacker(strict_app: FastAPI) -> Iterator[TestClient]:
    with _from(strict_app, ATTACKER) as client:
        yield client


@pytest.fixture
def owner(strict_app: FastAPI) -> Iterator[TestClient]:
    with _from(strict_app, OWNER) as client:
        yield client


def _person(world: World) -> str:
    email = f"throttle-{uuid.uuid4().hex[:8]}@test.ennakko.fi"
    with transaction() as session:
        org_service.create_user(
            session,
            principal=SYSTEM,
            data=UserCreate(
                email=email,
                full_name="Throttle Test",
                password=PASSWORD,
                organisation_id=world.org,
                roles=[Role.preparer],
            ),
        )
    return email


def _password(email: str, password: str) -> dict[str, str]:
    return {"grant_type": "password", "username": email, "password": password}


def _secret(client_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(
    attacker: TestClient, owner: TestClient, world: World
) -> None:
    email = _person(world)
    before = verifications.value
    statuses = [attacker.post(TOKEN, data=_password(email, f"guess {i}")) for i in range(20)]
    assert [r.status_code for r in statuses] == [401] * 5 + [429] * 15
    assert all(int(r.headers["retry-after"]) > 0 for r in statuses[5:])
    assert statuses[-1].json()["error"]["code"] == "too_many_requests"
    # Only the first five were checked: the waiting address costs no argon2 work.
    assert verifications.value - before == 5

    signed_in = owner.post(TOKEN, data=_password(email, PASSWORD))
    assert signed_in.status_code == 200, signed_in.text
    assert verifications.value - before == 6
    # The attacker's address still waits, whatever it sends, and is still not checked.
    assert attacker.post(TOKEN, data=_password(email, PASSWORD)).status_code == 429
    assert verifications.value - before == 6


def test_an_attacker_elsewhere_cannot_lock_a_case_system_out(
    attacker: TestClient, owner: TestClient, world: World
) -> None:
    before = verifications.value
    statuses = [
        attacker.post(TOKEN, data=_secret(world.client_id, f"guess {i}")).status_code
        for i in range(20)
    ]
    assert statuses == [401] * 5 + [429] * 15
    assert verifications.value - before == 5
    issued = owner.post(TOKEN, data=_secret(world.client_id, world.client_secret))
    assert issued.status_code == 200, issued.text
    assert issued.json()["access_token"]


def test_after_the_wait_the_next_attempt_is_checked_and_the_right_secret_wins(
    database: str, world: World
) -> None:
    email = _person(world)
    app = _app(login_max_failures=2, login_first_delay_seconds=1, login_source_max_failures=50)
    with _from(app, ATTACKER) as client:
        tries = [client.post(TOKEN, data=_password(email, "nope")) for _ in range(3)]
        assert [t.status_code for t in tries] == [401, 401, 429]
        time.sleep(1.2)
        assert client.post(TOKEN, data=_password(email, PASSWORD)).status_code == 200
        # The success forgave the pair: two free failures again.
        assert client.post(TOKEN, data=_password(email, "nope")).status_code == 401


def test_one_address_failing_over_many_accounts_is_slowed_alone(
    database: str, world: World
) -> None:
    email = _person(world)
    app = _app(login_max_failures=5, login_first_delay_seconds=600, login_source_max_failures=3)
    with _from(app, ("192.0.2.44", 40000)) as sprayer, _from(app, OWNER) as owner:
        sprayed = [
            sprayer.post(TOKEN, data=_password(f"nobody-{i}-{email}", "Kesä2026!")).status_code
            for i in range(3)
        ]
        assert sprayed == [401] * 3
        before = verifications.value
        # A fresh account from the same address: the address itself must wait now.
        assert sprayer.post(TOKEN, data=_password(email, "Kesä2026!")).status_code == 429
        assert verifications.value == before
        assert owner.post(TOKEN, data=_password(email, PASSWORD)).status_code == 200


@pytest.mark.usefixtures("production_argon2")
def test_one_address_gets_only_a_few_checks_at_once(database: str, world: World) -> None:
    """Beyond `login_source_concurrency` attempts in flight, an address gets 429 at once."""
    email = _person(world)
    app = _app(login_source_concurrency=1, verify_concurrency=1, login_max_failures=100)

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app, client=ATTACKER)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            answers = await asyncio.gather(
                *(http.post(TOKEN, data=_password(email, f"guess {i}")) for i in range(6))
            )
        return [a.status_code for a in answers]

    before = verifications.value
    statuses = asyncio.run(burst())
    assert sorted(set(statuses)) == [401, 429], statuses
    assert verifications.value - before == statuses.count(401) < 6


@pytest.mark.usefixtures("production_argon2")
def test_waiting_for_a_check_is_bounded_with_503_busy(database: str, world: World) -> None:
    """More sign-ins than the process checks at once wait briefly, then get 503 busy."""
    email = _person(world)
    app = _app(
        login_source_concurrency=100,
        verify_concurrency=1,
        verify_wait_seconds=0.05,
        login_max_failures=100,
    )

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, client=OWNER)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(
                *(http.post(TOKEN, data=_password(email, PASSWORD)) for _ in range(6))
            )

    answers = asyncio.run(burst())
    busy = [a for a in answers if a.status_code == 503]
    assert busy, [a.status_code for a in answers]
    assert all(a.json()["error"]["code"] == "busy" for a in busy)
    assert all(int(a.headers["retry-after"]) >= 1 for a in busy)
    assert {a.status_code for a in answers} <= {200, 503}
