"""Readiness reads the schema revisions without Alembic: they must agree with Alembic's."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from app.core import revisions
from app.core.db import get_read_engine
from app.core.migrations import alembic_config
from app.health import router as health


def test_head_is_alembics_head() -> None:
    assert (
        revisions.head_revision()
        == ScriptDirectory.from_config(alembic_config()).get_current_head()
    )


def test_current_revision_is_alembics_current_revision() -> None:
    with get_read_engine().connect() as conn:
        assert (
            revisions.current_revision(conn)
            == MigrationContext.configure(conn).get_current_revision()
        )
        assert revisions.current_revision(conn) == revisions.head_revision()


def test_an_unmigrated_database_has_no_revision(tmp_path: Path) -> None:
    with create_engine(f"sqlite:///{tmp_path / 'empty.db'}").connect() as conn:
        assert revisions.current_revision(conn) is None


def _revision(directory: Path, rev: str, down: str) -> None:
    (directory / f"{rev}.py").write_text(
        f'"""{rev}"""\n\nrevision: str = "{rev}"\ndown_revision: str | None = {down}\n',
        encoding="utf-8",
    )


def test_heads_follow_merges_and_branches(tmp_path: Path) -> None:
    _revision(tmp_path, "a1", "None")
    _revision(tmp_path, "b2", '"a1"')
    _revision(tmp_path, "c3", '"a1"')
    assert revisions.heads_in(tmp_path) == {"b2", "c3"}
    _revision(tmp_path, "d4", '("b2", "c3")')
    assert revisions.heads_in(tmp_path) == {"d4"}


def test_readiness_reports_a_database_behind_the_code(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = revisions.head_revision()
    monkeypatch.setattr(health, "head_revision", lambda: "newer0000001")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "migrating", "current": current, "head": "newer0000001"}
