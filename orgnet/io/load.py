"""Load a data folder, a workbook, a :class:`~orgnet.io.Dataset` or model instances into a store.

Everything is validated before the first write. With ``on_error="raise"`` (the
default) any problem raises :class:`~orgnet.errors.InvalidData` naming file,
row, field, value and what is expected, and the store is left as it was. With
``on_error="skip"`` the valid rows land and every rejected row is returned in
:attr:`LoadReport.rejects`. Loading the same data twice changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field

from orgnet.errors import InvalidArgument, InvalidData, InvalidInput, Reject
from orgnet.graph.base import GraphStore
from orgnet.io.dataset import Dataset
from orgnet.io.messages import format_groups, group_problems, order_problems
from orgnet.io.readers import RawTable, Reading, SourceFile, Unrecognised, read_source
from orgnet.io.validate import Table, plan_load, validate_table
from orgnet.model import FILES, Node, Record, _to_id

__all__ = [
    "LoadReport", "CheckReport", "load_folder", "load_records", "validate_folder", "check_folder",
    "delete_ids", "OnError",
]

log = logging.getLogger("orgnet.load")

OnError = Literal["raise", "skip"]


class LoadReport(BaseModel):
    """What a load wrote and what it rejected.

    Attributes
    ----------
    counts : dict of str to int
        Rows written per file (``areas``, ``people``, …), in load order.
    rejects : list of Reject
        Every rejected row, with file, row number, field and reason.
    seconds : float
        Wall time of the load.
    files : list of SourceFile
        Every file and sheet looked at: the kind it was read as and its rows,
        or why it was not read.
    warnings : list of Reject
        What was read but not used: ignored columns, skipped title rows, and
        (with ``unrecognised="warn"``) files and sheets with unknown names.
    removed : dict of str to list of str
        With ``sync=True``: per label, the ids removed (or, with ``dry_run``,
        that would be removed).
    dry_run : bool
        True when nothing was written.
    """

    counts: dict[str, int] = Field(default_factory=dict)
    rejects: list[Reject] = Field(default_factory=list)
    seconds: float = 0.0
    files: list[SourceFile] = Field(default_factory=list)
    warnings: list[Reject] = Field(default_factory=list)
    removed: dict[str, list[str]] = Field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.rejects

    def to_frame(self) -> pd.DataFrame:
        """The rejects as a DataFrame with columns file, row, field, type, reason."""
        return pd.DataFrame(
            [r.model_dump() for r in self.rejects], columns=["file", "row", "field", "reason", "type"]
        )[["file", "row", "field", "type", "reason"]]

    def __str__(self) -> str:
        total = sum(self.counts.values())
        verb = "would load" if self.dry_run else "loaded"
        text = f"{verb} {total} rows ({', '.join(f'{k} {v}' for k, v in self.counts.items())})"
        if self.rejects:
            text += f"; rejected {len(self.rejects)} (see .rejects)"
        gone = sum(len(v) for v in self.removed.values())
        if self.removed:
            text += f"; {'would remove' if self.dry_run else 'removed'} {gone} nodes no longer in the data"
        if self.warnings:
            text += f"; {len(self.warnings)} warning(s)"
        return text


class CheckReport(BaseModel):
    """What ``orgnet validate`` shows: the files read, the problems and the warnings."""

    files: list[SourceFile] = Field(default_factory=list)
    problems: list[Reject] = Field(default_factory=list)
    warnings: list[Reject] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is no problem (warnings allowed)."""
        return not self.problems

    def lines(self) -> list[str]:
        """Human-readable lines: files read, then problems (causes first, grouped), then warnings."""
        out = ["files:"]
        for f in self.files:
            if f.status == "read":
                out.append(f"  {f.source}: {f.kind}, {f.rows} row(s)")
            else:
                out.append(f"  {f.source}: {f.status}" + (f" ({f.note})" if f.note else ""))
        if self.problems:
            out.append(f"problems ({len(self.problems)}):")
            out.extend(format_groups(self.problems, limit=200))
        if self.warnings:
            out.append(f"warnings ({len(self.warnings)}):")
            out.extend(format_groups(self.warnings, limit=200))
        return out

    def to_json(self) -> str:
        """The report as JSON: files, problems (one per row), groups and warnings."""
        import json

        data = {
            "ok": self.ok,
            "files": [f.model_dump() for f in self.files],
            "problems": [p.model_dump() for p in self.problems],
            "groups": [g.model_dump() for g in group_problems(self.problems)],
            "warnings": [w.model_dump() for w in self.warnings],
        }
        return json.dumps(data, ensure_ascii=False, indent=1)


