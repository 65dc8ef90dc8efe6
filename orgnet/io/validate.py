"""Check rows and plan the writes of a load, column by column.

Two stages, both before anything is written:

1. **Values** (:func:`validate_table`): every column of a file at once. Values
   already in their canonical form (ASCII ids, ISO dates, identifiers of an
   enum, whole numbers in range) are recognised with vectorised pyarrow
   kernels; only the others go through the field's parser in
   :mod:`orgnet.model` (the same function the pydantic models use), so a
   Chinese label, ``2023年5月1日`` or ``1001.0`` costs a Python call and a clean
   ISO value does not. No object is built per row.
2. **Structure** (:func:`plan_load`): ids unique across the graph (a hash
   join), every reference resolves to a node of the right kind and level (in
   the batch or already in the store; vectorised lookups), roles sit on the
   kind they need (:data:`orgnet.model.ROLE_TARGETS`), ``PART_OF`` goes
   strictly up the levels, neither ``UNDER`` nor ``PART_OF`` has a cycle with
   what the store holds, an area's new level still fits what the store keeps
   under it and on it, and two rows for the same relationship do not disagree.
   With ``skip``, a rejected node also rejects the rows that reference it,
   until nothing changes.
"""

from __future__ import annotations

import datetime as _dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, compress, repeat
from typing import Any, cast

import numpy as np
import pandas as pd
from pydantic_core import PydanticCustomError, PydanticUndefined

from orgnet.errors import InvalidData, Reject
from orgnet.graph.base import ChangeSet, FieldRelBatch, GraphStore, LinkColumns, LinkRow, NodeInfo, Pairs
from orgnet.io.messages import order_problems, shown_value, with_article
from orgnet.limits import MAX_TEXT_BYTES
from orgnet.model import (
    FIELD_RELATIONSHIPS,
    FILES,
    LABELS,
    LEVEL_RANK,
    LINK_MODELS,
    NODE_MODELS,
    ROLE_TARGETS,
    FieldRel,
    Link,
    Node,
    _enum_of_field,
    _to_bool,
    _to_id,
    _to_int,
    _to_iso_date,
    _to_text,
    enum_parse_function,
)

__all__ = ["Table", "validate_table", "plan_load"]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while checking, and the objects made meanwhile frozen after.

    The rows allocate millions of small objects that hold no cycles; each collection would
    walk all of them (as the embedded store does for bulk inserts; figures in
    benchmarks/RESULTS.md, "Checking speed")."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


@dataclass
class Table:
    """Checked rows of one file: plain values, absent values left out."""

    file: str
    source: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    """Field -> the header the user wrote, for messages."""
    _columns: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _present: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def column(self, name: str) -> list[Any]:
        """The values of one field, row by row (None where absent)."""
        col = self._columns.get(name)
        if col is None:
            col = self._columns[name] = list(map(dict.get, self.rows, repeat(name)))
        return col


# ------------------------------------------------------------------ value checks


@dataclass(frozen=True)
class _Spec:
    kind: str  # id, text, enum, date, bool, int
    required: bool
    parse: Callable[[Any], Any]
    canonical: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    default: Any = None


@cache
def _specs(file: str) -> dict[str, _Spec]:
    model = FILES[file]
    specs: dict[str, _Spec] = {}
    for name, info in model.model_fields.items():
        required = info.is_required()
        default = None if info.default is PydanticUndefined else info.default
        enum = _enum_of_field(info.annotation)
        meta = {type(m).__name__: m for m in info.metadata}
        if enum is not None:
            specs[name] = _Spec("enum", required, enum_parse_function(enum), tuple(m.value for m in enum),
                                default=default)
        elif name == "id" or name.endswith("_id") or name == "raised_by":
            specs[name] = _Spec("id", required, _to_id)
        elif name in ("is_member", "standardized", "reported"):
            specs[name] = _Spec("bool", required, _to_bool, default=default)
        elif name in ("date", "since", "until") or name.endswith("_at"):
            specs[name] = _Spec("date", required, _to_iso_date)
        elif name in ("year", "rating"):
            low = getattr(meta.get("Ge"), "ge", None)
            high = getattr(meta.get("Le"), "le", None)
            if name == "year":
                low, high = 1900, 2200
            specs[name] = _Spec("int", required, _to_int, low=low, high=high)
        else:
            specs[name] = _Spec("text", required, _to_text)
    return specs


_CANONICAL_ID = r"^[!-*,./:-~][!-~]{0,199}$"
"""An id the parser would return unchanged: 1-200 printable ASCII characters without a space,
the first not a digit, ``+`` or ``-`` (RE2 syntax; ``$`` is the end of the text)."""


