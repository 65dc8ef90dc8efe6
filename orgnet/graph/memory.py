"""The embedded backend: a columnar store over integer-coded ids.

Every id is coded to an integer once (:class:`Ids`, append-only). A store's
content is one immutable :class:`State`:

* ``label``: code -> label number (``-1``: no such node);
* per label, a :class:`NodeTable`: the codes of its nodes and an Arrow table of
  their properties (one typed column per model field);
* per relationship type, a :class:`RelTable`: ``src`` and ``dst`` code arrays, the
  key of each relationship (``HOLDS_ROLE.role``, ``REGISTERED_WITH.year``, …) and
  property columns.

Derived arrays (a field relationship's parent array, in-adjacency in CSR form,
the undirected CSR for paths, typed property columns) are built on first use and
cached on the state, so they live until the next write. A write never changes a
state: it builds the next one from whole-array operations (``np.isin``,
concatenation, pandas' ``duplicated``) and swaps it in. Readers take the current
state once per question, so an answer is the one before or after a concurrent
write, never a mix (see ``docs/threads.md``).

``MemoryStore(path=...)`` persists to one file (:mod:`orgnet.graph.snapshot`),
memory-mapped when opened, rewritten atomically under a file lock after every
write; networkx is used only to export (:func:`orgnet.io.export.to_networkx`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from orgnet.graph.base import ChangeSet, LinkColumns, LinkRow, NodeInfo, Pairs
from orgnet.model import FIELD_RELATIONSHIPS, LINK_MODELS, NODE_MODELS, REL_TYPES

if TYPE_CHECKING:
    import pyarrow as pa

    from orgnet.graph.snapshot import SnapshotFile

__all__ = ["MemoryStore", "State", "Ids", "NodeTable", "RelTable", "LABEL_ORDER", "LINK_KEYS"]

LABEL_ORDER: tuple[str, ...] = tuple(sorted(m.LABEL for m in NODE_MODELS))
"""Label numbers: the index of a label in this tuple."""
LABEL_NUMBER: dict[str, int] = {label: i for i, label in enumerate(LABEL_ORDER)}

LINK_KEYS: dict[str, tuple[str, ...]] = {m.TYPE: m.KEY for m in LINK_MODELS}
"""Relationship type -> key properties (link types only; field types have none)."""

_EMPTY = np.zeros(0, dtype=np.int64)


def unique_ints(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array, by sorting.

    ``np.unique`` of this numpy hashes large integer arrays and took 52 s on 6M
    values where a sort takes 0.7 s (measured; see ``benchmarks/RESULTS.md``).

    Examples
    --------
    >>> unique_ints(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    if not len(values):
        return np.asarray(values)
    out = np.sort(values)
    return np.asarray(out[np.concatenate([[True], out[1:] != out[:-1]])])


def unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (a, b) pairs of codes below ``n`` (``-1`` allowed), sorted by a then b."""
    base = n + 1
    key = unique_ints((a + 1) * base + (b + 1))
    return key // base - 1, key % base - 1


def _arrow_type(annotation: Any) -> Any:
    import pyarrow as pa

    text = str(annotation)
    if annotation is bool or text.startswith("typing.Annotated[bool"):
        return pa.bool_()
    if "int" in text and "str" not in text:
        return pa.int64()
    return pa.string()


_SCHEMAS: dict[str, Any] = {}


def node_schema(label: str) -> pa.Schema:
    """The Arrow schema of a label's node table: one column per model field."""
    schema = _SCHEMAS.get(label)
    if schema is None:
        import pyarrow as pa

        model = next(m for m in NODE_MODELS if m.LABEL == label)
        schema = pa.schema([(name, _arrow_type(f.annotation)) for name, f in model.model_fields.items()])
        _SCHEMAS[label] = schema
    return schema


