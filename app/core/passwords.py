"""Password and client-secret hashing with argon2id."""

from __future__ import annotations

import dataclasses
import threading
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from app.core.config import Settings, get_settings

# argon2id as RFC 9106 recommends where memory is limited: 3 passes over 64 MiB in 4 lanes.
PRODUCTION = RFC_9106_LOW_MEMORY
# The test suite's cost (ENNAKKO_ARGON2_TEST_COST, ignored outside the test environment): one
# pass over 8 KiB, so that building each test's tenants costs no argon2 time. A hash records
# its parameters, and verifying it costs what making it cost.
TEST_ONLY = dataclasses.replace(PRODUCTION, time_cost=1, memory_cost=8, parallelism=1)
_HASHERS = {
    False: PasswordHasher.from_parameters(PRODUCTION),
    True: PasswordHasher.from_parameters(TEST_ONLY),
}


def uses_test_cost(settings: Settings) -> bool:
    """Whether these settings hash at the test suite's cost: only in the test environment."""
    return settings.environment == "test" and settings.argon2_test_cost


def hasher_for(settings: Settings) -> PasswordHasher:
    return _HASHERS[uses_test_cost(settings)]


def _hasher() -> PasswordHasher:
    return hasher_for(get_settings())


@lru_cache(maxsize=2)
def _dummy_hash(cheap: bool) -> str:
    """Verifying against this keeps the timing of "unknown user" close to "wrong password".
    Made at the first sign-in, not at import: one argon2 hash takes 64 MB for a moment."""
    return _HASHERS[cheap].hash("ennakko-timing-equaliser")


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
    return _hasher().hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    """True if `secret` matches; an absent hash still costs one verification."""
    verifications.add()
    try:
        stored = secret_hash or _dummy_hash(uses_test_cost(get_settings()))
        return _hasher().verify(stored, secret) and secret_hash is not None
    except (VerificationError, InvalidHashError):
        return False
