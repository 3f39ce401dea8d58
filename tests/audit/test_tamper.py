"""Each attack on the audit log from inside the database is detected by `ennakko audit verify`.

The attacker can write the database (and, with DDL rights, drop or disable its triggers) but
holds neither ENNAKKO_AUDIT_KEY (which keys the entries and, derived, the checkpoints) nor the
service's token key (which signed the checkpoints written before they were keyed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from app.audit import checkpoints
from app.audit.chain import canonical_json
from app.audit.checkpoints import checkpoint_path
from app.cli import app as cli
from app.core.config import get_settings
from app.core.db import get_engine
from tests.factories import World

_TRIGGERS = {"audit_entry", "audit_chain"}


@contextmanager
def _triggers_off(conn: Connection) -> Iterator[None]:
    """What someone with DDL rights can do: switch the append-only triggers off."""
    if conn.dialect.name == "sqlite":
        saved = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                "('audit_entry', 'audit_chain')"
            )
        ).all()
        for name, _ in saved:
            conn.execute(text(f"DROP TRIGGER {name}"))
        yield
        for _, sql in saved:
            conn.execute(text(sql))
    else:
        for table in _TRIGGERS:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        for table in _TRIGGERS:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def _rows(conn: Connection, chain: str) -> list[dict[str, Any]]:
    query = text("SELECT * FROM audit_entry WHERE chain = :c ORDER BY chain_seq")
    return [dict(r._mapping) for r in conn.execute(query, {"c": chain})]


def _set_head(conn: Connection, chain: str, seq: int, head_hash: str) -> None:
    conn.execute(
        text("UPDATE audit_chain SET seq = :s, hash = :h WHERE chain = :c"),
        {"s": seq, "h": head_hash, "c": chain},
    )


def _insert(conn: Connection, row: dict[str, Any]) -> None:
    row = dict(row)
    if not isinstance(row["data"], str):
        row["data"] = json.dumps(row["data"])
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    conn.execute(text(f"INSERT INTO audit_entry ({columns}) VALUES ({values})"), row)


@pytest.fixture
def chain(world: World) -> Iterator[list[dict[str, Any]]]:
    """The organisation's chain as stored; restored exactly after the attack."""
    with get_engine().begin() as conn:
        saved = _rows(conn, world.org)
    assert len(saved) >= 4
    yield saved
    with get_engine().begin() as conn, _triggers_off(conn):
        conn.execute(text("DELETE FROM audit_entry WHERE chain = :c"), {"c": world.org})
        for row in saved:
            _insert(conn, row)
        _set_head(conn, world.org, saved[-1]["chain_seq"], saved[-1]["hash"])
    assert _verify().exit_code == 0


def _verify() -> Any:
    return CliRunner().invoke(cli, ["audit", "verify"])


def _verdict(world: World) -> str:
    result = _verify()
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if world.org in line]
    assert len(lines) == 1, result.output
    return lines[0]


