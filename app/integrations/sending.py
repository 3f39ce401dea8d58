"""One delivery attempt over HTTP: what is sent (`Job`), what came of it (`Outcome`).

The `Sender` checks each URL against the SSRF rules (resolved once per claim, the
connection pinned to the checked address) and posts through one long-lived `http1.Pool`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from app.integrations import http1, ssrf

Targets = dict[str, ssrf.Target | ssrf.UnsafeTarget]
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Job:
    kind: str  # "delivery" or "push"
    id: str
    attempt: int
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    job: Job
    status_code: int | None
    latency_ms: float
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def resolve_targets(urls: set[str], *, allow_private: bool) -> Targets:
    """Each URL checked and resolved once; its sends are pinned to that address."""
    found: Targets = {}
    for url in urls:
        try:
            found[url] = ssrf.safe_target(url, allow_private=allow_private)
        except ssrf.UnsafeTarget as exc:
            found[url] = exc
    return found


def destination(target: ssrf.Target) -> tuple[http1.Destination, str]:
    """Where a checked target connects, and the request path (with its query)."""
    url = target.url
    server_name = target.extensions.get("sni_hostname") or url.host
    port = url.port or _DEFAULT_PORTS[url.scheme]
    return (
        http1.Destination(url.scheme, url.host, port, server_name),
        url.raw_path.decode("ascii"),
    )


def describe(exc: BaseException) -> str:
    text = str(exc)
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:2000]


class Sender:
    """Posts jobs over kept-alive connections (call from the worker's event loop)."""

    def __init__(self, *, timeout: float) -> None:
        self.pool = http1.Pool(timeout=timeout, connect_timeout=min(5.0, timeout))

    async def send(self, job: Job, target: ssrf.Target | ssrf.UnsafeTarget) -> Outcome:
        started = time.perf_counter()
        status, error = None, None
        if isinstance(target, ssrf.UnsafeTarget):
            error = f"refused: {target}"
        else:
            try:
                where, path = destination(target)
                request = http1.request_bytes(path, target.headers | job.headers, job.body)
                status = await self.pool.post(where, request)
                error = None if 200 <= status < 300 else f"HTTP {status}"
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
                error = describe(exc)
            except (http1.ProtocolError, asyncio.LimitOverrunError, ValueError) as exc:
                error = describe(exc)
        latency = round((time.perf_counter() - started) * 1000, 2)
        return Outcome(job, status, latency, error)

    async def send_all(self, jobs: list[Job], targets: Targets) -> list[Outcome]:
        return list(await asyncio.gather(*(self.send(job, targets[job.url]) for job in jobs)))

    def close(self) -> None:
        self.pool.close()
