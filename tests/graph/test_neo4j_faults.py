"""Lost commits: the answer to a COMMIT lost on the wire, and ``kill -9`` of a real server mid-load.

orgnet's writes are upserts, so a commit whose answer never came is retried
until ``max_retry_time``; after that the load fails with a ConnectionFailed that
says the load can simply be run again. The kill test starts a server of its
own (own port, own data directory) with the project's ``scripts/neo4j-server``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _servers import SCRIPT, LineProxy, OwnServer, Server, line_proxy
from store_dump import dump, planned

from orgnet.errors import ConnectionFailed
from orgnet.graph.base import ChangeSet
from orgnet.graph.memory import MemoryStore
from orgnet.graph.neo4j import Neo4jStore
from orgnet.synth import city


def tiny_changes() -> tuple[ChangeSet, MemoryStore]:
    return planned(city("tiny", seed=0))


@pytest.fixture
def cutter(neo4j_server: Server) -> Iterator[LineProxy]:
    with line_proxy(neo4j_server) as proxy:
        yield proxy


def test_a_lost_commit_is_retried(neo4j_store: Neo4jStore, cutter: LineProxy, neo4j_server: Server,
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
    neo4j_store: Neo4jStore, cutter: LineProxy, neo4j_server: Server
) -> None:
    _, (user, password) = neo4j_server
    changes, reference = tiny_changes()
    flaky = Neo4jStore(f"bolt://127.0.0.1:{cutter.port}", auth=(user, password), database=neo4j_store.database,
                       max_retry_time=2.0, connection_timeout=1.0)
    try:
        def cut_and_refuse(n: int) -> None:
            cutter.armed = 1
            cutter.open = False  # and no new connection gets through

        start = time.monotonic()
        with pytest.raises(ConnectionFailed, match=r"within 2 s.*run it again") as info:
            flaky.apply(changes, batch_size=50, progress=cut_and_refuse)
        elapsed = time.monotonic() - start
        assert cutter.cuts == 1
        assert elapsed < 15, elapsed  # the retry time (twice at most: the driver's and orgnet's), not forever
        assert password not in str(info.value)
        cutter.restore()
        Neo4jStore(f"bolt://127.0.0.1:{cutter.port}", auth=(user, password)).apply(changes)
        assert dump(neo4j_store) == dump(reference)  # running it again completes it, nothing doubled
    finally:
        flaky.close()


# ------------------------------------------------------------------ kill -9


@pytest.fixture
def own_server(tmp_path: Path, neo4j_server: Server) -> Iterator[OwnServer]:
    if not SCRIPT.exists():
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
