"""A sign-in does not hold SQLite's writer while its password is being checked."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.core.config import get_settings
from app.core.db import get_engine
from app.main import create_app
from tests.auth.test_throttle import PASSWORD, _password, _person
from tests.factories import World

pytestmark = pytest.mark.skipif(
    get_engine().dialect.name != "sqlite", reason="only SQLite has a writer to hold"
)


@pytest.mark.usefixtures("production_argon2")
def test_writes_go_ahead_while_sign_ins_are_being_checked(world: World) -> None:
    email = _person(world)
    # One check at a time: four sign-ins keep the checker busy for a second or more (one
    # argon2 check is ~235 ms on an idle core, longer under load), while a write may wait
    # only 150 ms for the writer: enough for a sign-in's short outcome write on a busy
    # machine, too little if a sign-in held the writer through its check.
    app = create_app(
        get_settings().model_copy(
            update={
                "verify_concurrency": 1,
                "verify_wait_seconds": 30.0,
                "db_wait_seconds": 0.15,
                "login_source_concurrency": 100,
            }
        )
    )

    async def scenario() -> tuple[list[int], int]:
        transport = httpx.ASGITransport(app=app, client=("203.0.113.40", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            sign_ins = [
                asyncio.create_task(http.post("/api/v1/auth/token", data=_password(email, p)))
                for p in (PASSWORD, "wrong", PASSWORD, "wrong")
            ]
            await asyncio.sleep(0.2)  # the first check is running, the others wait for it
            assert not all(task.done() for task in sign_ins)
            write = await http.post("/api/v1/auth/logout", headers=world.preparer.headers)
            return [(await task).status_code for task in sign_ins], write.status_code

    sign_ins, write = asyncio.run(scenario())
    assert write == 204
    assert sorted(sign_ins) == [200, 200, 401, 401]
