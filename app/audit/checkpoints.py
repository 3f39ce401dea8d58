"""Keyed checkpoints of the audit chains' heads, kept outside the database.

After every commit that moved a chain, one line per moved chain is appended to
`<data_dir>/audit/checkpoints.jsonl`: the chain, its head's sequence number and hash, the time,
and `mac`, an HMAC-SHA256 keyed with a key derived from ENNAKKO_AUDIT_KEY (a few microseconds;
the RS256 signature it replaces cost about 0.4 ms of CPU on every committing write). The
attacker the audit log is built against cannot read that key (see the README's threat model),
so a line they write does not verify. The database cannot say what it no longer holds: a cut
tail or a deleted chain shows only against these. Ship the file off the host (log shipping,
backups) to keep it out of reach of whoever can write the database.

Lines written before (with `sig`, RS256 by the service's token key) still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.core.config import Settings
from app.core.tokens import LocalSigner


def checkpoint_path(settings: Settings) -> Path:
    return settings.data_dir / "audit" / "checkpoints.jsonl"


@lru_cache(maxsize=4)
def _loaded_key(path: Path, kid: str, create: bool) -> tuple[str, rsa.RSAPrivateKey]:
    """The service key, loaded once per process (loading checks the key: tens of ms)."""
    signer = LocalSigner.load_or_create(path=path, kid=kid, create=create)
    key = serialization.load_pem_private_key(signer.private_pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):  # pragma: no cover - the signer makes RSA keys
        raise TypeError("the service key is not an RSA key")
    return signer.kid, key


def _service_key(settings: Settings) -> tuple[str, rsa.RSAPrivateKey]:
    path = settings.jwt_private_key_file or settings.data_dir / "keys" / "jwt-private.pem"
    return _loaded_key(path, settings.jwt_key_id, settings.environment != "production")


def _payload(chain: str, seq: int, head_hash: str, at: str) -> bytes:
    body = {"at": at, "chain": chain, "hash": head_hash, "seq": seq}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_key(settings: Settings) -> bytes:
    """The checkpoints' own key, derived from the audit key (never the entries' key itself)."""
    return hmac.new(settings.audit_hmac_key, b"ennakko-audit-checkpoint", hashlib.sha256).digest()


def _mac(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT


def append(settings: Settings, heads: Mapping[str, tuple[int, str]]) -> None:
    """Append a keyed checkpoint line for each chain's new head (one write, O_APPEND)."""
    key = checkpoint_key(settings)
    at = datetime.now(UTC).isoformat()
    lines = []
    for chain, (seq, head_hash) in sorted(heads.items()):
        mac = _mac(key, _payload(chain, seq, head_hash, at))
        line = {"chain": chain, "seq": seq, "hash": head_hash, "at": at, "mac": mac}
        lines.append(json.dumps(line, separators=(",", ":")) + "\n")
    path = checkpoint_path(settings)
    try:
        fd = os.open(path, _APPEND, 0o640)
    except FileNotFoundError:  # the first line: its folder is made then, not on every commit
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, _APPEND, 0o640)
    try:
        os.write(fd, "".join(lines).encode())
    finally:
        os.close(fd)


@dataclass
class Checkpoints:
    """What the checkpoint file attests: per chain, the hash of each checkpointed entry."""

    heads: dict[str, dict[int, str]] = field(default_factory=dict)
    unsigned: int = 0  # lines that do not parse or whose signature does not verify
    file_found: bool = False

    def latest(self, chain: str) -> int | None:
        seqs = self.heads.get(chain)
        return max(seqs) if seqs else None


class _Keys:
    """The keys lines are checked with; the legacy RSA key is loaded only if a line needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.mac = checkpoint_key(settings)
        self._public: rsa.RSAPublicKey | None = None

    def public(self) -> rsa.RSAPublicKey:
        if self._public is None:
            self._public = _service_key(self.settings)[1].public_key()
        return self._public


def _verified(line: str, keys: _Keys) -> tuple[str, int, str] | None:
    try:
        item = json.loads(line)
        chain, seq, head_hash = str(item["chain"]), int(item["seq"]), str(item["hash"])
        payload = _payload(chain, seq, head_hash, str(item["at"]))
        if "mac" in item:
            if not hmac.compare_digest(str(item["mac"]), _mac(keys.mac, payload)):
                return None
        else:  # a line from before the keyed checkpoints: RS256 by the service's key
            signature = base64.b64decode(item["sig"])
            keys.public().verify(signature, payload, padding.PKCS1v15(), hashes.SHA256())
    except (ValueError, KeyError, TypeError, InvalidSignature):
        return None
    return chain, seq, head_hash


def read(settings: Settings) -> Checkpoints:
    """Every checkpoint in the file whose key (or legacy signature) verifies."""
    path = checkpoint_path(settings)
    found = Checkpoints(file_found=path.exists())
    if not found.file_found:
        return found
    keys = _Keys(settings)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            verified = _verified(line, keys)
            if verified is None:
                found.unsigned += 1
                continue
            chain, seq, head_hash = verified
            found.heads.setdefault(chain, {})[seq] = head_hash
    return found