def _fast_mask(spec: _Spec, col: list[Any]) -> tuple[np.ndarray, np.ndarray] | None:
    """(present, fine) boolean arrays, or None when the column is not all strings / ints / bools.

    Arrow memory comes from the C library's allocator, not pyarrow's default (mimalloc): the
    first million-row column a process converts cost about 1.4 s more with mimalloc on the
    benchmark machine, every later one nothing (benchmarks/RESULTS.md, "Checking speed").
    Passed per call, so the caller's own pyarrow settings are left alone.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    pool = pa.system_memory_pool()
    try:
        arr = pa.array(col, memory_pool=pool)
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        return None
    wanted = {"int": pa.int64(), "bool": pa.bool_()}.get(spec.kind, pa.string())
    if arr.type == pa.null():
        arr = arr.cast(wanted, memory_pool=pool)
    elif arr.type != wanted:
        return None
    present = arr.is_valid().to_numpy(zero_copy_only=False)
    if spec.kind == "bool":
        return present, present
    if spec.kind == "int":
        ok = pc.and_(pc.greater_equal(arr, spec.low if spec.low is not None else -(2**62), memory_pool=pool),
                     pc.less_equal(arr, spec.high if spec.high is not None else 2**62, memory_pool=pool),
                     memory_pool=pool)
    elif spec.kind == "id":
        # printable ASCII without spaces, 1-200 characters; those starting with a digit or sign
        # could be 1001.0 or 3.2E+14 and go through the parser (one RE2 pass, not five kernels)
        ok = pc.match_substring_regex(arr, _CANONICAL_ID, memory_pool=pool)
    elif spec.kind == "enum":
        ok = pc.is_in(arr, value_set=pa.array(spec.canonical, type=pa.string()), memory_pool=pool)
    elif spec.kind == "date":
        # strptime takes the year 0000, which Python's dates (the parser) do not: from 0001 on
        parsed = pc.strptime(arr, format="%Y-%m-%d", unit="s", error_is_null=True, memory_pool=pool)
        ok = pc.and_(pc.and_(pc.equal(pc.binary_length(arr, memory_pool=pool), 10, memory_pool=pool),
                             pc.greater_equal(arr, "0001-01-01", memory_pool=pool), memory_pool=pool),
                     pc.equal(pc.strftime(parsed, format="%Y-%m-%d", memory_pool=pool), arr,
                              memory_pool=pool),
                     memory_pool=pool)
    else:
        # Unicode-printable (no control characters, no line breaks), already stripped, not empty
        length = pc.binary_length(arr, memory_pool=pool)  # longer than MAX_TEXT_BYTES: the parser rejects it
        printable = pc.and_(pc.utf8_is_printable(arr, memory_pool=pool),
                            pc.greater(length, 0, memory_pool=pool), memory_pool=pool)
        trimmed = pc.and_(pc.equal(pc.utf8_trim_whitespace(arr, memory_pool=pool), arr, memory_pool=pool),
                          pc.less_equal(length, MAX_TEXT_BYTES, memory_pool=pool), memory_pool=pool)
        ok = pc.and_(printable, trimmed, memory_pool=pool)
    fine = ok.fill_null(False).to_numpy(zero_copy_only=False)
    return present, fine & present


def _error_text(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, PydanticCustomError):
        return exc.type, exc.message()
    return "invalid", "not a value this column takes"


def _reason(file: str, fieldname: str, kind: str, message: str, value: Any, spec: _Spec) -> str:
    if kind == "missing":
        return "a value is required here"
    if kind == "text_too_long":
        return message  # its size only: the value (perhaps personal data) is never echoed
    shown = shown_value(file, fieldname, value, is_id=spec.kind == "id")
    if spec.kind == "int" and kind in ("greater_than_equal", "less_than_equal", "int"):
        if kind == "greater_than_equal":
            message = f"Input should be greater than or equal to {spec.low}"
        elif kind == "less_than_equal":
            message = f"Input should be less than or equal to {spec.high}"
    return f"{message}; got {shown}" if shown is not None else message


def _check_int(spec: _Spec, value: Any) -> Any:
    number = spec.parse(value)
    if isinstance(number, bool) or not isinstance(number, int):
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        else:
            raise PydanticCustomError("int", "Input should be a valid integer (like 2023 or 5)")
    if spec.low is not None and number < spec.low:
        raise PydanticCustomError("greater_than_equal", "Input should be greater than or equal to {n}",
                                  {"n": spec.low})
    if spec.high is not None and number > spec.high:
        raise PydanticCustomError("less_than_equal", "Input should be less than or equal to {n}",
                                  {"n": spec.high})
    return number


def _parse_value(spec: _Spec, value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None  # an empty cell is an absent value
    if spec.kind == "int":
        return _check_int(spec, value)
    out = spec.parse(value)
    if spec.kind == "enum" and out is not None:
        return out.value
    if spec.kind == "text" and out is not None and not isinstance(out, str):
        raise PydanticCustomError("string_type", "expected text")
    if spec.kind == "date" and isinstance(out, _dt.date):  # pragma: no cover - parse returns text
        return out.isoformat()
    return out


def validate_table(
    file: str, source: str, rows: list[dict[str, Any]], numbers: list[int],
    headers: dict[str, str] | None = None,
) -> tuple[Table, list[Reject]]:
    """Check raw rows of one file; return the valid rows and one reject per bad field.

    ``headers`` (field -> the header the user wrote) names the user's column in
    messages.

    Examples
    --------
    >>> table, rejects = validate_table("areas", "areas.csv",
    ...     [{"id": "ZJ", "level": "市"}, {"id": "X", "level": "省"}], [2, 3])
    >>> table.rows, [(r.row, r.field) for r in rejects]
    ([{'id': 'ZJ', 'level': 'city'}], [(3, 'level')])
    """
    with _gc_paused():
        return _validate_table(file, source, rows, numbers, headers)


def _validate_table(
    file: str, source: str, rows: list[dict[str, Any]], numbers: list[int], headers: dict[str, str] | None,
) -> tuple[Table, list[Reject]]:
    specs = _specs(file)
    n = len(rows)
    rejects: list[Reject] = []
    bad: set[int] = set()
    changes: dict[int, dict[str, Any]] = {}

    def reject(i: int, fieldname: str, kind: str, reason: str) -> None:
        if headers and fieldname in headers and headers[fieldname] != fieldname:
            reason = f"{headers[fieldname]}: {reason}"
        bad.add(i)
        rejects.append(Reject(file=source, row=numbers[i], field=fieldname, type=kind, reason=reason))

    total_keys = sum(map(len, rows))
    present_values = 0
    columns: dict[str, list[Any]] = {}
    presence: dict[str, np.ndarray] = {}
    for name, spec in specs.items():
        col = list(map(dict.get, rows, repeat(name)))
        columns[name] = col
        masks = _fast_mask(spec, col)
        if masks is None:
            present = np.fromiter((v is not None for v in col), dtype=bool, count=n)
            fine = np.zeros(n, dtype=bool)
        else:
            present, fine = masks
        presence[name] = present
        present_values += int(present.sum())
        if spec.required:
            for i in np.flatnonzero(~present).tolist():
                reject(i, name, "missing", "a value is required here")
        elif spec.default is not None:
            for i in np.flatnonzero(~present).tolist():
                changes.setdefault(i, {})[name] = spec.default
        memo: dict[Any, tuple[bool, Any]] = {}
        for i in np.flatnonzero(present & ~fine).tolist():
            value = col[i]
            memo_key = (type(value), value) if isinstance(value, (str, int, float)) else None
            hit = memo.get(memo_key) if memo_key is not None else None
            if hit is None:
                try:
                    hit = (True, _parse_value(spec, value))
                except Exception as exc:  # noqa: BLE001 - any parser failure is a reject, never a crash
                    hit = (False, exc)
                if memo_key is not None:
                    memo[memo_key] = hit
            ok, out = hit
            if ok and out is None and spec.required:
                reject(i, name, "missing", "a value is required here")
            elif not ok:
                kind, message = _error_text(cast(Exception, out))
                reject(i, name, kind, _reason(file, name, kind, message, value, spec))
            elif out is None:
                changes.setdefault(i, {})[name] = None
            elif out != value or type(out) is not type(value):
                changes.setdefault(i, {})[name] = out
    if total_keys != present_values:  # keys that are not fields, or explicit None values
        unknown = set(chain.from_iterable(rows)) - specs.keys()
        if unknown:
            expected = ", ".join(specs)
            for i, row in enumerate(rows):
                for key in row:
                    if key in unknown:
                        shown = repr(key) if isinstance(key, str) and len(key) <= 32 else "a key"
                        reject(i, str(key)[:32], "extra_forbidden", f"unknown field {shown}; {file} has {expected}")
        for i, row in enumerate(rows):  # an explicit None is an absent value: the default, or left out
            if any(v is None for v in row.values()):
                changes.setdefault(i, {}).update(
                    {k: specs[k].default if k in specs else None for k, v in row.items() if v is None})
    table = Table(file, source, headers=dict(headers or {}))
    out_rows = table.rows
    out_numbers = table.numbers
    if not bad and not changes:
        out_rows.extend(rows)
        out_numbers.extend(numbers)
        table._columns.update(columns)
        table._present.update(presence)
    else:
        for i in range(n):
            if i in bad:
                continue
            change = changes.get(i)
            row = rows[i]
            if change is not None:
                row = {**row, **change}
                if None in change.values():
                    row = {k: v for k, v in row.items() if v is not None}
            out_rows.append(row)
            out_numbers.append(numbers[i])
    return table, sorted(rejects, key=lambda p: (p.row, p.field))


# ----------------------------------------------------------------- structure


_FIELD_RELS: dict[str, list[FieldRel]] = {}
for _rel in FIELD_RELATIONSHIPS:
    _FIELD_RELS.setdefault(_rel.label, []).append(_rel)

_LABEL_CODES: dict[str, int] = {label: i for i, label in enumerate(sorted(LABELS))}
_LEVEL_CODES: dict[str | None, int] = {None: -1, **{lvl: i for lvl, i in LEVEL_RANK.items()}}
_LEVEL_NAMES = {i: lvl for lvl, i in LEVEL_RANK.items()}
_LABEL_NAMES = {i: label for label, i in _LABEL_CODES.items()}


@dataclass(frozen=True)
class _AreaNeed:
    """What a stored relationship into an area needs of the area's level."""

    noun: str
    """What the relationship's start is called in messages (``building``, ``role``)."""
    file: str
    field: str
    """File and field the start's id comes from (whether a message may show it)."""
    owner: str | None
    """For a field relationship, the label whose row, sent again, replaces it."""
    level: str | None
    """The level the area must have; None: as the role needs (:data:`ROLE_TARGETS`)."""

    def fits(self, level: str, props: dict[str, Any]) -> bool:
        """Does an area of ``level`` still suit the relationship (with these properties)?"""
        if self.level is not None:
            return level == self.level
        levels = {lvl for kind, lvl in ROLE_TARGETS.get(props.get("role", ""), ()) if kind == "Area"}
        return not levels or None in levels or level in levels


