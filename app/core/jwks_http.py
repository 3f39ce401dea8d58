"""Fetching an OIDC issuer's JWKS over HTTP (httpx). Loaded on first use (app.core.lazy), by
app.core.tokens: a worker whose callers never present an external token never loads httpx."""

from __future__ import annotations

from typing import Any

import httpx

from app.core.tokens import TokenError


def fetch_document(url: str) -> Any:
    """The JSON document at `url`; TokenError when it cannot be had."""
    try:
        response = httpx.get(url, timeout=5.0, follow_redirects=False)
        response.raise_for_status()
        return response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise TokenError("JWKS not reachable") from exc
