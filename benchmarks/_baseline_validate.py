"""BASELINE for benchmarks/validate_speed.py: orgnet/io/validate.py as it was before column-wise checking
(commit 15c1caf), kept verbatim so the benchmark times today's check against it in the same process.

Validate rows and plan the writes of a load.

Two stages, both before anything is written:

1. **Rows** (:func:`validate_table`): every row against its model's fields.
   Row validation uses a ``TypeAdapter`` over a ``TypedDict`` derived from the
   model (same annotated field types, ~9x faster than a model per row and no
   object kept per row; see benchmarks/RESULTS.md).
2. **Structure** (:func:`plan_load`): ids unique across the graph, every
   reference resolves to a node of the right kind (in the batch or already in
   the store), ``PART_OF`` goes strictly up the levels, ``UNDER`` has no cycle.
   With ``skip``, a rejected node also rejects the rows that reference it,
   until nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, NotRequired, cast

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined
from typing_extensions import TypedDict

from orgnet.errors import InvalidData, Reject
from orgnet.graph.base import ChangeSet, FieldRelBatch, GraphStore, LinkRow, NodeInfo
from orgnet.model import (
    FIELD_RELATIONSHIPS,
    FILES,
    LEVEL_RANK,
    PERSONAL_FIELDS,
    FieldRel,
    Link,
    Node,
)

__all__ = ["Table", "validate_table", "plan_load"]


@dataclass
class Table:
    """Validated rows of one file: plain values, absent values left out."""

    file: str
    source: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


@cache
def _adapter(file: str) -> TypeAdapter[list[dict[str, Any]]]:
    model = FILES[file]
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        ann: Any = info.annotation
        if info.metadata:
            ann = Annotated.__class_getitem__((ann, *info.metadata))  # type: ignore[attr-defined]
        fields[name] = ann if info.is_required() else NotRequired[ann]
    row_type = TypedDict(f"{model.__name__}Row", fields)  # type: ignore[misc]
    row_type.__pydantic_config__ = ConfigDict(  # type: ignore[attr-defined]
        extra="forbid", use_enum_values=True, str_strip_whitespace=True
    )
    return cast(TypeAdapter[list[dict[str, Any]]], TypeAdapter(list[row_type]))


@cache
def _defaults(file: str) -> dict[str, Any]:
    return {
        name: info.default
        for name, info in FILES[file].model_fields.items()
        if info.default is not None and info.default is not PydanticUndefined
    }


def _reason(file: str, err: dict[str, Any], fieldname: str) -> str:
    kind = err["type"]
    if kind == "missing":
        return "a value is required here"
    if kind == "extra_forbidden":
        return f"unknown field; {file} has {', '.join(FILES[file].model_fields)}"
    msg = str(err["msg"])
    if (file, fieldname) in PERSONAL_FIELDS:
        return msg
    return f"{msg}; got {err.get('input')!r}"


def validate_table(
    file: str, source: str, rows: list[dict[str, Any]], numbers: list[int]
) -> tuple[Table, list[Reject]]:
    """Validate raw rows of one file; return the valid rows and one reject per bad field.

    Examples
    --------
    >>> table, rejects = validate_table("areas", "areas.csv",
    ...     [{"id": "ZJ", "level": "市"}, {"id": "X", "level": "省"}], [2, 3])
    >>> table.rows, [(r.row, r.field) for r in rejects]
    ([{'id': 'ZJ', 'level': 'city'}], [(3, 'level')])
    """
    adapter = _adapter(file)
    rejects: list[Reject] = []
    try:
        good = adapter.validate_python(rows)
        keep = list(range(len(rows)))
    except ValidationError as exc:
        bad: set[int] = set()
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            index = int(loc[0]) if loc else 0
            fieldname = str(loc[1]) if len(loc) > 1 else ""
            bad.add(index)
            rejects.append(
                Reject(file=source, row=numbers[index], field=fieldname, type=err["type"],
                       reason=_reason(file, cast(dict[str, Any], err), fieldname))
            )
        keep = [i for i in range(len(rows)) if i not in bad]
        good = adapter.validate_python([rows[i] for i in keep])
    defaults = _defaults(file)
    table = Table(file, source)
    for i, row in zip(keep, good):
        clean = {k: v for k, v in row.items() if v is not None}
        for k, v in defaults.items():
            clean.setdefault(k, v)
        table.rows.append(clean)
        table.numbers.append(numbers[i])
    return table, rejects


# ----------------------------------------------------------------- structure


_FIELD_RELS: dict[str, list[FieldRel]] = {}
for _rel in FIELD_RELATIONSHIPS:
    _FIELD_RELS.setdefault(_rel.label, []).append(_rel)


def _kinds_text(kinds: tuple[str, ...], level: str | None) -> str:
    text = " or ".join(kinds)
    return f"an {text} of level {level}" if level else f"a {text}" if kinds[0][0] not in "AEIOU" else f"an {text}"


def _check_target(
    info: NodeInfo | None, target: str, kinds: tuple[str, ...], level: str | None,
    dropped: str | None = None,
) -> tuple[str, str] | None:
    """None when the target fits, else (type, reason)."""
    if info is None and dropped is not None:
        return "rejected_reference", f"refers to {target!r}, which was rejected ({dropped})"
    if info is None:
        return "unresolved", f"refers to {target!r}, which is neither in this load nor in the store"
    if info.label not in kinds:
        return "wrong_kind", f"refers to {target!r}, a {info.label}; expected {_kinds_text(kinds, level)}"
    if level is not None and info.level != level:
        return "wrong_level", f"refers to {target!r}, an Area of level {info.level}; expected {_kinds_text(kinds, level)}"
    return None


def plan_load(
    tables: list[Table], store: GraphStore, *, mode: str = "raise", unchecked: frozenset[str] = frozenset()
) -> tuple[ChangeSet, dict[str, int], list[Reject]]:
    """Check the structural rules against the batch and the store, and plan the writes.

    Returns the change set, the number of rows kept per file, and the rejects.

    ``mode``: ``"raise"`` raises :class:`~orgnet.errors.InvalidData` on any
    problem, naming the root problems only; ``"report"`` returns those root
    problems without raising (what ``validate`` shows); ``"skip"`` also rejects
    every row that refers to a rejected row, until nothing changes, and plans
    the rest. References to ``unchecked`` ids (rows that failed validation of
    their own) are not reported again.
    """
    skip = mode == "skip"
    problems: list[Reject] = []
    rejected: list[set[int]] = [set() for _ in tables]

    def reject(ti: int, ri: int, fieldname: str, kind: str, reason: str) -> None:
        rejected[ti].add(ri)
        t = tables[ti]
        problems.append(Reject(file=t.source, row=t.numbers[ri], field=fieldname, type=kind, reason=reason))

    # 1. ids unique within the batch
    batch: dict[str, tuple[int, int]] = {}
    labels: list[str | None] = []
    for ti, t in enumerate(tables):
        model = FILES[t.file]
        label = model.LABEL if issubclass(model, Node) else None
        labels.append(label)
        if label is None:
            continue
        for ri, row in enumerate(t.rows):
            first = batch.get(row["id"])
            if first is not None:
                ft = tables[first[0]]
                reject(ti, ri, "id", "duplicate_id",
                       f"id {row['id']!r} is used again (first in {ft.source}, row {ft.numbers[first[1]]}); "
                       "ids must be unique across the whole graph")
            else:
                batch[row["id"]] = (ti, ri)

    # 2. what the store already holds of the ids this load names
    wanted: set[str] = set(batch)
    for ti, t in enumerate(tables):
        model = FILES[t.file]
        if labels[ti] is not None:
            for rel in _FIELD_RELS.get(labels[ti] or "", ()):
                wanted.update(row[rel.field] for row in t.rows if rel.field in row)
        else:
            link = cast(type[Link], model)
            wanted.update(row[link.SOURCE] for row in t.rows)
            wanted.update(row[link.TARGET] for row in t.rows)
    stored = store.lookup(sorted(wanted))
    for node_id, (ti, ri) in batch.items():
        old = stored.get(node_id)
        if old is not None and old.label != labels[ti]:
            reject(ti, ri, "id", "duplicate_id",
                   f"id {node_id!r} already belongs to a {old.label} in the store; "
                   "ids must be unique across the whole graph")

    org_parents: dict[str, str | None] | None = None
    if any(labels[ti] == "Org" for ti in range(len(tables))):
        org_parents = store.org_parents()

    # 3. references, levels and cycles, repeated while rejections cascade
    while True:
        before = sum(len(r) for r in rejected)

        def resolve(node_id: str) -> NodeInfo | None:
            # Without skip, rows rejected in this pass still resolve: the error then
            # lists the root problems only, not everything that hangs off them.
            hit = batch.get(node_id)
            if hit is not None and (not skip or hit[1] not in rejected[hit[0]]):
                row = tables[hit[0]].rows[hit[1]]
                label = labels[hit[0]] or ""
                return NodeInfo(label, row.get("level") if label == "Area" else None)
            return stored.get(node_id)

        def dropped(node_id: str) -> str | None:
            hit = batch.get(node_id)
            if hit is None or hit[1] not in rejected[hit[0]]:
                return None
            return f"{tables[hit[0]].source} row {tables[hit[0]].numbers[hit[1]]}"

        def check(target: str, kinds: tuple[str, ...], level: str | None) -> tuple[str, str] | None:
            if target in unchecked:
                return None
            return _check_target(resolve(target), target, kinds, level, dropped(target))

        for ti, t in enumerate(tables):
            model = FILES[t.file]
            gone = rejected[ti]
            if labels[ti] is not None:
                rels = _FIELD_RELS.get(labels[ti] or "", [])
                for ri, row in enumerate(t.rows):
                    if ri in gone:
                        continue
                    for rel in rels:
                        target = row.get(rel.field)
                        if target is None:
                            continue
                        info = resolve(target)
                        bad = check(target, rel.target_kinds, rel.target_level)
                        if bad is None and rel.type == "PART_OF" and info is not None:
                            if LEVEL_RANK.get(info.level or "", 99) >= LEVEL_RANK[row["level"]]:
                                bad = ("level_order",
                                       f"a {row['level']} cannot be part of {target!r}, a {info.level}; "
                                       "PART_OF must go up the levels city > district > subdistrict > community > grid")
                        if bad is not None:
                            reject(ti, ri, rel.field, *bad)
                            break
            else:
                link = cast(type[Link], model)
                for ri, row in enumerate(t.rows):
                    if ri in gone:
                        continue
                    for fname, kinds, level in (
                        (link.SOURCE, link.SOURCE_KINDS, None),
                        (link.TARGET, link.TARGET_KINDS, link.TARGET_LEVEL),
                    ):
                        bad = check(row[fname], kinds, level)
                        if bad is not None:
                            reject(ti, ri, fname, *bad)
                            break

        if org_parents is not None:
            parents = dict(org_parents)
            for ti, t in enumerate(tables):
                if labels[ti] == "Org":
                    for ri, row in enumerate(t.rows):
                        if ri not in rejected[ti]:
                            parents[row["id"]] = row.get("parent_id")
            for cycle in _cycles(parents):
                for org in cycle:
                    hit = batch.get(org)
                    if hit is not None and hit[1] not in rejected[hit[0]]:
                        reject(hit[0], hit[1], "parent_id", "cycle",
                               "UNDER would form a cycle: " + " -> ".join([*cycle, cycle[0]])
                               + "; an org cannot be under itself")

        if mode == "raise" and problems:
            raise InvalidData(sorted(problems, key=lambda p: (p.file, p.row, p.field)))
        if not skip or sum(len(r) for r in rejected) == before:
            break

    return _changes(tables, labels, rejected), _kept(tables, rejected), problems


def _cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """Every cycle in a parent map, each listed from its smallest id."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for start in parents:
        if start in state:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            on_path[node] = len(path)
            path.append(node)
            node = parents.get(node)
        if node is not None and node in on_path:
            cycle = path[on_path[node]:]
            i = cycle.index(min(cycle))
            cycles.append(cycle[i:] + cycle[:i])
        for n in path:
            state[n] = 2
    return cycles


