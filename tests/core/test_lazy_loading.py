"""A serving worker loads the renderers (ReportLab, pikepdf, openpyxl), Alembic and PyYAML only
when a request or command needs them (app/core/lazy.py, app/core/revisions.py), Jinja2 only
with its first page, Babel with the first value it formats, argon2 with the first password it
checks, and only its own database's SQLAlchemy dialect (app/core/upsert.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from app.core import lazy

# builds the app, answers the probes, then names the heavy packages it has imported
_PROBE = """
import json, sys
from fastapi.testclient import TestClient
from app.core.lazy import HEAVY_PACKAGES
from app.main import create_app

with TestClient(create_app()) as client:
    statuses = [client.get(path).status_code for path in ("/healthz", "/readyz", "/login")]
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY_PACKAGES))
v1 = sys.modules.get("pydantic.v1") is not None
print(json.dumps({"statuses": statuses, "loaded": loaded, "pydantic_v1": v1}))
"""

# builds an upsert for one dialect, then names the dialect packages imported
_DIALECT_PROBE = """
import json, sys
from app.audit.models import AuditChain
from app.core import upsert

upsert.insert_or_update({dialect!r}, AuditChain.__table__, ["chain"], ["seq", "hash"])
upsert.insert_or_ignore({dialect!r}, AuditChain.__table__, ["chain"])
print(json.dumps(sorted(n for n in sys.modules if n.count(".") == 2 and ".dialects." in n)))
"""

# serves the probes and writes through an upsert (a login failure counted, then rolled back)
_WRITING_PROBE = """
import json, sys
from fastapi.testclient import TestClient
from sqlmodel import Session
from app.auth.throttle import Rule, record_failure
from app.core.db import get_engine
from app.core.lazy import HEAVY_PACKAGES
from app.main import create_app

with TestClient(create_app()) as client:
    statuses = [client.get(path).status_code for path in ("/healthz", "/readyz", "/login")]
with Session(get_engine()) as session:
    record_failure(session, [("lazy-loading-probe", Rule(100, 1, 1, 60))])
    session.rollback()
print(json.dumps({
    "statuses": statuses,
    "own": get_engine().dialect.name,
    "dialects": sorted(n for n in sys.modules if n.count(".") == 2 and ".dialects." in n),
    "loaded": sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY_PACKAGES)),
}))
"""


# answers the probes and API requests, then a page: which deferred packages each step loaded
_PAGE_PROBE = """
import json, sys
from fastapi.testclient import TestClient
from app.core.lazy import DEFERRED_PACKAGES
from app.main import create_app

def loaded():
    return sorted({name.split(".")[0] for name in sys.modules} & set(DEFERRED_PACKAGES))

with TestClient(create_app()) as client:
    api = [client.get(path).status_code for path in ("/healthz", "/readyz", "/api/v1/me")]
    api += [client.get("/api/v1/drafts/x/assessment").status_code]
    after_api = loaded()
    page = client.get("/login")
print(json.dumps({
    "api": api, "after_api": after_api, "page": page.status_code,
    "html": page.headers["content-type"], "after_page": loaded(),
}))
"""

# a secret checked against no stored hash (the unknown caller's path), then a date formatted:
# which deferred packages were loaded before, after the check and after the date
_SIGN_IN_PROBE = """
import json, sys
from datetime import date
from app.core import i18n, passwords
from app.main import create_app

def loaded():
    return sorted({name.split(".")[0] for name in sys.modules} & {"argon2", "babel"})

create_app()
before = loaded()
signed_in = passwords.verify_secret(None, "correct horse")
after_sign_in = loaded()
day = i18n.format_day(date(2026, 12, 6), "fi")
print(json.dumps({
    "before": before, "signed_in": signed_in, "after_sign_in": after_sign_in,
    "day": day, "after_format": loaded(),
}))
"""


def _last_json_line(code: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_building_and_probing_the_app_loads_no_renderer_and_no_alembic() -> None:
    # a fresh interpreter: this test process has imported everything already
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["statuses"] == [200, 200, 200]
    assert found["loaded"] == []
    assert found["pydantic_v1"] is False  # app/__init__.py keeps FastAPI from importing it


def test_a_worker_answering_the_api_loads_jinja2_only_with_its_first_page() -> None:
    found = _last_json_line(_PAGE_PROBE)
    assert found["api"] == [200, 200, 401, 401]
    assert found["after_api"] == []  # no Jinja2, Babel or argon2
    assert found["page"] == 200
    assert found["html"].startswith("text/html")
    assert "jinja2" in found["after_page"]
    assert "argon2" not in found["after_page"]  # the sign-in form is shown, not checked


def test_a_sign_in_loads_argon2_and_a_formatted_value_babel() -> None:
    found = _last_json_line(_SIGN_IN_PROBE)
    assert found["before"] == []
    assert found["signed_in"] is False
    assert found["after_sign_in"] == ["argon2"]
    assert found["day"] == "6.12.2026"
    assert found["after_format"] == ["argon2", "babel"]


@pytest.mark.parametrize(("name", "package"), sorted(lazy.DEFERRED_MODULES.items()))
def test_each_deferred_module_brings_its_package(name: str, package: str) -> None:
    probe = (
        "import json, sys; from app.core import lazy; "
        f"lazy.load({name!r}); "
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules} "
        "& set(lazy.DEFERRED_PACKAGES))))"
    )
    assert package in _last_json_line(probe)


def test_a_worker_serving_and_writing_loads_only_its_own_database_dialect() -> None:
    """On SQLite the PostgreSQL dialect is never imported (and the other way round)."""
    found = _last_json_line(_WRITING_PROBE)
    own, other = found["own"], {"sqlite": "postgresql", "postgresql": "sqlite"}[found["own"]]
    assert found["statuses"] == [200, 200, 200]
    assert f"sqlalchemy.dialects.{own}" in found["dialects"]
    assert f"sqlalchemy.dialects.{other}" not in found["dialects"]
    assert found["loaded"] == []


@pytest.mark.parametrize(("dialect", "other"), [("sqlite", "postgresql"), ("postgresql", "sqlite")])
def test_an_upsert_loads_only_its_own_dialect(dialect: str, other: str) -> None:
    loaded = _last_json_line(_DIALECT_PROBE.format(dialect=dialect))
    assert f"sqlalchemy.dialects.{dialect}" in loaded
    assert f"sqlalchemy.dialects.{other}" not in loaded


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(KeyError):
        lazy.dialect("oracle")


@pytest.mark.parametrize("name", sorted(lazy.HEAVY_MODULES))
def test_each_lazy_module_brings_a_heavy_package(name: str) -> None:
    """The list in app.core.lazy names what it should: each module loads a heavy library."""
    probe = (
        "import json, sys; from app.core import lazy; "
        f"lazy.load({name!r}); "
        "loaded = {n.split('.')[0] for n in sys.modules}; "
        "print(json.dumps(sorted(loaded & set(lazy.HEAVY_PACKAGES))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) != []


def test_only_listed_modules_load_lazily() -> None:
    with pytest.raises(KeyError):
        lazy.load("app.main")