def _check_on_error(on_error: str) -> None:
    if on_error not in ("raise", "skip"):
        raise InvalidArgument(f"on_error must be 'raise' or 'skip', not {on_error!r}")


def _validate(raw_tables: list[RawTable], *, skip: bool) -> tuple[list[Table], list[Reject]]:
    tables: list[Table] = []
    problems: list[Reject] = []
    for raw in raw_tables:
        problems.extend(raw.problems)
        if raw.fatal:
            continue
        table, rejects = validate_table(raw.file, raw.source, raw.rows, raw.numbers, raw.headers or None)
        tables.append(table)
        problems.extend(rejects)
    if problems and not skip:
        raise InvalidInput(order_problems(problems), lines=format_groups(problems))
    return tables, problems


def _present_ids(raw_tables: list[RawTable]) -> dict[str, set[str]]:
    """Every id the load names per label, rejected rows included (sync never removes those)."""
    present: dict[str, set[str]] = {}
    for raw in raw_tables:
        model = FILES[raw.file]
        if not issubclass(model, Node):
            continue
        ids = present.setdefault(model.LABEL, set())
        for row in raw.rows:
            try:
                node_id = _to_id(row.get("id"))
            except Exception:  # noqa: BLE001 - an unreadable id names no stored node
                continue
            if node_id is not None:
                ids.add(node_id)
    return present


def _run(
    store: GraphStore,
    reading: Reading,
    *,
    on_error: str,
    batch_size: int | None,
    progress: bool | Callable[[int], None],
    sync: bool = False,
    dry_run: bool = False,
) -> LoadReport:
    _check_on_error(on_error)
    for name, flag in (("sync", sync), ("dry_run", dry_run)):
        if not isinstance(flag, bool):
            raise InvalidArgument(f"{name} must be True or False, not {flag!r}")
    start = time.perf_counter()
    skip = on_error == "skip"
    raw_tables = reading.tables
    if reading.problems and not skip:
        problems = order_problems(reading.problems)
        raise InvalidInput(problems, lines=format_groups(problems))
    tables, problems = _validate(raw_tables, skip=skip)
    for p in reading.problems:
        if p not in problems:
            problems.append(p)
    present = _present_ids(raw_tables) if sync else None
    try:
        changes, counts, structural = plan_load(tables, store, mode=on_error, sync_present=present)
    except InvalidInput:
        raise
    except InvalidData as exc:
        raise InvalidInput(exc.problems, lines=format_groups(exc.problems)) from None
    problems.extend(structural)
    removed: dict[str, list[str]] = {}
    if present is not None:
        from orgnet.io.sync import plan_sync

        removed = plan_sync(store, changes.nodes, present)
    if not dry_run:
        bar = None
        callback: Callable[[int], None] | None = None
        if callable(progress):
            callback = progress
        elif progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=changes.size(), unit=" writes", desc=f"loading into {store.uri}")
            callback = bar.update
        try:
            store.apply(changes, batch_size=batch_size, progress=callback)
        finally:
            if bar is not None:
                bar.close()
        gone = [i for ids in removed.values() for i in ids]
        if gone:
            store.delete(gone)
    report = LoadReport(
        counts=counts,
        rejects=order_problems(problems),
        seconds=time.perf_counter() - start,
        files=reading.files,
        warnings=reading.warnings,
        removed=removed,
        dry_run=dry_run,
    )
    log.info("%s into %s in %.2fs", report, store.uri, report.seconds)
    return report


