"""Passwords and client secrets are hashed with argon2id at the RFC 9106 cost everywhere but in
the test suite, which hashes at a token cost only when it asks for it in the test environment."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.passwords import hash_secret, hasher_for, verify_secret

# argon2id, version 19, 64 MiB, 3 passes, 4 lanes, 16-byte salt, 32-byte hash
PRODUCTION_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"


def _settings(environment: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        environment=environment,  # type: ignore[arg-type]
        web_session_secret=secrets.token_urlsafe(32),
        audit_key=secrets.token_urlsafe(32),
        jwt_private_key_file=tmp_path / "key.pem",
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("environment", ["development", "production"])
@pytest.mark.parametrize("test_cost", [False, True])
def test_outside_tests_secrets_are_hashed_at_the_rfc_9106_cost(
    environment: str, test_cost: bool, tmp_path: Path
) -> None:
    settings = _settings(environment, tmp_path, argon2_test_cost=test_cost)
    hasher = hasher_for(settings)
    assert (hasher.type.name, hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        "ID",
        3,
        65536,
        4,
    )
    assert (hasher.salt_len, hasher.hash_len) == (16, 32)
    made = hasher.hash("correct horse")
    assert made.startswith(PRODUCTION_PREFIX)
    assert len(made.rsplit("$", 2)[1]) == 22  # 16 salt bytes in unpadded base64
    assert hasher.verify(made, "correct horse")


def test_the_test_environment_hashes_at_production_cost_unless_asked(tmp_path: Path) -> None:
    assert hasher_for(_settings("test", tmp_path, argon2_test_cost=False)).memory_cost == 65536
    assert hasher_for(_settings("test", tmp_path, argon2_test_cost=True)).memory_cost == 8


def test_the_suite_hashes_at_the_token_cost() -> None:
    made = hash_secret("correct horse")
    assert made.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert verify_secret(made, "correct horse")
    assert not verify_secret(made, "correct horse!")


@pytest.mark.usefixtures("production_argon2")
def test_production_argon2_hashes_at_the_production_cost() -> None:
    made = hash_secret("correct horse")
    assert made.startswith(PRODUCTION_PREFIX)
    assert verify_secret(made, "correct horse")
    assert not verify_secret(made, "wrong")
    assert not verify_secret(None, "correct horse")
