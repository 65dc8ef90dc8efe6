"""Attacks on the Neo4j backend that once worked: secrets in messages, personal data in
DEBUG logs, wrong arguments, huge values. Each runs against the real server.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import orgnet
from orgnet.errors import AuthFailed, ConnectionFailed, InvalidArgument, InvalidData, OrgnetError
from orgnet.graph.base import ChangeSet
from orgnet.graph.neo4j import Neo4jStore
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.limits import MAX_BATCH_BYTES, MAX_TEXT_BYTES
from orgnet.synth import city

ROOT = Path(__file__).resolve().parents[2]
Server = tuple[str, tuple[str, str]]
SECRET = "S3cret-pw-5f2e"


def _hostport(uri: str) -> tuple[str, str]:
    parts = urlsplit(uri)
    return parts.scheme, f"{parts.hostname}:{parts.port or 7687}"


class _Records(logging.Handler):
    """Every record that reaches the root logger, formatted as a user's handler would."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture
def root_at_debug() -> Iterator[_Records]:
    """The root logger at DEBUG with a handler, and the driver's logger as a fresh process has it."""
    root = logging.getLogger()
    driver = logging.getLogger("neo4j")
    saved = (root.level, driver.level)
    handler = _Records()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    driver.setLevel(logging.NOTSET)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        driver.setLevel(saved[1])


# ------------------------------------------------------------------ passwords


def _after_wrong_passwords(server: Server) -> None:
    """Wait out the server's lock after failed logins (dbms.security.auth_lock_time, 5 s by default)."""
    import time

    uri, auth = server
    deadline = time.monotonic() + 30
    while True:
        try:
            Neo4jStore(uri, auth=auth).close()
            return
        except AuthFailed:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def test_password_in_the_uri_never_shows(neo4j_server: Server, root_at_debug: _Records) -> None:
    uri, (user, password) = neo4j_server
    scheme, hostport = _hostport(uri)
    # The right password in the URI is used (and hidden).
    with orgnet.connect(f"{scheme}://{user}:{password}@{hostport}") as net:
        assert password not in repr(net) and password not in net.store.uri
        assert net.counts() is not None
    with pytest.raises(AuthFailed) as info:
        orgnet.connect(f"{scheme}://{user}:{SECRET}@{hostport}")
    _after_wrong_passwords(neo4j_server)
    texts = [str(info.value), repr(info.value), *root_at_debug.texts]
    cause: BaseException | None = info.value
    while cause is not None:
        texts += [str(cause), repr(cause)]
        cause = cause.__cause__ or cause.__context__
    assert not [t for t in texts if SECRET in t]
    assert user in str(info.value)