def load_folder(
    store: GraphStore,
    source: str | Path,
    *,
    on_error: OnError = "raise",
    batch_size: int | None = None,
    progress: bool | Callable[[int], None] = False,
    sync: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
    header_row: int | None = None,
    unrecognised: Unrecognised = "error",
) -> LoadReport:
    """Load a data folder or ``.xlsx`` workbook(s) into a store.

    Parameters
    ----------
    store : GraphStore
    source : str or Path
        A folder of ``.csv`` / ``.jsonl`` / ``.xlsx`` files named after the
        kinds (``areas.csv``, ``区域.xlsx``), or one ``.xlsx`` workbook with a
        sheet per kind; English or Chinese names and headers.
    on_error : {"raise", "skip"}
        ``"raise"``: any problem raises :class:`~orgnet.errors.InvalidData` and
        nothing is written. ``"skip"``: load the valid rows, report the rest.
    batch_size : int, optional
        Rows per write batch (the backend's default when not given).
    progress : bool or callable
        Show a progress bar, or call ``progress(n)`` as rows are written.
    sync : bool
        Also remove the stored nodes of each kind in the load, within the areas
        the load covers, that the load no longer holds (see :mod:`orgnet.io.sync`).
    dry_run : bool
        Check and plan only: the report says what would load and (with
        ``sync``) what would be removed; nothing is written.
    encoding : str, optional
        Encoding of the CSV files (detected when not given: UTF-8 with or
        without BOM, GBK/GB18030, UTF-16).
    header_row : int, optional
        Row number of the header in every file (found when not given).
    unrecognised : {"error", "warn"}
        A data file or sheet whose name is not a kind: a problem (default) or
        a warning.

    Returns
    -------
    LoadReport

    Examples
    --------
    >>> import tempfile, orgnet
    >>> folder = orgnet.synth.city("tiny", seed=0).write(tempfile.mkdtemp())
    >>> net = orgnet.connect("memory://")
    >>> report = net.load_folder(folder)
    >>> report.rejects, report.files[0].source, report.files[0].kind
    ([], 'areas.csv', 'areas')
    """
    reading = read_source(source, encoding=encoding, header_row=header_row, unrecognised=unrecognised)
    return _run(store, reading, on_error=on_error, batch_size=batch_size, progress=progress, sync=sync,
                dry_run=dry_run)


def _tables_from(data: Dataset | Iterable[Record] | Iterable[dict[str, Any]]) -> list[RawTable]:
    if isinstance(data, Dataset):
        return [
            RawTable(file=name, source=name, rows=list(rows), numbers=list(range(1, len(rows) + 1)))
            for name, rows in data.items()
        ]
    if isinstance(data, (str, bytes, Path)):
        raise InvalidArgument("load() takes records or a Dataset; use load_folder() for a folder or workbook")
    tables: dict[str, RawTable] = {}
    for item in data:
        if not isinstance(item, Record):
            raise TypeError(
                f"load() takes orgnet.model records (Area, Person, Pairing, …) or a Dataset, "
                f"not {type(item).__name__}; use load_folder() for files"
            )
        table = tables.setdefault(item.FILE, RawTable(file=item.FILE, source=item.FILE))
        table.rows.append(item.record())
        table.numbers.append(len(table.rows))
    return [tables[name] for name in FILES if name in tables]


def load_records(
    store: GraphStore,
    data: Dataset | Iterable[Record],
    *,
    on_error: OnError = "raise",
    batch_size: int | None = None,
    progress: bool | Callable[[int], None] = False,
) -> LoadReport:
    """Load model instances or a :class:`~orgnet.io.Dataset` into a store.

    Rows are numbered from 1 per file in the order given; otherwise as
    :func:`load_folder`.

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area
    >>> net = orgnet.connect("memory://")
    >>> net.load([Area(id="ZJ", name="镇江市", level="市")]).counts
    {'areas': 1}
    """
    tables = _tables_from(data)
    return _run(store, Reading(tables, [], [], []), on_error=on_error, batch_size=batch_size, progress=progress)


