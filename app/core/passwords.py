"""Password and client-secret hashing with argon2id."""

from __future__ import annotations

import threading
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this keeps the timing of "unknown user" close to "wrong password".
    Made at the first sign-in, not at import: one argon2 hash takes 64 MB for a moment."""
    return _hasher.hash("ennakko-timing-equaliser")


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
    return _hasher.hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    """True if `secret` matches; an absent hash still costs one verification."""
    verifications.add()
    try:
        return _hasher.verify(secret_hash or _dummy_hash(), secret) and secret_hash is not None
    except (VerificationError, InvalidHashError):
        return False