def test_password_from_auth_and_environment_never_shows(
    neo4j_server: Server, root_at_debug: _Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri, (user, _) = neo4j_server
    with pytest.raises(AuthFailed) as info:
        orgnet.connect(uri, auth=(user, SECRET))
    monkeypatch.setenv("NEO4J_USERNAME", user)
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    with pytest.raises(AuthFailed) as env_info:
        orgnet.connect(uri)
    with pytest.raises(ConnectionFailed) as lost:  # nothing listens on port 9: the URI is in the message
        orgnet.connect(f"bolt://neo4j:{SECRET}@127.0.0.1:9", connection_timeout=1.0)
    for exc in (info.value, env_info.value, lost.value):
        assert SECRET not in f"{exc} {exc!r} {exc.__cause__} {exc.__cause__!r}"
    assert "127.0.0.1:9" in str(lost.value)
    assert not [t for t in root_at_debug.texts if SECRET in t]
    _after_wrong_passwords(neo4j_server)


def test_password_in_the_cli_uri_never_shows(neo4j_server: Server) -> None:
    uri, (user, _) = neo4j_server
    scheme, hostport = _hostport(uri)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    for args in (["coverage"], ["--debug", "coverage"]):
        proc = subprocess.run(
            [sys.executable, "-m", "orgnet", *args, "--uri", f"{scheme}://{user}:{SECRET}@{hostport}"],
            capture_output=True, text=True, env=env, timeout=120,
        )
        assert proc.returncode != 0
        assert "credentials" in proc.stderr or "refused" in proc.stderr, proc.stderr[-2000:]
        assert SECRET not in proc.stdout + proc.stderr
    _after_wrong_passwords(neo4j_server)


# ------------------------------------------------------------- DEBUG logging


def _personal_values(ds: Dataset) -> set[str]:
    values = {str(r[f]) for r in ds["people"] for f in ("name", "phone") if r.get(f)}
    values |= {str(r["address"]) for r in ds["households"] if r.get("address")}
    return {v for v in values if len(v) >= 2}


def test_no_personal_value_in_any_log_record_at_debug(
    neo4j_server: Server, root_at_debug: _Records
) -> None:
    uri, auth = neo4j_server
    ds = city("tiny", seed=0)
    personal = _personal_values(ds)
    assert len(personal) > 300
    with orgnet.connect(uri, auth=auth) as net:
        net.clear()
        net.load(ds)
        net.coverage(2023)
        net.kpis(2023)
        net.contact_chain(ds["people"][0]["id"])
        net.nodes("Person")
        net.clear()
    assert root_at_debug.texts  # orgnet's own records are there
    leaked = [t for t in root_at_debug.texts if any(v in t for v in personal)]
    assert leaked == []


def test_a_user_who_asks_for_driver_debugging_gets_it(neo4j_server: Server, root_at_debug: _Records) -> None:
    """The check above can fail: with the driver's logger set to DEBUG on purpose, parameters show."""
    uri, auth = neo4j_server
    ds = city("tiny", seed=0)
    logging.getLogger("neo4j").setLevel(logging.DEBUG)
    with orgnet.connect(uri, auth=auth) as net:
        net.clear()
        net.load(ds)
        net.clear()
    assert any(v in t for t in root_at_debug.texts for v in _personal_values(ds))
    assert logging.getLogger("neo4j").level == logging.DEBUG  # orgnet left the user's choice alone


# ------------------------------------------------------------ wrong arguments


def test_a_string_is_not_a_list_of_ids(store: Any) -> None:
    net = orgnet.Network(store)
    net.load(Dataset({"areas": [{"id": "Z", "level": "city"}, {"id": "J", "level": "city"},
                                {"id": "ZJ", "level": "city"}]}))
    for wrong in ("ZJ", b"ZJ", ["ZJ", 3]):
        with pytest.raises(InvalidArgument, match=r"list of id strings.*\['ZJ'\]"):
            net.delete(wrong)  # type: ignore[arg-type]
        if isinstance(store, Neo4jStore):  # the store itself refuses too (the memory store is internal)
            with pytest.raises(InvalidArgument, match=r"list of id strings"):
                store.delete(wrong)
    assert store.counts() == {"Area": 3}
    assert net.delete(["ZJ"]) == 1 and net.delete(iter(["Z"])) == 1
    assert store.counts() == {"Area": 1}


@pytest.mark.parametrize("kwargs, name", [
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": -5}, "batch_size"),
    ({"batch_size": "500"}, "batch_size"),
    ({"batch_size": True}, "batch_size"),
    ({"max_retry_time": -1}, "max_retry_time"),
    ({"max_retry_time": "30"}, "max_retry_time"),
    ({"auth": ("neo4j",)}, "auth"),
    ({"auth": "neo4j:pw"}, "auth"),
    ({"database": ""}, "database"),
    ({"database": 3}, "database"),
    ({"no_such_option": 1}, "no_such_option"),
])
def test_connect_refuses_wrong_arguments(neo4j_server: Server, kwargs: dict[str, Any], name: str) -> None:
    uri, auth = neo4j_server
    kwargs = {"auth": auth, **kwargs}
    with pytest.raises(InvalidArgument, match=name):
        orgnet.connect(uri, **kwargs)


def test_connect_refuses_a_uri_that_is_not_a_string() -> None:
    for wrong in (7687, b"bolt://x", ["memory://"]):
        with pytest.raises(InvalidArgument, match="uri must be a string"):
            orgnet.connect(wrong)  # type: ignore[arg-type]


def test_apply_refuses_a_wrong_batch_size(neo4j_store: Neo4jStore) -> None:
    for wrong in (0, -1, 2.5, "10"):
        with pytest.raises(InvalidArgument, match="batch_size"):
            neo4j_store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]}), batch_size=wrong)  # type: ignore[arg-type]
    assert neo4j_store.counts() == {}


# ------------------------------------------------------------------ size limits


def test_a_value_over_the_limit_is_refused_before_anything_is_written(neo4j_store: Neo4jStore) -> None:
    rows = [{"id": f"H{i}", "address": "x" * 10} for i in range(50)]
    rows.append({"id": "H-big", "address": "号" * (MAX_TEXT_BYTES // 3 + 1)})  # 3 bytes each in UTF-8
    with pytest.raises(InvalidArgument, match=r"'H-big'.*'address'.*65,536") as info:
        neo4j_store.apply(ChangeSet(nodes={"Household": rows}))
    assert "号号" not in str(info.value)
    assert neo4j_store.counts() == {}
    # exactly at the limit is fine
    rows[-1] = {"id": "H-big", "address": "x" * MAX_TEXT_BYTES}
    neo4j_store.apply(ChangeSet(nodes={"Household": rows}))
    assert neo4j_store.counts() == {"Household": 51}


def test_batches_are_bounded_by_bytes(neo4j_store: Neo4jStore) -> None:
    """Long values split a 5,000-row batch into transactions of at most MAX_BATCH_BYTES."""
    big = MAX_TEXT_BYTES - 100
    rows = [{"id": f"H{i:03d}", "address": "a" * big} for i in range(200)]  # ~12.8 MB in all
    before = neo4j_store.queries_sent
    neo4j_store.apply(ChangeSet(nodes={"Household": rows}), batch_size=5_000)
    transactions = neo4j_store.queries_sent - before
    per_batch = MAX_BATCH_BYTES // (big + 20)
    assert transactions >= len(rows) // per_batch
    assert neo4j_store.counts() == {"Household": 200}
    assert neo4j_store.delete([r["id"] for r in rows]) == 200


def test_loading_an_oversized_value_is_a_clear_error(neo4j_store: Neo4jStore) -> None:
    ds = Dataset({"areas": [{"id": "ZJ", "level": "city"}],
                  "households": [{"id": "H1", "address": "x" * (3 * 1024 * 1024)}]})
    with pytest.raises(OrgnetError) as info:
        load_records(neo4j_store, ds)
    assert isinstance(info.value, (InvalidData, InvalidArgument))
    assert "xxxx" not in str(info.value)
    assert neo4j_store.counts() == {}
