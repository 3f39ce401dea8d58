"""Test database (SQLite by default, PostgreSQL with ENNAKKO_TEST_DATABASE_URL), app and tenants.

Isolation: every test builds its own tenants with unique slugs, so tests never see each
other's data while requests commit for real (as they must for concurrency tests).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="ennakko-tests-"))
os.environ["ENNAKKO_DATABASE_URL"] = os.environ.get(
    "ENNAKKO_TEST_DATABASE_URL", f"sqlite:///{_TMP / 'test.db'}"
)
os.environ["ENNAKKO_ENVIRONMENT"] = "test"
# Outside development the settings refuse placeholder secrets: tests use a real one.
os.environ["ENNAKKO_WEB_SESSION_SECRET"] = secrets.token_urlsafe(32)
os.environ["ENNAKKO_AUDIT_KEY"] = secrets.token_urlsafe(32)
os.environ["ENNAKKO_DATA_DIR"] = str(_TMP)
os.environ["ENNAKKO_LOG_LEVEL"] = "WARNING"
# Tests run no delivery worker: deliveries another test left due must not make /readyz 503
# in a later test (the test of stalled deliveries backdates its own delivery past this).
os.environ["ENNAKKO_WORKER_STALL_SECONDS"] = "3600"
# Every TestClient request comes from one address ("testclient"), and the suite (the fuzzer
# above all) fails many sign-ins: the per-address limit is for the tests that test it.
os.environ["ENNAKKO_LOGIN_SOURCE_MAX_FAILURES"] = "1000000"
# argon2id at a token cost (app/core/passwords.py): every test's tenants hash an API client
# secret, some their people's passwords. Tests whose point is that a check takes time ask for
# `production_argon2`; tests/core/test_passwords.py holds the production parameters.
os.environ["ENNAKKO_ARGON2_TEST_COST"] = "true"

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app.core import migrations  # noqa: E402
from app.core.config import get_settings  # noqa: E402
from app.core.db import get_engine, transaction  # noqa: E402
from app.main import create_app  # noqa: E402
from app.templates.service import sync_shipped  # noqa: E402
from tests.core import fuzzing  # noqa: E402
from tests.factories import World, build_world  # noqa: E402
from tests.live import LiveServer, start_server  # noqa: E402

# `make test` must give the same result on every run: Hypothesis draws the same examples each
# time (derandomize), keeps no example database between runs and applies no timing rule
# (deadline, too_slow) that a loaded machine would trip. `make fuzz` loads `fuzz`: random
# unless --hypothesis-seed is given (the Makefile always gives one and prints it).
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    derandomize=False,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("ENNAKKO_HYPOTHESIS_PROFILE", "ci"))


def _reset_postgres(url: str) -> None:
    engine = get_engine()
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session", autouse=True)
def database() -> Iterator[str]:
    """A database migrated to head by Alembic, once per test session."""
    url = get_settings().database_url
    if not url.startswith("sqlite"):
        _reset_postgres(url)
    migrations.upgrade(url)
    with transaction() as session:
        sync_shipped(session)
    yield url
    get_engine().dispose()


@pytest.fixture(scope="session")
def app(database: str) -> FastAPI:
    return create_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    """The app served by uvicorn on 127.0.0.1, for tests about the wire."""
    server = start_server(app)
    yield server
    server.stop()


@pytest.fixture
def production_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its production cost while the test runs: what is hashed meanwhile is also
    verified at that cost, for the tests whose point is that a check takes time."""
    monkeypatch.setattr(get_settings(), "argon2_test_cost", False)


@pytest.fixture
def world(app: FastAPI) -> World:
    """A region with two member municipalities and a user per role, unique to this test."""
    return build_world(app)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many schemathesis cases ran and how to replay each failure."""
    for line in fuzzing.summary_lines():
        terminalreporter.write_line(line)
