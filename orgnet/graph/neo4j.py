"""The Neo4j backend: the store protocol over the official ``neo4j`` driver.

Every node carries its kind's label (``Area``, ``Person``, …) plus ``Entity``,
with a uniqueness constraint on ``Entity.id``; its properties are the row as
given (``id`` included, reference fields such as ``parent_id`` kept). Writes are
batched ``UNWIND $rows`` statements in managed transactions
(``session.execute_write``), which the driver retries on transient errors, so
a load that is cut off can simply be run again: every statement is an upsert.
Concurrent loads double and tear nothing: each transaction locks what it reads
before reading it, a node and its reference-field relationships share one
transaction, and a node's kind is fixed when it is created (see the comment
above :func:`_node_create` and ``docs/guarantees.md``). A load writes from
``write_sessions`` sessions at once (2 by default) where batches cannot depend
on each other (``docs/neo4j.md``, "Parallel write sessions").

Cypher text is built only from module-level constants and from the closed sets
of labels and relationship types in :mod:`orgnet.model` (checked by
:func:`_label` / :func:`_rel_type` before use); every value travels as a
parameter.

The driver's errors become orgnet's (:mod:`orgnet.errors`): a refused password
:class:`~orgnet.errors.AuthFailed`, an unreachable or lost server
:class:`~orgnet.errors.ConnectionFailed`, a missing database
:class:`~orgnet.errors.DatabaseNotFound`, a server older than 5.0
:class:`~orgnet.errors.ServerTooOld`. The password is kept only by the driver:
it never reaches a message, a log line or ``repr``.

Batch size
----------
:data:`DEFAULT_BATCH_SIZE` (5,000 rows per transaction) was chosen by loading
``orgnet.synth.city("district", seed=0)`` with 1k, 5k, 10k and 20k rows per
batch (``benchmarks/neo4j_load.py``; numbers in ``docs/neo4j.md``).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Final, LiteralString, TypeVar

from orgnet.errors import (
    AuthFailed,
    ConnectionFailed,
    DatabaseNotFound,
    InvalidArgument,
    LoadConflict,
    ServerTooOld,
    StoreError,
)
from orgnet.graph.base import ChangeSet, LinkRow, NodeInfo, link_key_function
from orgnet.graph.write_lanes import Task, run_lanes
from orgnet.limits import MAX_BATCH_BYTES, MAX_TEXT_BYTES, oversized_fields, row_bytes
from orgnet.model import FIELD_RELATIONSHIPS, LABELS, LINK_MODELS, NODE_MODELS, REL_TYPES

if TYPE_CHECKING:
    import neo4j

__all__ = [
    "Neo4jStore", "DEFAULT_BATCH_SIZE", "DEFAULT_WRITE_SESSIONS", "SCHEMA", "MIN_SERVER_MAJOR", "LABEL_ORDER",
    "LABEL_WAVES", "DEFAULT_RETRY_TIME",
]

log = logging.getLogger("orgnet.neo4j")

_T = TypeVar("_T")

DEFAULT_RETRY_TIME: Final[float] = 30.0
"""Seconds a write keeps being retried after transient errors and lost connections."""


def _quiet_driver_logs() -> None:
    """Keep the driver's DEBUG records (they carry query parameters: names, phones) out of the logs.

    The ``neo4j`` logger is set to WARNING unless the application has set a
    level on it itself: then that choice stands (see ``docs/guarantees.md``).
    """
    driver_log = logging.getLogger("neo4j")
    if driver_log.level == logging.NOTSET:
        driver_log.setLevel(logging.WARNING)


class _RolledBack(Exception):
    """Raised inside a write transaction to roll it back; :meth:`error` is what the caller raises."""

    def error(self) -> LoadConflict:  # pragma: no cover - each subclass says what happened
        raise NotImplementedError


class _Clash(_RolledBack):
    """Raised inside a write transaction to roll it back: ids held by another kind."""

    def __init__(self, label: str, clash: list[dict[str, Any]]) -> None:
        super().__init__(label)
        self.label = label
        self.clash = clash

    def error(self) -> LoadConflict:
        ids = sorted(str(c["id"]) for c in self.clash)
        kinds = sorted({k for c in self.clash for k in c["kinds"]})
        shown = ", ".join(repr(i) for i in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        return LoadConflict(
            f"{len(ids)} id(s) of this load's {self.label} rows ({shown}) are already "
            f"{'/'.join(kinds) or 'another kind'} in the store (written by another load, perhaps at this moment); "
            "this batch was rolled back (earlier batches stay, each whole). Load again: validation "
            "will then list every id held by another kind",
            ids,
        )


class _Vanished(_RolledBack):
    """Raised inside a write transaction to roll it back: a node it writes to is not there any more."""

    def __init__(self, doing: str, sent: int, written: int) -> None:
        super().__init__(doing)
        self.doing, self.sent, self.written = doing, sent, written

    def error(self) -> LoadConflict:
        return LoadConflict(
            f"while {self.doing}, {self.sent - self.written} of {self.sent} relationship(s) found an end "
            "missing: a node this load refers to was deleted at this moment (by another process or "
            "thread); this batch was rolled back (earlier batches stay, each whole). Load again: "
            "validation will then list every reference to a node the store does not hold",
            [],
        )


def _check_written(record: Any, sent: int, doing: str) -> None:
    """Raise :class:`_Vanished` (rolling the transaction back) unless ``sent`` rows were written."""
    written = int(record["written"]) if record is not None else 0
    if written != sent:
        raise _Vanished(doing, sent, written)


DEFAULT_BATCH_SIZE: Final[int] = 5_000
"""Rows per write transaction when ``batch_size`` is not given (measured; see the module docstring)."""

DEFAULT_WRITE_SESSIONS: Final[int] = 2
"""Write sessions a load uses at once when ``write_sessions`` is not given (see :meth:`Neo4jStore.apply`).

Two sessions let a server with two or more cores work on one batch while the
client sends the next (``benchmarks/neo4j_load.py`` measures 1 and 2).
"""

LOOKUP_CHUNK: Final[int] = 20_000
"""Ids per query when reading by id (``lookup``, ``delete``)."""

DELETE_CHUNK: Final[int] = 1_000
"""Ids deleted per transaction by :meth:`Neo4jStore.delete` (each with its relationships)."""

CLEAR_CHUNK: Final[int] = 10_000
"""Nodes deleted per transaction by :meth:`Neo4jStore.clear`."""

MIN_SERVER_MAJOR: Final[int] = 5
"""Oldest supported Neo4j major version."""

_NAME = re.compile(r"^[A-Za-z][A-Za-z_]*$")


def _label(label: str) -> str:
    """``label`` when it is one of the model's node labels; else ``ValueError``."""
    if label not in LABELS or not _NAME.match(label):
        raise InvalidArgument(f"{label!r} is not a node label of orgnet.model ({', '.join(sorted(LABELS))})")
    return label


def _rel_type(rel_type: str) -> str:
    """``rel_type`` when it is one of the model's relationship types; else ``ValueError``."""
    if rel_type not in REL_TYPES or not _NAME.match(rel_type):
        raise InvalidArgument(
            f"{rel_type!r} is not a relationship type of orgnet.model ({', '.join(sorted(REL_TYPES))})"
        )
    return rel_type


