"""The embedded backend: a networkx ``MultiDiGraph`` with indexes beside it.

Nodes carry ``label`` plus their properties; edges are keyed by
:func:`~orgnet.graph.base.link_key` (``"PART_OF"``, ``"HOLDS_ROLE|grid_leader"``)
and carry ``type`` plus their properties, so a merge is a dict assignment and
loading twice changes nothing. An index of ids per label lets queries visit one
kind without scanning the graph.

``MemoryStore(path=...)`` persists to one file (see :mod:`orgnet.graph.snapshot`):
it is read when opened and rewritten atomically after every write.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx

from orgnet.graph.base import ChangeSet, LinkRow, NodeInfo, link_key_function
from orgnet.model import LABELS

__all__ = ["MemoryStore"]


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk insert (see PERFORMANCE.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()


def _put_edge(succ: Any, pred: Any, src: str, dst: str, key: str, data: dict[str, Any]) -> None:
    """Merge one edge: its data replaces the old data of (src, dst, key).

    An edge whose end is not in the graph is skipped, as Neo4j's ``MATCH`` skips
    it (a validated load never names one).
    """
    if src not in succ or dst not in pred:
        return
    keys = succ[src].get(dst)
    if keys is None:
        keys = succ[src][dst] = {}
        pred[dst][src] = keys
    keys[key] = data


class MemoryStore:
    """Graph store held in memory, optionally persisted to one file.

    Parameters
    ----------
    path : str or Path, optional
        File to persist to. Read when it exists; rewritten atomically after
        every change.

    Examples
    --------
    >>> store = MemoryStore()
    >>> store.counts()
    {}
    """

    backend: ClassVar[str] = "memory"

    def __init__(self, path: str | Path | None = None) -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._by_label: dict[str, dict[str, None]] = {label: {} for label in sorted(LABELS)}
        self._path = Path(path) if path is not None else None
        self._closed = False
        if self._path is not None and self._path.exists():
            from orgnet.graph.snapshot import read_snapshot

            self.apply(read_snapshot(self._path), _save=False)

    # ------------------------------------------------------------------ identity

    @property
    def uri(self) -> str:
        return f"file:{self._path}" if self._path is not None else "memory://"

    def __repr__(self) -> str:
        return f"MemoryStore({self.uri!r}, nodes={self.graph.number_of_nodes()})"

    # -------------------------------------------------------------------- writes

    def apply(
        self,
        changes: ChangeSet,
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
        _save: bool = True,
    ) -> None:
        """Apply a validated change set; see :class:`~orgnet.graph.base.GraphStore`."""
        g = self.graph
        # networkx's own dicts, written directly: add_node/add_edge plus a lookup per
        # row cost 3x as much at city scale. A MultiDiGraph keeps node attributes in
        # _node, and one key dict per (u, v) shared by _succ[u][v] and _pred[v][u].
        node, succ, pred = g._node, g._succ, g._pred
        step = batch_size or 50_000
        with _bulk():
            for label, rows in changes.nodes.items():
                index = self._by_label[label]
                for start in range(0, len(rows), step):
                    for row in rows[start : start + step]:
                        node_id = row["id"]
                        attrs = dict(row)
                        del attrs["id"]
                        attrs["label"] = label
                        old = node.get(node_id)
                        if old is not None:
                            if old["label"] != label:
                                self._by_label[old["label"]].pop(node_id, None)
                            node[node_id] = attrs
                        else:
                            node[node_id] = attrs
                            succ[node_id] = {}
                            pred[node_id] = {}
                        index[node_id] = None
                    if progress:
                        progress(len(rows[start : start + step]))
            for batch in changes.field_rels:
                for owner in batch.owners:
                    if owner not in g:
                        continue
                    if batch.reverse:
                        stale = [
                            (u, owner) for u, keys in g.pred[owner].items() if batch.type in keys
                        ]
                    else:
                        stale = [
                            (owner, v) for v, keys in g.succ[owner].items() if batch.type in keys
                        ]
                    for u, v in stale:
                        g.remove_edge(u, v, key=batch.type)
                for src, dst in batch.edges:
                    _put_edge(succ, pred, src, dst, batch.type, {"type": batch.type})
                if progress:
                    progress(len(batch.edges))
            for rel_type, links in changes.links.items():
                key_of = link_key_function(rel_type)
                for link in links:
                    data = {"type": rel_type}
                    data.update(link.props)
                    _put_edge(succ, pred, link.src, link.dst, key_of(link.props), data)
                if progress:
                    progress(len(links))
        if _save:
            self._save()

    def delete(self, ids: Sequence[str]) -> int:
        """Remove these nodes and their relationships; return how many existed."""
        removed = 0
        for node_id in ids:
            if node_id in self.graph:
                label = self.graph.nodes[node_id]["label"]
                self._by_label[label].pop(node_id, None)
                self.graph.remove_node(node_id)
                removed += 1
        if removed:
            self._save()
        return removed

    def clear(self) -> None:
        """Remove every node and relationship."""
        self.graph.clear()
        for index in self._by_label.values():
            index.clear()
        self._save()

    # --------------------------------------------------------------------- reads

    def ids(self, label: str) -> Iterable[str]:
        """Ids of the nodes of one label, in insertion order."""
        return self._by_label[label].keys()

    def label_of(self, node_id: str) -> str | None:
        """Label of a node, ``None`` when absent."""
        data = self.graph.nodes.get(node_id)
        return None if data is None else str(data["label"])

    def lookup(self, ids: Iterable[str]) -> dict[str, NodeInfo]:
        nodes = self.graph.nodes
        found: dict[str, NodeInfo] = {}
        for node_id in ids:
            data = nodes.get(node_id)
            if data is not None:
                found[node_id] = NodeInfo(data["label"], data.get("level") if data["label"] == "Area" else None)
        return found

    def parent(self, node_id: str, rel_type: str) -> str | None:
        """The end of ``node_id``'s (single) outgoing relationship of a field type.

        Queries call this in their hot loops: it reads networkx's adjacency dict
        directly rather than through the ``succ`` view.
        """
        for v, keys in self.graph._succ[node_id].items():
            if rel_type in keys:
                return str(v)
        return None

    def org_parents(self) -> dict[str, str | None]:
        return {o: self.parent(o, "UNDER") for o in self._by_label["Org"]}

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        nodes = self.graph.nodes
        return {a: (nodes[a]["level"], self.parent(a, "PART_OF")) for a in self._by_label["Area"]}

    def counts(self) -> dict[str, int]:
        result = {label: len(ids) for label, ids in sorted(self._by_label.items()) if ids}
        per_type: dict[str, int] = {}
        for _, _, data in self.graph.edges(data=True):
            per_type[data["type"]] = per_type.get(data["type"], 0) + 1
        result.update(sorted(per_type.items()))
        return result

    def iter_nodes(self, label: str) -> Iterator[dict[str, Any]]:
        nodes = self.graph.nodes
        for node_id in sorted(self._by_label[label]):
            row = {"id": node_id}
            row.update((k, v) for k, v in nodes[node_id].items() if k != "label")
            yield row

    def iter_links(self, rel_type: str) -> Iterator[LinkRow]:
        rows = [
            LinkRow(u, v, {k: x for k, x in d.items() if k != "type"})
            for u, v, d in self.graph.edges(data=True)
            if d["type"] == rel_type
        ]
        rows.sort(key=lambda r: (r.src, r.dst, sorted(r.props.items(), key=str)))
        return iter(rows)

    # ------------------------------------------------------------------ lifecycle

    def _save(self) -> None:
        if self._path is not None:
            from orgnet.graph.snapshot import write_snapshot

            write_snapshot(self, self._path)

    def close(self) -> None:
        """Release the store; a file store is already saved after every write."""
        self._closed = True
