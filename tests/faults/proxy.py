"""A loopback TCP proxy that can be broken on purpose: the database (or any server) going away mid-run.

`BreakableProxy(target_host, target_port).start()` listens on 127.0.0.1:<port> and forwards every connection to
the target. `cut()` aborts every open connection (both ends at once, as a crashed server or a pulled cable would)
and closes the listening socket, so new connections are refused; `restore()` listens on the same port again.
Both return only when done, so a test can `cut()` and know the next query fails.

It runs its own asyncio loop on a thread: sync tests, async tests and child processes can all use it, and a
test's event loop never waits on it. The real server is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
CHUNK = 65536


class BreakableProxy:
    def __init__(self, target_host: str, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.host = host
        self.port = 0
        self.accepted = 0  # connections forwarded so far
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="breakable-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._is_cut = False

    # --- what tests call (from any thread) ------------------------------------------------------------------
    def start(self) -> BreakableProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Drop every connection now and refuse new ones until `restore()`."""
        self._call(self._cut())

    def restore(self) -> None:
        """Accept connections again, on the same port."""
        self._call(self._listen())

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    @property
    def is_cut(self) -> bool:
        return self._is_cut

    @property
    def open_connections(self) -> int:
        return len(self._links) // 2

    def __enter__(self) -> BreakableProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # --- the loop's side ----------------------------------------------------------------------------------
    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _listen(self) -> None:
        if self._server is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the same port again right after a cut
        listener.bind((self.host, self.port))
        self.port = listener.getsockname()[1]
        self._server = await asyncio.start_server(self._link, sock=listener)
        self._is_cut = False

    async def _cut(self) -> None:
        self._is_cut = True
        server, self._server = self._server, None
        if server is not None:
            server.close()  # no more accepting: a new connection is refused by the kernel
        for writer in list(self._links):
            writer.transport.abort()  # RST, not a polite FIN: the peer learns at its next read or write
        self._links.clear()
        if server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), timeout=5)

    async def _link(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self._is_cut:
            client_writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        if self._is_cut:  # cut while connecting
            upstream_writer.transport.abort()
            client_writer.transport.abort()
            return
        self.accepted += 1
        self._links |= {client_writer, upstream_writer}
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
        )
        self._links -= {client_writer, upstream_writer}

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(CHUNK):
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