def _node_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """``pa.Table.from_pylist(rows, schema=schema)``, its memory from the C library's allocator.

    pyarrow's default allocator (mimalloc) made the first large table of a process about a second
    slower at city scale (benchmarks/RESULTS.md, "Checking speed"); the pool is passed per
    column, so the caller's own pyarrow settings are left alone.
    """
    import pyarrow as pa

    pool = pa.system_memory_pool()
    columns = [pa.array(list(map(methodcaller("get", f.name), rows)), type=f.type, memory_pool=pool)
               for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


class Ids:
    """Id <-> integer code, append-only and shared by every state of a store.

    A code, once given, keeps its id for the life of the store (a deleted node's
    code is reused if the id comes back), so older states stay valid.
    """

    def __init__(self, names: list[str] | None = None) -> None:
        self._names: list[str] = names if names is not None else []
        self._index: dict[str, int] | None = None
        self._lock = threading.Lock()
        self._array = np.empty(0, dtype=object)
        """Code -> id for the first ``_filled`` codes, with room to grow: append-only like the ids,
        so every state's view of it stays true and no state builds it again."""
        self._filled = 0

    def __len__(self) -> int:
        return len(self._names)

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = dict(zip(self._names, range(len(self._names))))
        return self._index

    def code(self, node_id: str) -> int:
        """The code of an id, ``-1`` when it never had one."""
        return self.index.get(node_id, -1)

    def codes(self, ids: Sequence[str]) -> np.ndarray:
        """Codes of many ids (``-1`` for unknown ones)."""
        return np.fromiter(map(self.index.get, ids, repeat(-1)), dtype=np.int64, count=len(ids))

    def add(self, ids: Sequence[str]) -> np.ndarray:
        """Codes of many ids, coding the new ones (caller holds the store's write lock)."""
        codes = self.codes(ids)
        missing = codes < 0
        if missing.all() and len(ids):  # all new (a first load): one dict update when they are distinct
            index = self.index
            start, before = len(self._names), len(index)
            index.update(zip(ids, range(start, start + len(ids))))
            if len(index) == before + len(ids):
                self._names.extend(ids)
                return np.arange(start, start + len(ids), dtype=np.int64)
            # an id twice: the codes just written are replaced below (every one of these ids was new)
        if missing.any():
            index = self.index
            where = np.flatnonzero(missing).tolist()
            asked = [ids[i] for i in where]
            new = list(dict.fromkeys(asked))
            start = len(self._names)
            self._names.extend(new)
            index.update(zip(new, range(start, start + len(new))))
            codes[missing] = self.codes(asked)
            self.array(len(self._names))  # code the other direction now, not in the next question
        return codes

    def adopt(self, names: list[str], index: dict[str, int]) -> None:
        """Take the first codes from a list of distinct ids and its index (codes = positions).

        Only while no id has a code (a first load): the planner's index of every id it
        checked then serves as the store's, without building a second one.
        """
        if self._names or len(index) != len(names):
            raise ValueError("adopt() needs an empty Ids and distinct names")
        with self._lock:
            self._names = list(names)
            self._index = index.copy()  # the change set keeps its own

    def name(self, code: int) -> str:
        return self._names[int(code)]

    def names(self, codes: Iterable[int]) -> list[str]:
        names = self._names
        return [names[c] for c in codes]

    def array(self, n: int) -> np.ndarray:
        """The first ``n`` ids as an object array (index = code), a read-only view kept by the ids.

        Examples
        --------
        >>> ids = Ids()
        >>> _ = ids.add(["a", "b"])
        >>> ids.array(2).tolist(), ids.array(1).tolist()
        (['a', 'b'], ['a'])
        """
        if self._filled < n:
            with self._lock:
                total = len(self._names)
                if self._filled < min(n, total):
                    if len(self._array) < total:
                        grown = np.empty(total + total // 4 + 16, dtype=object)
                        grown[: self._filled] = self._array[: self._filled]
                        self._array = grown
                    self._array[self._filled : total] = self._names[self._filled : total]
                    self._filled = total
        view = self._array[:n]
        view.flags.writeable = False
        return view


class NodeTable:
    """The nodes of one label: codes and an Arrow table of their properties (same order)."""

    __slots__ = ("codes", "table")

    def __init__(self, codes: np.ndarray, table: pa.Table) -> None:
        self.codes = codes
        self.table = table

    def __len__(self) -> int:
        return len(self.codes)


class RelTable:
    """The relationships of one type: ends, key and property columns (same order)."""

    __slots__ = ("src", "dst", "key", "props")

    def __init__(self, src: np.ndarray, dst: np.ndarray, key: np.ndarray | None,
                 props: dict[str, np.ndarray]) -> None:
        self.src = src
        self.dst = dst
        self.key = key
        self.props = props

    def __len__(self) -> int:
        return len(self.src)

    def take(self, keep: np.ndarray) -> RelTable:
        return RelTable(
            self.src[keep], self.dst[keep], None if self.key is None else self.key[keep],
            {k: v[keep] for k, v in self.props.items()},
        )


def _object_array(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class State:
    """One immutable version of a store's content, with caches derived from it."""

    def __init__(self, ids: Ids, n: int, label: np.ndarray, nodes: dict[str, NodeTable],
                 rels: dict[str, RelTable]) -> None:
        self.ids = ids
        self.n = n
        """Codes this state knows (``len(label)``)."""
        self.label = label
        self.nodes = nodes
        self.rels = rels
        self._cache: dict[Any, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def empty(cls, ids: Ids) -> State:
        nodes = {lab: NodeTable(_EMPTY, node_schema(lab).empty_table()) for lab in LABEL_ORDER}
        return cls(ids, 0, np.zeros(0, dtype=np.int8), nodes, {})

    def cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """A derived value, built once per state."""
        hit = self._cache.get(key)
        if hit is None:
            hit = build()
            self._cache[key] = hit
        return hit

    # ------------------------------------------------------------------ ids

    def code(self, node_id: str) -> int:
        """Code of a node of this state, ``-1`` when absent."""
        c = self.ids.code(node_id)
        return c if 0 <= c < self.n and self.label[c] >= 0 else -1

    def codes(self, ids: Sequence[str]) -> np.ndarray:
        """Codes of nodes of this state, ``-1`` for absent ones."""
        c = self.ids.codes(ids)
        ok = (c >= 0) & (c < self.n)
        ok[ok] = self.label[c[ok]] >= 0
        c[~ok] = -1
        return c

    def names(self) -> np.ndarray:
        """Code -> id, as an object array."""
        return self.cached("names", lambda: self.ids.array(self.n))  # type: ignore[no-any-return]

    def label_of(self, code: int) -> str | None:
        return LABEL_ORDER[self.label[code]] if code >= 0 and self.label[code] >= 0 else None

    # --------------------------------------------------------------- columns

    def rows(self, label: str) -> np.ndarray:
        """Code -> row of its label's table (``-1`` for other nodes)."""
        def build() -> np.ndarray:
            out = np.full(self.n, -1, dtype=np.int64)
            t = self.nodes[label]
            out[t.codes] = np.arange(len(t.codes))
            return out
        return self.cached(("rows", label), build)  # type: ignore[no-any-return]

    def column(self, label: str, prop: str) -> np.ndarray:
        """A property of a label's nodes as a numpy array in table order.

        Booleans come as ``bool`` (absent = False), integers as ``float`` (absent =
        NaN), text as an object array (absent = None).
        """
        def build() -> np.ndarray:
            import pyarrow as pa

            col = self.nodes[label].table.column(prop)
            if pa.types.is_boolean(col.type):
                return np.asarray(col.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
            if pa.types.is_integer(col.type):
                return np.asarray(col.to_numpy(zero_copy_only=False), dtype=float)
            return np.asarray(col.to_numpy(zero_copy_only=False), dtype=object)
        return self.cached(("column", label, prop), build)  # type: ignore[no-any-return]

    def label_mask(self, label: str) -> np.ndarray:
        """Code -> is a node of ``label``."""
        return self.cached(("mask", label), lambda: self.label == LABEL_NUMBER[label])  # type: ignore[no-any-return]

    # ------------------------------------------------------------ adjacency

    def rel(self, rel_type: str) -> RelTable:
        hit = self.rels.get(rel_type)
        return hit if hit is not None else RelTable(_EMPTY, _EMPTY, None, {})

    def out1(self, rel_type: str) -> np.ndarray:
        """Code -> end of its (single) outgoing relationship of a field type, ``-1`` if none."""
        def build() -> np.ndarray:
            r = self.rel(rel_type)
            out = np.full(self.n, -1, dtype=np.int64)
            out[r.src] = r.dst
            return out
        return self.cached(("out1", rel_type), build)  # type: ignore[no-any-return]

    def in1(self, rel_type: str) -> np.ndarray:
        """Code -> start of an incoming relationship of a type (``RAISED``), ``-1`` if none."""
        def build() -> np.ndarray:
            r = self.rel(rel_type)
            out = np.full(self.n, -1, dtype=np.int64)
            out[r.dst] = r.src
            return out
        return self.cached(("in1", rel_type), build)  # type: ignore[no-any-return]

    def has_in(self, rel_type: str, where: np.ndarray | None = None) -> np.ndarray:
        """Code -> has an incoming relationship of a type (``where``: only those rows)."""
        r = self.rel(rel_type)
        out = np.zeros(self.n, dtype=bool)
        out[r.dst if where is None else r.dst[where]] = True
        return out

    def has_out(self, rel_type: str, where: np.ndarray | None = None) -> np.ndarray:
        """Code -> has an outgoing relationship of a type (``where``: only those rows)."""
        r = self.rel(rel_type)
        out = np.zeros(self.n, dtype=bool)
        out[r.src if where is None else r.src[where]] = True
        return out

    def in_csr(self, rel_type: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Incoming relationships of a type in CSR form: (indptr, starts, row numbers)."""
        def build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            r = self.rel(rel_type)
            order = np.argsort(r.dst, kind="stable")
            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(r.dst, minlength=self.n)[: self.n], out=indptr[1:])
            return indptr, r.src[order], order
        return self.cached(("in_csr", rel_type), build)  # type: ignore[no-any-return]

    def undirected(self) -> tuple[np.ndarray, np.ndarray]:
        """Every relationship, direction ignored, as CSR (indptr, neighbours), no repeats."""
        def build() -> tuple[np.ndarray, np.ndarray]:
            srcs = [r.src for r in self.rels.values()] + [r.dst for r in self.rels.values()]
            dsts = [r.dst for r in self.rels.values()] + [r.src for r in self.rels.values()]
            a = np.concatenate(srcs) if srcs else _EMPTY
            b = np.concatenate(dsts) if dsts else _EMPTY
            a, b = unique_pairs(a, b, self.n)
            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(a, minlength=self.n)[: self.n], out=indptr[1:])
            return indptr, b
        return self.cached("undirected", build)  # type: ignore[no-any-return]

    # ----------------------------------------------------------------- writes

    def applied(self, changes: ChangeSet) -> State:
        """The state after a validated change set (this one is left unchanged)."""
        ids = self.ids
        label = self.label
        nodes = dict(self.nodes)
        rels = dict(self.rels)
        take_id = itemgetter("id")
        positions = changes.node_positions
        if (not len(ids) and changes.vocabulary is not None and changes.vocabulary_index is not None
                and all(len(positions.get(lab, ())) == len(rows) for lab, rows in changes.nodes.items())):
            # a first load: the planner's ids and positions are the codes (checked ids of rows
            # it rejected get a code too, and stay without a node)
            ids.adopt(changes.vocabulary, changes.vocabulary_index)
            codes_all = np.concatenate([positions.get(lab, _EMPTY) for lab in changes.nodes] or [_EMPTY])
        else:
            all_new = [node_id for rows in changes.nodes.values() for node_id in map(take_id, rows)]
            codes_all = ids.add(all_new) if all_new else _EMPTY
        n = max(self.n, len(ids))
        if n > len(label):
            label = np.concatenate([label, np.full(n - len(label), -1, dtype=np.int8)])
        else:
            label = label.copy()
        at = 0
        node_codes: dict[str, np.ndarray] = {}
        for lab, rows in changes.nodes.items():
            if not rows:
                continue
            import pyarrow as pa

            codes = codes_all[at : at + len(rows)]
            node_codes[lab] = codes
            at += len(rows)
            # within a batch the last row of an id wins
            import pandas as pd

            keep_rows = np.flatnonzero(~pd.Index(codes).duplicated(keep="last"))
            table = _node_table(rows, node_schema(lab))
            if len(keep_rows) != len(codes):
                table = table.take(pa.array(keep_rows))
                codes = codes[keep_rows]
            # a node that changes label leaves its old table
            moved = label[codes]
            for other in unique_ints(moved[(moved >= 0) & (moved != LABEL_NUMBER[lab])]):
                name = LABEL_ORDER[other]
                old = nodes[name]
                stay = ~np.isin(old.codes, codes)
                nodes[name] = NodeTable(old.codes[stay], old.table.filter(pa.array(stay)))
            old = nodes[lab]
            stay = ~np.isin(old.codes, codes)
            nodes[lab] = NodeTable(
                np.concatenate([old.codes[stay], codes]),
                pa.concat_tables([old.table.filter(pa.array(stay)), table]),
            )
            label[codes] = LABEL_NUMBER[lab]
        state = State(ids, n, label, nodes, rels)
        coded = _Coder(state, changes, node_codes)
        for batch in changes.field_rels:
            owners = coded(batch.owners, batch.owner_pos)
            current = rels.get(batch.type)
            if current is not None and len(owners):
                stay = ~np.isin(current.dst if batch.reverse else current.src, owners[owners >= 0])
                if not stay.all():
                    rels[batch.type] = current.take(stay)
            if batch.edges:
                edges = batch.edges
                if isinstance(edges, Pairs):
                    src = coded(edges.starts, edges.start_pos)
                    dst = coded(edges.ends, edges.end_pos)
                else:
                    starts, ends = zip(*edges)  # two columns in one C-level pass
                    src = state.codes(starts)
                    dst = state.codes(ends)
                rels[batch.type] = _merge(rels.get(batch.type), src, dst, None, {})
        for rel_type, links in changes.links.items():
            if not links:
                continue
            keys = LINK_KEYS.get(rel_type, ())
            if isinstance(links, LinkColumns):
                src = coded(links.srcs, links.src_pos)
                dst = coded(links.dsts, links.dst_pos)
                # a property no row gives is no column, as when it comes row by row
                props = {k: _object_array(col) for k, col in links.props.items()
                         if any(v is not None for v in col)}
                key_columns = [links.props.get(k, [None] * len(links)) for k in keys]
            else:
                starts, ends, all_props = zip(*links)
                src = state.codes(starts)
                dst = state.codes(ends)
                names = list(dict.fromkeys(k for p in all_props for k in p))
                props = {k: _object_array(list(map(methodcaller("get", k), all_props))) for k in names}
                key_columns = [list(map(methodcaller("get", k), all_props)) for k in keys]
            key = None
            if len(keys) == 1:
                key = _object_array(key_columns[0])
            elif keys:
                key = _object_array(list(zip(*key_columns)))
            rels[rel_type] = _merge(rels.get(rel_type), src, dst, key, props)
        return State(ids, n, label, nodes, rels)

    def deleted(self, codes: np.ndarray) -> State:
        """The state without these nodes (live codes) and their relationships."""
        import pyarrow as pa

        label = self.label.copy()
        nodes = dict(self.nodes)
        for number in unique_ints(label[codes]):
            name = LABEL_ORDER[number]
            old = nodes[name]
            stay = ~np.isin(old.codes, codes)
            nodes[name] = NodeTable(old.codes[stay], old.table.filter(pa.array(stay)))
        # a reference field naming a deleted node goes with its relationship (a building in a deleted
        # grid keeps no grid_id), so what the store holds still loads back
        import pyarrow.compute as pc

        for rel in FIELD_RELATIONSHIPS:
            r = self.rels.get(rel.type)
            if r is None or not len(r):
                continue
            owner, target = (r.dst, r.src) if rel.reverse else (r.src, r.dst)
            hit = np.isin(target, codes) & (label[owner] == LABEL_NUMBER[rel.label])
            if not hit.any():
                continue
            old = nodes[rel.label]
            rows = np.isin(old.codes, owner[hit])
            i = old.table.schema.get_field_index(rel.field)
            column = old.table.column(i)
            cleared = pc.if_else(pa.array(rows), pa.scalar(None, type=column.type), column)
            nodes[rel.label] = NodeTable(old.codes, old.table.set_column(i, rel.field, cleared))
        label[codes] = -1
        rels: dict[str, RelTable] = {}
        for rel_type, r in self.rels.items():
            stay = ~(np.isin(r.src, codes) | np.isin(r.dst, codes))
            rels[rel_type] = r if stay.all() else r.take(stay)
        return State(self.ids, self.n, label, nodes, rels)


class _Coder:
    """Codes of ids in a state, from the planner's positions when the change set has them.

    The distinct ids the planner checked (:attr:`ChangeSet.vocabulary`) are looked up
    once; every column that comes with positions is then one array index, not one dict
    lookup per row. Ids absent from the state code to ``-1``, as :meth:`State.codes`.
    """

    def __init__(self, state: State, changes: ChangeSet, node_codes: dict[str, np.ndarray]) -> None:
        self.state = state
        self.changes = changes
        self.node_codes = node_codes
        """Label -> the codes of its node rows, in row order (as coded by the write)."""
        self._vocab: np.ndarray | None = None

    def vocab(self) -> np.ndarray:
        if self._vocab is None:
            words = self.changes.vocabulary or []
            codes = np.full(len(words), -1, dtype=np.int64)
            for lab, positions in self.changes.node_positions.items():
                given = self.node_codes.get(lab)
                if given is not None and len(given) == len(positions):  # the rows just coded
                    codes[positions] = given
            rest = np.flatnonzero(codes < 0)
            if len(rest):
                codes[rest] = self.state.ids.codes([words[i] for i in rest.tolist()])
            n, label = self.state.n, self.state.label
            ok = (codes >= 0) & (codes < n)
            ok[ok] = label[codes[ok]] >= 0
            codes[~ok] = -1
            self._vocab = codes
        return self._vocab

    def __call__(self, names: Sequence[str], positions: np.ndarray | None) -> np.ndarray:
        if positions is None or self.changes.vocabulary is None or len(positions) != len(names):
            return self.state.codes(names)
        vocab = self.vocab()
        if not len(vocab):
            return np.full(len(positions), -1, dtype=np.int64)
        out: np.ndarray = np.where(positions >= 0, vocab[np.maximum(positions, 0)], -1)
        return out


def _merge(old: RelTable | None, src: np.ndarray, dst: np.ndarray, key: np.ndarray | None,
           props: dict[str, np.ndarray]) -> RelTable:
    """``old`` plus new relationships, merged on (src, dst, key): the new properties win.

    Relationships with an absent end are skipped, as Neo4j's ``MATCH`` skips them.
    """
    import pandas as pd

    ok = (src >= 0) & (dst >= 0)
    if not ok.all():
        src, dst = src[ok], dst[ok]
        key = None if key is None else key[ok]
        props = {k: v[ok] for k, v in props.items()}
    new = RelTable(src, dst, key, props)
    if old is None or len(old) == 0:
        both = new
    else:
        names = list(dict.fromkeys([*old.props, *props]))
        n_old, n_new = len(old), len(new)

        def col(t: RelTable, k: str, n: int) -> np.ndarray:
            return t.props[k] if k in t.props else np.full(n, None, dtype=object)

        both = RelTable(
            np.concatenate([old.src, src]), np.concatenate([old.dst, dst]),
            None if key is None and old.key is None else np.concatenate([
                old.key if old.key is not None else np.full(n_old, None, dtype=object),
                key if key is not None else np.full(n_new, None, dtype=object),
            ]),
            {k: np.concatenate([col(old, k, n_old), col(new, k, n_new)]) for k in names},
        )
    if len(both) == 0:
        return both
    frame: dict[str, Any] = {"s": both.src, "d": both.dst}
    if both.key is not None:
        frame["k"] = pd.factorize(both.key)[0]
    dup = pd.DataFrame(frame).duplicated(keep="last").to_numpy()
    return both.take(~dup) if dup.any() else both


class MemoryStore:
    """Graph store held in memory as columns, optionally persisted to one file.

    Parameters
    ----------
    path : str or Path, optional
        File to persist to (``file:`` URIs). Read (memory-mapped) when it exists;
        rewritten atomically after every change, under a lock that makes a second
        store on the same file reload its changes first.
    create : bool
        With ``path``: write an empty store file now when there is none. Without
        it the file is created by the first write (a load), and a question asked
        before that is :class:`~orgnet.errors.NotFound`.

    Examples
    --------
    >>> store = MemoryStore()
    >>> store.counts()
    {}
    """

    backend: ClassVar[str] = "memory"
    snapshot_reads: ClassVar[bool] = True
    """Every question reads one immutable state: safe beside a concurrent write without a lock."""

    def __init__(self, path: str | Path | None = None, *, create: bool = False) -> None:
        self._ids = Ids()
        self._state = State.empty(self._ids)
        self._write_lock = threading.RLock()
        self._file: SnapshotFile | None = None
        self._path = Path(path) if path is not None else None
        if self._path is not None:
            from orgnet.graph.snapshot import SnapshotFile

            self._file = SnapshotFile(self._path, create=create)
            loaded = self._file.load()
            if loaded is not None:
                self._ids, self._state = loaded
        self._closed = False

    # ------------------------------------------------------------------ identity

    @property
    def uri(self) -> str:
        return f"file:{self._path}" if self._path is not None else "memory://"

    def __repr__(self) -> str:
        return f"MemoryStore({self.uri!r}, nodes={int((self._state.label >= 0).sum())})"

    @property
    def path(self) -> Path | None:
        """The ``file:`` store's file, None in memory."""
        return self._path

    def missing(self) -> bool:
        """True for a ``file:`` store whose file does not exist (nothing was ever saved)."""
        return self._file is not None and not self._file.exists()

    def state(self) -> State:
        """The current content, immutable: a question reads one state from start to end.

        A file store first picks up a newer file written by another store.
        """
        if self._file is not None and self._file.changed():
            with self._write_lock:
                if self._file.changed():
                    loaded = self._file.load()
                    if loaded is not None:
                        self._ids, self._state = loaded
        return self._state

    # -------------------------------------------------------------------- writes

    def _write(self, change: Callable[[State], State]) -> None:
        with self._write_lock:
            if self._file is None:
                self._state = change(self._state)
                return
            with self._file.locked():
                if self._file.changed():  # another writer saved since: start from its data
                    loaded = self._file.load()
                    if loaded is not None:
                        self._ids, self._state = loaded
                new = change(self._state)
                self._file.save(new)  # raises: memory keeps the old state, equal to the file
                self._state = new

    def apply(
        self,
        changes: ChangeSet,
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Apply a validated change set; see :class:`~orgnet.graph.base.GraphStore`."""
        self._write(lambda s: s.applied(changes))
        if progress:
            progress(changes.size())

    def delete(self, ids: Sequence[str]) -> int:
        """Remove these nodes and their relationships; return how many existed."""
        found: list[int] = []

        def change(s: State) -> State:
            codes = unique_ints(s.codes(list(ids)))
            codes = codes[codes >= 0]
            found.append(len(codes))
            return s.deleted(codes) if len(codes) else s

        self._write(change)
        return found[-1] if found else 0

    def clear(self) -> None:
        """Remove every node and relationship."""
        self._write(lambda s: State.empty(s.ids))

    # --------------------------------------------------------------------- reads

    def ids(self, label: str) -> list[str]:
        """Ids of the nodes of one label, in insertion order."""
        s = self.state()
        return s.ids.names(s.nodes[label].codes.tolist())

    def label_of(self, node_id: str) -> str | None:
        """Label of a node, ``None`` when absent."""
        s = self.state()
        return s.label_of(s.code(node_id))

    def lookup(self, ids: Iterable[str]) -> dict[str, NodeInfo]:
        s = self.state()
        wanted = list(ids)
        codes = s.codes(wanted)
        found: dict[str, NodeInfo] = {}
        hit = np.flatnonzero(codes >= 0)
        if not len(hit):
            return found
        area_rows = s.rows("Area")
        levels = s.column("Area", "level")
        for i in hit.tolist():
            c = int(codes[i])
            lab = LABEL_ORDER[s.label[c]]
            found[wanted[i]] = NodeInfo(lab, levels[area_rows[c]] if lab == "Area" else None)
        return found

    def org_parents(self) -> dict[str, str | None]:
        s = self.state()
        orgs = s.nodes["Org"].codes
        parent = s.out1("UNDER")[orgs]
        names = s.names()
        return {names[o]: (names[p] if p >= 0 else None) for o, p in zip(orgs.tolist(), parent.tolist())}

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        s = self.state()
        areas = s.nodes["Area"].codes
        parent = s.out1("PART_OF")[areas]
        levels = s.column("Area", "level")
        names = s.names()
        return {
            names[a]: (levels[i], names[p] if p >= 0 else None)
            for i, (a, p) in enumerate(zip(areas.tolist(), parent.tolist()))
        }

    def links_into(self, ids: Iterable[str], rel_types: Iterable[str]) -> list[tuple[str, LinkRow]]:
        """The relationships of ``rel_types`` that end at one of ``ids``, as (type, row).

        Examples
        --------
        >>> from orgnet.io import Dataset
        >>> from orgnet.io.load import load_records
        >>> store = MemoryStore()
        >>> _ = load_records(store, Dataset({"areas": [{"id": "G1", "level": "grid"}],
        ...                                  "buildings": [{"id": "B1", "grid_id": "G1"}]}))
        >>> store.links_into(["G1"], ["IN", "PART_OF"])
        [('IN', LinkRow(src='B1', dst='G1', props={}))]
        """
        s = self.state()
        wanted = s.codes(list(dict.fromkeys(ids)))
        wanted = wanted[wanted >= 0]
        names = s.names()
        found: list[tuple[str, LinkRow]] = []
        for rel_type in sorted(set(rel_types) & REL_TYPES):
            r = s.rel(rel_type)
            props = list(r.props.items())
            rows = [
                LinkRow(names[r.src[i]], names[r.dst[i]], {k: col[i] for k, col in props if col[i] is not None})
                for i in np.flatnonzero(np.isin(r.dst, wanted)).tolist()
            ]
            rows.sort(key=lambda row: (row.src, row.dst, sorted(row.props.items(), key=str)))
            found.extend((rel_type, row) for row in rows)
        return found

    def counts(self) -> dict[str, int]:
        s = self.state()
        result = {lab: len(s.nodes[lab]) for lab in LABEL_ORDER if len(s.nodes[lab])}
        result.update((t, len(s.rels[t])) for t in sorted(s.rels) if len(s.rels[t]))
        return result

    def iter_nodes(self, label: str) -> Iterator[dict[str, Any]]:
        s = self.state()
        t = s.nodes[label]
        rows = t.table.to_pylist()
        names = s.names()
        order = sorted(range(len(rows)), key=lambda i: names[t.codes[i]])
        for i in order:
            yield {k: v for k, v in rows[i].items() if v is not None}

    def iter_links(self, rel_type: str) -> Iterator[LinkRow]:
        if rel_type not in REL_TYPES:
            return iter(())
        s = self.state()
        r = s.rel(rel_type)
        names = s.names()
        props = list(r.props.items())
        rows = [
            LinkRow(names[a], names[b], {k: col[i] for k, col in props if col[i] is not None})
            for i, (a, b) in enumerate(zip(r.src.tolist(), r.dst.tolist()))
        ]
        rows.sort(key=lambda row: (row.src, row.dst, sorted(row.props.items(), key=str)))
        return iter(rows)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Release the store; a file store is already saved after every write."""
        self._closed = True