def _area_needs() -> dict[str, _AreaNeed]:
    """Relationship type -> what it needs of the area it ends at, for the types that need a level."""
    files = {m.LABEL: m.FILE for m in NODE_MODELS}
    needs: dict[str, _AreaNeed] = {}
    for rel in FIELD_RELATIONSHIPS:
        if "Area" in rel.target_kinds and rel.target_level is not None and not rel.reverse:
            needs[rel.type] = _AreaNeed(rel.label.lower(), files[rel.label], "id", rel.label, rel.target_level)
    by_role = any(kind == "Area" and lvl is not None for allowed in ROLE_TARGETS.values() for kind, lvl in allowed)
    for link in LINK_MODELS:
        if "Area" in link.TARGET_KINDS and (link.TARGET_LEVEL is not None or (link.TYPE == "HOLDS_ROLE" and by_role)):
            needs[link.TYPE] = _AreaNeed(link.FILE.removesuffix("s"), link.FILE, link.SOURCE, None, link.TARGET_LEVEL)
    return needs


_AREA_NEEDS: dict[str, _AreaNeed] = _area_needs()
"""``IN`` (a building's grid), ``HOLDS_ROLE``, ``PAIRED_WITH``, ``REGISTERED_WITH``; ``PART_OF``
is checked from the area tree (a child must stay below its parent)."""
_AREA_OWNERS: tuple[str, ...] = ("Area", *dict.fromkeys(n.owner for n in _AREA_NEEDS.values() if n.owner))
"""Labels whose rows, sent again, replace a stored relationship that needs an area's level."""


def _kinds_text(kinds: tuple[str, ...], level: str | None) -> str:
    text = " or ".join(kinds)
    return f"an {text} of level {level}" if level else with_article(text)


def _check_target(
    info: NodeInfo | None, target: str, kinds: tuple[str, ...], level: str | None,
    dropped: str | None = None,
) -> tuple[str, str] | None:
    """None when the target fits, else (type, reason). ``target`` is the id as it may be shown."""
    if info is None and dropped is not None:
        return "rejected_reference", f"refers to {target}, which was rejected ({dropped})"
    if info is None:
        return "unresolved", f"refers to {target}, which is neither in this load nor in the store"
    if info.label not in kinds:
        return "wrong_kind", f"refers to {target}, {with_article(info.label)}; expected {_kinds_text(kinds, level)}"
    if level is not None and info.level != level:
        return "wrong_level", f"refers to {target}, an Area of level {info.level}; expected {_kinds_text(kinds, level)}"
    return None


