"""The Neo4j engine: every fact answered by Cypher inside the server.

Implements :class:`orgnet.queries._facts.Engine` with the same method names, in
the same order, as :class:`orgnet.queries._memory.MemoryEngine`. The Cypher text
lives in the ``_neo4j_*`` modules beside this one (one constant per query, values
only as parameters); this class only sends it and shapes the records into the
contract's rows. Round trips: coverage one per rule (the member rules share
one), KPIs one, a batch of chains one per 5,000 ids, a path one (one per BFS
layer past 1,000 equally short paths), influence one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final, LiteralString

import numpy as np

from orgnet.errors import NotFound
from orgnet.graph.neo4j import _DELETE, Neo4jStore
from orgnet.queries._facts import ChainTable, Facts, KpiFacts, Projection
from orgnet.queries._paths import smallest_shortest_path

__all__ = ["Neo4jEngine"]

_AREAS: Final[LiteralString] = (
    "MATCH (n:Entity) WITH count(n) AS total "
    "OPTIONAL MATCH (a:Area) "
    "RETURN total, collect([a.id, a.level, a.name, [(a)-[:PART_OF]->(p) | p.id][0]]) AS areas"
)
"""The number of nodes and every area as ``[id, level, name, parent]``: one record, one round trip."""


class Neo4jEngine:
    """The facts of a :class:`~orgnet.graph.neo4j.Neo4jStore`, computed in Cypher."""

    backend = "neo4j"

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self._areas: list[tuple[str, str, str | None, str | None]] | None = None
        self._total = 0
        self.window: tuple[str, str] | None = None
        """Count only pairings and roles active in this window (None: all)."""
        self.activity_year: int | None = None
        self._known: dict[str, tuple[str, str | None]] = {}
        """Label and name of the nodes on the chains read so far (naming a chain needs no query)."""

    def _area_records(self) -> list[tuple[str, str, str | None, str | None]]:
        if self._areas is None:
            record = self.store.run(_AREAS)[0]
            self._total = int(record["total"])
            self._areas = [(a, level, name, parent) for a, level, name, parent in record["areas"] if a is not None]
        return self._areas

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        return {a: (level, parent) for a, level, _, parent in self._area_records()}

    def area_names(self, ids: frozenset[str]) -> dict[str, str]:
        return {a: (name if name is not None else a) for a, _, name, _ in self._area_records() if a in ids}

    def node_count(self) -> int:
        self._area_records()
        return self._total

    def registration_years(self) -> list[int]:
        from orgnet.queries._neo4j_coverage import registration_years

        return registration_years(self.store)

    def rule_facts(self, year: int, scope: frozenset[str] | None,
                   rules: frozenset[str] | None) -> dict[str, list[Facts]]:
        from orgnet.queries._neo4j_coverage import facts_neo4j

        return facts_neo4j(self.store, year, scope, rules, self.window)

    def kpi_facts(self, scope: frozenset[str] | None) -> KpiFacts:
        from orgnet.queries._neo4j_kpis import kpi_facts_neo4j

        return kpi_facts_neo4j(self.store, scope, self.window)

    def chains(self, node_ids: list[str]) -> ChainTable:
        from orgnet.queries._neo4j_chains import chains_neo4j

        return chains_neo4j(self.store, node_ids, self.window, self._known)

    def path(self, a: str, b: str) -> list[str]:
        from orgnet.queries._neo4j_chains import _EXISTS, _EXPAND, PATH_CAP, PATH_QUERY

        neo = self.store
        if a == b:
            if not neo.run(_EXISTS, a=a, b=b)[0]["has_a"]:
                raise NotFound(a)
            return [a]
        records = neo.run(PATH_QUERY, a=a, b=b, limit=PATH_CAP + 1)
        first = records[0]
        if not first["has_a"]:
            raise NotFound(a)
        if not first["has_b"]:
            raise NotFound(b)
        paths = [list(r["ids"]) for r in records if r["ids"] is not None]
        if not paths:
            return []
        if len(paths) <= PATH_CAP:
            return min(paths)

        handles: dict[str, int] = {a: 0, b: 1}
        ids: list[str] = [a, b]

        def handle(node_id: str) -> int:
            h = handles.get(node_id)
            if h is None:
                h = handles[node_id] = len(ids)
                ids.append(node_id)
            return h

        def expand(frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            src: list[int] = []
            dst: list[int] = []
            for r in neo.run(_EXPAND, ids=[ids[h] for h in frontier.tolist()]):
                h = handles[r["id"]]
                for m in r["neighbours"]:
                    src.append(h)
                    dst.append(handle(m))
            return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)

        def key(hs: np.ndarray) -> np.ndarray:
            out = np.empty(len(hs), dtype=object)
            out[:] = [ids[h] for h in hs.tolist()]
            return out

        return [ids[h] for h in smallest_shortest_path(0, 1, expand, key, size=2)]

    def projection(self) -> Projection:
        from orgnet.queries._neo4j_influence import projection_neo4j

        return projection_neo4j(self.store, self.window, self.activity_year)

    def close(self) -> Any:
        return None

    # ------------------------------------------------------------- decisions

    def _bound(self, store: Neo4jStore) -> Neo4jEngine:
        eng = Neo4jEngine(store)
        eng.window, eng.activity_year = self.window, self.activity_year
        return eng

    def as_of(self, window: tuple[str, str] | None, activity_year: int | None = None) -> Neo4jEngine:
        eng = self._bound(self.store)
        eng.window, eng.activity_year = window, activity_year
        eng._areas, eng._total = self._areas, self._total  # the same store: no second read of the areas
        return eng

    @contextmanager
    def without(self, ids: list[str]) -> Iterator[Neo4jEngine]:
        """Inside one transaction: DETACH DELETE the nodes, answer, then roll back (nothing is written)."""
        import neo4j

        store = self.store
        with store._errors("answering a what-if"):  # noqa: SLF001 - the store's own error wrapping
            with store._session(neo4j.WRITE_ACCESS) as session:  # noqa: SLF001
                tx = session.begin_transaction()
                try:
                    found = {r["id"] for r in tx.run(_FOUND, ids=list(ids))}
                    for node_id in ids:
                        if node_id not in found:
                            raise NotFound(node_id)
                    tx.run(_DETACH, ids=list(ids)).consume()
                    view = object.__new__(_TxStore)
                    view.__dict__.update(store.__dict__)
                    view.tx = tx
                    assert isinstance(view, Neo4jStore)
                    yield self._bound(view)
                finally:
                    tx.rollback()
                    tx.close()

    def pairing_rows(self) -> list[tuple[str, str, str]]:
        lo, hi = self.window if self.window else (None, None)
        rows = {(r["source"], r["label"], r["community"]) for r in self.store.run(_PAIRINGS, lo=lo, hi=hi)}
        return sorted(rows)

    def node_info(self, ids: frozenset[str]) -> dict[str, tuple[str, str | None]]:
        from orgnet.model import LABELS

        if ids <= self._known.keys():  # the nodes of a chain just read
            return {node_id: self._known[node_id] for node_id in ids}
        records = self.store.run(_NODE_INFO, ids=sorted(ids), labels=sorted(LABELS))
        return {r["id"]: (r["label"], r["name"]) for r in records}

    def unit_rows(self) -> list[tuple[str, str | None, str | None]]:
        return sorted((r["id"], r["name"], r["area"]) for r in self.store.run(_UNITS))


_FOUND: Final[LiteralString] = "MATCH (n:Entity) WHERE n.id IN $ids RETURN n.id AS id"
_DETACH: Final[LiteralString] = _DELETE  # reference fields naming the nodes go too, as in delete()
_PAIRINGS: Final[LiteralString] = (
    "MATCH (x)-[pw:PAIRED_WITH]->(c) WHERE (x:Unit OR x:Org) AND "
    "(pw.since IS NULL OR $hi IS NULL OR pw.since < $hi) AND (pw.until IS NULL OR $lo IS NULL OR pw.until >= $lo) "
    "RETURN DISTINCT x.id AS source, CASE WHEN x:Unit THEN 'Unit' ELSE 'Org' END AS label, c.id AS community"
)
_NODE_INFO: Final[LiteralString] = (
    "MATCH (n:Entity) WHERE n.id IN $ids "
    "RETURN n.id AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, n.name AS name"
)
_UNITS: Final[LiteralString] = (
    "MATCH (u:Unit) RETURN u.id AS id, u.name AS name, [(u)-[:LOCATED_IN]->(a) | a.id][0] AS area"
)


class _TxStore(Neo4jStore):
    """A store view whose reads run in one open transaction (a what-if's)."""

    tx: Any

    def run(self, query: LiteralString, /, **params: Any) -> list[Any]:
        self.queries_sent += 1
        with self._errors("reading"):
            return list(self.tx.run(query, params))
