"""The webhook benchmark's receiver and its floor client, each the minimum of its side.

Receiver (`python -m benchmarks._hook_receiver receive`): one asyncio process serving
HTTP/1.1 keep-alive on 127.0.0.1. Per request it reads the head and the body, takes the
`Ennakko-Event-Id` header, notes the time and answers `204` — no framework, no JSON. It
prints its port first, then one line `<event id> <unix time>` per request.

Floor client (`python -m benchmarks._hook_receiver floor URL N`): N requests shaped like
the worker's (same headers, a body of the same size, prebuilt) over as many kept-alive
connections as the worker opens to one target, each waiting for its answer before the
next — what any sender could reach against this receiver, without a database, signing or a
lease. It prints its own CPU seconds.
"""

from __future__ import annotations

import asyncio
import sys
import time
from urllib.parse import urlsplit

from app.integrations.http1 import CONNECTIONS_PER_TARGET

ANSWER = b"HTTP/1.1 204 No Content\r\n\r\n"
_FLUSH_SECONDS = 0.005


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    out = sys.stdout
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length, event_id = 0, "-"
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                lowered = name.lower()
                if lowered == b"content-length":
                    length = int(value)
                elif lowered == b"ennakko-event-id":
                    event_id = value.strip().decode()
            if length:
                await reader.readexactly(length)
            out.write(f"{event_id} {time.time():.6f}\n")
            writer.write(ANSWER)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _flusher() -> None:
    while True:
        await asyncio.sleep(_FLUSH_SECONDS)
        sys.stdout.flush()


async def receive() -> None:
    server = await asyncio.start_server(_serve_connection, "127.0.0.1", 0, backlog=512)
    print(server.sockets[0].getsockname()[1], flush=True)
    flusher = asyncio.create_task(_flusher())
    async with server:
        await server.serve_forever()
    flusher.cancel()


def _request(host: str, path: str, n: int) -> bytes:
    event_id = f"floor-{n:032d}"
    body = (
        f'{{"event":"draft.updated","id":"{event_id}","occurred_at":"2026-01-15T09:30:00Z",'
        '"resource":"draft","resource_id":"res-1","version":1}'
    ).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nContent-Length: {len(body)}\r\nHost: {host}\r\n"
        "Content-Type: application/json\r\nUser-Agent: Ennakko-Webhooks/1\r\n"
        f"Ennakko-Event-Id: floor-{n}\r\nEnnakko-Event: draft.updated\r\n"
        f"Ennakko-Timestamp: 1768469400\r\nEnnakko-Signature: v1={'0' * 64}\r\n\r\n"
    )
    return head.encode() + body


async def _sender(host: str, port: int, requests: list[bytes]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    for request in requests:
        writer.write(request)
        await reader.readuntil(b"\r\n\r\n")  # 204: no body
    writer.close()


async def floor(url: str, count: int) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    requests = [_request(parts.netloc, parts.path, n) for n in range(count)]
    started = time.process_time()
    lanes = CONNECTIONS_PER_TARGET
    await asyncio.gather(*(_sender(host, port, requests[i::lanes]) for i in range(lanes)))
    print(time.process_time() - started, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "receive":
        asyncio.run(receive())
    else:
        asyncio.run(floor(sys.argv[2], int(sys.argv[3])))
