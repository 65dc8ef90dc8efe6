"""What must never be found in an orgnet Neo4j database, counted by Cypher in the database itself.

Whatever loads ran, one after the other or at the same moment, an orgnet
database must hold none of:

* a node with two kinds (or none) among the model's labels;
* a reference field (``Area.parent_id``, ``Person.household_id``, …) whose
  relationship is missing, doubled, or points at another node than the
  property names;
* two relationships of a link type between the same two nodes with the same
  key properties (``HOLDS_ROLE`` keyed by ``role``, …).

:func:`violations` counts each of them with one query per rule, inside the
database (no data is read out), so it runs at any scale. The concurrency tests
(``tests/graph/test_neo4j_concurrency.py``) and the concurrent-load benchmark
(``benchmarks/neo4j_concurrency.py``) both require it to come back empty; see
``docs/guarantees.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, LiteralString

from orgnet.model import FIELD_RELATIONSHIPS, LABELS, LINK_MODELS

if TYPE_CHECKING:
    from orgnet.graph.neo4j import Neo4jStore

__all__ = ["violations", "RULES"]

_KINDS: Final[LiteralString] = (
    "MATCH (n:Entity) WHERE size([l IN labels(n) WHERE l IN $kinds]) <> 1 RETURN count(n) AS n"
)


def _field_rule(label: str, rel_type: str, reverse: bool) -> LiteralString:
    pattern = f"(o)<-[:{rel_type}]-(t)" if reverse else f"(o)-[:{rel_type}]->(t)"
    return (  # label and type from the model's closed sets (below); mypy reads LiteralString as str
        f"MATCH (o:{label}) OPTIONAL MATCH {pattern} WITH o, collect(t.id) AS ts "
        "WHERE NOT ((o[$field] IS NULL AND size(ts) = 0) OR ts = [o[$field]]) RETURN count(o) AS n"
    )


def _link_rule(rel_type: str) -> LiteralString:
    return (  # type from the model's closed set (below)
        f"MATCH (a)-[r:{rel_type}]->(b) WITH a, b, [k IN $keys | r[k]] AS key, count(r) AS n "
        "WHERE n > 1 RETURN coalesce(sum(n - 1), 0) AS n"
    )


RULES: Final[dict[str, tuple[LiteralString, dict[str, object]]]] = {
    "ids with two kinds or none": (_KINDS, {"kinds": sorted(LABELS)}),
    **{
        f"{rel.label}.{rel.field} vs {rel.type}": (
            _field_rule(rel.label, rel.type, rel.reverse), {"field": rel.field}
        )
        for rel in FIELD_RELATIONSHIPS
    },
    **{f"duplicate {m.TYPE}": (_link_rule(m.TYPE), {"keys": list(m.KEY)}) for m in LINK_MODELS},
}
"""Rule name -> (Cypher counting its violations, parameters); every name and type from :mod:`orgnet.model`."""


def violations(store: Neo4jStore) -> dict[str, int]:
    """The rules broken in ``store`` and how many times each (empty when the database is sound).

    Parameters
    ----------
    store : Neo4jStore

    Returns
    -------
    dict of str to int
        Rule name (see :data:`RULES`) -> number of nodes or relationships
        breaking it, rules with none left out.

    Examples
    --------
    >>> from orgnet.graph.base import ChangeSet, FieldRelBatch
    >>> areas = [{"id": "ZJ", "level": "city"}, {"id": "DT", "level": "district", "parent_id": "ZJ"}]
    >>> store.apply(ChangeSet(nodes={"Area": areas},
    ...                       field_rels=[FieldRelBatch("PART_OF", False, ["DT"], [("DT", "ZJ")])]))
    >>> violations(store)
    {}

    A hand-built change set whose relationship disagrees with the property:

    >>> store.apply(ChangeSet(field_rels=[FieldRelBatch("PART_OF", False, ["DT"], [("DT", "DT")])]))
    >>> violations(store)
    {'Area.parent_id vs PART_OF': 1}
    """
    found: dict[str, int] = {}
    for name, (query, params) in RULES.items():
        n = int(store.run(query, **params)[0]["n"])
        if n:
            found[name] = n
    return found