def check_folder(
    source: str | Path,
    store: GraphStore | None = None,
    *,
    encoding: str | None = None,
    header_row: int | None = None,
    unrecognised: Unrecognised = "error",
) -> CheckReport:
    """Check a data folder or workbook without writing: files read, problems and warnings.

    References are resolved within the data (and against ``store`` when given).
    Rows that only refer to a bad row are not listed: fix what is listed and
    they load. Problems about whole files (unknown names, missing columns, no
    header row) come first.

    Examples
    --------
    >>> import tempfile, orgnet
    >>> folder = orgnet.synth.city("tiny", seed=0).write(tempfile.mkdtemp())
    >>> report = check_folder(folder)
    >>> report.ok, [(f.source, f.kind) for f in report.files][:2]
    (True, [('areas.csv', 'areas'), ('orgs.csv', 'orgs')])
    """
    from orgnet.graph.memory import MemoryStore

    reading = read_source(source, encoding=encoding, header_row=header_row, unrecognised=unrecognised)
    tables, problems = _validate(reading.tables, skip=True)
    problems = [*reading.problems, *(p for p in problems if p not in reading.problems)]
    kept = {row["id"] for t in tables for row in t.rows if "id" in row}
    failed: set[str] = set()
    for t in reading.tables:
        for row in t.rows:
            if "id" in row:
                try:
                    node_id = _to_id(row["id"])
                except Exception:  # noqa: BLE001 - that row's problem is already listed
                    continue
                if node_id is not None and node_id not in kept:
                    failed.add(node_id)
    _, _, structural = plan_load(
        tables, store if store is not None else MemoryStore(), mode="report", unchecked=frozenset(failed)
    )
    return CheckReport(files=reading.files, problems=order_problems([*problems, *structural]),
                       warnings=reading.warnings)


def validate_folder(source: str | Path, store: GraphStore | None = None, **options: Any) -> list[Reject]:
    """Every problem in a data folder or workbook, without writing anything (see :func:`check_folder`).

    Examples
    --------
    >>> import tempfile, orgnet
    >>> folder = orgnet.synth.city("tiny", seed=0).write(tempfile.mkdtemp())
    >>> validate_folder(folder)
    []
    """
    return check_folder(source, store, **options).problems


def delete_ids(store: GraphStore, ids: Iterable[str]) -> int:
    """Remove nodes (and their relationships) by id; return how many existed.

    ``ids`` is an iterable of id strings. A single string is refused rather than
    taken as a list of one-character ids (``delete("ZJ")`` would otherwise
    remove ``Z`` and ``J``).

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load([Area(id="ZJ", level="city")])
    >>> net.delete(["ZJ"]), net.delete(["ZJ", "nope"])
    (1, 0)
    """
    if isinstance(ids, (str, bytes)):
        shown = ids.decode(errors="replace") if isinstance(ids, bytes) else ids
        shown = shown if len(shown) <= 20 else "ID"
        raise InvalidArgument(
            f"ids must be a list of id strings (to delete one id, pass [{shown!r}], not {shown!r})"
        )
    if isinstance(ids, dict) or not isinstance(ids, Iterable):
        raise InvalidArgument(f"ids must be a list of id strings, not {type(ids).__name__}")
    wanted = list(ids)
    for node_id in wanted:
        if not isinstance(node_id, str) or not node_id:
            raise InvalidArgument(
                f"ids must be a list of id strings (to delete one id, pass ['ZJ'], not 'ZJ'); "
                f"got a {type(node_id).__name__} among them"
            )
    return store.delete(list(dict.fromkeys(wanted)))
