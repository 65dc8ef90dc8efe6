"""The Neo4j backend: the store protocol over the official ``neo4j`` driver.

Every node carries its kind's label (``Area``, ``Person``, …) plus ``Entity``,
with a uniqueness constraint on ``Entity.id``; its properties are the row as
given (``id`` included, reference fields such as ``parent_id`` kept). Writes are
batched ``UNWIND $rows`` statements in managed transactions
(``session.execute_write``), which the driver retries on transient errors, so
a load that is cut off can simply be run again: every statement is an upsert.

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
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Final, LiteralString

from orgnet.errors import (
    AuthFailed,
    ConnectionFailed,
    DatabaseNotFound,
    InvalidArgument,
    ServerTooOld,
    StoreError,
)
from orgnet.graph.base import ChangeSet, FieldRelBatch, LinkRow, NodeInfo, link_key
from orgnet.model import LABELS, LINK_MODELS, NODE_MODELS, REL_TYPES

if TYPE_CHECKING:
    import neo4j

__all__ = ["Neo4jStore", "DEFAULT_BATCH_SIZE", "SCHEMA", "MIN_SERVER_MAJOR"]

log = logging.getLogger("orgnet.neo4j")

DEFAULT_BATCH_SIZE: Final[int] = 5_000
"""Rows per write transaction when ``batch_size`` is not given (measured; see the module docstring)."""

LOOKUP_CHUNK: Final[int] = 20_000
"""Ids per query when reading by id (``lookup``, ``delete``)."""

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
_COMPONENTS: Final[LiteralString] = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
)
_DB_NAME: Final[LiteralString] = "CALL db.info() YIELD name RETURN name"

# ----------------------------------------------------------------------- writes


def _node_upsert(label: str) -> LiteralString:
    """Upsert rows of one label; the node loses any other kind label it had."""
    others = ":".join(sorted(LABELS - {_label(label)}))
    return (  # built from the closed label set only
        "UNWIND $rows AS row "
        "MERGE (n:Entity {id: row.id}) "
        "SET n = row "
        f"SET n:{label} "
        f"REMOVE n:{others}"
    )


def _field_rel_upsert(rel_type: str, reverse: bool) -> LiteralString:
    """Replace each owner's relationships of one field type by the given targets.

    Rows are ``{owner, targets, replace}``; with ``replace`` the owner's other
    relationships of the type go (outgoing, or incoming when ``reverse``).
    """
    t = _rel_type(rel_type)
    stale = f"(o)<-[r:{t}]-(x)" if reverse else f"(o)-[r:{t}]->(x)"
    merge = f"(t)-[:{t}]->(o)" if reverse else f"(o)-[:{t}]->(t)"
    return (  # built from the closed type set only
        "UNWIND $rows AS row "
        "MATCH (o:Entity {id: row.owner}) "
        f"OPTIONAL MATCH {stale} "
        "WITH o, row, collect(CASE WHEN row.replace AND NOT coalesce(x.id IN row.targets, false) "
        "THEN r END) AS stale "
        "FOREACH (r IN stale | DELETE r) "
        "WITH o, row "
        "UNWIND row.targets AS tid "
        "MATCH (t:Entity {id: tid}) "
        f"MERGE {merge}"
    )


def _link_upsert(rel_type: str) -> LiteralString:
    """Merge link rows on (start, end, type, key properties) and replace their other properties.

    The key properties are a parameter (``$keys``); a key absent from a row
    matches a relationship without it. Rows must be unique per identity
    within one statement (:meth:`Neo4jStore.apply` dedupes them).
    """
    t = _rel_type(rel_type)
    return (  # built from the closed type set only
        "UNWIND $rows AS row "
        "MATCH (a:Entity {id: row.src}) "
        "MATCH (b:Entity {id: row.dst}) "
        f"OPTIONAL MATCH (a)-[old:{t}]->(b) "
        "WHERE all(k IN $keys WHERE coalesce(old[k] = row.props[k], old[k] IS NULL AND row.props[k] IS NULL)) "
        "WITH a, b, row, collect(old) AS olds "
        "FOREACH (r IN olds | SET r = row.props) "
        f"FOREACH (_ IN CASE WHEN size(olds) = 0 THEN [1] ELSE [] END | CREATE (a)-[r:{t}]->(b) SET r = row.props)"
    )


_NODE_UPSERT: Final[dict[str, LiteralString]] = {label: _node_upsert(label) for label in sorted(LABELS)}
_FIELD_REL_UPSERT: Final[dict[tuple[str, bool], LiteralString]] = {
    (t, rev): _field_rel_upsert(t, rev) for t in sorted(REL_TYPES) for rev in (False, True)
}
_LINK_UPSERT: Final[dict[str, LiteralString]] = {m.TYPE: _link_upsert(m.TYPE) for m in LINK_MODELS}
_LINK_KEYS: Final[dict[str, list[str]]] = {m.TYPE: list(m.KEY) for m in LINK_MODELS}

_DELETE: Final[LiteralString] = (
    "UNWIND $ids AS id MATCH (n:Entity {id: id}) DETACH DELETE n RETURN count(n) AS removed"
)
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


def _counts_query() -> LiteralString:
    parts = [f"MATCH (n:{_label(label)}) RETURN '{label}' AS key, count(n) AS n" for label in sorted(LABELS)]
    parts += [
        f"MATCH ()-[r:{_rel_type(t)}]->() RETURN '{t}' AS key, count(r) AS n" for t in sorted(REL_TYPES)
    ]
    return " UNION ALL ".join(parts)  # closed sets only


_COUNTS: Final[LiteralString] = _counts_query()
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
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return uri
    host, slash, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1]
    return f"{scheme}://{host}{slash}{path}"


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
        **driver_options: Any,
    ) -> None:
        import neo4j

        self._uri = _strip_credentials(uri)
        if auth is None:
            password = os.environ.get("NEO4J_PASSWORD")
            if password is not None:
                auth = (os.environ.get("NEO4J_USERNAME") or "neo4j", password)
        self._user: str | None = auth[0] if auth is not None else None
        self._database: str | None = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size: int = batch_size or DEFAULT_BATCH_SIZE
        if self.batch_size < 1:
            raise InvalidArgument(f"batch_size must be a positive number of rows, not {batch_size!r}")
        self.queries_sent: int = 0
        """Queries sent to the server so far (tests use it to prove a bounded number per call)."""
        self._schema_ready = False
        self._closed = False
        self._connecting = True
        self._session_config: dict[str, Any] = {}
        self.server_version: str = "unknown"
        """The server's Neo4j version (from ``dbms.components()``)."""
        options = dict(driver_options)
        if max_retry_time is not None:
            options["max_transaction_retry_time"] = float(max_retry_time)
        options.setdefault("user_agent", "orgnet")
        with self._errors("connecting"):
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth, **options)
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

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn the driver's exceptions into orgnet's, with what to do about them."""
        from neo4j import exceptions as ne

        where = f"Neo4j at {self._uri}"
        try:
            yield
        except ne.AuthError as exc:
            if self._user is None:
                raise AuthFailed(
                    f"{where} wants credentials and none were given while {doing}: pass "
                    "auth=(user, password) or set NEO4J_USERNAME / NEO4J_PASSWORD"
                ) from exc
            raise AuthFailed(
                f"{where} refused the credentials of user {self._user!r} while {doing}: check the user "
                "name and password (auth=(user, password), or NEO4J_USERNAME / NEO4J_PASSWORD)"
            ) from exc
        except (ne.ServiceUnavailable, ne.SessionExpired) as exc:
            if doing == "connecting" or self._connecting:
                hint = (
                    "is your Neo4j server running and listening there? start it (e.g. `neo4j start`, "
                    "or your Docker container or Aura instance), or check the URI and port"
                )
            else:
                hint = (
                    "the connection was lost and retries did not bring it back; what was written "
                    "stays, and a load is idempotent: run it again once the server answers"
                )
            raise ConnectionFailed(f"cannot reach {where} while {doing}: {hint}") from exc
        except ne.Neo4jError as exc:
            code = exc.code or ""
            if code == "Neo.ClientError.Database.DatabaseNotFound":
                raise DatabaseNotFound(
                    f"database {self._database!r} does not exist on {where}: check the name, create it "
                    "(CREATE DATABASE, Enterprise/Aura only; Community has only 'neo4j'), or leave "
                    "database unset (and NEO4J_DATABASE empty) to use the server's default"
                ) from exc
            if code.startswith("Neo.ClientError.Security."):
                raise AuthFailed(
                    f"{where} refused user {self._user!r} while {doing} ({code}): check the user's "
                    "roles and privileges"
                ) from exc
            raise StoreError(f"{where} failed while {doing}: {code}: {exc.message}") from exc
        except ne.DriverError as exc:
            raise StoreError(f"{where}: the driver failed while {doing}: {exc}") from exc

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

        self.queries_sent += 1
        with self._errors("reading"):
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(work)

    def _session(self, mode: str) -> neo4j.Session:
        return self._driver.session(database=self._database, default_access_mode=mode, **self._session_config)

    def _write(self, query: LiteralString, params: dict[str, Any], *, doing: str = "writing") -> Any:
        """Run one write statement in a managed (retried) transaction; return its single record."""
        import neo4j

        def work(tx: neo4j.ManagedTransaction) -> Any:
            return tx.run(query, params).single()

        self.queries_sent += 1
        with self._errors(doing):
            with self._session(neo4j.WRITE_ACCESS) as session:
                return session.execute_write(work)

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
                    self.queries_sent += 1
                    session.run(statement).consume()
                self.queries_sent += 1
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

        Each batch of ``batch_size`` rows is one managed transaction. When the
        connection is lost for longer than the retry time, this raises
        :class:`~orgnet.errors.ConnectionFailed`; the batches already written
        stay, and applying the same change set again completes the load with
        nothing doubled.

        Examples
        --------
        >>> from orgnet.graph.base import ChangeSet
        >>> store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]}))
        >>> store.counts()
        {'Area': 1}
        """
        size = batch_size or self.batch_size
        if size < 1:
            raise InvalidArgument(f"batch_size must be a positive number of rows, not {batch_size!r}")
        for label in changes.nodes:  # every name is checked before anything is written
            _label(label)
        for rel_type in [*(b.type for b in changes.field_rels), *changes.links]:
            _rel_type(rel_type)
        self.ensure_schema()
        start = time.perf_counter()
        for label, rows in changes.nodes.items():
            query = _NODE_UPSERT[label]
            for chunk in _chunks(rows, size):
                self._write(query, {"rows": list(chunk)}, doing=f"writing {label} nodes")
                if progress:
                    progress(len(chunk))
            log.debug("upserted %d %s nodes", len(rows), label)
        for batch in changes.field_rels:
            self._apply_field_rels(batch, size, progress)
            log.debug("replaced %s relationships of %d owners", batch.type, len(batch.owners))
        for rel_type, links in changes.links.items():
            query = _LINK_UPSERT[_rel_type(rel_type)]
            unique: dict[tuple[str, str, str], LinkRow] = {}
            for row in links:
                unique[(row.src, row.dst, link_key(rel_type, row.props))] = row
            payload = [{"src": r.src, "dst": r.dst, "props": r.props} for r in unique.values()]
            keys = _LINK_KEYS[rel_type]
            done = 0
            for chunk in _chunks(payload, size):
                self._write(query, {"rows": list(chunk), "keys": keys}, doing=f"writing {rel_type} links")
                done += len(chunk)
                if progress:
                    progress(len(chunk))
            if progress and len(links) > done:
                progress(len(links) - done)  # duplicates merged away still count as written rows
            log.debug("merged %d %s links", len(payload), rel_type)
        log.debug("applied %d rows to %s in %.2f s", changes.size(), self._uri, time.perf_counter() - start)

    def _apply_field_rels(
        self, batch: FieldRelBatch, size: int, progress: Callable[[int], None] | None
    ) -> None:
        query = _FIELD_REL_UPSERT[(_rel_type(batch.type), batch.reverse)]
        targets: dict[str, list[str]] = {}
        for src, dst in batch.edges:
            owner, target = (dst, src) if batch.reverse else (src, dst)
            targets.setdefault(owner, []).append(target)
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for owner in batch.owners:
            if owner not in seen:
                seen.add(owner)
                rows.append({"owner": owner, "targets": targets.get(owner, []), "replace": True})
        rows.extend(
            {"owner": owner, "targets": tlist, "replace": False}
            for owner, tlist in targets.items() if owner not in seen
        )
        for chunk in _chunks(rows, size):
            self._write(query, {"rows": list(chunk)}, doing=f"writing {batch.type} relationships")
            if progress:
                progress(sum(len(r["targets"]) for r in chunk))

    def delete(self, ids: Sequence[str]) -> int:
        """Remove these nodes and their relationships; return how many existed.

        Examples
        --------
        >>> from orgnet.graph.base import ChangeSet
        >>> store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]}))
        >>> store.delete(["ZJ", "no-such-id"])
        1
        """
        unique = list(dict.fromkeys(ids))
        removed = 0
        for chunk in _chunks(unique, LOOKUP_CHUNK):
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
