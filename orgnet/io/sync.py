"""Bringing a store up to date with a load: which stored nodes a ``sync`` load removes.

``load_folder(path, sync=True)`` makes the store's nodes of each kind present in
the load, within the areas the load covers, equal to the load:

* the kinds are those with at least one row in the load (a load without a
  people file leaves people alone);
* the areas covered are the subtrees of the topmost areas in the load's areas
  file (rejected rows included, placed as the store has them); a load without
  areas covers the whole store;
* a node lies in an area through its anchor: an area itself; a building by its
  grid; a household by its building; a person by their household, else their
  org, else their unit; an org by the area it covers, else its unit; a unit,
  site, activity or alliance by its area; a matter by who raised it. Nodes with
  no anchor are in scope only when the load covers the whole store.

Stored nodes of those kinds, in scope and absent from the load, are removed with
their relationships. Everything here goes through the store protocol
(:class:`~orgnet.graph.base.GraphStore`), so both backends behave the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from orgnet.graph.base import GraphStore
from orgnet.model import FILES, Node

__all__ = ["plan_sync"]

_ANCHOR_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    # label -> (field, label of what it names), tried in order
    "Building": (("grid_id", "Area"),),
    "Household": (("building_id", "Building"),),
    "Person": (("household_id", "Household"), ("org_id", "Org"), ("unit_id", "Unit")),
    "Org": (("area_id", "Area"), ("unit_id", "Unit")),
    "Unit": (("area_id", "Area"),),
    "Site": (("area_id", "Area"),),
    "Activity": (("area_id", "Area"),),
    "Alliance": (("area_id", "Area"),),
    "Matter": (("raised_by", "*"),),
}


class _View:
    """Node properties of the store with the load's rows laid over them, read lazily per label."""

    def __init__(self, store: GraphStore, loaded: dict[str, list[dict[str, Any]]]) -> None:
        self.store = store
        self.loaded = loaded
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {}
        self.label_of: dict[str, str] = {}

    def of(self, label: str) -> dict[str, dict[str, Any]]:
        got = self.nodes.get(label)
        if got is None:
            got = {row["id"]: row for row in self.store.iter_nodes(label)}
            for row in self.loaded.get(label, ()):
                got[row["id"]] = row
            for node_id in got:
                self.label_of.setdefault(node_id, label)
            self.nodes[label] = got
        return got


def plan_sync(
    store: GraphStore,
    loaded: dict[str, list[dict[str, Any]]],
    present: dict[str, set[str]],
) -> dict[str, list[str]]:
    """Stored node ids a sync load removes, per label.

    Parameters
    ----------
    loaded : dict
        Label -> the checked node rows the load writes.
    present : dict
        Label -> every id the load names for that label (rejected rows included,
        so a row with a typo never removes its node).
    """
    view = _View(store, loaded)
    areas = view.of("Area")
    parent = {i: row.get("parent_id") for i, row in areas.items()}
    # the areas the load names, rejected rows included: a district's folder whose one area row
    # was rejected covers that district (where the store has it), not the whole store
    load_areas = set(present.get("Area", ())) | {row["id"] for row in loaded.get("Area", ())}
    scope: set[str] | None = None
    if load_areas:
        roots = {a for a in load_areas if parent.get(a) not in load_areas}
        scope = set()
        for area in areas:
            if _under(area, roots, parent):
                scope.add(area)
    removed: dict[str, list[str]] = {}
    for model in FILES.values():
        if not issubclass(model, Node) or not present.get(model.LABEL):
            continue
        label = model.LABEL
        keep = present[label]
        gone = []
        for node_id in sorted(view.of(label)):
            if node_id in keep:
                continue
            if scope is None or _anchor(view, label, node_id, 0) in scope:
                gone.append(node_id)
        if gone:
            removed[label] = gone
    return removed


def _under(area: str, roots: set[str], parent: dict[str, Any]) -> bool:
    seen = 0
    node: Any = area
    while node is not None and seen < 64:
        if node in roots:
            return True
        node = parent.get(node)
        seen += 1
    return False


def _anchor(view: _View, label: str, node_id: str, depth: int) -> str | None:
    """The area a node lies in, or None."""
    if label == "Area":
        return node_id
    if depth > 6:
        return None
    row = view.of(label).get(node_id)
    if row is None:
        return None
    for fieldname, target in _ANCHOR_FIELDS.get(label, ()):
        ref = row.get(fieldname)
        if ref is None:
            continue
        labels: Iterable[str] = ("Person", "Household") if target == "*" else (target,)
        for candidate in labels:
            if candidate == "Area" or ref in view.of(candidate):
                found = _anchor(view, candidate, ref, depth + 1)
                if found is not None:
                    return found
    return None
