"""Signed checkpoints of the audit chains' heads, kept outside the database.

After every commit that moved a chain, one line per moved chain is appended to
`<data_dir>/audit/checkpoints.jsonl`: the chain, its head's sequence number and hash, the time,
and an RS256 signature by the service's own key (the key that signs its tokens). The database
cannot say what it no longer holds: a cut tail or a deleted chain shows only against these.
Ship the file off the host (log shipping, backups) to keep it out of reach of whoever can
write the database.
"""

from __future__ import annotations

import base64
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


def append(settings: Settings, heads: Mapping[str, tuple[int, str]]) -> None:
    """Append a signed checkpoint line for each chain's new head (one write, O_APPEND)."""
    kid, key = _service_key(settings)
    at = datetime.now(UTC).isoformat()
    lines = []
    for chain, (seq, head_hash) in sorted(heads.items()):
        payload = _payload(chain, seq, head_hash, at)
        signature = key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
        line = {"chain": chain, "seq": seq, "hash": head_hash, "at": at, "kid": kid}
        line["sig"] = base64.b64encode(signature).decode()
        lines.append(json.dumps(line, separators=(",", ":")) + "\n")
    path = checkpoint_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
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


def _verified(line: str, public: rsa.RSAPublicKey) -> tuple[str, int, str] | None:
    try:
        item = json.loads(line)
        chain, seq, head_hash = str(item["chain"]), int(item["seq"]), str(item["hash"])
        payload = _payload(chain, seq, head_hash, str(item["at"]))
        public.verify(base64.b64decode(item["sig"]), payload, padding.PKCS1v15(), hashes.SHA256())
    except (ValueError, KeyError, TypeError, InvalidSignature):
        return None
    return chain, seq, head_hash


def read(settings: Settings) -> Checkpoints:
    """Every checkpoint in the file whose signature the service's key verifies."""
    path = checkpoint_path(settings)
    found = Checkpoints(file_found=path.exists())
    if not found.file_found:
        return found
    public = _service_key(settings)[1].public_key()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            verified = _verified(line, public)
            if verified is None:
                found.unsigned += 1
                continue
            chain, seq, head_hash = verified
            found.heads.setdefault(chain, {})[seq] = head_hash
    return found
