"""Settings: one class, read from ENNAKKO_* variables and an optional .env file."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A secret containing one of these was written by a person, not drawn at random.
PLACEHOLDER_WORDS = (
    "change",
    "secret",
    "password",
    "passwd",
    "example",
    "placeholder",
    "default",
    "development",
    "dummy",
    "sample",
    "ennakko",
)
MIN_SECRET_LENGTH = 32
# Estimated from the characters' frequencies: secrets.token_hex(16) has about 120 bits by
# this measure, token_urlsafe(32) about 200; "passwordpassword…" or "aaaa…" far fewer.
MIN_SECRET_BITS = 100
HOW_TO_MAKE_A_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"  # noqa: S105 (a command, not a secret)


def estimated_bits(value: str) -> float:
    """Shannon entropy of the string's own character distribution, times its length."""
    counts = Counter(value)
    return -sum(n * math.log2(n / len(value)) for n in counts.values())


def secret_problem(value: str) -> str | None:
    """Why `value` is not acceptable as a secret, or None."""
    if value != value.strip():
        return "has leading or trailing spaces"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    if any(word in value.lower() for word in PLACEHOLDER_WORDS):
        return "looks like a placeholder"
    if estimated_bits(value) < MIN_SECRET_BITS:
        return "is not random enough"
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ENNAKKO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'ennakko.db'}"
    data_dir: Path = PROJECT_ROOT / "var"
    public_base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"

    jwt_issuer: str = "urn:ennakko"
    jwt_audience: str = "ennakko-api"
    jwt_private_key_file: Path | None = None
    jwt_key_id: str = "ennakko-1"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)

    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_user_claim: str = "email"
    oidc_algorithms: list[str] = ["RS256"]
    oidc_jwks_cache_seconds: int = 300
    # The longest lifetime (exp - iat) accepted in the external issuer's tokens.
    oidc_max_token_minutes: int = Field(default=120, ge=1, le=24 * 60)

    # Failed logins (see app/auth/throttle.py): per source address and credential, this many
    # are free; then each attempt waits first_delay, doubling up to lockout (the longest wait).
    login_max_failures: int = Field(default=5, ge=1)
    login_first_delay_seconds: int = Field(default=10, ge=1)
    login_lockout_seconds: int = Field(default=300, ge=1)
    # Failures from one source address over every credential before that address is slowed.
    login_source_max_failures: int = Field(default=50, ge=1)
    # Failures older than this are forgotten.
    login_window_seconds: int = Field(default=900, ge=60)
    # Tests only (ignored in any other environment): argon2id at a token cost, see
    # app/core/passwords.py. Development and production always hash at the RFC 9106 cost.
    argon2_test_cost: bool = False
    # Sign-ins of one source address being checked at once; more get 429 at once.
    login_source_concurrency: int = Field(default=4, ge=1)
    # Password and secret verifications (argon2id) at once per process; others wait this long.
    verify_concurrency: int = Field(default=2, ge=1)
    verify_wait_seconds: float = Field(default=5.0, gt=0, le=60)
    # Request sessions at once per process (each holds a pooled connection): reading ones, and
    # writing ones on PostgreSQL (SQLite has one writer). Others wait their turn on the event
    # loop, at most db_wait_seconds, then get 503 busy.
    db_read_sessions: int = Field(default=20, ge=1, le=500)
    db_write_sessions: int = Field(default=10, ge=1, le=500)
    db_wait_seconds: float = Field(default=5.0, gt=0, le=60)
    # How long `ennakko serve` lets open requests finish after SIGTERM.
    shutdown_seconds: int = Field(default=10, ge=1)

    # Rendered matrix and summary bodies kept per assessment version (app/core/body_cache.py),
    # bounded by their bytes: a full 864-cell matrix is ~310 kB (+ ~25 kB gzipped). 0: none.
    read_cache_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    max_request_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    max_page_size: int = Field(default=200, ge=1, le=1000)
    idempotency_hours: int = Field(default=24, ge=24)
    client_rate_per_minute: int = Field(default=600, ge=1)

    webhook_allow_private_targets: bool = False
    webhook_timeout_seconds: float = 10.0
    webhook_max_attempts: int = Field(default=12, ge=1)
    # Retry delays grow as base * 2^attempt up to the cap, each drawn at random below that.
    webhook_backoff_base_seconds: float = Field(default=5.0, gt=0)
    webhook_backoff_cap_seconds: float = Field(default=3600.0, gt=0)
    # How long a claimed delivery belongs to one worker; kept well above the timeout.
    webhook_lease_seconds: float = Field(default=60.0, gt=0)
    worker_poll_seconds: float = Field(default=0.5, gt=0)
    # /readyz answers 503 when a delivery has waited this long and no worker has beaten as long.
    worker_stall_seconds: float = Field(default=60.0, ge=1)

    web_session_secret: str = "development"  # noqa: S105 (refused outside development)
    # The browser session slides: each signed-in page re-issues its cookie, which lapses after
    # this long without activity, and never lives longer than the absolute lifetime.
    web_idle_minutes: int = Field(default=60, ge=1, le=24 * 60)
    web_absolute_hours: int = Field(default=12, ge=1, le=7 * 24)
    # The HMAC key of the audit chain. It must live outside the database (a secret store, the
    # environment): whoever holds it can rewrite the chain. Development derives one.
    audit_key: str | None = None
    # Where the accessibility statement sends feedback: an e-mail address or an https:// form.
    accessibility_feedback: str = ""

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Settings:
        if self.environment != "development":
            problem = secret_problem(self.web_session_secret)
            if problem is not None:
                raise ValueError(
                    f"ENNAKKO_WEB_SESSION_SECRET {problem} ({self.environment} needs a long "
                    f"random value, e.g. from: {HOW_TO_MAKE_A_SECRET})"
                )
        if self.environment != "development":
            problem = "is not set" if self.audit_key is None else secret_problem(self.audit_key)
            if problem is not None:
                raise ValueError(
                    f"ENNAKKO_AUDIT_KEY {problem} ({self.environment} needs a long random "
                    f"value kept outside the database, e.g. from: {HOW_TO_MAKE_A_SECRET})"
                )
        if self.environment == "production" and self.jwt_private_key_file is None:
            raise ValueError("ENNAKKO_JWT_PRIVATE_KEY_FILE must be set in production")
        return self

    @property
    def audit_hmac_key(self) -> bytes:
        """The audit chain's HMAC key (in development derived from the session secret)."""
        if self.audit_key is not None:
            return self.audit_key.encode()
        return hashlib.sha256(b"ennakko-audit:" + self.web_session_secret.encode()).digest()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache when they change them)."""
    return Settings()
