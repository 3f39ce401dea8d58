"""Settings refuse placeholder and weak secrets everywhere but in development."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings

WEAK = [
    "x",
    "password",
    " change-me",
    "change-me",
    "development",
    "a" * 64,
    "passwordpasswordpasswordpassword",
    "change-me-change-me-change-me-change-me",
    " " + secrets.token_urlsafe(32),
    secrets.token_urlsafe(32) + "\n",
    "0123012301230123012301230123012301230123",
]


@pytest.mark.parametrize("environment", ["test", "production"])
@pytest.mark.parametrize("secret", WEAK)
def test_weak_secrets_are_refused_outside_development(
    environment: str, secret: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="ENNAKKO_WEB_SESSION_SECRET"):
        Settings(
            environment=environment,  # type: ignore[arg-type]
            web_session_secret=secret,
            jwt_private_key_file=tmp_path / "key.pem",
        )


@pytest.mark.parametrize("environment", ["test", "production"])
@pytest.mark.parametrize("secret", [secrets.token_urlsafe(32), secrets.token_hex(16)])
def test_random_secrets_are_accepted(environment: str, secret: str, tmp_path: Path) -> None:
    settings = Settings(
        environment=environment,  # type: ignore[arg-type]
        web_session_secret=secret,
        jwt_private_key_file=tmp_path / "key.pem",
    )
    assert settings.web_session_secret == secret


def test_development_keeps_its_placeholder_and_production_needs_a_key() -> None:
    assert Settings(environment="development", web_session_secret="change-me")
    with pytest.raises(ValidationError, match="JWT_PRIVATE_KEY_FILE"):
        Settings(environment="production", web_session_secret=secrets.token_urlsafe(32))
