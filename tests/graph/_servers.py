"""Servers and broken lines for the Neo4j fault tests: one copy, shared by the test modules.

* :class:`LineProxy` — a TCP forwarder in front of the test server that can cut
  every connection (and refuse new ones), or let a COMMIT through and then drop
  the line so its answer never comes back (``IncompleteCommit``).
* :func:`line_proxy` — one in front of the ``neo4j_server`` fixture's server.
* :class:`OwnServer` — a Neo4j of a test's own (own port, own data directory),
  started with ``scripts/neo4j-server``, that can be killed with ``kill -9``.
* :func:`free_port` — a port nothing listens on.

Imported by ``test_neo4j_store.py``, ``test_neo4j_faults.py`` and
``test_neo4j_bulk.py`` (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "neo4j-server"
Server = tuple[str, tuple[str, str]]
"""URI and (user, password) of the test server: the ``neo4j_server`` fixture."""

COMMIT = b"\x00\x02\xb0\x12\x00\x00"
"""One Bolt chunk holding COMMIT (struct 0xB0, signature 0x12), then the end marker."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LineProxy:
    """A TCP forwarder on 127.0.0.1 in front of a server, that can break the line two ways.

    * :meth:`cut` drops every open connection and refuses new ones until
      :meth:`restore` (a server gone, or the network down);
    * ``armed = n`` cuts the next ``n`` connections each right after it
      forwarded a COMMIT: the server commits, the driver never hears back
      (``IncompleteCommit``, the case the driver does not retry by itself).
      ``cuts`` counts them.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port: int = self.listener.getsockname()[1]
        self.open = True
        self.armed = 0
        self.cuts = 0
        self.running = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target, timeout=10)
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, outgoing: bool) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
                if outgoing and chunk.endswith(COMMIT):
                    with self.lock:
                        cut = self.armed > 0
                        if cut:
                            self.armed -= 1
                            self.cuts += 1
                    if cut:
                        time.sleep(0.3)  # the server commits; its answer is never relayed
                        break
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.open = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def restore(self) -> None:
        """Accept connections again."""
        self.open = True

    def close(self) -> None:
        self.cut()
        self.running = False
        self.thread.join(timeout=5)
        self.listener.close()


@contextmanager
def line_proxy(server: Server) -> Iterator[LineProxy]:
    """A :class:`LineProxy` in front of the test server (skips for an encrypted server)."""
    uri, _ = server
    parts = urlsplit(uri)
    if parts.scheme not in ("bolt", "neo4j"):
        pytest.skip(f"the line proxy needs an unencrypted bolt:// or neo4j:// server, not {parts.scheme}://")
    proxy = LineProxy(parts.hostname or "127.0.0.1", parts.port or 7687)
    try:
        yield proxy
    finally:
        proxy.close()


class OwnServer:
    """A Neo4j of a test's own: own port, own data directory, started by scripts/neo4j-server."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.env = {**os.environ, "ORGNET_NEO4J_PORT": str(self.port), "ORGNET_NEO4J_HOME": str(home)}
        self.env.pop("ORGNET_NEO4J_URI", None)

    def start(self) -> str:
        """Start (or restart) it; its Bolt URI."""
        proc = subprocess.run([str(SCRIPT), "start"], env=self.env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc.stdout.strip().splitlines()[-1]

    def kill9(self) -> None:
        """``kill -9`` the server and wait until it is gone."""
        pid = int((self.home / "orgnet-neo4j.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop"], env=self.env, capture_output=True, text=True, timeout=120)
