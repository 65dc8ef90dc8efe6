"""Lost commits: the answer to a COMMIT lost on the wire, and ``kill -9`` of a real server mid-load.

orgnet's writes are upserts, so a commit whose answer never came is retried
until ``max_retry_time``; after that the load fails with a ConnectionFailed that
says the load can simply be run again. The kill test starts a server of its
own (own port, own data directory) with the project's ``scripts/neo4j-server``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from orgnet.errors import ConnectionFailed
from orgnet.graph.base import ChangeSet
from orgnet.graph.memory import MemoryStore
from orgnet.graph.neo4j import Neo4jStore
from orgnet.io.load import load_records
from orgnet.model import LABELS, REL_TYPES
from orgnet.synth import city

ROOT = Path(__file__).resolve().parents[2]
Server = tuple[str, tuple[str, str]]
COMMIT = b"\x00\x02\xb0\x12\x00\x00"  # one Bolt chunk holding COMMIT (struct 0xB0, signature 0x12), end marker


def dump(store: Any) -> dict[str, Any]:
    return {
        "counts": store.counts(),
        "nodes": {label: list(store.iter_nodes(label)) for label in sorted(LABELS)},
        "links": {t: list(store.iter_links(t)) for t in sorted(REL_TYPES)},
    }


class _Capture(MemoryStore):
    changes: ChangeSet

    def apply(self, changes: ChangeSet, **options: Any) -> None:
        self.changes = changes
        super().apply(changes, **options)


def tiny_changes() -> tuple[ChangeSet, MemoryStore]:
    capture = _Capture()
    load_records(capture, city("tiny", seed=0))
    return capture.changes, capture


class CommitCutter:
    """A TCP proxy to the server that, when armed, forwards a COMMIT and then drops the line.

    The server gets the commit (and applies it); the driver never hears back:
    ``IncompleteCommit``, the case it does not retry by itself.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.armed = 0  # commits still to cut
        self.cuts = 0
        self.refuse = False
        self.running = True
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            if self.refuse:
                client.close()
                continue
            upstream = socket.create_connection(self.target, timeout=10)
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

    def close(self) -> None:
        self.running = False
        self.listener.close()


@pytest.fixture
def cutter(neo4j_server: Server) -> Iterator[CommitCutter]:
    uri, _ = neo4j_server
    parts = urlsplit(uri)
    if parts.scheme not in ("bolt", "neo4j"):
        pytest.skip(f"the proxy needs an unencrypted bolt:// or neo4j:// server, not {parts.scheme}://")
    c = CommitCutter(parts.hostname or "127.0.0.1", parts.port or 7687)
    try:
        yield c
    finally:
        c.close()