def _present(col: list[Any]) -> np.ndarray:
    """True where a value is given."""
    out: np.ndarray = ~pd.isna(np.asarray(col, dtype=object))
    return out


def _take(arr: np.ndarray, pos: np.ndarray, fill: int) -> np.ndarray:
    """``arr[pos]`` where ``pos >= 0``, else ``fill``."""
    if not len(arr):
        return np.full(len(pos), fill, dtype=arr.dtype)
    out: np.ndarray = np.where(pos >= 0, arr[np.maximum(pos, 0)], fill)
    return out


class _Graph:
    """Every id the check can see: the batch's node rows, then the store's nodes they name."""

    def __init__(self, tables: list[Table], labels: list[str | None]) -> None:
        ids: list[Any] = []
        parts_ti: list[np.ndarray] = []
        parts_ri: list[np.ndarray] = []
        label_codes: list[np.ndarray] = []
        level_codes: list[np.ndarray] = []
        self.offset: dict[int, int] = {}
        """Table -> position of its first row (node tables only; rows are consecutive)."""
        for ti, (t, label) in enumerate(zip(tables, labels)):
            if label is None:
                continue
            col = t.column("id")
            self.offset[ti] = len(ids)
            ids.extend(col)
            parts_ti.append(np.full(len(col), ti, dtype=np.int32))
            parts_ri.append(np.arange(len(col), dtype=np.int64))
            label_codes.append(np.full(len(col), _LABEL_CODES[label], dtype=np.int8))
            if label == "Area":
                level_codes.append(np.array([_LEVEL_CODES.get(v, -1) for v in t.column("level")], dtype=np.int8))
            else:
                level_codes.append(np.full(len(col), -1, dtype=np.int8))
        self.ids: list[Any] = ids
        cat = np.concatenate
        self.row_ti = cat(parts_ti) if parts_ti else np.zeros(0, dtype=np.int32)
        self.row_ri = cat(parts_ri) if parts_ri else np.zeros(0, dtype=np.int64)
        self.label = cat(label_codes) if label_codes else np.zeros(0, dtype=np.int8)
        self.level = cat(level_codes) if level_codes else np.zeros(0, dtype=np.int8)
        self.batch_size = len(ids)
        # id -> position of its first row: a dict lookup per reference, done in C by map()
        self.index: dict[Any, int] = dict(zip(ids, range(len(ids))))
        if len(self.index) == len(ids):  # the usual case: every id once
            self.first = np.ones(len(ids), dtype=bool)
        else:
            self.index = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1)))
            self.first = self.positions(ids) == np.arange(len(ids))

    def add_stored(self, extra: list[str], stored: dict[str, NodeInfo]) -> None:
        """Add the store's nodes that the batch does not hold."""
        if not extra:
            return
        start = len(self.ids)
        self.ids = [*self.ids, *extra]
        self.index.update(zip(extra, range(start, start + len(extra))))
        self.row_ti = np.concatenate([self.row_ti, np.full(len(extra), -1, dtype=np.int32)])
        self.row_ri = np.concatenate([self.row_ri, np.full(len(extra), -1, dtype=np.int64)])
        self.label = np.concatenate([self.label, np.array([_LABEL_CODES[stored[i].label] for i in extra],
                                                          dtype=np.int8)])
        self.level = np.concatenate([self.level, np.array([_LEVEL_CODES.get(stored[i].level, -1) for i in extra],
                                                          dtype=np.int8)])
        self.first = np.concatenate([self.first, np.ones(len(extra), dtype=bool)])

    def positions(self, targets: list[Any]) -> np.ndarray:
        """Position of each target id in the arrays, -1 when unknown (or absent)."""
        get = self.index.get
        try:
            return np.fromiter(map(get, targets, repeat(-1)), dtype=np.int64, count=len(targets))
        except TypeError:  # an unhashable value: only in rows already rejected
            return np.array([get(t, -1) if isinstance(t, str) else -1 for t in targets], dtype=np.int64)


def plan_load(
    tables: list[Table], store: GraphStore, *, mode: str = "raise", unchecked: frozenset[str] = frozenset(),
    sync_present: dict[str, set[str]] | None = None,
) -> tuple[ChangeSet, dict[str, int], list[Reject]]:
    """Check the structural rules against the batch and the store, and plan the writes.

    Returns the change set, the number of rows kept per file, and the rejects.

    ``mode``: ``"raise"`` raises :class:`~orgnet.errors.InvalidData` on any
    problem, naming the root problems only; ``"report"`` returns those root
    problems without raising (what ``validate`` shows); ``"skip"`` also rejects
    every row that refers to a rejected row, until nothing changes, and plans
    the rest. References to ``unchecked`` ids (rows that failed validation of
    their own) are not reported again.

    ``sync_present`` (label -> every id the load names, as for
    :func:`orgnet.io.sync.plan_sync`) says the load is a sync load: stored
    things the sync will remove then hold no area to its old level or place.
    """
    with _gc_paused():
        return _Planner(tables, store, mode, unchecked, sync_present).run()


