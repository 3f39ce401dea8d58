"""Load generators: a keep-alive asyncio HTTP/1.1 client, and `wrk` when it is installed.

The Python client competes with the server for the CPU (as wrk does, more cheaply); the
results say which one produced a figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks._common import latency_stats

# ---------------------------------------------------------------- Python load generator


class Conn:
    """One keep-alive HTTP/1.1 connection on raw asyncio streams (minimal parsing)."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.base_headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.base_headers}{extra}"
        if body or method in ("POST", "PUT", "PATCH"):
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        hdrs = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                hdrs[name.strip().lower()] = value.strip()
        if "content-length" in hdrs:
            data = await self.reader.readexactly(int(hdrs["content-length"]))
        elif hdrs.get("transfer-encoding") == "chunked":
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                chunks.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            data = b"".join(c[:-2] for c in chunks)
        else:
            data = b""
        return status, hdrs, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


Step = Callable[[Conn, int], Awaitable[int]]


@dataclass
class LoadResult:
    generator: str
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def summary(self) -> dict[str, Any]:
        return {
            "generator": self.generator,
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            **latency_stats(self.latencies_ms),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
        }


async def _closed_loop(
    port: int, headers: dict[str, str], clients: int, warmup: float, duration: float, step: Step
) -> LoadResult:
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    result = LoadResult("python-asyncio", clients, duration)

    async def client(index: int) -> None:
        conn = Conn(port, headers)
        try:
            while (t0 := time.perf_counter()) < stop_at:
                try:
                    status = await step(conn, index)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    result.errors += 1
                    conn.close()
                    conn = Conn(port, headers)
                    continue
                if t0 >= measure_from:
                    result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
        finally:
            conn.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    return result


def closed_loop(
    port: int,
    headers: dict[str, str],
    *,
    clients: int,
    warmup: float,
    duration: float,
    step: Step,
) -> LoadResult:
    """`clients` keep-alive connections each running `step` back to back; stats after warm-up."""
    with contextlib.suppress(ImportError):
        import uvloop

        return uvloop.run(_closed_loop(port, headers, clients, warmup, duration, step))
    return asyncio.run(_closed_loop(port, headers, clients, warmup, duration, step))


def get_step(path: str, headers: dict[str, str] | None = None) -> Step:
    async def step(conn: Conn, _index: int) -> int:
        status, _, _ = await conn.request("GET", path, headers=headers)
        return status

    return step


# ---------------------------------------------------------------- wrk


WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_get(
    url: str, headers: dict[str, str], *, clients: int, duration: float, threads: int = 1
) -> dict[str, Any]:
    """Run wrk against a GET url and return its figures in our summary format."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA)
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{max(1, round(duration))}s"]
    command += ["-s", script.name, "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    try:
        out = subprocess.run(
            [*command, url], check=True, capture_output=True, text=True, timeout=duration + 60
        ).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"WRKJSON (\{.*\})", out)
    if match is None:
        raise RuntimeError(f"wrk printed no summary: {out}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    return {
        "generator": "wrk",
        "clients": clients,
        "seconds": round(seconds, 2),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "mean_ms": round(raw["mean_us"] / 1000, 3),
        "non_2xx_3xx": raw["status_errors"],
        "errors": raw["socket_errors"],
    }
