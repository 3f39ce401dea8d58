"""The audit chain: written with every change, refused by the database, verifiable."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from app.audit.models import AuditEntry
from app.audit.service import verify_chain
from app.cli import app as cli
from app.core.db import get_engine, transaction
from tests.factories import World


def test_changes_are_audited_and_admins_can_read_them(client: TestClient, world: World) -> None:
    url = f"/api/v1/organisations/{world.org}"
    client.patch(url, json={"name": "Muutettu"}, headers=world.admin.headers | {"If-Match": '"v1"'})
    log = client.get(f"{url}/audit", headers=world.admin.headers)
    assert log.status_code == 200
    actions = [e["action"] for e in log.json()]
    assert actions[0] == "organisation.created"
    assert actions[-1] == "organisation.updated"
    assert log.json()[-1]["data"] == {"name": "Muutettu"}
    assert client.get(f"{url}/audit", headers=world.preparer.headers).status_code == 403
    assert client.get(f"{url}/audit", headers=world.other_admin.headers).status_code == 404


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET action = 'forged' WHERE seq = 1",
        "DELETE FROM audit_entry WHERE seq = 1",
    ],
)
def test_database_refuses_to_alter_audit_rows(world: World, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), get_engine().begin() as conn:
        conn.execute(text(statement))


def _set_action_around_trigger(chain: str, action: str) -> str:
    """Alter the chain's entry 2 the way someone with DDL rights could, returning its old action."""
    where = "WHERE chain = :chain AND chain_seq = 2"
    update = text(f"UPDATE audit_entry SET action = :action {where}").bindparams(chain=chain)
    with get_engine().begin() as conn:
        select_old = text(f"SELECT action FROM audit_entry {where}").bindparams(chain=chain)
        old = str(conn.execute(select_old).scalar_one())
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_entry_no_update"))
            conn.execute(update, {"action": action})
            conn.execute(
                text("""CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
                                 BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END""")
            )
        else:
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"))
            conn.execute(update, {"action": action})
            conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change"))
    return old


def test_verify_reports_the_first_broken_link_in_a_copy(world: World) -> None:
    with transaction() as session:
        query = (
            AuditEntry.__table__.select()  # type: ignore[attr-defined]
            .where(text("chain = :chain").bindparams(chain=world.org))
            .order_by(text("chain_seq"))
            .limit(5)
        )
        entries = list(session.exec(query))
    rows = [AuditEntry.model_validate(dict(r._mapping)) for r in entries]
    assert verify_chain(rows, None).ok
    rows[3] = rows[3].model_copy(update={"action": "forged"})
    report = verify_chain(rows, None)
    assert (report.broken_at, report.checked) == (4, 3)
    assert report.reason == "entry content does not match its hash"


def test_cli_detects_a_forged_row(world: World) -> None:
    runner = CliRunner()
    intact = runner.invoke(cli, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "audit chain intact" in intact.output
    original = _set_action_around_trigger(world.org, "forged")
    try:
        broken = runner.invoke(cli, ["audit", "verify"])
    finally:
        _set_action_around_trigger(world.org, original)
    assert broken.exit_code == 1
    reported = [line for line in broken.output.splitlines() if world.org in line]
    assert len(reported) == 1
    assert "broken at entry 2: entry content does not match its hash" in reported[0]
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0


def test_the_compact_record_reads_type_id_organisation_and_version_from_the_entity(
    client: TestClient, world: World
) -> None:
    """Each lower-layer change names its entity as before: users, clients, memberships, org."""
    created = client.post(
        f"/api/v1/organisations/{world.org}/clients",
        json={"client_id": "audited", "name": "Audited", "scopes": ["drafts:read"]},
        headers=world.admin.headers,
    )
    assert created.status_code == 201
    log = client.get(f"/api/v1/organisations/{world.org}/audit", headers=world.admin.headers)
    by_action = {e["action"]: e for e in log.json()}
    client_entry = by_action["api_client.created"]
    assert (client_entry["entity_type"], client_entry["entity_id"]) == (
        "api_client",
        created.json()["id"],
    )
    assert client_entry["version"] == 1
    assert client_entry["data"]["client_id"] == created.json()["client_id"]
    user_entry = by_action["user.created"]
    assert user_entry["entity_type"] == "user"  # the table is user_account
    org_entry = by_action["organisation.created"]
    assert (org_entry["entity_type"], org_entry["entity_id"]) == ("organisation", world.org)


def test_cli_checkpoints_every_head_and_verify_reports_each_organisation(world: World) -> None:
    runner = CliRunner()
    checkpointed = runner.invoke(cli, ["audit", "checkpoint"])
    assert checkpointed.exit_code == 0, checkpointed.output
    assert checkpointed.output.startswith("checkpointed ")
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    [line] = [line for line in verified.output.splitlines() if world.org in line]
    with transaction() as session:
        count = session.exec(
            AuditEntry.__table__.select().where(text("chain = :c").bindparams(c=world.org))  # type: ignore[attr-defined]
        ).all()
    assert f"{len(count)} entries intact, checkpointed to entry {len(count)}" in line
