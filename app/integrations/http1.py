"""The worker's HTTP/1.1 client: one POST, its status code, over kept-alive connections.

Deliberately small: the worker only ever POSTs a small body to a pinned address and reads
the status (the answer's body is read, up to a limit, only so the connection can be reused).
One `Pool` lives as long as the worker; it keeps idle connections per pinned target
(scheme, address, port, TLS name), so a busy subscription costs no connect or TLS
handshake per event. Redirects are never followed: a `3xx` is just a status.

A connection taken from the pool may have been closed by the server meanwhile; when such
a reused connection fails before any byte of an answer came back, the request is sent once
more on a new connection (webhooks are at least once, and receivers de-duplicate by id).
"""

from __future__ import annotations

import asyncio
import re
import ssl
from dataclasses import dataclass

MAX_RESPONSE_BYTES = 64 * 1024
MAX_HEAD_BYTES = 64 * 1024
IDLE_PER_TARGET = 64
# At most this many requests at once to one destination (the rest wait for a connection).
CONNECTIONS_PER_TARGET = 16
_NO_BODY = frozenset({204, 304})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")  # a header name
_UNSAFE_VALUE = re.compile(r"[\r\n\0]")
_UNSAFE_PATH = re.compile(r"[\x00-\x20\x7f]")


class ProtocolError(Exception):
    """The answer was not HTTP/1.x as we speak it."""


class StaleConnection(Exception):
    """A reused connection was closed before it answered (the request may be sent again)."""


@dataclass(frozen=True)
class Destination:
    """Where to connect: `host` is the pinned address, `server_name` the TLS name (https)."""

    scheme: str
    host: str
    port: int
    server_name: str | None = None


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    reused: bool = False

    def close(self) -> None:
        self.writer.close()


def request_bytes(path: str, headers: dict[str, str], body: bytes) -> bytes:
    """The request head and body; a header name that is not a token, a value with CR, LF or
    NUL, or a path with a control character or space is refused (no header injection)."""
    for name, value in headers.items():
        if not _TOKEN.match(name) or _UNSAFE_VALUE.search(value):
            raise ProtocolError(f"invalid header {name!r}")
    if not path.startswith("/") or _UNSAFE_PATH.search(path):
        raise ProtocolError("invalid request path")
    fields = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head = f"POST {path} HTTP/1.1\r\nContent-Length: {len(body)}\r\n{fields}\r\n"
    return head.encode("latin-1") + body


class Pool:
    """Kept-alive connections by destination; `post` answers the status code or raises
    OSError, TimeoutError, ProtocolError, asyncio.IncompleteReadError or ssl.SSLError."""

    def __init__(self, *, timeout: float, connect_timeout: float) -> None:
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._idle: dict[Destination, list[_Connection]] = {}
        self._slots: dict[Destination, asyncio.Semaphore] = {}
        self._tls: ssl.SSLContext | None = None

    async def post(self, destination: Destination, request: bytes) -> int:
        slots = self._slots.get(destination)
        if slots is None:
            slots = self._slots[destination] = asyncio.Semaphore(CONNECTIONS_PER_TARGET)
        async with slots:
            return await self._post(destination, request)

    async def _post(self, destination: Destination, request: bytes) -> int:
        async with asyncio.timeout(self.timeout):
            connection = await self._take(destination)
            try:
                status, reusable = await _exchange(connection, request)
            except StaleConnection:
                connection.close()
                connection = await self._connect(destination)
                status, reusable = await _exchange(connection, request)
            except BaseException:
                connection.close()
                raise
        if reusable:
            self._give_back(destination, connection)
        else:
            connection.close()
        return status

    def close(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def _take(self, destination: Destination) -> _Connection:
        idle = self._idle.get(destination)
        while idle:
            connection = idle.pop()
            if not connection.reader.at_eof() and not connection.writer.is_closing():
                connection.reused = True
                return connection
            connection.close()
        return await self._connect(destination)

    async def _connect(self, destination: Destination) -> _Connection:
        tls: ssl.SSLContext | None = None
        if destination.scheme == "https":
            tls = self._tls = self._tls or ssl.create_default_context()
        async with asyncio.timeout(self.connect_timeout):
            reader, writer = await asyncio.open_connection(
                destination.host,
                destination.port,
                ssl=tls,
                server_hostname=destination.server_name if tls else None,
                limit=MAX_HEAD_BYTES,
            )
        return _Connection(reader, writer)

    def _give_back(self, destination: Destination, connection: _Connection) -> None:
        idle = self._idle.setdefault(destination, [])
        if len(idle) < IDLE_PER_TARGET:
            idle.append(connection)
        else:
            connection.close()


async def _exchange(connection: _Connection, request: bytes) -> tuple[int, bool]:
    """Send, read the answer; (status, whether the connection may be used again)."""
    try:
        connection.writer.write(request)
        await connection.writer.drain()
        head = await _read_head(connection.reader)
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        partial = getattr(exc, "partial", b"")
        if connection.reused and not partial:
            raise StaleConnection from exc
        raise
    status, headers, keep_alive = _parse_head(head)
    while 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
        status, headers, keep_alive = _parse_head(await _read_head(connection.reader))
    complete = await _read_body(connection.reader, status, headers)
    return status, keep_alive and complete


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError as exc:
        raise ProtocolError("answer head too large") from exc


def _parse_head(head: bytes) -> tuple[int, dict[bytes, bytes], bool]:
    status_line, *lines = head[:-4].split(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError("not an HTTP/1.x answer")
    headers: dict[bytes, bytes] = {}
    for line in lines:
        name, sep, value = line.partition(b":")
        if not sep:
            raise ProtocolError("malformed answer header")
        headers[name.strip().lower()] = value.strip()
    connection = headers.get(b"connection", b"").lower()
    keep_alive = parts[0] == b"HTTP/1.1" and b"close" not in connection
    return int(parts[1]), headers, keep_alive


async def _read_body(
    reader: asyncio.StreamReader, status: int, headers: dict[bytes, bytes]
) -> bool:
    """Read (and drop) the answer's body; False when the connection cannot be reused (no
    length, too large, or chunked beyond the limit)."""
    if status in _NO_BODY:
        return True
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        return await _read_chunked(reader)
    length = headers.get(b"content-length")
    if length is None:
        return False
    if not length.isdigit() or int(length) > MAX_RESPONSE_BYTES:
        return False
    await reader.readexactly(int(length))
    return True


async def _read_chunked(reader: asyncio.StreamReader) -> bool:
    received = 0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise ProtocolError("malformed chunk size") from exc
        received += size
        if received > MAX_RESPONSE_BYTES:
            return False
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            return True
        await reader.readexactly(size + 2)