def _sha256_forgery(prev: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """An entry with a hash recomputed as the old chain computed it (no key)."""
    row = dict(prev) | changes
    body = {k: row[k] for k in ("chain", "chain_seq", "action", "entity_id", "actor_name")}
    row["hash"] = hashlib.sha256((row["prev_hash"] + canonical_json(body)).encode()).hexdigest()
    return row


def test_a_forged_row_with_a_recomputed_hash_is_detected(
    world: World, chain: list[dict[str, Any]]
) -> None:
    last = chain[-1]
    forged = _sha256_forgery(
        last,
        seq=None,
        chain_seq=last["chain_seq"] + 1,
        prev_hash=last["hash"],
        action="signoff.approved",
        actor_name="Forged Reviewer",
    )
    del forged["seq"]
    with get_engine().begin() as conn:
        # the triggers let a head move onto a stored entry: the key is what stops this
        _insert(conn, forged)
        _set_head(conn, world.org, forged["chain_seq"], forged["hash"])
    verdict = _verdict(world)
    assert f"broken at entry {forged['chain_seq']}: entry content does not match its hash" in (
        verdict
    )


def test_a_deleted_row_is_detected(world: World, chain: list[dict[str, Any]]) -> None:
    with get_engine().begin() as conn, _triggers_off(conn):
        conn.execute(
            text("DELETE FROM audit_entry WHERE chain = :c AND chain_seq = 2"), {"c": world.org}
        )
    assert "broken at entry 2: entry 2 is missing" in _verdict(world)


def test_a_truncated_tail_is_detected_by_the_checkpoints(
    world: World, chain: list[dict[str, Any]]
) -> None:
    keep = chain[:-2]
    with get_engine().begin() as conn, _triggers_off(conn):
        conn.execute(
            text("DELETE FROM audit_entry WHERE chain = :c AND chain_seq > :n"),
            {"c": world.org, "n": len(keep)},
        )
        _set_head(conn, world.org, len(keep), keep[-1]["hash"])
    verdict = _verdict(world)
    assert f"chain ends at entry {len(keep)} but entry {len(chain)} was checkpointed" in verdict


def test_a_deleted_chain_is_detected_by_the_checkpoints(
    world: World, chain: list[dict[str, Any]]
) -> None:
    with get_engine().begin() as conn, _triggers_off(conn):
        conn.execute(text("DELETE FROM audit_entry WHERE chain = :c"), {"c": world.org})
        conn.execute(text("DELETE FROM audit_chain WHERE chain = :c"), {"c": world.org})
    assert f"chain ends at entry 0 but entry {len(chain)} was checkpointed" in _verdict(world)
    with get_engine().begin() as conn:
        conn.execute(
            text("INSERT INTO audit_chain (chain, seq, hash) VALUES (:c, 0, :h)"),
            {"c": world.org, "h": "0" * 64},
        )


def test_a_rehashed_chain_is_detected(world: World, chain: list[dict[str, Any]]) -> None:
    """Every entry's link and hash recomputed without the key: the first one fails."""
    prev = "0" * 64
    with get_engine().begin() as conn, _triggers_off(conn):
        for row in chain:
            forged = _sha256_forgery(row, prev_hash=prev)
            if row["chain_seq"] == 2:
                forged = _sha256_forgery(row, prev_hash=prev, actor_name="Someone Else")
            conn.execute(
                text(
                    "UPDATE audit_entry SET prev_hash = :p, hash = :h, actor_name = :a "
                    "WHERE seq = :s"
                ),
                {"p": prev, "h": forged["hash"], "a": forged["actor_name"], "s": row["seq"]},
            )
            prev = forged["hash"]
        _set_head(conn, world.org, chain[-1]["chain_seq"], prev)
    assert "broken at entry 1: entry content does not match its hash" in _verdict(world)


def test_an_unsigned_checkpoint_is_reported(world: World) -> None:
    path = checkpoint_path(get_settings())
    original = path.read_bytes()
    line = {"chain": world.org, "seq": 999, "hash": "f" * 64, "at": "2026-01-01", "sig": "AA=="}
    path.write_bytes(original + (json.dumps(line) + "\n").encode())
    try:
        result = _verify()
    finally:
        path.write_bytes(original)
    assert result.exit_code == 1
    assert "1 checkpoints in" in result.output
    assert "are not signed by this service's key" in result.output


def _appended(line: dict[str, Any]) -> Any:
    """`verify` with `line` appended to the checkpoint file (the file restored after)."""
    path = checkpoint_path(get_settings())
    original = path.read_bytes()
    path.write_bytes(original + (json.dumps(line) + "\n").encode())
    try:
        return _verify()
    finally:
        path.write_bytes(original)


def test_a_checkpoint_keyed_without_the_audit_key_is_reported(
    world: World, chain: list[dict[str, Any]]
) -> None:
    """A line that attests the real head but is keyed with a guess (here: the hash itself)."""
    last = chain[-1]
    line = {"chain": world.org, "seq": last["chain_seq"], "hash": last["hash"], "at": "2026"}
    payload = json.dumps(line, sort_keys=True, separators=(",", ":")).encode()
    line["mac"] = hmac.new(last["hash"].encode(), payload, hashlib.sha256).hexdigest()
    result = _appended(line)
    assert result.exit_code == 1
    assert "1 checkpoints in" in result.output


def test_a_checkpoint_signed_before_checkpoints_were_keyed_still_verifies(
    world: World, chain: list[dict[str, Any]]
) -> None:
    """Lines from before (RS256 by the service's token key) still attest their heads."""
    last = chain[-1]
    line: dict[str, Any] = {
        "chain": world.org,
        "seq": last["chain_seq"] + 1,
        "hash": "e" * 64,
        "at": "2026-01-01T00:00:00+00:00",
    }
    kid, key = checkpoints._service_key(get_settings())
    payload = json.dumps(line, sort_keys=True, separators=(",", ":")).encode()
    signature = key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
    line |= {"kid": kid, "sig": base64.b64encode(signature).decode()}
    # it verifies, so the chain is now short of what it attests
    verdict = _appended(line)
    assert verdict.exit_code == 1
    assert "checkpoints in" not in verdict.output
    attested = f"chain ends at entry {len(chain)} but entry {len(chain) + 1} was checkpointed"
    assert attested in verdict.output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_chain SET seq = seq - 1 WHERE chain = :c",
        "UPDATE audit_chain SET hash = 'x' WHERE chain = :c",
        "DELETE FROM audit_chain WHERE chain = :c",
        "INSERT INTO audit_chain (chain, seq, hash) VALUES ('forged-head', 5, 'x')",
    ],
)
def test_database_refuses_to_move_a_head_other_than_forward(world: World, statement: str) -> None:
    with (
        pytest.raises(DBAPIError, match="audit_chain moves only forward"),
        get_engine().begin() as conn,
    ):
        conn.execute(text(statement), {"c": world.org})
