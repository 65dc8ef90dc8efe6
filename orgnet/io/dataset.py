"""A data set in the data-folder format, held in memory.

A :class:`Dataset` maps file names (``areas``, ``people``, ``pairings``, …) to
lists of rows. A row is a plain ``dict`` keyed by the English field names, with
plain values (strings, ints, bools; enums as identifiers; dates as ISO strings)
and absent values left out. It is what :func:`orgnet.synth.city` returns, what
:meth:`orgnet.Network.load` accepts, and what :meth:`Dataset.write` turns into a
data folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from orgnet.errors import InvalidArgument
from orgnet.model import FILES, Record

__all__ = ["Dataset"]


class Dataset(Mapping[str, list[dict[str, Any]]]):
    """Rows per file of the data-folder format.

    Parameters
    ----------
    tables : mapping of str to list of dict, optional
        File name -> rows. Unknown file names raise ``ValueError``.

    Examples
    --------
    >>> from orgnet.io import Dataset
    >>> ds = Dataset({"areas": [{"id": "ZJ", "name": "镇江市", "level": "city"}]})
    >>> ds.counts()
    {'areas': 1}
    """

    def __init__(self, tables: Mapping[str, list[dict[str, Any]]] | None = None) -> None:
        self._tables: dict[str, list[dict[str, Any]]] = {}
        for name, rows in (tables or {}).items():
            if name not in FILES:
                raise InvalidArgument(
                    f"unknown file {name!r}; a data set holds only {', '.join(FILES)}"
                )
            self._tables[name] = list(rows)

    @classmethod
    def from_records(cls, records: list[Record]) -> Dataset:
        """Group model instances (:class:`orgnet.model.Area`, …) into a data set.

        Examples
        --------
        >>> from orgnet.model import Area
        >>> Dataset.from_records([Area(id="ZJ", level="市")])["areas"]
        [{'id': 'ZJ', 'level': 'city'}]
        """
        tables: dict[str, list[dict[str, Any]]] = {}
        for rec in records:
            tables.setdefault(rec.FILE, []).append(rec.record())
        return cls({name: tables[name] for name in FILES if name in tables})

    def __getitem__(self, name: str) -> list[dict[str, Any]]:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(name for name in FILES if name in self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def counts(self) -> dict[str, int]:
        """Number of rows per file, in load order."""
        return {name: len(self._tables[name]) for name in self}

    def total(self) -> int:
        """Total number of rows."""
        return sum(len(rows) for rows in self._tables.values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v}" for k, v in self.counts().items())
        return f"Dataset({inner})"

    def write(self, folder: str | Path, *, format: str = "csv", chinese_headers: bool = False,
              chinese_values: bool = False, excel: bool = False) -> Path:
        """Write the data set as a data folder (``csv`` or ``jsonl``) or one ``xlsx`` workbook.

        Parameters
        ----------
        folder : str or Path
            Folder to write into (created when missing); for ``xlsx``, the
            workbook's path.
        format : {"csv", "jsonl", "xlsx"}
        chinese_headers : bool
            Write Chinese column headers (编号, 名称, …) and file names (区域.csv, …).
        chinese_values : bool
            Write coded values as their Chinese labels (网格, 在职, 条块结对, …) and
            yes/no as 是/否; they load back to the same identifiers.
        excel : bool
            CSV as UTF-8 with a byte-order mark (Excel on Chinese Windows needs it).

        Returns
        -------
        Path
            The folder or workbook written.

        Examples
        --------
        >>> import tempfile
        >>> ds = Dataset({"areas": [{"id": "ZJ", "level": "city"}]})
        >>> path = ds.write(tempfile.mkdtemp())
        >>> sorted(p.name for p in path.iterdir())
        ['areas.csv']
        """
        from orgnet.io.writers import write_dataset

        return write_dataset(self, Path(folder), format=format, chinese_headers=chinese_headers,
                             chinese_values=chinese_values, excel=excel)