# ----------------------------------------------------------------------- schema

SCHEMA: Final[tuple[LiteralString, ...]] = (
    "CREATE CONSTRAINT orgnet_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX orgnet_area_level IF NOT EXISTS FOR (n:Area) ON (n.level)",
    "CREATE INDEX orgnet_person_is_member IF NOT EXISTS FOR (n:Person) ON (n.is_member)",
    "CREATE INDEX orgnet_unit_category IF NOT EXISTS FOR (n:Unit) ON (n.category)",
)
"""Constraint and indexes, created on first write (idempotent: ``IF NOT EXISTS``).

``Entity.id`` is what every upsert and lookup goes through. ``Area.level``
finds grids and communities, ``Person.is_member`` the members,
``Unit.category`` the units a rule checks. (An index on
``REGISTERED_WITH.year`` was tried and left out: the planner then seeks every
registration of the year once per member instead of expanding from the member,
which made ``member_registration`` 10x slower.)
"""

_AWAIT_INDEXES: Final[LiteralString] = "CALL db.awaitIndexes(300)"

_RACE_CODES: Final[frozenset[str]] = frozenset({
    "Neo.ClientError.Schema.ConstraintValidationFailed",  # another load created one of the ids first
    "Neo.ClientError.Statement.EntityNotFound",  # a node another load was creating went with its rollback
})
"""Errors of an optimistic node batch that mean another load raced it: the batch is written again with MERGE."""
_COMPONENTS: Final[LiteralString] = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
)
_DB_NAME: Final[LiteralString] = "CALL db.info() YIELD name RETURN name"

# ----------------------------------------------------------------------- writes
#
# Concurrency (docs/guarantees.md): every write transaction first locks the
# nodes whose relationships it replaces or merges, then reads and writes them.
# A node and its field relationships (PART_OF from parent_id, ...) are written
# in ONE transaction, so a property and its relationship always agree; a node's
# kind label is set only when the node is created and is checked inside the
# transaction, so an id never holds two kinds. Two loads of the same data wait
# for each other's locks instead of both creating a relationship.


def _node_create(label: str) -> LiteralString:
    """Create rows of one label (ids the transaction found absent)."""
    return f"UNWIND $rows AS row CREATE (n:Entity:{_label(label)}) SET n = row"  # closed label set


def _node_merge(label: str) -> LiteralString:
    """Upsert rows of one label; return the ids held by another kind (the transaction is then rolled back).

    ``SET n = row`` reads which properties the node has (to remove those the
    row lacks) before it writes; were that read done before the node's lock,
    a property written meanwhile by another load would survive next to this
    row's values (found by the concurrent-loader tests: one row's ``name``
    beside another row's ``parent_id``). ``SET n.id = row.id`` (no change)
    takes the lock first.
    """
    lab = _label(label)
    return (  # built from the closed label set only
        "UNWIND $rows AS row "
        "MERGE (n:Entity {id: row.id}) "
        f"ON CREATE SET n:{lab} "
        "SET n.id = row.id "  # takes the node's write lock first: ``SET n = row`` then reads its keys
        "SET n = row "
        f"WITH n WHERE NOT n:{lab} "
        "RETURN collect({id: n.id, kinds: [l IN labels(n) WHERE l IN $kinds]}) AS clash"
    )


def _field_rel_create(rel_type: str, reverse: bool) -> LiteralString:
    """Relationships of owners created in the same transaction: nothing to replace, nobody else sees them."""
    t = _rel_type(rel_type)
    pattern = f"(t)-[:{t}]->(o)" if reverse else f"(o)-[:{t}]->(t)"
    return (  # built from the closed type set only
        "UNWIND $rows AS row "
        "MATCH (o:Entity {id: row.owner}) "
        "UNWIND row.targets AS tid "
        "MATCH (t:Entity {id: tid}) "
        f"CREATE {pattern} "
        "RETURN count(*) AS written"  # fewer than sent: an end was deleted meanwhile (_Vanished)
    )


def _field_rel_upsert(rel_type: str, reverse: bool, lock: bool) -> LiteralString:
    """Replace each owner's relationships of one field type by the given targets.

    Rows are ``{owner, targets, replace}``; with ``replace`` the owner's other
    relationships of the type go (outgoing, or incoming when ``reverse``).
    With ``lock`` the owner is locked first (``SET o.id = o.id`` takes its
    write lock and changes nothing); without, the caller's transaction has
    already written (so locked) every owner.
    """
    t = _rel_type(rel_type)
    stale = f"(o)<-[r:{t}]-(x)" if reverse else f"(o)-[r:{t}]->(x)"
    merge = f"(t)-[:{t}]->(o)" if reverse else f"(o)-[:{t}]->(t)"
    locking: LiteralString = "SET o.id = o.id WITH o, row " if lock else ""
    return (  # built from the closed type set only
        "UNWIND $rows AS row "
        "MATCH (o:Entity {id: row.owner}) "
        + locking
        + f"OPTIONAL MATCH {stale} "
        "WITH o, row, collect(CASE WHEN row.replace AND NOT coalesce(x.id IN row.targets, false) "
        "THEN r END) AS stale "
        "FOREACH (r IN stale | DELETE r) "
        "WITH o, row "
        "UNWIND row.targets AS tid "
        "MATCH (t:Entity {id: tid}) "
        f"MERGE {merge} "
        "RETURN count(*) AS written"  # fewer than sent: an end was deleted meanwhile (_Vanished)
    )


def _link_upsert(rel_type: str) -> LiteralString:
    """Merge link rows on (start, end, type, key properties) and replace their other properties.

    The start node is locked first (``SET a.id = a.id``), so two transactions
    merging the same relationship run one after the other and the second finds
    the first's. The key properties are a parameter (``$keys``); a key absent
    from a row matches a relationship without it. Rows must be unique per
    identity within one statement (:meth:`Neo4jStore.apply` dedupes them) and
    come sorted by start node, so locks are taken in one order.
    """
    t = _rel_type(rel_type)
    return (  # built from the closed type set only
        "UNWIND $rows AS row "
        "MATCH (a:Entity {id: row.src}) "
        "MATCH (b:Entity {id: row.dst}) "
        "SET a.id = a.id "
        "WITH a, b, row "
        f"OPTIONAL MATCH (a)-[old:{t}]->(b) "
        "WHERE all(k IN $keys WHERE coalesce(old[k] = row.props[k], old[k] IS NULL AND row.props[k] IS NULL)) "
        "WITH a, b, row, collect(old) AS olds "
        "FOREACH (r IN olds | SET r = row.props) "
        f"FOREACH (_ IN CASE WHEN size(olds) = 0 THEN [1] ELSE [] END | CREATE (a)-[r:{t}]->(b) SET r = row.props) "
        "RETURN count(*) AS written"  # fewer than sent: an end was deleted meanwhile (_Vanished)
    )


