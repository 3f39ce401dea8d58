"""JWT issue and verification: the only module that imports python-jose.

Every key carries its own algorithm allow-list; a token is accepted only if its header
names a known key id and an algorithm that key allows, and it has all required claims.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.exceptions import JOSEError

from app.core import lazy
from app.core.config import Settings

REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
# Clock skew tolerated between us and an external issuer; our own tokens get none.
EXTERNAL_LEEWAY_S = 30
_REQUIRED = {f"require_{c}": True for c in REQUIRED_CLAIMS}
_TIME_CLAIMS = ("exp", "iat", "nbf")


class TokenError(Exception):
    """The token is not acceptable; the message says why (never shown to attackers verbatim)."""


@dataclass(frozen=True)
class VerificationKey:
    kid: str
    key: Any
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class LocalSigner:
    """The service's own signing key (RS256) and its public half for verification."""

    kid: str
    private_pem: bytes
    public_pem: bytes
    algorithm: str = "RS256"

    @classmethod
    def load_or_create(cls, *, path: Path, kid: str, create: bool) -> LocalSigner:
        if not path.exists():
            if not create:
                raise FileNotFoundError(f"JWT private key not found: {path}")
            _write_new_key(path)
        private_pem = path.read_bytes()
        private = serialization.load_pem_private_key(private_pem, password=None)
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(kid=kid, private_pem=private_pem, public_pem=public_pem)

    @cached_property
    def signing_key(self) -> Any:
        """The private key parsed once: jose parses and checks a PEM on every use (~25 ms
        of CPU for RSA 2048), which every sign-in and web session would pay."""
        return jwk.construct(self.private_pem.decode(), self.algorithm)

    @cached_property
    def _public_key(self) -> Any:
        return jwk.construct(self.public_pem.decode(), self.algorithm)

    def verification_key(self) -> VerificationKey:
        return VerificationKey(self.kid, self._public_key, (self.algorithm,))


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.touch(mode=0o600)
    path.write_bytes(pem)


def issue_token(
    signer: LocalSigner,
    *,
    subject: str,
    issuer: str,
    audience: str,
    lifetime_s: int,
    claims: dict[str, Any] | None = None,
    now: float | None = None,
) -> str:
    """A signed access token for `subject`."""
    issued = int(now if now is not None else time.time())
    payload = {
        **(claims or {}),
        "sub": subject,
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime_s,
        "jti": uuid.uuid4().hex,
    }
    return str(jwt.encode(payload, signer.signing_key, signer.algorithm, {"kid": signer.kid}))


def unverified_header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except JOSEError as exc:
        raise TokenError("malformed token") from exc
    if not isinstance(header, dict):
        raise TokenError("malformed token header")
    return header


def unverified_claims(token: str) -> dict[str, Any]:
    try:
        claims = jwt.get_unverified_claims(token)
    except JOSEError as exc:
        raise TokenError("malformed token") from exc
    if not isinstance(claims, dict):
        raise TokenError("malformed token claims")
    return claims


def unverified_issuer(token: str) -> str | None:
    iss = unverified_claims(token).get("iss")
    return iss if isinstance(iss, str) else None


def check_times(
    claims: dict[str, Any], *, max_lifetime_s: int, leeway_s: int = 0, now: float | None = None
) -> None:
    """Time claims are whole seconds, issued in the past, and the token lives at most
    `max_lifetime_s`: a string, a float, a future `iat` or `exp = 1e30` are refused."""
    for name in _TIME_CLAIMS:
        value = claims.get(name)
        if name in claims and (type(value) is not int or value < 0):
            raise TokenError(f"{name} must be a whole number of seconds")
    if "iat" not in claims or "exp" not in claims:
        raise TokenError("iat and exp are required")
    current = time.time() if now is None else now
    issued, expires = claims["iat"], claims["exp"]
    if issued > current + leeway_s:
        raise TokenError("token issued in the future")
    if expires <= issued or expires - issued > max_lifetime_s:
        raise TokenError("token lifetime out of bounds")
    if claims.get("nbf", issued) > expires:
        raise TokenError("token never valid")


def verify_token(
    token: str,
    *,
    keys: dict[str, VerificationKey],
    issuer: str,
    audience: str,
    max_lifetime_s: int,
    leeway_s: int = 0,
    expired_within_s: int = 0,
) -> dict[str, Any]:
    """The claims of `token` if its signature, algorithm, issuer, audience and times check out.

    `expired_within_s` accepts a token whose `exp` passed at most that long ago (a lapsed
    session whose owner is still known); every other check stays."""
    header = unverified_header(token)
    kid, alg = header.get("kid"), header.get("alg")
    if not isinstance(kid, str) or kid not in keys:
        raise TokenError("unknown key id")
    key = keys[kid]
    if alg not in key.algorithms:
        raise TokenError("algorithm not allowed for this key")
    # Before the library sees them: it converts time claims with int(), which raises on a
    # list or a non-finite number and accepts strings and floats.
    check_times(unverified_claims(token), max_lifetime_s=max_lifetime_s, leeway_s=leeway_s)
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=list(key.algorithms),
            audience=audience,
            issuer=issuer,
            options=_REQUIRED | {"leeway": leeway_s + expired_within_s},
        )
    except JOSEError as exc:
        raise TokenError(str(exc)) from exc
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str):
        raise TokenError("subject missing")
    return claims


@dataclass
class JwksCache:
    """Keys of an external OIDC issuer, fetched from its JWKS URL and refreshed on unknown kid."""

    url: str
    algorithms: tuple[str, ...]
    ttl_s: float = 300.0
    min_refresh_s: float = 10.0
    _keys: dict[str, VerificationKey] = field(default_factory=dict)
    _fetched_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def keys_for(self, kid: str | None) -> dict[str, VerificationKey]:
        now = time.monotonic()
        with self._lock:
            expired = now - self._fetched_at > self.ttl_s
            unknown = kid is not None and kid not in self._keys
            if expired or (unknown and now - self._fetched_at >= self.min_refresh_s):
                self._keys = self._fetch()
                self._fetched_at = now
            return dict(self._keys)

    def _fetch(self) -> dict[str, VerificationKey]:
        fetch: Callable[[str], Any] = lazy.load("app.core.jwks_http").fetch_document
        document = fetch(self.url)
        keys: dict[str, VerificationKey] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            kid, alg = entry.get("kid"), entry.get("alg", "RS256")
            if not isinstance(kid, str) or alg not in self.algorithms or entry.get("use") == "enc":
                continue
            try:
                keys[kid] = VerificationKey(kid, jwk.construct(entry, alg), (alg,))
            except JOSEError:
                continue
        return keys


def public_jwks(signer: LocalSigner) -> dict[str, Any]:
    """The service's own public key as a JWKS document."""
    entry = jwk.construct(signer.public_pem.decode(), signer.algorithm).to_dict()
    entry = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in entry.items()}
    return {"keys": [entry | {"kid": signer.kid, "use": "sig", "alg": signer.algorithm}]}


def settings_signer(settings: Settings) -> LocalSigner:
    """The local signer described by settings (a development key is created on first use)."""
    path = settings.jwt_private_key_file or settings.data_dir / "keys" / "jwt-private.pem"
    return LocalSigner.load_or_create(
        path=path, kid=settings.jwt_key_id, create=settings.environment != "production"
    )