def test_a_lost_commit_is_retried(neo4j_store: Neo4jStore, cutter: CommitCutter, neo4j_server: Server,
                                  caplog: pytest.LogCaptureFixture) -> None:
    _, auth = neo4j_server
    changes, reference = tiny_changes()
    flaky = Neo4jStore(f"bolt://127.0.0.1:{cutter.port}", auth=auth, database=neo4j_store.database,
                       max_retry_time=20.0, connection_timeout=2.0)
    try:
        written = 0

        def arm(n: int) -> None:  # cut three commits along the way, at a third, half, two thirds
            nonlocal written
            before, written = written, written + n
            for mark in (changes.size() // 3, changes.size() // 2, 2 * changes.size() // 3):
                if before < mark <= written:
                    cutter.armed += 1

        with caplog.at_level("WARNING"):
            flaky.apply(changes, batch_size=50, progress=arm)
        assert cutter.cuts == 3
        # retried by the driver (6.x retries a commit cut off like this) or by orgnet (an IncompleteCommit)
        retries = caplog.text.count("will be retried") + caplog.text.count("the answer to a commit was lost")
        assert retries >= 3
        assert dump(neo4j_store) == dump(reference)
    finally:
        flaky.close()


def test_a_lost_commit_that_cannot_be_retried_fails_clearly(
    neo4j_store: Neo4jStore, cutter: CommitCutter, neo4j_server: Server
) -> None:
    _, (user, password) = neo4j_server
    changes, reference = tiny_changes()
    flaky = Neo4jStore(f"bolt://127.0.0.1:{cutter.port}", auth=(user, password), database=neo4j_store.database,
                       max_retry_time=2.0, connection_timeout=1.0)
    try:
        def cut_and_refuse(n: int) -> None:
            cutter.armed = 1
            cutter.refuse = True  # and no new connection gets through

        start = time.monotonic()
        with pytest.raises(ConnectionFailed, match=r"within 2 s.*run it again") as info:
            flaky.apply(changes, batch_size=50, progress=cut_and_refuse)
        elapsed = time.monotonic() - start
        assert cutter.cuts == 1
        assert elapsed < 15, elapsed  # the retry time (twice at most: the driver's and orgnet's), not forever
        assert password not in str(info.value)
        cutter.refuse = False
        Neo4jStore(f"bolt://127.0.0.1:{cutter.port}", auth=(user, password)).apply(changes)
        assert dump(neo4j_store) == dump(reference)  # running it again completes it, nothing doubled
    finally:
        flaky.close()


# ------------------------------------------------------------------ kill -9


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnServer:
    """A Neo4j of this test's own: own port, own data directory, started by scripts/neo4j-server."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = _free_port()
        self.env = {**os.environ, "ORGNET_NEO4J_PORT": str(self.port), "ORGNET_NEO4J_HOME": str(home)}
        self.env.pop("ORGNET_NEO4J_URI", None)

    def start(self) -> str:
        proc = subprocess.run([str(ROOT / "scripts" / "neo4j-server"), "start"], env=self.env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc.stdout.strip().splitlines()[-1]

    def kill9(self) -> None:
        pid = int((self.home / "orgnet-neo4j.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        subprocess.run([str(ROOT / "scripts" / "neo4j-server"), "stop"], env=self.env,
                       capture_output=True, text=True, timeout=120)


@pytest.fixture
def own_server(tmp_path: Path, neo4j_server: Server) -> Iterator[OwnServer]:
    if not (ROOT / "scripts" / "neo4j-server").exists():
        pytest.skip("scripts/neo4j-server is needed to start a server of the test's own")
    server = OwnServer(tmp_path / "neo4j")
    try:
        yield server
    finally:
        server.stop()


def test_kill_9_mid_load_then_restart_completes_the_load(own_server: OwnServer, neo4j_server: Server) -> None:
    _, auth = neo4j_server
    uri = own_server.start()
    changes, reference = tiny_changes()
    store = Neo4jStore(uri, auth=auth, max_retry_time=240.0, connection_timeout=2.0)
    try:
        store.ensure_schema()
        killed = threading.Event()
        restarted: list[str] = []
        written = 0

        def kill_halfway(n: int) -> None:
            nonlocal written
            written += n
            if written >= changes.size() // 2 and not killed.is_set():
                killed.set()
                own_server.kill9()
                threading.Thread(target=lambda: restarted.append(own_server.start()), daemon=True).start()

        store.apply(changes, batch_size=20, progress=kill_halfway)
        assert killed.is_set() and restarted == [uri]
        assert dump(store) == dump(reference)

        # Killed for good: the load fails within the retry time, saying what to do.
        store.clear()
        short = Neo4jStore(uri, auth=auth, max_retry_time=3.0, connection_timeout=1.0)
        try:
            killed.clear()
            written = 0

            def kill_for_good(n: int) -> None:
                nonlocal written
                written += n
                if written >= changes.size() // 2 and not killed.is_set():
                    killed.set()
                    own_server.kill9()

            start = time.monotonic()
            with pytest.raises(ConnectionFailed, match="run it again"):
                short.apply(changes, batch_size=20, progress=kill_for_good)
            assert time.monotonic() - start < 60
        finally:
            short.close()
    finally:
        store.close()