class _Planner:
    def __init__(self, tables: list[Table], store: GraphStore, mode: str, unchecked: frozenset[str],
                 sync_present: dict[str, set[str]] | None = None) -> None:
        self.tables = tables
        self.store = store
        self.mode = mode
        self.skip = mode == "skip"
        self.unchecked = unchecked
        self.sync_present = sync_present
        self.stored_areas = False
        """Does the store hold an area the batch names (so a stored area can take part in a check)?"""
        self._into: dict[str, list[tuple[str, LinkRow]]] = {}
        self._children: dict[str, list[str]] | None = None
        self._removed: tuple[int, set[str]] | None = None
        self.problems: list[Reject] = []
        self.rejected: list[set[int]] = [set() for _ in tables]
        self.duplicated_links: set[int] = set()
        self._pos: dict[tuple[int, str], np.ndarray] = {}
        self.labels: list[str | None] = []
        for t in tables:
            model = FILES[t.file]
            self.labels.append(model.LABEL if issubclass(model, Node) else None)

    def reject(self, ti: int, ri: int, fieldname: str, kind: str, reason: str) -> None:
        self.rejected[ti].add(ri)
        t = self.tables[ti]
        header = t.headers.get(fieldname)
        if header and header != fieldname:
            reason = f"{header}: {reason}"
        self.problems.append(Reject(file=t.source, row=t.numbers[ri], field=fieldname, type=kind, reason=reason))

    def _positions(self, ti: int, fieldname: str) -> np.ndarray:
        """Positions in the graph of a reference column's ids (-1: unknown or absent), once per column.

        The graph does not change once the store's nodes are added (:meth:`_stored`), so the
        positions serve every pass, the conflict check and the plan."""
        key = (ti, fieldname)
        pos = self._pos.get(key)
        if pos is None:
            pos = self._pos[key] = self.graph.positions(self.tables[ti].column(fieldname))
        return pos

    # ---------------------------------------------------------------- steps

    def run(self) -> tuple[ChangeSet, dict[str, int], list[Reject]]:
        graph = _Graph(self.tables, self.labels)
        self.graph = graph
        self._duplicates()
        self._stored()
        org_parents = self.store.org_parents() if "Org" in self.labels else None
        # the stored area tree only when a batch area row or reference names a stored area:
        # otherwise no PART_OF cycle can run through the store and no stored level changes
        area_tree = self.store.area_tree() if "Area" in self.labels and self.stored_areas else None
        self._conflicting_links()
        while True:
            before = sum(len(r) for r in self.rejected)
            alive = self._alive()
            for ti, t in enumerate(self.tables):
                if self.skip and ti:
                    alive = self._alive()  # rejections cascade within a pass, in load order
                if self.labels[ti] is not None:
                    self._field_refs(ti, t, alive)
                else:
                    self._link_refs(ti, t, alive)
            if org_parents is not None:
                self._cycles("Org", org_parents)
            if area_tree is not None:
                self._areas(area_tree)
            if self.mode == "raise" and self.problems:
                raise InvalidData(order_problems(self.problems))
            if not self.skip or sum(len(r) for r in self.rejected) == before:
                break
        return self._changes(), self._kept(), self.problems

    def _duplicates(self) -> None:
        g = self.graph
        dup = np.flatnonzero(~g.first[: g.batch_size])
        if not len(dup):
            return
        firsts: dict[Any, int] = {}
        for pos in np.flatnonzero(g.first[: g.batch_size]).tolist():
            firsts[g.ids[pos]] = pos
        for pos in dup.tolist():
            node_id = g.ids[pos]
            first = firsts[node_id]
            ft = self.tables[int(g.row_ti[first])]
            shown = shown_value(self.tables[int(g.row_ti[pos])].file, "id", node_id, is_id=True) or "(not shown)"
            self.reject(int(g.row_ti[pos]), int(g.row_ri[pos]), "id", "duplicate_id",
                        f"id {shown} is used again (first in {ft.source}, row {ft.numbers[int(g.row_ri[first])]}); "
                        "ids must be unique across the whole graph")

    def _targets(self) -> list[Any]:
        wanted: list[Any] = []
        for ti, t in enumerate(self.tables):
            if self.labels[ti] is not None:
                for rel in _FIELD_RELS.get(self.labels[ti] or "", ()):
                    wanted.extend(v for v in t.column(rel.field) if v is not None)
            else:
                link = cast(type[Link], FILES[t.file])
                wanted.extend(t.column(link.SOURCE))
                wanted.extend(t.column(link.TARGET))
        return wanted

    def _stored(self) -> None:
        g = self.graph
        stored: dict[str, NodeInfo] = {}
        if self.store.counts():
            names = sorted(set(self._targets()) | set(g.index))
            stored = self.store.lookup(names)
        self.stored_areas = any(info.label == "Area" for info in stored.values())
        names = list(stored)
        pos = g.positions(names)
        codes = np.array([_LABEL_CODES[stored[i].label] for i in names], dtype=np.int8)
        clash = np.flatnonzero((pos >= 0) & (_take(g.label, pos, -1) != codes))
        for k in clash.tolist():
            node_id, p = names[k], int(pos[k])
            shown = shown_value(self.tables[int(g.row_ti[p])].file, "id", node_id, is_id=True) or "(not shown)"
            self.reject(int(g.row_ti[p]), int(g.row_ri[p]), "id", "duplicate_id",
                        f"id {shown} already belongs to {with_article(stored[node_id].label)} in the store; "
                        "ids must be unique across the whole graph")
        g.add_stored([names[k] for k in np.flatnonzero(pos < 0).tolist()], stored)

    def _alive(self) -> np.ndarray:
        """Per position: does the id resolve (its row not rejected, in skip mode; not removed by a sync load)?"""
        g = self.graph
        alive = np.ones(len(g.ids), dtype=bool)
        if self.sync_present is not None and len(g.ids) > g.batch_size:
            # a stored node the sync removes does not resolve: a row of the load that refers to it
            # would be left pointing at nothing (its reference field kept, its relationship gone)
            gone_pos = g.positions(sorted(self._sync_removed()))
            alive[gone_pos[gone_pos >= g.batch_size]] = False
        if self.skip:
            for ti, gone in enumerate(self.rejected):
                if gone:
                    in_table = np.flatnonzero(g.row_ti == ti)
                    rows = g.row_ri[in_table]
                    alive[in_table[np.isin(rows, np.fromiter(gone, dtype=np.int64))]] = False
        return alive

    def _check_column(
        self, ti: int, t: Table, fieldname: str, allowed: list[tuple[str, str | None]],
        alive: np.ndarray, rows_mask: np.ndarray | None = None, context: str = "",
    ) -> np.ndarray:
        """Reject rows whose ``fieldname`` does not point at one of ``allowed``; return the positions."""
        g = self.graph
        col = t.column(fieldname)
        pos = self._positions(ti, fieldname)
        cached = t._present.get(fieldname)
        present = cached.copy() if cached is not None else _present(col)
        gone = self.rejected[ti]
        if rows_mask is not None:
            present &= rows_mask
        found = pos >= 0
        labels = _take(g.label, pos, -1)
        levels = _take(g.level, pos, -1)
        ok = np.zeros(len(col), dtype=bool)
        for label, level in allowed:
            fits = found & (labels == _LABEL_CODES[label])
            if level is not None:
                fits &= levels == _LEVEL_CODES[level]
            ok |= fits
        if len(alive):
            ok &= np.where(found, alive[np.maximum(pos, 0)], True)
        suspects = np.flatnonzero(present & ~ok)
        for ri in suspects.tolist():
            if ri in gone:
                continue
            target = col[ri]
            if target in self.unchecked:
                continue
            p = int(pos[ri])
            info = None
            dropped = None
            shown = shown_value(t.file, fieldname, target, is_id=True) or "an id (not shown: it looks like personal data)"
            if p >= 0:
                if alive[p]:
                    info = NodeInfo(_LABEL_NAMES[int(g.label[p])], _LEVEL_NAMES.get(int(g.level[p])))
                elif p >= g.batch_size:  # a stored node this sync load removes
                    self.reject(ti, ri, fieldname, "removed_by_sync",
                                f"refers to {shown}, which this sync load removes (the store holds it within "
                                "the areas the load covers, and the load does not name it); add it to the load, "
                                "or refer to another" + context)
                    continue
                else:
                    st = self.tables[int(g.row_ti[p])]
                    dropped = f"{st.source} row {st.numbers[int(g.row_ri[p])]}"
            kinds = tuple(dict.fromkeys(k for k, _ in allowed))
            level_set = {lvl for _, lvl in allowed}
            level = next(iter(level_set)) if len(level_set) == 1 else None
            bad = _check_target(info, shown, kinds, level, dropped)
            if bad is None and info is not None:  # a role with several (kind, level) choices
                bad = ("wrong_kind", f"refers to {shown}, {with_article(info.label)}"
                       + (f" of level {info.level}" if info.level else "")
                       + "; expected " + " or ".join(f"{k}" + (f" of level {lv}" if lv else "") for k, lv in allowed))
            if bad is not None:
                self.reject(ti, ri, fieldname, bad[0], bad[1] + context)
        return pos

    def _field_refs(self, ti: int, t: Table, alive: np.ndarray) -> None:
        g = self.graph
        for rel in _FIELD_RELS.get(self.labels[ti] or "", []):
            allowed = [(k, rel.target_level) for k in rel.target_kinds]
            pos = self._check_column(ti, t, rel.field, allowed, alive)
            if rel.type == "PART_OF":
                ranks = np.array([LEVEL_RANK.get(v, 99) for v in t.column("level")], dtype=np.int16)
                found = pos >= 0
                target_rank = np.where(found, _take(g.level, pos, 99), 99)
                wrong = found & (_take(g.label, pos, -1) == _LABEL_CODES["Area"]) & (
                    (target_rank >= ranks) | (target_rank < 0))
                for ri in np.flatnonzero(wrong).tolist():
                    if ri in self.rejected[ti]:
                        continue
                    target = t.rows[ri]["parent_id"]
                    level = _LEVEL_NAMES.get(int(target_rank[ri]))
                    self.reject(ti, ri, "parent_id", "level_order",
                                f"a {t.rows[ri]['level']} cannot be part of {target!r}, a {level}; "
                                "PART_OF must go up the levels city > district > subdistrict > community > grid")

    def _link_refs(self, ti: int, t: Table, alive: np.ndarray) -> None:
        link = cast(type[Link], FILES[t.file])
        self._check_column(ti, t, link.SOURCE, [(k, None) for k in link.SOURCE_KINDS], alive)
        before = set(self.rejected[ti])
        if link.TYPE == "HOLDS_ROLE":
            roles = np.array(t.column("role"), dtype=object)
            for role, allowed in ROLE_TARGETS.items():
                mask = roles == role
                if mask.any():
                    held_on = " or ".join(k + (f" of level {lv}" if lv else "") for k, lv in allowed)
                    self._check_column(ti, t, link.TARGET, list(allowed), alive,
                                       rows_mask=mask & self._open(ti, before),
                                       context=f" (a {role} role is held on {with_article(held_on)}; see the role "
                                       "table in the docs)")
        else:
            self._check_column(ti, t, link.TARGET, [(k, link.TARGET_LEVEL) for k in link.TARGET_KINDS], alive,
                               rows_mask=self._open(ti, before))

    def _open(self, ti: int, gone: set[int]) -> np.ndarray:
        mask = np.ones(len(self.tables[ti].rows), dtype=bool)
        if gone:
            mask[np.fromiter(gone, dtype=np.int64)] = False
        return mask

    def _conflicting_links(self) -> None:
        """Two rows for the same relationship whose other properties differ: both rows named."""
        for ti, t in enumerate(self.tables):
            if self.labels[ti] is not None or len(t.rows) < 2:
                continue
            link = cast(type[Link], FILES[t.file])
            keys = [link.SOURCE, link.TARGET, *link.KEY]
            if self._distinct(ti, link):
                continue  # no two rows for one relationship (the usual case)
            frame = pd.DataFrame({k: pd.Series(t.column(k), dtype=object) for k in keys})
            dup = frame.duplicated(keep=False).to_numpy()
            if not dup.any():
                continue
            self.duplicated_links.add(ti)
            first: dict[tuple[Any, ...], int] = {}
            for ri in np.flatnonzero(dup).tolist():
                ident = tuple(t.rows[ri].get(k) for k in keys)
                if ident not in first:
                    first[ident] = ri
                    continue
                fi = first[ident]
                a, b = t.rows[fi], t.rows[ri]
                differ = sorted(k for k in set(a) | set(b) if k not in keys and a.get(k) != b.get(k))
                if differ:
                    self.reject(ti, ri, differ[0], "conflicting_duplicate",
                                f"the same relationship as row {t.numbers[fi]} ({', '.join(keys)} equal) but "
                                f"with a different {', '.join(differ)}; keep one of rows {t.numbers[fi]} and "
                                f"{t.numbers[ri]}")

    def _distinct(self, ti: int, link: type[Link]) -> bool:
        """True when no two rows of a link table name the same relationship (ends and key)."""
        t = self.tables[ti]
        spos = self._positions(ti, link.SOURCE)
        dpos = self._positions(ti, link.TARGET)
        if len(spos) and (spos.min() < 0 or dpos.min() < 0):  # an end not known (or absent): compare ids
            keys = [link.SOURCE, link.TARGET, *link.KEY]
            return len(set(zip(*(t.column(k) for k in keys)))) == len(t.rows)
        # distinct ids have distinct positions: compare integers
        combined = spos * (len(self.graph.ids) + 1) + dpos
        for k in link.KEY:
            codes, uniques = pd.factorize(pd.Series(t.column(k), dtype=object))  # absent: -1
            combined = combined * (len(uniques) + 1) + (codes + 1)
        ordered = np.sort(combined)
        return not bool((ordered[1:] == ordered[:-1]).any())

    def _kept_rows(self, label: str) -> dict[str, tuple[int, int]]:
        """Id -> (table, row) of the batch's rows of a label not rejected (the first of an id)."""
        batch: dict[str, tuple[int, int]] = {}
        for ti, t in enumerate(self.tables):
            if self.labels[ti] == label:
                gone = self.rejected[ti]
                for ri, node_id in enumerate(t.column("id")):
                    if ri not in gone:
                        batch.setdefault(node_id, (ti, ri))
        return batch

    def _cycles(self, label: str, stored_parents: dict[str, str | None]) -> None:
        """Reject the batch rows on a cycle of the parent relationship, batch and store together."""
        parents = dict(stored_parents)
        batch = self._kept_rows(label)
        for node_id, (ti, ri) in batch.items():
            parents[node_id] = self.tables[ti].rows[ri].get("parent_id")
        # with sync too: a stored area of a cycle that the sync would remove is the parent of
        # a batch row (or of stored areas under it, removed as well), so the row would dangle
        for cycle in _cycles(parents):
            stored = [node_id for node_id in cycle if node_id not in batch]
            for node_id in cycle:
                hit = batch.get(node_id)
                if hit is None or hit[1] in self.rejected[hit[0]]:
                    continue
                if label == "Org":
                    text = ("UNDER would form a cycle: " + " -> ".join([*cycle, cycle[0]])
                            + "; an org cannot be under itself")
                else:
                    text = ("PART_OF would form a cycle: " + " -> ".join([*cycle, cycle[0]])
                            + (f" ({', '.join(stored)} as the store holds {'them' if len(stored) > 1 else 'it'})"
                               if stored else "")
                            + "; an area cannot be part of itself: correct the parent, or send the areas "
                            "of the cycle again with theirs")
                self.reject(hit[0], hit[1], "parent_id", "cycle", text)

    def _areas(self, tree: dict[str, tuple[str, str | None]]) -> None:
        """Areas against the stored area tree: no PART_OF cycle, no level change stored things cannot follow.

        A batch area row that gives a stored area another level is rejected when the store
        keeps something that needs the old one and the batch does not send it again: a child
        area no longer below it, a building whose grid it no longer is, a role, pairing or
        registration that needs its level (a row sent again was checked against the new level
        already; with ``skip``, only a row kept counts as sent). With a sync load, what the
        sync removes needs nothing.
        """
        self._cycles("Area", {node_id: parent for node_id, (_, parent) in tree.items()})
        batch = self._kept_rows("Area")
        changed = {node_id: hit for node_id, hit in batch.items()
                   if node_id in tree and tree[node_id][0] != self.tables[hit[0]].rows[hit[1]]["level"]}
        if not changed:
            return  # the usual case: no stored area changes level, nothing more is read
        if self._children is None:
            self._children = {}
            for node_id, (_, parent) in tree.items():
                if parent is not None:
                    self._children.setdefault(parent, []).append(node_id)
        ask = sorted(changed.keys() - self._into.keys())
        if ask and _AREA_NEEDS:
            for node_id in ask:
                self._into[node_id] = []
            for rel_type, link in self.store.links_into(ask, sorted(_AREA_NEEDS)):
                self._into[link.dst].append((rel_type, link))
        # a row sent again was checked against the new level on its own; with skip only the rows
        # kept replace what the store holds (a rejected one leaves the stored node where it is)
        sent = {node_id for ti, t in enumerate(self.tables) if self.labels[ti] in _AREA_OWNERS
                for ri, node_id in enumerate(t.column("id")) if not self.skip or ri not in self.rejected[ti]}
        for node_id, (ti, ri) in changed.items():
            old, new = tree[node_id][0], self.tables[ti].rows[ri]["level"]
            rank = LEVEL_RANK[new]
            broken: dict[tuple[str, str, str, str | None], list[str]] = {}
            for child in self._children.get(node_id, ()):
                if child not in sent and LEVEL_RANK.get(tree[child][0], len(LEVEL_RANK)) <= rank:
                    broken.setdefault(("child area", "areas", "id", f"below a {new} or under another area"),
                                      []).append(child)
            for rel_type, link in self._into.get(node_id, ()):
                need = _AREA_NEEDS[rel_type]
                if need.owner is not None and link.src in sent:
                    continue  # the row sent again replaces the relationship
                if not need.fits(new, link.props):
                    resend = None if need.owner is None else f"with another {need.level}"
                    broken.setdefault((need.noun, need.file, need.field, resend), []).append(link.src)
            if broken and self.sync_present is not None:
                removed = self._sync_removed()  # a node the sync removes takes its relationships along
                broken = {k: kept for k, ids in broken.items() if (kept := [i for i in ids if i not in removed])}
            if broken:
                self.reject(ti, ri, "level", "level_change_breaks_stored",
                            _level_change_text(node_id, old, new, broken))

    def _sync_removed(self) -> set[str]:
        """The stored ids the sync would remove, given the rows kept so far (computed again after rejects)."""
        gone = sum(len(r) for r in self.rejected)
        if self._removed is None or self._removed[0] != gone:
            from orgnet.io.sync import plan_sync

            loaded: dict[str, list[dict[str, Any]]] = {}
            for ti, t in enumerate(self.tables):
                label = self.labels[ti]
                if label is not None:
                    rows = _keep_rows(t.rows, [ri for ri in range(len(t.rows)) if ri not in self.rejected[ti]])
                    loaded.setdefault(label, []).extend(rows)
            removed = plan_sync(self.store, loaded, self.sync_present or {})
            self._removed = (gone, {node_id for ids in removed.values() for node_id in ids})
        return self._removed[1]

    def _kept(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t, gone in zip(self.tables, self.rejected):
            if t.rows or gone:
                counts[t.file] = counts.get(t.file, 0) + len(t.rows) - len(gone)
        return {name: counts[name] for name in FILES if name in counts}

    def _changes(self) -> ChangeSet:
        """The writes, as columns, with each id's position in the graph (see :class:`ChangeSet`)."""
        g = self.graph
        changes = ChangeSet(vocabulary=g.ids, vocabulary_index=g.index if len(g.index) == len(g.ids) else None)
        # (label, field) -> type, reverse, owners, owner positions, starts, ends, start and end positions
        parts: dict[tuple[str, str], tuple[FieldRel, list[Any], list[np.ndarray], list[Any], list[Any],
                                           list[np.ndarray], list[np.ndarray]]] = {}
        node_pos: dict[str, list[np.ndarray]] = {}
        for ti, t in enumerate(self.tables):
            gone = self.rejected[ti]
            keep_list = [ri for ri in range(len(t.rows)) if ri not in gone] if gone else None
            keep = None if keep_list is None else np.array(keep_list, dtype=np.int64)

            rows = _keep_rows(t.rows, keep_list)
            label = self.labels[ti]
            if label is not None:
                changes.nodes.setdefault(label, []).extend(rows)
                own = g.offset[ti] + (np.arange(len(t.rows), dtype=np.int64) if keep is None else keep)
                node_pos.setdefault(label, []).append(own)
                ids = _keep_rows(t.column("id"), keep_list)
                for rel in _FIELD_RELS.get(label, []):
                    part = parts.get((label, rel.field))
                    if part is None:
                        part = parts[(label, rel.field)] = (rel, [], [], [], [], [], [])
                    _, owners, owner_pos, starts, ends, start_pos, end_pos = part
                    owners.extend(ids)
                    owner_pos.append(own)
                    targets = _keep_rows(t.column(rel.field), keep_list)
                    target_pos = _keep_pos(self._positions(ti, rel.field), keep)
                    own_pos = own
                    present = t._present.get(rel.field)
                    mask = (np.array([v is not None for v in targets], dtype=bool) if present is None
                            else _keep_pos(present, keep))
                    if not mask.all():  # only the rows that name one
                        given = mask.tolist()
                        targets = list(compress(targets, given))
                        target_ids = list(compress(ids, given))
                        target_pos, own_pos = target_pos[mask], own[mask]
                    else:
                        target_ids = ids
                    if rel.reverse:
                        starts.extend(targets)
                        ends.extend(target_ids)
                        start_pos.append(target_pos)
                        end_pos.append(own_pos)
                    else:
                        starts.extend(target_ids)
                        ends.extend(targets)
                        start_pos.append(own_pos)
                        end_pos.append(target_pos)
            else:
                link = cast(type[Link], FILES[t.file])
                src, dst = link.SOURCE, link.TARGET
                if ti not in self.duplicated_links and link.TYPE not in changes.links:
                    names = [k for k in link.model_fields if k not in (src, dst)]
                    changes.links[link.TYPE] = LinkColumns(
                        _keep_rows(t.column(src), keep_list), _keep_rows(t.column(dst), keep_list),
                        {k: _keep_rows(t.column(k), keep_list) for k in names},
                        _keep_pos(self._positions(ti, src), keep), _keep_pos(self._positions(ti, dst), keep))
                    continue
                merged: dict[tuple[Any, ...], LinkRow] = {}
                for row in rows:
                    props = _props(row, src, dst)
                    ident = (row[src], row[dst], *(props.get(k) for k in link.KEY))
                    merged[ident] = LinkRow(row[src], row[dst], props)
                changes.links[link.TYPE] = [*changes.links.get(link.TYPE, []), *merged.values()]
        cat = np.concatenate
        changes.node_positions = {label: cat(p) for label, p in node_pos.items()}
        changes.field_rels = [
            FieldRelBatch(rel.type, rel.reverse, owners, Pairs(starts, ends, cat(sp), cat(ep)), cat(op))
            for rel, owners, op, starts, ends, sp, ep in parts.values()
        ]
        return changes


def _level_change_text(area: str, old: str, new: str, broken: dict[tuple[str, str, str, str | None], list[str]]) -> str:
    """What a level change would leave wrong in the store, counted per kind with a few ids, and what to do.

    ``broken``: (noun, file, field of the shown id, what a row sent again needs or None for a
    link) -> the ids of the stored things.
    """
    order = sorted(broken, key=lambda k: (k[3] is None, k[0] != "child area", k[0]))
    parts = []
    for key in order:
        noun, file, fieldname, _ = key
        ids = sorted(broken[key])
        shown = [shown_value(file, fieldname, i, is_id=True) or "(not shown)" for i in ids[:3]]
        more = ", …" if len(ids) > 3 else ""
        parts.append(f"{len(ids)} {noun}{'' if len(ids) == 1 else 's'} ({', '.join(shown)}{more})")
    todo = [f"send the {noun}s again in this load {needs}" for noun, _, _, needs in order if needs is not None]
    links = [noun + "s" for noun, _, _, needs in order if needs is None]
    if links:
        todo.append(f"remove the {' and '.join(links)} first (each goes with the node it starts from: "
                    "delete that node, or leave it out of a sync load)")
    shown_area = shown_value("areas", "id", area, is_id=True) or "this area"
    return (f"gives {shown_area} the level {new} (stored: {old}), but the store keeps, outside this load, "
            f"what a {new} does not suit: {', '.join(parts)}; {'; '.join(todo)}; or keep the level {old}")


def _keep_rows(values: list[Any], keep: list[int] | None) -> list[Any]:
    return values if keep is None else [values[ri] for ri in keep]


def _keep_pos(pos: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    return pos if keep is None else pos[keep]


def _props(row: dict[str, Any], src: str, dst: str) -> dict[str, Any]:
    props = row.copy()
    del props[src], props[dst]
    return props


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
