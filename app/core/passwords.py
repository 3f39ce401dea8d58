"""Password and client-secret hashing with argon2id.

argon2-cffi itself is loaded with the first hash or verification (app/core/argon2id.py, through
app.core.lazy): a worker answering bearer-token requests never needs it."""

from __future__ import annotations

import threading
from types import ModuleType
from typing import TYPE_CHECKING

from app.core import lazy
from app.core.config import Settings, get_settings

if TYPE_CHECKING:
    from argon2 import PasswordHasher

ARGON2 = "app.core.argon2id"


def _argon2() -> ModuleType:
    return lazy.load(ARGON2)


def uses_test_cost(settings: Settings) -> bool:
    """Whether these settings hash at the test suite's cost: only in the test environment."""
    return settings.environment == "test" and settings.argon2_test_cost


def hasher_for(settings: Settings) -> PasswordHasher:
    hasher: PasswordHasher = _argon2().hasher(uses_test_cost(settings))
    return hasher


class _Counter:
    """How many verifications this process has run: the work an anonymous caller can cause
    (tests and operators compare it with the number of sign-in attempts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self) -> None:
        with self._lock:
            self.value += 1


verifications = _Counter()


def hash_secret(secret: str) -> str:
    return str(hasher_for(get_settings()).hash(secret))


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    """True if `secret` matches; an absent hash still costs one verification."""
    verifications.add()
    verified: bool = _argon2().verify(uses_test_cost(get_settings()), secret_hash, secret)
    return verified
