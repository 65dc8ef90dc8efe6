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

from orgnet.errors import InvalidArgument, InvalidData, Reject
from orgnet.graph.base import GraphStore
from orgnet.io.dataset import Dataset
from orgnet.io.readers import RawTable, read_source
from orgnet.io.validate import Table, plan_load, validate_table
from orgnet.model import FILES, Record

__all__ = ["LoadReport", "load_folder", "load_records", "validate_folder", "OnError"]

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
    """

    counts: dict[str, int] = Field(default_factory=dict)
    rejects: list[Reject] = Field(default_factory=list)
    seconds: float = 0.0

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
        text = f"loaded {total} rows ({', '.join(f'{k} {v}' for k, v in self.counts.items())})"
        if self.rejects:
            text += f"; rejected {len(self.rejects)} (see .rejects)"
        return text


def _check_on_error(on_error: str) -> None:
    if on_error not in ("raise", "skip"):
        raise InvalidArgument(f"on_error must be 'raise' or 'skip', not {on_error!r}")


def _validate(raw_tables: list[RawTable], *, skip: bool) -> tuple[list[Table], list[Reject]]:
    tables: list[Table] = []
    problems: list[Reject] = []
    for raw in raw_tables:
        problems.extend(raw.problems)
        table, rejects = validate_table(raw.file, raw.source, raw.rows, raw.numbers)
        tables.append(table)
        problems.extend(rejects)
    if problems and not skip:
        raise InvalidData(problems)
    return tables, problems


def _run(
    store: GraphStore,
    raw_tables: list[RawTable],
    *,
    on_error: str,
    batch_size: int | None,
    progress: bool | Callable[[int], None],
) -> LoadReport:
    _check_on_error(on_error)
    start = time.perf_counter()
    skip = on_error == "skip"
    tables, problems = _validate(raw_tables, skip=skip)
    changes, counts, structural = plan_load(tables, store, mode=on_error)
    problems.extend(structural)
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
    report = LoadReport(
        counts=counts,
        rejects=sorted(problems, key=lambda p: (p.file, p.row, p.field)),
        seconds=time.perf_counter() - start,
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
) -> LoadReport:
    """Load a data folder (``.csv``/``.jsonl`` files) or one ``.xlsx`` workbook into a store.

    Parameters
    ----------
    store : GraphStore
    source : str or Path
        A folder holding any of the data-format files, or an ``.xlsx``
        workbook with one sheet per file; English or Chinese headers and names.
    on_error : {"raise", "skip"}
        ``"raise"``: any problem raises :class:`~orgnet.errors.InvalidData` and
        nothing is written. ``"skip"``: load the valid rows, report the rest.
    batch_size : int, optional
        Rows per write batch (the backend's default when not given).
    progress : bool or callable
        Show a progress bar, or call ``progress(n)`` as rows are written.

    Returns
    -------
    LoadReport

    Examples
    --------
    >>> import tempfile, orgnet
    >>> folder = orgnet.synth.city("tiny", seed=0).write(tempfile.mkdtemp())
    >>> net = orgnet.connect("memory://")
    >>> net.load_folder(folder).rejects
    []
    """
    return _run(store, read_source(source), on_error=on_error, batch_size=batch_size, progress=progress)


def _tables_from(data: Dataset | Iterable[Record] | Iterable[dict[str, Any]]) -> list[RawTable]:
    if isinstance(data, Dataset):
        return [
            RawTable(file=name, source=name, rows=list(rows), numbers=list(range(1, len(rows) + 1)))
            for name, rows in data.items()
        ]
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
    return _run(store, _tables_from(data), on_error=on_error, batch_size=batch_size, progress=progress)


def validate_folder(source: str | Path, store: GraphStore | None = None) -> list[Reject]:
    """Every problem in a data folder or workbook, without writing anything.

    References are resolved within the data (and against ``store`` when given).
    Rows that only refer to a bad row are not listed: fix what is listed and
    they load.

    Examples
    --------
    >>> import tempfile, orgnet
    >>> folder = orgnet.synth.city("tiny", seed=0).write(tempfile.mkdtemp())
    >>> validate_folder(folder)
    []
    """
    from orgnet.graph.memory import MemoryStore

    raw = read_source(source)
    tables, problems = _validate(raw, skip=True)
    kept = {row["id"] for t in tables for row in t.rows if "id" in row}
    failed = frozenset(
        str(row["id"]).strip() for t in raw for row in t.rows if "id" in row and str(row["id"]).strip() not in kept
    )
    _, _, structural = plan_load(
        tables, store if store is not None else MemoryStore(), mode="report", unchecked=failed
    )
    return sorted([*problems, *structural], key=lambda p: (p.file, p.row, p.field))