_EXISTING: Final[LiteralString] = "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN collect(id) AS ids"
_NODE_CREATE: Final[dict[str, LiteralString]] = {label: _node_create(label) for label in sorted(LABELS)}
_NODE_MERGE: Final[dict[str, LiteralString]] = {label: _node_merge(label) for label in sorted(LABELS)}
_FIELD_REL_CREATE: Final[dict[tuple[str, bool], LiteralString]] = {
    (t, rev): _field_rel_create(t, rev) for t in sorted(REL_TYPES) for rev in (False, True)
}
_FIELD_REL_UPSERT: Final[dict[tuple[str, bool, bool], LiteralString]] = {
    (t, rev, lock): _field_rel_upsert(t, rev, lock)
    for t in sorted(REL_TYPES) for rev in (False, True) for lock in (False, True)
}
_LINK_UPSERT: Final[dict[str, LiteralString]] = {m.TYPE: _link_upsert(m.TYPE) for m in LINK_MODELS}
_LINK_KEYS: Final[dict[str, list[str]]] = {m.TYPE: list(m.KEY) for m in LINK_MODELS}
_KINDS: Final[list[str]] = sorted(LABELS)


def _label_order() -> tuple[str, ...]:
    """Node labels ordered so that every field relationship's target kinds come first.

    Written in this order, each batch's targets already exist when the batch
    commits, so a node and its relationships can go in one transaction.
    (Self references, ``Area.parent_id`` and ``Org.parent_id``, are ordered
    within the label by depth.)
    """
    needs: dict[str, set[str]] = {m.LABEL: set() for m in NODE_MODELS}
    for rel in FIELD_RELATIONSHIPS:
        needs[rel.label].update(k for k in rel.target_kinds if k != rel.label)
    order: list[str] = []
    while len(order) < len(needs):
        ready = [m.LABEL for m in NODE_MODELS if m.LABEL not in order and needs[m.LABEL] <= set(order)]
        if not ready:  # pragma: no cover - the model has no cycle between kinds
            raise RuntimeError("the model's field relationships form a cycle between kinds")
        order.append(ready[0])
    return tuple(order)


LABEL_ORDER: Final[tuple[str, ...]] = _label_order()
"""The order :meth:`Neo4jStore.apply` writes node labels in (targets before owners)."""


def _label_waves() -> tuple[tuple[str, ...], ...]:
    """Node labels in waves: a label's field relationships point only at labels of earlier waves.

    The batches of one wave can be written at the same moment (their targets
    were committed before the wave started); each wave keeps the order of
    :data:`LABEL_ORDER` within it.
    """
    needs: dict[str, set[str]] = {m.LABEL: set() for m in NODE_MODELS}
    for rel in FIELD_RELATIONSHIPS:
        needs[rel.label].update(k for k in rel.target_kinds if k != rel.label)
    wave: dict[str, int] = {}
    for label in LABEL_ORDER:  # targets come first in LABEL_ORDER
        wave[label] = 1 + max((wave[k] for k in needs[label]), default=-1)
    return tuple(
        tuple(label for label in LABEL_ORDER if wave[label] == w) for w in range(max(wave.values()) + 1)
    )


LABEL_WAVES: Final[tuple[tuple[str, ...], ...]] = _label_waves()
"""Node labels grouped so each group's targets are in earlier groups (parallel writes go a group at a time)."""

_SELF_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    m.LABEL: tuple(r.field for r in FIELD_RELATIONSHIPS if r.label == m.LABEL and m.LABEL in r.target_kinds)
    for m in NODE_MODELS
}


