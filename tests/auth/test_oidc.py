"""External OIDC: tokens from a configured issuer, verified through a JWKS served on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.main import create_app
from tests.auth import jwt_forge
from tests.factories import World

ISSUER = "https://login.test.example/realms/kunta"


class JwksServer:
    """A real HTTP JWKS endpoint whose key set the test can rotate."""

    def __init__(self) -> None:
        self.keys: list[dict[str, str]] = []
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                body = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/certs"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _oidc_client(jwks: JwksServer) -> TestClient:
    settings = get_settings().model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_audience": "ennakko",
            "oidc_jwks_url": jwks.url,
        }
    )
    app = create_app(settings)
    app.state.security.jwks.min_refresh_s = 0.0
    return TestClient(app, raise_server_exceptions=False)


def _token(key: rsa.RSAPrivateKey, kid: str, email: str, **override: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "ennakko",
        "sub": "ext-123",
        "email": email,
        "iat": now,
        "exp": now + 300,
    } | override
    return jwt_forge.sign_rs256({"alg": "RS256", "typ": "JWT", "kid": kid}, claims, key)


def _me(client: TestClient, token: str) -> Any:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_external_token_maps_to_user_and_survives_key_rotation(
    jwks: JwksServer, world: World
) -> None:
    old = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.keys = [jwt_forge.rsa_jwk(old, "k1")]
    with _oidc_client(jwks) as client:
        response = _me(client, _token(old, "k1", world.expert.email))
        assert response.status_code == 200, response.text
        assert response.json()["id"] == world.expert.id
        assert _me(client, _token(old, "k1", world.expert.email)).status_code == 200
        assert jwks.requests == 1, "keys are cached between requests"

        jwks.keys = [jwt_forge.rsa_jwk(new, "k2")]
        assert _me(client, _token(new, "k2", world.expert.email)).status_code == 200
        assert jwks.requests == 2, "an unknown kid triggers one refetch"
        assert _me(client, _token(old, "k1", world.expert.email)).status_code == 401


@pytest.mark.parametrize(
    "override", [{"aud": "someone-else"}, {"exp": 1}, {"email": "stranger@nowhere.fi"}]
)
def test_external_token_with_bad_claims_or_unknown_user_is_401(
    jwks: JwksServer, world: World, override: dict[str, Any]
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.keys = [jwt_forge.rsa_jwk(key, "k1")]
    email = override.pop("email", world.expert.email)
    with _oidc_client(jwks) as client:
        assert _me(client, _token(key, "k1", email, **override)).status_code == 401


def test_external_issuer_cannot_use_hs256(jwks: JwksServer, world: World) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.keys = [jwt_forge.rsa_jwk(key, "k1")]
    claims = {
        "iss": ISSUER,
        "aud": "ennakko",
        "sub": "x",
        "email": world.expert.email,
        "iat": int(time.time()),
        "exp": int(time.time()) + 60,
    }
    token = jwt_forge.sign_hs256({"alg": "HS256", "kid": "k1"}, claims, b"guess")
    with _oidc_client(jwks) as client:
        assert _me(client, token).status_code == 401
