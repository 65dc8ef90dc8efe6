"""The Neo4j store against a real server: schema, upserts, deletes, errors, round trips.

Every test talks to a real Neo4j (the ``neo4j_store`` fixture, cleared before
and after). Behaviour is checked against the memory store wherever the
protocol defines it, since the memory store is the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import golden
import pytest
from _servers import LineProxy, Server, free_port, line_proxy
from store_dump import dump

from orgnet.errors import (
    AuthFailed,
    ConnectionFailed,
    DatabaseNotFound,
    LoadConflict,
    OrgnetError,
    ServerTooOld,
)
from orgnet.graph import open_store
from orgnet.graph.base import ChangeSet, FieldRelBatch, GraphStore, LinkRow
from orgnet.graph.memory import MemoryStore
from orgnet.graph.neo4j import SCHEMA, Neo4jStore
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.model import LABELS
from orgnet.queries.chains import contact_chain, contact_path
from orgnet.queries.coverage import coverage
from orgnet.queries.influence import influence
from orgnet.queries.kpis import kpis


class _Capture(MemoryStore):
    """A memory store that also keeps every change set it applies."""

    def __init__(self) -> None:
        super().__init__()
        self.applied: list[ChangeSet] = []

    def apply(self, changes: ChangeSet, **options: Any) -> None:
        self.applied.append(changes)
        super().apply(changes, **options)


def golden_changes() -> ChangeSet:
    capture = _Capture()
    load_records(capture, Dataset(golden.ROWS))
    (changes,) = capture.applied
    return changes


def apply_both(changes: ChangeSet, neo: Neo4jStore, mem: MemoryStore) -> None:
    neo.apply(changes)
    mem.apply(changes)


# ----------------------------------------------------------------------- schema


def _schema(store: Neo4jStore) -> list[tuple[Any, ...]]:
    rows = store.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                     "RETURN name, type, labelsOrTypes, properties ORDER BY name")
    rows += store.run("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint "
                      "WHERE name STARTS WITH 'orgnet_' "
                      "RETURN name, type, labelsOrTypes, properties, owningConstraint ORDER BY name")
    return [tuple(r.values()) for r in rows]


def test_schema_is_created_once_and_idempotent(neo4j_store: Neo4jStore, neo4j_server: Server) -> None:
    neo4j_store.ensure_schema()
    first = _schema(neo4j_store)
    assert ("orgnet_entity_id", "UNIQUENESS", ["Entity"], ["id"]) in first
    names = {row[0] for row in first}
    assert {"orgnet_area_level", "orgnet_person_is_member", "orgnet_unit_category"} <= names
    for _ in range(2):
        neo4j_store._schema_ready = False
        neo4j_store.ensure_schema()
        assert _schema(neo4j_store) == first
    uri, auth = neo4j_server
    again = Neo4jStore(uri, auth=auth)
    try:
        again.ensure_schema()
        assert _schema(again) == first
    finally:
        again.close()
    assert {row[0] for row in first if str(row[0]).startswith("orgnet_")} == {
        statement.split()[2] for statement in SCHEMA
    }


def test_the_constraint_holds(neo4j_store: Neo4jStore) -> None:
    from neo4j.exceptions import ConstraintError

    neo4j_store.ensure_schema()
    neo4j_store._write("CREATE (:Entity:Area {id: 'X', level: 'city'})", {})
    with pytest.raises(OrgnetError) as info:
        neo4j_store._write("CREATE (:Entity:Area {id: 'X', level: 'city'})", {})
    assert isinstance(info.value.__cause__, ConstraintError)


# ------------------------------------------------------------------------ writes


def test_round_trip_equals_memory(neo4j_store: Neo4jStore) -> None:
    mem = MemoryStore()
    apply_both(golden_changes(), neo4j_store, mem)
    assert neo4j_store.counts() == mem.counts()
    assert list(neo4j_store.counts()) == list(mem.counts())
    assert dump(neo4j_store) == dump(mem)
    assert neo4j_store.area_tree() == mem.area_tree()
    assert neo4j_store.org_parents() == mem.org_parents()
    ids = ["ZJ", "G1", "P1", "nope", "U3", "M1", "P1"]
    assert neo4j_store.lookup(ids) == mem.lookup(ids)
    assert list(neo4j_store.lookup(ids)) == list(mem.lookup(ids))


def test_property_types_round_trip(neo4j_store: Neo4jStore) -> None:
    load_records(neo4j_store, Dataset(golden.ROWS))
    p1 = next(p for p in neo4j_store.iter_nodes("Person") if p["id"] == "P1")
    assert p1 == {"id": "P1", "name": "张三", "household_id": "H1", "is_member": True,
                  "member_category": "in_service", "org_id": "O-G1", "unit_id": "U1", "phone": "13900000001"}
    assert type(p1["is_member"]) is bool
    m1 = next(m for m in neo4j_store.iter_nodes("Matter") if m["id"] == "M1")
    assert type(m1["rating"]) is int and m1["rating"] == 5
    assert m1["created_at"] == "2023-01-01" and isinstance(m1["created_at"], str)
    site = next(s for s in neo4j_store.iter_nodes("Site") if s["id"] == "S-2")
    assert site["standardized"] is False
    regs = list(neo4j_store.iter_links("REGISTERED_WITH"))
    assert all(type(r.props["year"]) is int and type(r.props["reported"]) is bool for r in regs)


def test_loading_twice_changes_nothing(neo4j_store: Neo4jStore) -> None:
    load_records(neo4j_store, Dataset(golden.ROWS))
    first = dump(neo4j_store)
    load_records(neo4j_store, Dataset(golden.ROWS))
    assert dump(neo4j_store) == first
    neo4j_store.apply(golden_changes(), batch_size=3)
    assert dump(neo4j_store) == first


def test_an_id_never_changes_kind(neo4j_store: Neo4jStore) -> None:
    """The store refuses to give an id a second kind inside the transaction (validation refuses it
    before; this is what stops two loads racing with the same id as two kinds)."""
    neo4j_store.apply(ChangeSet(nodes={"Unit": [{"id": "X", "name": "old", "category": "soe"}]}))
    before = dump(neo4j_store)
    with pytest.raises(LoadConflict, match=r"'X'.*already Unit") as info:
        neo4j_store.apply(ChangeSet(nodes={"Org": [{"id": "A", "kind": "branch"}, {"id": "X", "kind": "branch"}]}))
    assert info.value.ids == ["X"] and info.value.code == "load_conflict"
    assert dump(neo4j_store) == before  # the whole batch rolled back, "A" too
    labels = neo4j_store.run("MATCH (n:Entity {id: 'X'}) RETURN labels(n) AS labels")[0]["labels"]
    assert sorted(labels) == ["Entity", "Unit"]


def test_field_relationships_are_replaced(neo4j_store: Neo4jStore) -> None:
    mem = MemoryStore()
    apply_both(golden_changes(), neo4j_store, mem)
    # G1 moves from C1 to C3; M2 is now raised by H1 instead of P4; O-Y loses its parent.
    changes = ChangeSet(
        nodes={
            "Area": [{"id": "G1", "level": "grid", "parent_id": "C3"}],
            "Matter": [{"id": "M2", "raised_by": "H1", "created_at": "2023-02-01"}],
            "Org": [{"id": "O-Y", "kind": "group"}],
        },
        field_rels=[
            FieldRelBatch("PART_OF", False, ["G1"], [("G1", "C3")]),
            FieldRelBatch("RAISED", True, ["M2"], [("H1", "M2")]),
            FieldRelBatch("UNDER", False, ["O-Y"], []),
        ],
    )
    apply_both(changes, neo4j_store, mem)
    assert dump(neo4j_store) == dump(mem)
    assert neo4j_store.area_tree()["G1"] == ("grid", "C3")
    assert neo4j_store.org_parents()["O-Y"] is None
    raised = [r for r in neo4j_store.iter_links("RAISED") if r.dst == "M2"]
    assert raised == [LinkRow("H1", "M2", {})]


def test_links_merge_on_their_key(neo4j_store: Neo4jStore) -> None:
    mem = MemoryStore()
    apply_both(golden_changes(), neo4j_store, mem)
    changes = ChangeSet(links={
        "HOLDS_ROLE": [
            LinkRow("P1", "G1", {"role": "grid_leader", "since": "2020-01-01"}),  # same key: replaced
            LinkRow("P1", "G1", {"role": "party_group_leader"}),  # another key: a second relationship
        ],
        "PAIRED_WITH": [
            LinkRow("U1", "C1", {}),  # no kind: a relationship of its own
            LinkRow("U1", "C1", {"kind": "block"}),  # drops "since"
            LinkRow("U2", "C2", {"kind": "branch", "since": "2021-01-01"}),
            LinkRow("U2", "C2", {"kind": "branch", "since": "2022-01-01"}),  # twice in one batch: last wins
        ],
        "CONTACTS": [LinkRow("P1", "H1", {})],
    })
    apply_both(changes, neo4j_store, mem)
    apply_both(changes, neo4j_store, mem)
    assert dump(neo4j_store) == dump(mem)
    roles = [r for r in neo4j_store.iter_links("HOLDS_ROLE") if (r.src, r.dst) == ("P1", "G1")]
    assert roles == [LinkRow("P1", "G1", {"role": "grid_leader", "since": "2020-01-01"}),
                     LinkRow("P1", "G1", {"role": "party_group_leader"})]
    pairs = [r for r in neo4j_store.iter_links("PAIRED_WITH") if (r.src, r.dst) in (("U1", "C1"), ("U2", "C2"))]
    assert pairs == [LinkRow("U1", "C1", {}), LinkRow("U1", "C1", {"kind": "block"}),
                     LinkRow("U2", "C2", {"kind": "branch", "since": "2022-01-01"})]


def test_delete(neo4j_store: Neo4jStore) -> None:
    mem = MemoryStore()
    apply_both(golden_changes(), neo4j_store, mem)
    ids = ["P1", "nope", "P1", "C1"]
    assert neo4j_store.delete(ids) == mem.delete(ids) == 2
    assert dump(neo4j_store) == dump(mem)
    assert neo4j_store.lookup(["P1", "C1"]) == {}
    assert neo4j_store.delete([]) == 0


def test_clear_in_batches(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import orgnet.graph.neo4j as module

    load_records(neo4j_store, Dataset(golden.ROWS))
    monkeypatch.setattr(module, "CLEAR_CHUNK", 7)
    before = neo4j_store.queries_sent
    neo4j_store.clear()
    nodes = sum(len(rows) for name, rows in golden.ROWS.items() if "id" in rows[0])
    assert neo4j_store.queries_sent - before == nodes // 7 + 1
    assert neo4j_store.counts() == {}
    neo4j_store.clear()
    assert neo4j_store.counts() == {}


def test_progress_counts_every_row(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress adds up to every row, and ``batch_size`` bounds what each transaction carries: every
    write sends at most 4 rows, and each kind of node takes exactly ceil(rows / 4) writes."""
    changes = golden_changes()
    seen: list[int] = []
    writes: list[tuple[str, int]] = []
    real_write = neo4j_store._write

    def write(query: Any, params: dict[str, Any], **kwargs: Any) -> Any:  # observes; the real server writes
        if "rows" in params:
            writes.append((kwargs.get("doing", ""), len(params["rows"])))
        return real_write(query, params, **kwargs)

    real_write_nodes = neo4j_store._write_nodes

    def write_nodes(label: str, rows: list[dict[str, Any]], rels: Any, checked: bool = False) -> None:  # one transaction per batch
        writes.append((f"writing {label} nodes", len(rows)))
        real_write_nodes(label, rows, rels, checked)

    monkeypatch.setattr(neo4j_store, "_write", write)
    monkeypatch.setattr(neo4j_store, "_write_nodes", write_nodes)
    monkeypatch.setattr(neo4j_store, "write_sessions", 1)  # more sessions cut labels into even batches
    neo4j_store.apply(changes, batch_size=4, progress=seen.append)
    assert sum(seen) == changes.size()
    assert max(n for _, n in writes) == 4
    for label, rows in changes.nodes.items():
        sizes = [n for doing, n in writes if doing == f"writing {label} nodes"]
        assert sizes == [4] * (len(rows) // 4) + ([len(rows) % 4] if len(rows) % 4 else []), label


# --------------------------------------------------------- user data stays data

NASTY = [
    "'}) DETACH DELETE n //",
    '"}) MATCH (m) DETACH DELETE m RETURN 1 //',
    "`Area`) SET n:Admin //",
    "$rows\n; DROP CONSTRAINT orgnet_entity_id",
    "\\u0027 OR 1=1 --",
]


def test_cypher_text_never_carries_user_data(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    load_records(neo4j_store, Dataset(golden.ROWS))
    before = dump(neo4j_store)
    sent: list[str] = []
    real_run, real_write = neo4j_store.run, neo4j_store._write

    def run(query: Any, /, **params: Any) -> Any:
        sent.append(query)
        return real_run(query, **params)

    def write(query: Any, params: dict[str, Any], **kw: Any) -> Any:
        sent.append(query)
        return real_write(query, params, **kw)

    monkeypatch.setattr(neo4j_store, "run", run)
    monkeypatch.setattr(neo4j_store, "_write", write)
    rows: dict[str, list[dict[str, Any]]] = {
        "areas": [{"id": "ZJ", "name": "镇江市", "level": "city"}],
        "buildings": [{"id": f"B-{i}", "name": text, "grid_id": "G1"} for i, text in enumerate(NASTY)],
        "households": [{"id": text, "building_id": f"B-{i}", "address": text} for i, text in enumerate(NASTY)],
        "people": [{"id": "P-" + text, "name": text, "household_id": text, "is_member": True, "phone": text}
                   for text in NASTY],
        "contacts": [{"person_id": "P-" + text, "household_id": text} for text in NASTY],
    }
    assert load_records(neo4j_store, Dataset(rows)).rejects == []
    for text in NASTY:
        chain = contact_chain(neo4j_store, text)
        assert chain.household_id == text and chain.steps[0].people == ["P-" + text]
        assert contact_path(neo4j_store, "P-" + text, text) == ["P-" + text, text]
    coverage(neo4j_store, 2023, area="ZJ")
    assert neo4j_store.lookup(NASTY) == {text: ("Household", None) for text in NASTY}
    stored = {h["id"]: h for h in neo4j_store.iter_nodes("Household")}
    for i, text in enumerate(NASTY):
        assert stored[text] == {"id": text, "building_id": f"B-{i}", "address": text}
    after = dump(neo4j_store)
    grown = {"Building": len(NASTY), "Household": len(NASTY), "Person": len(NASTY),
             "CONTACTS": len(NASTY), "IN": 2 * len(NASTY), "LIVES_IN": len(NASTY)}
    assert after["counts"] == {k: v + grown.get(k, 0) for k, v in before["counts"].items()}
    for label in ("Area", "Org", "Unit", "Matter", "Site", "Alliance", "Activity"):
        assert after["nodes"][label] == before["nodes"][label]
    assert "orgnet_entity_id" in {row[0] for row in _schema(neo4j_store)}
    assert sent and not [q for q in sent for text in NASTY if text in q or "P-" + text in q]


@pytest.mark.parametrize("name", ["Area) DETACH DELETE n //", "Admin", "Entity", "area"])
def test_labels_and_types_come_only_from_the_model(neo4j_store: Neo4jStore, name: str) -> None:
    with pytest.raises(ValueError, match="orgnet.model"):
        list(neo4j_store.iter_nodes(name))
    with pytest.raises(ValueError, match="orgnet.model"):
        list(neo4j_store.iter_links(name))
    with pytest.raises(ValueError, match="orgnet.model"):
        neo4j_store.apply(ChangeSet(nodes={name: [{"id": "X"}]}))
    assert neo4j_store.counts() == {}


# --------------------------------------------------------------- interrupted load


@pytest.fixture
def proxy(neo4j_server: Server) -> Iterator[LineProxy]:
    with line_proxy(neo4j_server) as p:
        yield p


def test_interrupted_load_raises_and_a_rerun_completes_it(neo4j_store: Neo4jStore, proxy: LineProxy, neo4j_server: Server) -> None:
    _, auth = neo4j_server
    changes = golden_changes()
    reference = MemoryStore()
    reference.apply(changes)
    flaky = Neo4jStore(f"bolt://127.0.0.1:{proxy.port}", auth=auth, database=neo4j_store.database,
                       max_retry_time=1.0, connection_timeout=2.0)
    try:
        written = 0

        def cut_halfway(n: int) -> None:
            nonlocal written
            written += n
            if written >= changes.size() // 2:
                proxy.cut()

        with pytest.raises(ConnectionFailed, match="run it again") as info:
            flaky.apply(changes, batch_size=5, progress=cut_halfway)
        assert "orgnet-test-password" not in str(info.value)
        partial = neo4j_store.counts()
        assert partial and partial != reference.counts()
        proxy.restore()
        flaky.apply(changes, batch_size=5)
        assert dump(neo4j_store) == dump(reference)
    finally:
        flaky.close()


# -------------------------------------------------------------- bounded round trips


def _copies(k: int) -> dict[str, list[dict[str, Any]]]:
    """``k`` disjoint copies of the golden network, ids prefixed ``0-``, ``1-``, …"""
    refs = {"parent_id", "area_id", "unit_id", "grid_id", "building_id", "household_id", "org_id",
            "raised_by", "assignee_id", "person_id", "target_id", "source_id", "community_id",
            "alliance_id", "member_id", "activity_id", "organizer_id", "id"}
    rows: dict[str, list[dict[str, Any]]] = {}
    for i in range(k):
        for name, table in golden.ROWS.items():
            rows.setdefault(name, []).extend(
                {f: (f"{i}-{v}" if f in refs else v) for f, v in row.items()} for row in table
            )
    return rows


def _round_trips(store: Neo4jStore, prefix: str) -> dict[str, int]:
    calls: dict[str, Callable[[], object]] = {
        "coverage": lambda: coverage(store, 2023),
        "coverage_area": lambda: coverage(store, 2023, area=prefix + "D1"),
        "coverage_default_year": lambda: coverage(store),
        "kpis": lambda: kpis(store, 2023),
        "kpis_area": lambda: kpis(store, 2023, area=prefix + "D2"),
        "influence": lambda: influence(store),
        "chain": lambda: contact_chain(store, prefix + "M2"),
        "path": lambda: contact_path(store, prefix + "P1", prefix + "P4"),
        "path_none": lambda: contact_path(store, prefix + "P1", prefix + "O-X"),  # another component
    }
    counts = {}
    for name, call in calls.items():
        before = store.queries_sent
        call()
        counts[name] = store.queries_sent - before
    return counts


def test_round_trips_do_not_grow_with_the_graph(neo4j_store: Neo4jStore) -> None:
    load_records(neo4j_store, Dataset(_copies(1)))
    small = _round_trips(neo4j_store, "0-")
    neo4j_store.clear()
    load_records(neo4j_store, Dataset(_copies(5)))
    assert neo4j_store.counts()["Household"] == 5 * len(golden.ROWS["households"])
    large = _round_trips(neo4j_store, "1-")
    assert large == small
    assert small == {
        "coverage": 12,  # areas (tree, names and the node count in one query) + 11 rule queries
        "coverage_area": 12,  # (the two member rules share one query)
        "coverage_default_year": 13,  # + registration years
        "kpis": 7,  # area tree + the 5 rules KPIs report + KPI facts
        "kpis_area": 7,
        "influence": 2,  # projection + area tree
        "chain": 1,  # the chain, with the names of its areas, building and orgs
        "path": 1,
        "path_none": 1,
    }


# ------------------------------------------------------------------ connecting


def test_repr_and_uri_hide_the_password(neo4j_store: Neo4jStore, neo4j_server: Server) -> None:
    uri, (user, password) = neo4j_server
    text = repr(neo4j_store)
    assert text == f"Neo4jStore({neo4j_store.uri!r}, user={user!r}, database={neo4j_store.database!r})"
    assert password not in text and password not in neo4j_store.uri
    assert neo4j_store.database  # resolved from the server's default
    assert isinstance(neo4j_store, GraphStore) and neo4j_store.backend == "neo4j"


def test_wrong_password_is_auth_failed(caplog: pytest.LogCaptureFixture, neo4j_server: Server) -> None:
    uri, (user, _) = neo4j_server
    secret = "not-the-password-93b1"
    with caplog.at_level("DEBUG"):
        with pytest.raises(AuthFailed) as info:
            Neo4jStore(uri, auth=(user, secret))
    for text in (str(info.value), repr(info.value), str(info.value.__cause__), caplog.text):
        assert secret not in text
    assert user in str(info.value) and "password" in str(info.value)
    assert info.value.code == "auth_failed"


def test_unreachable_server_is_connection_failed() -> None:
    port = free_port()
    with pytest.raises(ConnectionFailed, match="is your Neo4j server running") as info:
        Neo4jStore(f"bolt://127.0.0.1:{port}", auth=("neo4j", "x"), connection_timeout=2.0)
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "scripts/" not in str(info.value)  # users of the package have no repository scripts


def test_missing_database_is_database_not_found(neo4j_server: Server) -> None:
    uri, auth = neo4j_server
    with pytest.raises(DatabaseNotFound, match="'nosuchdb'"):
        Neo4jStore(uri, auth=auth, database="nosuchdb")


def test_environment_gives_auth_and_database(monkeypatch: pytest.MonkeyPatch, neo4j_server: Server) -> None:
    uri, (user, password) = neo4j_server
    monkeypatch.setenv("NEO4J_USERNAME", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    store = open_store(uri)
    try:
        assert isinstance(store, Neo4jStore) and repr(store).startswith(f"Neo4jStore({uri!r}, user={user!r}")
    finally:
        store.close()
    monkeypatch.setenv("NEO4J_DATABASE", "nosuchdb")
    with pytest.raises(DatabaseNotFound):
        open_store(uri)


def test_old_servers_are_refused(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # No Neo4j 4.x server is at hand: feed the version check what one would answer.
    answer = [{"name": "Neo4j Kernel", "versions": ["4.4.30"], "edition": "community"}]
    monkeypatch.setattr(neo4j_store, "run", lambda query, /, **params: answer)
    with pytest.raises(ServerTooOld, match="4.4.30.*5.0 or newer"):
        neo4j_store._check_server()


def test_credentials_in_the_uri_are_not_shown() -> None:
    from orgnet.graph.neo4j import _strip_credentials

    assert _strip_credentials("neo4j+s://user:pw@abc.databases.neo4j.io") == "neo4j+s://abc.databases.neo4j.io"
    assert _strip_credentials("bolt://127.0.0.1:7687/x") == "bolt://127.0.0.1:7687/x"


def test_several_stores_at_once(neo4j_store: Neo4jStore, neo4j_server: Server) -> None:
    uri, auth = neo4j_server
    other = Neo4jStore(uri, auth=auth)
    try:
        load_records(neo4j_store, Dataset(golden.ROWS))
        assert other.counts() == neo4j_store.counts()
    finally:
        other.close()
    other.close()  # closing twice is fine


def test_layered_path_search_finds_the_same_paths(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the allShortestPaths cap at 0 every path comes from the layer-by-layer search."""
    import random

    import orgnet.queries._neo4j_chains as module

    mem = MemoryStore()
    apply_both(golden_changes(), neo4j_store, mem)
    monkeypatch.setattr(module, "PATH_CAP", 0)
    ids = sorted(i for label in sorted(LABELS) for i in mem.ids(label))
    rng = random.Random(7)
    pairs = [("P1", "P4"), ("P3", "P5"), ("P1", "O-X"), ("O-X", "O-Y"), ("G1", "G1")]
    pairs += [(rng.choice(ids), rng.choice(ids)) for _ in range(120)]
    for a, b in pairs:
        expected = contact_path(mem, a, b)
        before = neo4j_store.queries_sent
        assert contact_path(neo4j_store, a, b) == expected, (a, b)
        if a != b and expected:
            assert neo4j_store.queries_sent - before <= len(expected)  # the capped query + one per layer
    assert contact_path(neo4j_store, "P1", "O-X") == []


def test_no_credentials_says_how_to_give_them(neo4j_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    uri, _ = neo4j_server
    monkeypatch.delenv("NEO4J_USERNAME", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(AuthFailed, match=r"none were given .* set NEO4J_USERNAME / NEO4J_PASSWORD"):
        Neo4jStore(uri)