def _dependency_sorted(label: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by depth along the label's self references (parents first), then by id."""
    fields = _SELF_FIELDS.get(label, ())
    if not fields:
        return sorted(rows, key=lambda r: str(r["id"]))
    by_id = {r["id"]: r for r in rows}
    depth: dict[str, int] = {}

    def depth_of(node_id: str) -> int:
        path: list[str] = []
        current: str | None = node_id
        while current is not None and current in by_id and current not in depth and current not in path:
            path.append(current)
            row = by_id[current]
            current = next((row[f] for f in fields if row.get(f) is not None and row[f] != current), None)
        base = depth.get(current, -1) + 1 if current is not None and current in depth else 0
        for i, node in enumerate(reversed(path)):
            depth[node] = base + i
        return depth[node_id]

    return sorted(rows, key=lambda r: (depth_of(r["id"]), str(r["id"])))


def _sized(what: str, rows: Iterable[dict[str, Any]], extra: int = 0) -> dict[int, int]:
    """Estimated wire size of each row (by ``id()``), refusing a value over the limit.

    A text value over :data:`orgnet.limits.MAX_TEXT_BYTES` raises
    :class:`~orgnet.errors.InvalidArgument` before anything is written; the
    message names the row's id and the field, never the value. The estimate
    (what bounds a batch) counts a character of non-ASCII text as 3 bytes.
    """
    sizes: dict[int, int] = {}
    short = MAX_TEXT_BYTES // 4  # at most 4 bytes a character: cannot be too long
    for row in rows:
        n = extra + 16 * len(row)
        for value in row.values():
            if type(value) is str:
                length = len(value)
                if length > short:
                    for fieldname, size in oversized_fields(row):
                        raise InvalidArgument(
                            f"{what} {row.get('id')!r}: field {fieldname!r} holds {size:,} bytes; a value may "
                            f"hold at most {MAX_TEXT_BYTES:,} bytes (orgnet.limits.MAX_TEXT_BYTES): shorten it; "
                            "nothing was written"
                        )
                n += length if value.isascii() else 3 * length
            elif isinstance(value, (list, tuple)):
                n += row_bytes({"": value})
        sizes[id(row)] = n
    return sizes


def _batches(rows: Sequence[Any], size: int, max_bytes: int, measure: Callable[[Any], int]) -> Iterator[list[Any]]:
    """Consecutive runs of at most ``size`` rows and (unless one row alone is larger) ``max_bytes``."""
    batch: list[Any] = []
    used = 0
    for row in rows:
        cost = measure(row)
        if batch and (len(batch) >= size or used + cost > max_bytes):
            yield batch
            batch, used = [], 0
        batch.append(row)
        used += cost
    if batch:
        yield batch


def _delete_query() -> LiteralString:
    """Delete nodes by id; the reference fields that name them go with their relationships.

    A building in a deleted grid keeps no ``grid_id`` (it would name a node that is gone, and
    the store's export would not load back). Labels, types and fields from the model only.
    """
    clear = []
    for rel in FIELD_RELATIONSHIPS:
        arrow = f"-[:{_rel_type(rel.type)}]->" if rel.reverse else f"<-[:{_rel_type(rel.type)}]-"
        if not _NAME.match(rel.field):
            raise InvalidArgument(f"{rel.field!r} is not a field name")
        clear.append(f"FOREACH (s IN [(n){arrow}(x:{_label(rel.label)}) | x] | REMOVE s.{rel.field})")
    return "UNWIND $ids AS id MATCH (n:Entity {id: id}) " + " ".join(clear) \
        + " DETACH DELETE n RETURN count(n) AS removed"  # closed sets only


_CLEAR_CHUNK: Final[LiteralString] = (
    "MATCH (n:Entity) WITH n LIMIT $limit DETACH DELETE n RETURN count(n) AS removed"
)

# ------------------------------------------------------------------------ reads

_LOOKUP: Final[LiteralString] = (
    "UNWIND $ids AS id MATCH (n:Entity {id: id}) "
    "RETURN n.id AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, n.level AS level"
)
_ORG_PARENTS: Final[LiteralString] = (
    "MATCH (o:Org) RETURN o.id AS id, [(o)-[:UNDER]->(p) | p.id][0] AS parent"
)
_AREA_TREE: Final[LiteralString] = (
    "MATCH (a:Area) RETURN a.id AS id, a.level AS level, [(a)-[:PART_OF]->(p) | p.id][0] AS parent"
)

_LINKS_INTO: Final[LiteralString] = (
    "UNWIND $ids AS id MATCH (n:Entity {id: id})<-[r]-(s) WHERE type(r) IN $types "
    "RETURN type(r) AS type, s.id AS src, n.id AS dst, properties(r) AS props"
)


def _counts_query() -> LiteralString:
    parts = [f"MATCH (n:{_label(label)}) RETURN '{label}' AS key, count(n) AS n" for label in sorted(LABELS)]
    parts += [
        f"MATCH ()-[r:{_rel_type(t)}]->() RETURN '{t}' AS key, count(r) AS n" for t in sorted(REL_TYPES)
    ]
    return " UNION ALL ".join(parts)  # closed sets only


_COUNTS: Final[LiteralString] = _counts_query()
_DELETE: Final[LiteralString] = _delete_query()
"""Nodes per label, relationships per type: each part is answered from Neo4j's count store."""

_ITER_NODES: Final[dict[str, LiteralString]] = {
    label: f"MATCH (n:{_label(label)}) RETURN properties(n) AS props"
    for label in sorted(LABELS)
}
_ITER_LINKS: Final[dict[str, LiteralString]] = {
    t: f"MATCH (a)-[r:{_rel_type(t)}]->(b) RETURN a.id AS src, b.id AS dst, properties(r) AS props"
    for t in sorted(REL_TYPES)
}

_FIELD_ORDER: Final[dict[str, dict[str, int]]] = {
    m.LABEL: {name: i for i, name in enumerate(m.model_fields)} for m in NODE_MODELS
}


def _order_props(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """``id`` first, then the model's field order, then anything else by name."""
    order = _FIELD_ORDER.get(label, {})
    keys = sorted(props, key=lambda k: (k != "id", order.get(k, len(order)), k))
    return {k: props[k] for k in keys}


def _strip_credentials(uri: str) -> str:
    """The URI without any ``user:password@`` part."""
    return _split_credentials(uri)[0]


def _split_credentials(uri: str) -> tuple[str, tuple[str, str] | None]:
    """The URI without ``user:password@``, and that (user, password) when present.

    Examples
    --------
    >>> _split_credentials("bolt://neo4j:s%40cret@127.0.0.1:7687")
    ('bolt://127.0.0.1:7687', ('neo4j', 's@cret'))
    >>> _split_credentials("neo4j+s://abc.databases.neo4j.io")
    ('neo4j+s://abc.databases.neo4j.io', None)
    """
    from urllib.parse import unquote

    scheme, sep, rest = uri.partition("://")
    if not sep:
        return uri, None
    host, slash, path = rest.partition("/")
    userinfo, at, host = host.rpartition("@")
    auth = None
    if at:
        user, colon, password = userinfo.partition(":")
        auth = (unquote(user), unquote(password)) if colon else None
    return f"{scheme}://{host}{slash}{path}", auth


def _even(rows: int, size: int, sessions: int) -> int:
    """Rows per batch so ``rows`` make a multiple of ``sessions`` batches of about equal size, each <= ``size``.

    With one session this is ``size`` (batches as given). With more, the last
    batch of a label is not left to run alone while the other sessions idle.

    Examples
    --------
    >>> _even(7_738, 5_000, 2), _even(33_759, 5_000, 2), _even(3_252, 5_000, 2), _even(3_252, 5_000, 1)
    (3869, 4220, 1626, 5000)
    >>> _even(1, 5_000, 2)  # one row: one batch whatever its size
    5000
    """
    if sessions <= 1 or rows <= 1:
        return size
    batches = -(-rows // size)
    batches = min(rows, -(-batches // sessions) * sessions)
    return -(-rows // batches)


def _spans_by_start(rows: list[dict[str, Any]], parts: int) -> list[list[dict[str, Any]]]:
    """``rows`` (sorted by ``src``) cut into at most ``parts`` contiguous spans of about equal length.

    A cut never separates two rows of one start node, so write sessions
    working on different spans at the same moment lock different start nodes
    (and, the ids being hierarchical, mostly different end nodes too).

    Examples
    --------
    >>> rows = [{"src": s} for s in "aabbbcd"]
    >>> [[r["src"] for r in span] for span in _spans_by_start(rows, 2)]
    [['a', 'a', 'b', 'b', 'b'], ['c', 'd']]
    >>> len(_spans_by_start(rows, 1)), len(_spans_by_start([], 3))
    (1, 1)
    """
    spans: list[list[dict[str, Any]]] = []
    begin = 0
    for k in range(1, max(parts, 1)):
        cut = max(begin, len(rows) * k // parts)
        while 0 < cut < len(rows) and rows[cut]["src"] == rows[cut - 1]["src"]:
            cut += 1
        if cut > begin:
            spans.append(rows[begin:cut])
            begin = cut
    spans.append(rows[begin:])
    return spans


class _Rows(list[Any]):
    """A batch's rows as a query parameter, whose ``repr`` is only their number unless the driver logs DEBUG.

    The driver formats every query's parameters for a DEBUG log line even
    when DEBUG is off (``" ".join(map(repr, fields))`` for each RUN): for a
    district load that was about 0.2 s of the client's 0.9 s of CPU, spent
    writing out names and phone numbers nobody reads. When the application
    has set the driver's logger to DEBUG on purpose, the rows are written out
    as before. The server receives the same list either way.

    Examples
    --------
    >>> _Rows([{"id": "P1", "name": "王芳"}])
    <1 rows>
    """

    __slots__ = ()

    def __repr__(self) -> str:
        if _DRIVER_IO_LOG.isEnabledFor(logging.DEBUG):
            return super().__repr__()
        return f"<{len(self)} rows>"


_DRIVER_IO_LOG: Final[logging.Logger] = logging.getLogger("neo4j.io")
"""The driver's logger of the messages it sends (RUN with its parameters)."""


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class Neo4jStore:
    """Graph store in a Neo4j 5.x (or newer) database.

    Parameters
    ----------
    uri : str
        ``neo4j://host:7687``, ``bolt://host:7687``, ``neo4j+s://…`` (Aura), …
    auth : (user, password), optional
        Defaults to ``$NEO4J_USERNAME`` (else ``neo4j``) and ``$NEO4J_PASSWORD``;
        no authentication when neither ``auth`` nor ``$NEO4J_PASSWORD`` is given.
    database : str, optional
        Defaults to ``$NEO4J_DATABASE``, else the server's default database.
    batch_size : int, optional
        Rows per write transaction (default :data:`DEFAULT_BATCH_SIZE`).
    max_retry_time : float, optional
        Seconds the driver keeps retrying a transaction on transient errors
        and lost connections (the driver's ``max_transaction_retry_time``,
        30 s by default).
    write_sessions : int, optional
        Sessions a load writes from at the same moment (default
        :data:`DEFAULT_WRITE_SESSIONS`, 2): independent batches (nodes of
        labels whose targets are already written, links) go to that many
        threads. 1 writes every batch in turn from the calling thread. Kept
        as the attribute ``write_sessions``, which may be changed between loads.
    **driver_options
        Passed on to :func:`neo4j.GraphDatabase.driver` (e.g. ``connection_timeout``).

    Raises
    ------
    AuthFailed
        The server refused the user name or password.
    ConnectionFailed
        No server answered at ``uri``.
    DatabaseNotFound
        ``database`` does not exist on the server.
    ServerTooOld
        The server runs a Neo4j older than 5.0.

    Examples
    --------
    >>> store = Neo4jStore(uri, auth=auth)  # e.g. "bolt://127.0.0.1:7687", ("neo4j", "secret")
    >>> store.counts()
    {}
    >>> store.close()
    """

    backend: ClassVar[str] = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        batch_size: int | None = None,
        max_retry_time: float | None = None,
        write_sessions: int | None = None,
        **driver_options: Any,
    ) -> None:
        import neo4j

        _quiet_driver_logs()
        if not isinstance(uri, str):
            raise InvalidArgument(f"uri must be a string such as 'neo4j://host:7687', not a {type(uri).__name__}")
        self._uri, uri_auth = _split_credentials(uri)
        if auth is None:
            auth = uri_auth
        if auth is None:
            password = os.environ.get("NEO4J_PASSWORD")
            if password is not None:
                auth = (os.environ.get("NEO4J_USERNAME") or "neo4j", password)
        if auth is not None and (
            not isinstance(auth, tuple) or len(auth) != 2 or not all(isinstance(x, str) for x in auth)
        ):
            raise InvalidArgument("auth must be a (user, password) pair of strings")
        self._secrets: tuple[str, ...] = tuple(x for x in (auth[1],) if x) if auth is not None else ()
        self._user: str | None = auth[0] if auth is not None else None
        if database is not None and (not isinstance(database, str) or not database):
            raise InvalidArgument("database must be a non-empty string (the database's name) or None")
        self._database: str | None = database or os.environ.get("NEO4J_DATABASE") or None
        if batch_size is not None and (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                                       or batch_size < 1):
            raise InvalidArgument(f"batch_size must be a positive number of rows, not {batch_size!r}")
        self.batch_size: int = batch_size or DEFAULT_BATCH_SIZE
        if max_retry_time is not None and (
            isinstance(max_retry_time, bool) or not isinstance(max_retry_time, (int, float))
            or not 0 <= max_retry_time <= 86_400
        ):
            raise InvalidArgument(f"max_retry_time must be a number of seconds from 0 to 86400, not {max_retry_time!r}")
        self._retry_time = float(max_retry_time) if max_retry_time is not None else DEFAULT_RETRY_TIME
        if write_sessions is not None and (
            not isinstance(write_sessions, int) or isinstance(write_sessions, bool) or not 1 <= write_sessions <= 64
        ):
            raise InvalidArgument(f"write_sessions must be a number of sessions from 1 to 64, not {write_sessions!r}")
        self.write_sessions: int = write_sessions or DEFAULT_WRITE_SESSIONS
        """Sessions a load writes from at the same moment (1: one batch after the other)."""
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
        self.queries_sent: int = 0
        """Queries sent to the server so far (tests use it to prove a bounded number per call)."""
        self._sent_lock = threading.Lock()  # write threads count their transactions too
        self._schema_ready = False
        self._closed = False
        self._connecting = True
        self._session_config: dict[str, Any] = {}
        self.server_version: str = "unknown"
        """The server's Neo4j version (from ``dbms.components()``)."""
        options = dict(driver_options)
        options["max_transaction_retry_time"] = self._retry_time
        options.setdefault("user_agent", "orgnet")
        try:
            with self._errors("connecting"):
                self._driver = neo4j.GraphDatabase.driver(self._uri, auth=auth, **options)
        except StoreError as exc:
            if isinstance(exc.__cause__, neo4j.exceptions.ConfigurationError):
                raise InvalidArgument(
                    f"connect() got an option the Neo4j driver does not take: {self._redact(str(exc.__cause__))} "
                    "(orgnet's own: batch_size, max_retry_time, write_sessions; the driver's: see neo4j.GraphDatabase.driver)"
                ) from None
            raise
        try:
            with self._errors("connecting"):
                self._driver.verify_connectivity()
            self._check_server()
        except BaseException:
            self._driver.close()
            self._closed = True
            raise
        finally:
            self._connecting = False

    # ------------------------------------------------------------------ identity

    @property
    def uri(self) -> str:
        """The server's URI, without credentials."""
        return self._uri

    @property
    def database(self) -> str | None:
        """The database in use (resolved from the server's default when not given)."""
        return self._database

    def __repr__(self) -> str:
        return f"Neo4jStore({self._uri!r}, user={self._user!r}, database={self._database!r})"

    # --------------------------------------------------------------- plumbing

    def _redact(self, text: str) -> str:
        """``text`` with every password this store knows replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn the driver's exceptions into orgnet's, with what to do about them.

        No message carries the password, and none carries what the server
        said about a write (it may quote a value: a name, a phone number);
        the driver's exception stays attached as ``__cause__`` only when it
        does not contain the password.
        """
        from neo4j import exceptions as ne

        where = f"Neo4j at {self._uri}"
        try:
            yield
        except ne.AuthError as exc:
            cause = self._safe_cause(exc)
            if self._user is None:
                raise AuthFailed(
                    f"{where} wants credentials and none were given while {doing}: pass "
                    "auth=(user, password) or set NEO4J_USERNAME / NEO4J_PASSWORD"
                ) from cause
            raise AuthFailed(
                f"{where} refused the credentials of user {self._user!r} while {doing}: check the user "
                "name and password (auth=(user, password), or NEO4J_USERNAME / NEO4J_PASSWORD)"
            ) from cause
        except ne.IncompleteCommit as exc:
            raise ConnectionFailed(
                f"lost the connection to {where} while committing ({doing}) and it did not come back "
                f"within {self._retry_time:g} s of retrying; that batch may or may not be written, and "
                "a load is idempotent: run it again once the server answers"
            ) from self._safe_cause(exc)
        except (ne.ServiceUnavailable, ne.SessionExpired) as exc:
            if doing == "connecting" or self._connecting:
                hint = (
                    "is your Neo4j server running and listening there? start it (e.g. `neo4j start`, "
                    "or your Docker container or Aura instance), or check the URI and port"
                )
            else:
                hint = (
                    f"the connection was lost and did not come back within {self._retry_time:g} s of "
                    "retrying (max_retry_time); what was written "
                    "stays, and a load is idempotent: run it again once the server answers"
                )
            raise ConnectionFailed(f"cannot reach {where} while {doing}: {hint}") from self._safe_cause(exc)
        except ne.Neo4jError as exc:
            code = exc.code or ""
            cause = self._safe_cause(exc)
            if code == "Neo.ClientError.Database.DatabaseNotFound":
                raise DatabaseNotFound(
                    f"database {self._database!r} does not exist on {where}: check the name, create it "
                    "(CREATE DATABASE, Enterprise/Aura only; Community has only 'neo4j'), or leave "
                    "database unset (and NEO4J_DATABASE empty) to use the server's default"
                ) from cause
            if code == "Neo.ClientError.Security.AuthenticationRateLimit":
                raise AuthFailed(
                    f"{where} refused user {self._user!r} for now after too many wrong passwords: "
                    "check the password, wait a few seconds and try again"
                ) from cause
            if code.startswith("Neo.ClientError.Security."):
                raise AuthFailed(
                    f"{where} refused user {self._user!r} while {doing} ({code}): check the user's "
                    "roles and privileges"
                ) from cause
            said = "" if doing.startswith(("writing", "deleting")) else f": {self._redact(exc.message or '')}"
            raise StoreError(f"{where} failed while {doing}: {code}{said}") from cause
        except ne.DriverError as exc:
            raise StoreError(
                f"{where}: the driver failed while {doing} ({type(exc).__name__}): {self._redact(str(exc))}"
            ) from self._safe_cause(exc)

    def _safe_cause(self, exc: BaseException) -> BaseException | None:
        """``exc`` to chain, or ``None`` when its text (or its cause's) holds the password."""
        seen: BaseException | None = exc
        while seen is not None:
            if any(secret in f"{seen!s} {seen!r}" for secret in self._secrets):
                return None
            seen = seen.__cause__ or seen.__context__
        return exc

    def _check_server(self) -> None:
        rows = self.run(_COMPONENTS)
        kernel = next((r for r in rows if r["name"] == "Neo4j Kernel"), rows[0] if rows else None)
        version = str(kernel["versions"][0]) if kernel is not None and kernel["versions"] else "unknown"
        match = re.match(r"(\d+)", version)
        if match is not None and int(match.group(1)) < MIN_SERVER_MAJOR:
            raise ServerTooOld(
                f"Neo4j at {self._uri} runs version {version}; orgnet needs Neo4j "
                f"{MIN_SERVER_MAJOR}.0 or newer: upgrade the server (e.g. the neo4j:5 Docker image) "
                "or use Neo4j Aura"
            )
        self.server_version = version
        numbers = [int(x) for x in re.findall(r"\d+", version)[:2]] + [0, 0]
        if (numbers[0], numbers[1]) >= (5, 7):
            # "label/type/property does not exist" warnings are expected on an empty or
            # partial graph; servers from 5.7 on can leave them out (older ones cannot).
            self._session_config = {"notifications_disabled_classifications": ["UNRECOGNIZED"]}
        if self._database is None:
            self._database = str(self.run(_DB_NAME)[0]["name"])

    def run(self, query: LiteralString, /, **params: Any) -> list[Any]:
        """Run one read query and return its records (one round trip, counted).

        Parameters
        ----------
        query : str
            Cypher text; values go in ``params``, never into the text.
        **params
            Query parameters.

        Returns
        -------
        list of neo4j.Record

        Examples
        --------
        >>> from orgnet.graph.base import ChangeSet
        >>> store.apply(ChangeSet(nodes={"Area": [{"id": f"G{i}", "level": "grid"} for i in range(3)]}))
        >>> store.run("MATCH (n:Area {level: $level}) RETURN count(n) AS n", level="grid")
        [<Record n=3>]
        """
        import neo4j

        def work(tx: neo4j.ManagedTransaction) -> list[Any]:
            return list(tx.run(query, params))

        self._count_query()
        with self._errors("reading"):
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(work)

    def _count_query(self) -> None:
        """Add one to :attr:`queries_sent` (write threads send queries at the same moment)."""
        with self._sent_lock:
            self.queries_sent += 1

    def _session(self, mode: str) -> neo4j.Session:
        """A session in ``mode``; all share one bookmark manager, so a read sees every earlier write."""
        return self._driver.session(
            database=self._database, default_access_mode=mode, bookmark_manager=self._bookmarks,
            **self._session_config,
        )

    def _write(self, query: LiteralString, params: dict[str, Any], *, doing: str = "writing",
               written: int | None = None) -> Any:
        """Run one write statement in a managed (retried) transaction; return its single record.

        With ``written``, the statement returns how many rows it wrote; any other number rolls
        the transaction back and raises :class:`~orgnet.errors.LoadConflict`.
        """

        def work(tx: neo4j.ManagedTransaction) -> Any:
            record = tx.run(query, params).single()
            if written is not None:
                _check_written(record, written, doing)
            return record

        try:
            return self._transact(work, doing)
        except _RolledBack as rolled_back:
            raise rolled_back.error() from None

    def _transact(self, work: Callable[[neo4j.ManagedTransaction], _T], doing: str) -> _T:
        """Run ``work`` in a managed write transaction, retried until the retry time has passed.

        The driver retries transient errors (deadlocks between concurrent
        loads, a leader switch) and lost connections before the commit; a
        commit whose answer was lost (``IncompleteCommit``) it does not retry,
        because in general it cannot know whether the commit landed. orgnet's
        writes are upserts, so it is retried here, until ``max_retry_time``.
        """
        import neo4j
        from neo4j import exceptions as ne

        deadline = time.monotonic() + self._retry_time
        pause = 0.25
        while True:
            self._count_query()
            try:
                with self._errors(doing):
                    with self._session(neo4j.WRITE_ACCESS) as session:
                        return session.execute_write(work)
            except ConnectionFailed as exc:
                lost = isinstance(exc.__cause__, ne.IncompleteCommit)
                if not lost or time.monotonic() + pause > deadline:
                    raise
                log.warning("the answer to a commit was lost while %s; retrying (writes are idempotent)", doing)
                time.sleep(pause)
                pause = min(pause * 2, 4.0)

    def ensure_schema(self) -> None:
        """Create the constraint and indexes of :data:`SCHEMA` if missing (idempotent).

        Examples
        --------
        >>> store.ensure_schema()
        """
        if self._schema_ready:
            return
        import neo4j

        with self._errors("creating the schema"):
            with self._session(neo4j.WRITE_ACCESS) as session:
                for statement in SCHEMA:
                    self._count_query()
                    session.run(statement).consume()
                self._count_query()
                session.run(_AWAIT_INDEXES).consume()
        self._schema_ready = True

    # -------------------------------------------------------------------- writes

    def apply(
        self,
        changes: ChangeSet,
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write a validated change set; see :class:`~orgnet.graph.base.GraphStore`.

        Node labels go in :data:`LABEL_ORDER` (targets before owners). Each
        batch of at most ``batch_size`` rows and :data:`orgnet.limits.MAX_BATCH_BYTES`
        is ONE managed transaction holding the nodes and their field
        relationships, so a node's properties and relationships always agree,
        also while other loads run at the same moment. Ids the transaction
        finds absent are created, the others merged; a node is never given a
        second kind: an id another load wrote as another kind at the same moment
        raises :class:`~orgnet.errors.LoadConflict` and that batch is rolled back.
        Links are merged after their start node is locked, so concurrent loads
        never double one.

        With :attr:`write_sessions` above 1, batches that cannot depend on
        each other are written from that many sessions at once: the node
        batches of one wave of :data:`LABEL_WAVES` (a label pointing at itself,
        such as ``Area``, one batch after the other, parents first), then the
        links, each type cut into contiguous ranges of start nodes. Each batch
        is the same transaction as with one session, so the result is the
        same; ``progress`` is called on the calling thread; the first error
        stops the other sessions before their next batch and is raised once
        the batches already running have ended (see
        :func:`orgnet.graph.write_lanes.run_lanes`). Deadlocks between the
        sessions are transient errors, retried like others.

        A commit cut off by a lost connection is retried (every write is an
        upsert) until ``max_retry_time`` has passed; then this raises
        :class:`~orgnet.errors.ConnectionFailed`. The batches already written
        stay, and applying the same change set again completes the load with
        nothing doubled.

        Examples
        --------
        >>> from orgnet.graph.base import ChangeSet
        >>> store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]}))
        >>> store.counts()
        {'Area': 1}
        """
        size = self.batch_size if batch_size is None else batch_size
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise InvalidArgument(f"batch_size must be a positive number of rows, not {batch_size!r}")
        for label in changes.nodes:  # every name and size is checked before anything is written
            _label(label)
        for rel_type in [*(b.type for b in changes.field_rels), *changes.links]:
            _rel_type(rel_type)
        sizes: dict[int, int] = {}
        for label, rows in changes.nodes.items():
            sizes.update(_sized(label, rows))
        for rel_type, links in changes.links.items():
            sizes.update(_sized(rel_type, (link.props for link in links), extra=32))
        self.ensure_schema()
        start = time.perf_counter()

        # owner -> [replace, targets], per (relationship type, reverse)
        owned: dict[tuple[str, bool], dict[str, tuple[bool, list[str]]]] = {}
        for batch in changes.field_rels:
            per = owned.setdefault((batch.type, batch.reverse), {})
            for src, dst in batch.edges:
                owner, target = (dst, src) if batch.reverse else (src, dst)
                entry = per.get(owner)
                if entry is None:
                    per[owner] = (False, [target])
                elif target not in entry[1]:
                    entry[1].append(target)
            for owner in batch.owners:
                entry = per.get(owner)
                per[owner] = (True, entry[1] if entry is not None else [])

        sessions = self.write_sessions
        # a planned load checked that every end exists: one missing when written was deleted at that
        # moment, and the batch fails (LoadConflict); a hand-built change set's missing ends are skipped
        checked = changes.vocabulary is not None
        waves = LABEL_WAVES if sessions > 1 else tuple((label,) for label in LABEL_ORDER)
        for wave in waves:
            lanes: list[list[Task]] = []
            for label in wave:
                node_rows = changes.nodes.get(label)
                if not node_rows:
                    continue
                ids = {row["id"] for row in node_rows}
                mine = {key: per for key, per in owned.items() if not ids.isdisjoint(per)}
                rows_per = size if _SELF_FIELDS[label] else _even(len(node_rows), size, sessions)
                tasks: list[Task] = [
                    partial(self._node_batch, label, chunk, mine, checked)
                    for chunk in _batches(_dependency_sorted(label, node_rows), rows_per, MAX_BATCH_BYTES,
                                          lambda r: sizes[id(r)])
                ]
                if _SELF_FIELDS[label]:
                    lanes.append(tasks)  # parents before children: one batch after the other
                else:
                    lanes.extend([task] for task in tasks)
            run_lanes(lanes, workers=sessions, progress=progress)
            for label in wave:
                if changes.nodes.get(label):
                    log.debug("wrote %d %s nodes with their field relationships", len(changes.nodes[label]), label)
        written = {row["id"] for rows in changes.nodes.values() for row in rows}

        orphans: list[Task] = []  # owners not among the nodes (hand-built change sets): one lane, in turn
        for (rel_type, reverse), per in owned.items():
            rest = [{"owner": o, "targets": e[1], "replace": e[0]} for o, e in sorted(per.items()) if o not in written]
            for part in _batches(rest, size, MAX_BATCH_BYTES, lambda r: 16 * (1 + len(r["targets"]))):
                orphans.append(partial(self._owner_batch, rel_type, reverse, part, checked))
        run_lanes([orphans], workers=1, progress=progress)

        link_lanes: list[list[Task]] = []
        for rel_type, links in changes.links.items():
            key_of = link_key_function(rel_type)
            unique: dict[tuple[str, str, str], LinkRow] = {}
            for row in links:
                unique[(row.src, row.dst, key_of(row.props))] = row
            payload = [{"src": k[0], "dst": k[1], "props": unique[k].props} for k in sorted(unique)]
            lanes = [
                [partial(self._link_batch, rel_type, part, checked)
                 for part in _batches(span, size, MAX_BATCH_BYTES, lambda r: sizes.get(id(r["props"]), 64))]
                for span in _spans_by_start(payload, sessions)
            ]
            if len(links) > len(payload):  # duplicates merged away still count as written rows
                lanes[-1].append(partial(int, len(links) - len(payload)))
            link_lanes.extend(lanes)
            log.debug("merging %d %s links", len(payload), rel_type)
        run_lanes(link_lanes, workers=sessions, progress=progress)
        log.debug("applied %d rows to %s in %.2f s", changes.size(), self._uri, time.perf_counter() - start)

    def _node_batch(
        self, label: str, chunk: list[dict[str, Any]], owned: dict[tuple[str, bool], dict[str, tuple[bool, list[str]]]],
        checked: bool = False,
    ) -> int:
        """Write one batch of nodes with their field relationships (one transaction); the rows it wrote."""
        rels: dict[tuple[str, bool], list[dict[str, Any]]] = {}
        edges = 0
        for key, per in owned.items():
            entries = []
            for row in chunk:
                entry = per.get(row["id"])
                if entry is not None:
                    entries.append({"owner": row["id"], "targets": entry[1], "replace": entry[0]})
                    edges += len(entry[1])
            if entries:
                rels[key] = entries
        self._write_nodes(label, chunk, rels, checked)
        return len(chunk) + edges

    def _owner_batch(self, rel_type: str, reverse: bool, part: list[dict[str, Any]], checked: bool = False) -> int:
        """Replace the field relationships of owners written before (one transaction); the rows it wrote."""
        sent = sum(len(r["targets"]) for r in part)
        self._write(_FIELD_REL_UPSERT[(rel_type, reverse, True)], {"rows": _Rows(part)},
                    doing=f"writing {rel_type} relationships", written=sent if checked else None)
        return sent

    def _link_batch(self, rel_type: str, part: list[dict[str, Any]], checked: bool = False) -> int:
        """Merge one batch of links of one type (one transaction); the rows it wrote."""
        self._write(_LINK_UPSERT[rel_type], {"rows": _Rows(part), "keys": _LINK_KEYS[rel_type]},
                    doing=f"writing {rel_type} links", written=len(part) if checked else None)
        return len(part)

    def _write_nodes(
        self, label: str, rows: list[dict[str, Any]], rels: dict[tuple[str, bool], list[dict[str, Any]]],
        checked: bool = False,
    ) -> None:
        """One transaction: the nodes of one batch and their field relationships.

        Ids found absent inside the transaction are created (cheaper than
        ``MERGE``); should another load create one of them at the same moment,
        the uniqueness constraint fails the transaction and the batch is
        written again with ``MERGE`` throughout.
        """
        from neo4j import exceptions as ne

        ids = [row["id"] for row in rows]
        create, merge = _NODE_CREATE[label], _NODE_MERGE[label]

        def work(tx: neo4j.ManagedTransaction, optimistic: bool) -> None:
            existing: set[str] = set(ids)
            if optimistic:
                record = tx.run(_EXISTING, {"ids": _Rows(ids)}).single()
                existing = set(record["ids"]) if record is not None else set()
            new = [row for row in rows if row["id"] not in existing]
            old = [row for row in rows if row["id"] in existing] if len(new) < len(rows) else []
            if new:
                tx.run(create, {"rows": _Rows(new)}).consume()
            if old:
                record = tx.run(merge, {"rows": _Rows(old), "kinds": _KINDS}).single()
                clash = record["clash"] if record is not None else []
                if clash:
                    raise _Clash(label, clash)
            for (rel_type, reverse), entries in rels.items():
                fresh = [e for e in entries if e["owner"] not in existing]
                known = [e for e in entries if e["owner"] in existing] if len(fresh) < len(entries) else []
                doing_rels = f"writing {label} nodes' {rel_type} relationships"
                if fresh:
                    record = tx.run(_FIELD_REL_CREATE[(rel_type, reverse)], {"rows": _Rows(fresh)}).single()
                    if checked:
                        _check_written(record, sum(len(e["targets"]) for e in fresh), doing_rels)
                if known:
                    record = tx.run(_FIELD_REL_UPSERT[(rel_type, reverse, False)], {"rows": _Rows(known)}).single()
                    if checked:
                        _check_written(record, sum(len(e["targets"]) for e in known), doing_rels)

        doing = f"writing {label} nodes"
        try:
            self._transact(lambda tx: work(tx, True), doing)
        except _RolledBack as rolled_back:
            raise rolled_back.error() from None
        except StoreError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, ne.ConstraintError) or (
                isinstance(cause, ne.Neo4jError) and cause.code in _RACE_CODES
            )):
                raise
            log.debug("another load created (or rolled back) some of these %s ids meanwhile: merging instead", label)
            try:
                self._transact(lambda tx: work(tx, False), doing)
            except _RolledBack as rolled_back:
                raise rolled_back.error() from None

    def delete(self, ids: Sequence[str]) -> int:
        """Remove these nodes and their relationships; return how many existed.

        ``ids`` is a list of ids, deleted :data:`DELETE_CHUNK` per transaction;
        a string is refused (it is not a list of one-character ids).

        Examples
        --------
        >>> from orgnet.graph.base import ChangeSet
        >>> store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]}))
        >>> store.delete(["ZJ", "no-such-id"])
        1
        """
        if isinstance(ids, (str, bytes)) or not all(isinstance(i, str) for i in ids):
            raise InvalidArgument(
                "ids must be a list of id strings (to delete one id, pass ['ZJ'], not 'ZJ')"
            )
        unique = list(dict.fromkeys(ids))
        removed = 0
        for chunk in _chunks(unique, DELETE_CHUNK):
            record = self._write(_DELETE, {"ids": list(chunk)}, doing="deleting nodes")
            removed += int(record["removed"]) if record is not None else 0
        return removed

    def clear(self) -> None:
        """Remove every node labelled ``Entity`` (everything orgnet stored), in batches.

        The constraint and indexes stay.

        Examples
        --------
        >>> store.clear()
        >>> store.counts()
        {}
        """
        while True:
            record = self._write(_CLEAR_CHUNK, {"limit": CLEAR_CHUNK}, doing="clearing the database")
            if record is None or int(record["removed"]) < CLEAR_CHUNK:
                return

    # --------------------------------------------------------------------- reads

    def lookup(self, ids: Iterable[str]) -> dict[str, NodeInfo]:
        """Label (and area level) of those of ``ids`` the store holds.

        Examples
        --------
        >>> from orgnet.graph.base import ChangeSet
        >>> store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]}))
        >>> store.lookup(["ZJ", "nope"])
        {'ZJ': NodeInfo(label='Area', level='city')}
        """
        wanted = list(dict.fromkeys(ids))
        found: dict[str, NodeInfo] = {}
        labels = sorted(LABELS)
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            for r in self.run(_LOOKUP, ids=list(chunk), labels=labels):
                label = r["label"]
                if label is None:
                    continue
                found[r["id"]] = NodeInfo(label, r["level"] if label == "Area" else None)
        return {i: found[i] for i in wanted if i in found}

    def org_parents(self) -> dict[str, str | None]:
        """Every org's parent org id (``UNDER``), ``None`` for a root."""
        return {r["id"]: r["parent"] for r in sorted(self.run(_ORG_PARENTS), key=lambda r: r["id"])}

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        """Every area: id -> (level, parent id)."""
        return {
            r["id"]: (r["level"], r["parent"])
            for r in sorted(self.run(_AREA_TREE), key=lambda r: r["id"])
        }

    def links_into(self, ids: Iterable[str], rel_types: Iterable[str]) -> list[tuple[str, LinkRow]]:
        """The relationships of ``rel_types`` that end at one of ``ids``, as (type, row).

        One query per :data:`LOOKUP_CHUNK` ids; the types travel as a parameter (only those
        of the model's closed set), ordered by (type, start, end, properties).

        Examples
        --------
        >>> from orgnet.graph.base import ChangeSet, FieldRelBatch
        >>> store.apply(ChangeSet(nodes={"Area": [{"id": "G1", "level": "grid"}],
        ...                              "Building": [{"id": "B1", "grid_id": "G1"}]},
        ...                       field_rels=[FieldRelBatch("IN", False, ["B1"], [("B1", "G1")])]))
        >>> store.links_into(["G1"], ["IN", "PART_OF"])
        [('IN', LinkRow(src='B1', dst='G1', props={}))]
        """
        wanted = list(dict.fromkeys(ids))
        types = sorted(set(rel_types) & REL_TYPES)
        found: list[tuple[str, LinkRow]] = []
        if not types:
            return found
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            found.extend((r["type"], LinkRow(r["src"], r["dst"], dict(r["props"])))
                         for r in self.run(_LINKS_INTO, ids=list(chunk), types=types))
        found.sort(key=lambda f: (f[0], f[1].src, f[1].dst, sorted(f[1].props.items(), key=str)))
        return found

    def counts(self) -> dict[str, int]:
        """Nodes per label (sorted), then relationships per type (sorted); zeros left out."""
        got = {r["key"]: int(r["n"]) for r in self.run(_COUNTS)}
        labels = {k: got[k] for k in sorted(LABELS) if got.get(k)}
        types = {k: got[k] for k in sorted(REL_TYPES) if got.get(k)}
        return {**labels, **types}

    def iter_nodes(self, label: str) -> Iterator[dict[str, Any]]:
        """Every node of a label as its stored properties (with ``id``), by id."""
        rows = [_order_props(label, dict(r["props"])) for r in self.run(_ITER_NODES[_label(label)])]
        rows.sort(key=lambda p: p["id"])
        return iter(rows)

    def iter_links(self, rel_type: str) -> Iterator[LinkRow]:
        """Every relationship of a type, ordered by (start, end, properties)."""
        rows = [LinkRow(r["src"], r["dst"], dict(r["props"])) for r in self.run(_ITER_LINKS[_rel_type(rel_type)])]
        rows.sort(key=lambda r: (r.src, r.dst, sorted(r.props.items(), key=str)))
        return iter(rows)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the driver and its connections (idempotent)."""
        if not self._closed:
            self._closed = True
            self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
