"""argon2id through argon2-cffi: loaded with the first hash or verification a process makes
(app.core.passwords fronts it through app.core.lazy), so a worker that only verifies bearer
tokens never imports argon2 and its C bindings."""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

# argon2id as RFC 9106 recommends where memory is limited: 3 passes over 64 MiB in 4 lanes.
PRODUCTION = RFC_9106_LOW_MEMORY
# The test suite's cost (ENNAKKO_ARGON2_TEST_COST, ignored outside the test environment): one
# pass over 8 KiB, so that building each test's tenants costs no argon2 time. A hash records
# its parameters, and verifying it costs what making it cost.
TEST_ONLY = dataclasses.replace(PRODUCTION, time_cost=1, memory_cost=8, parallelism=1)
HASHERS = {
    False: PasswordHasher.from_parameters(PRODUCTION),
    True: PasswordHasher.from_parameters(TEST_ONLY),
}


def hasher(cheap: bool) -> PasswordHasher:
    return HASHERS[cheap]


@lru_cache(maxsize=2)
def dummy_hash(cheap: bool) -> str:
    """Verifying against this keeps the timing of "unknown user" close to "wrong password".
    Made at the first sign-in, not at import: one argon2 hash takes 64 MB for a moment."""
    return HASHERS[cheap].hash("ennakko-timing-equaliser")


def verify(cheap: bool, stored: str | None, secret: str) -> bool:
    """True if `secret` matches `stored`; an absent hash is verified against the dummy one
    (the same work) and never matches."""
    try:
        return HASHERS[cheap].verify(stored or dummy_hash(cheap), secret) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
