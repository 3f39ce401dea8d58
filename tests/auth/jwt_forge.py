"""Hand-made JWTs for attack tests (python-jose refuses to make some of them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())


def sign_hs256(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    signing_input = segments(header, payload)
    return (
        signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
    )


def sign_rs256(header: dict[str, Any], payload: dict[str, Any], key: rsa.RSAPrivateKey) -> str:
    signing_input = segments(header, payload)
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64(signature)


def unsigned(payload: dict[str, Any]) -> str:
    return segments({"alg": "none", "typ": "JWT", "kid": "ennakko-1"}, payload) + "."


def load_private(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def rsa_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, str]:
    numbers = key.public_key().public_numbers()

    def enc(n: int) -> str:
        return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    return {
        "kty": "RSA",
        "kid": kid,
        "alg": "RS256",
        "use": "sig",
        "n": enc(numbers.n),
        "e": enc(numbers.e),
    }