def _kept(tables: list[Table], rejected: list[set[int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t, gone in zip(tables, rejected):
        if t.rows or gone:
            counts[t.file] = counts.get(t.file, 0) + len(t.rows) - len(gone)
    return {name: counts[name] for name in FILES if name in counts}


def _changes(tables: list[Table], labels: list[str | None], rejected: list[set[int]]) -> ChangeSet:
    changes = ChangeSet()
    field_batches: dict[tuple[str, str], FieldRelBatch] = {}
    for ti, t in enumerate(tables):
        gone = rejected[ti]
        rows = [row for ri, row in enumerate(t.rows) if ri not in gone]
        label = labels[ti]
        if label is not None:
            changes.nodes.setdefault(label, []).extend(rows)
            for rel in _FIELD_RELS.get(label, []):
                key = (label, rel.field)
                batch = field_batches.get(key)
                if batch is None:
                    batch = field_batches[key] = FieldRelBatch(rel.type, rel.reverse, [], [])
                for row in rows:
                    batch.owners.append(row["id"])
                    target = row.get(rel.field)
                    if target is not None:
                        batch.edges.append((target, row["id"]) if rel.reverse else (row["id"], target))
        else:
            link = cast(type[Link], FILES[t.file])
            merged: dict[tuple[Any, ...], LinkRow] = {}
            for row in rows:
                props = {k: v for k, v in row.items() if k not in (link.SOURCE, link.TARGET)}
                ident = (row[link.SOURCE], row[link.TARGET], *(props.get(k) for k in link.KEY))
                merged[ident] = LinkRow(row[link.SOURCE], row[link.TARGET], props)
            changes.links.setdefault(link.TYPE, []).extend(merged.values())
    changes.field_rels = list(field_batches.values())
    return changes
