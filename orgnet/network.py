"""``orgnet.connect`` and :class:`Network`: the one object users hold.

A :class:`Network` wraps a store (embedded or Neo4j) and offers loading, the
three questions, the KPIs and export as methods. Several can be open at once;
nothing is global.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import networkx as nx
import pandas as pd

from orgnet.errors import InvalidArgument
from orgnet.graph import GraphStore, open_store
from orgnet.graph.base import ReadWriteLock
from orgnet.io.dataset import Dataset
from orgnet.io.load import LoadReport, OnError, load_folder, load_records
from orgnet.model import Record
from orgnet.queries.chains import Chain, ChainList, contact_chain, contact_chains, contact_path
from orgnet.queries.coverage import CoverageReport, coverage
from orgnet.queries.influence import InfluenceReport, influence
from orgnet.queries.kpis import KpiReport, kpis
from orgnet.queries.recommend import PairingPlan
from orgnet.queries.trend import TrendReport
from orgnet.queries.what_if import CriticalActor, WhatIfReport

__all__ = ["Network", "connect"]


class Network:
    """A party-building network held in a store.

    Use :func:`connect` to make one. It is a context manager: ``with
    orgnet.connect(...) as net:`` closes it at the end.

    Examples
    --------
    >>> import orgnet
    >>> with orgnet.connect("memory://") as net:
    ...     report = net.load(orgnet.synth.city("tiny", seed=0))
    ...     sorted(net.coverage(2023).rules)[:2]
    ['building_leader', 'community_pairing']
    """

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        # Questions read, loads write: safe to share between threads. A store whose every
        # question reads one immutable state (the embedded one) needs no lock, and its
        # questions go on during a long load.
        self._lock = ReadWriteLock(enabled=not getattr(store, "snapshot_reads", False))

    def __repr__(self) -> str:
        return f"Network({self.store.uri!r})"

    # ------------------------------------------------------------------ loading

    def load_folder(
        self,
        source: str | Path,
        *,
        on_error: OnError = "raise",
        batch_size: int | None = None,
        progress: bool | Callable[[int], None] = False,
        sync: bool = False,
        dry_run: bool = False,
        encoding: str | None = None,
        header_row: int | None = None,
        unrecognised: Literal["error", "warn"] = "error",
    ) -> LoadReport:
        """Load a data folder or ``.xlsx`` workbook; see :func:`orgnet.io.load.load_folder`."""
        with self._lock.writing():
            return load_folder(self.store, source, on_error=on_error, batch_size=batch_size, progress=progress,
                               sync=sync, dry_run=dry_run, encoding=encoding, header_row=header_row,
                               unrecognised=unrecognised)

    def load(
        self,
        data: Dataset | Iterable[Record],
        *,
        on_error: OnError = "raise",
        batch_size: int | None = None,
        progress: bool | Callable[[int], None] = False,
    ) -> LoadReport:
        """Load model instances or a :class:`~orgnet.io.Dataset`; see :func:`orgnet.io.load.load_records`."""
        with self._lock.writing():
            return load_records(self.store, data, on_error=on_error, batch_size=batch_size, progress=progress)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove nodes (and their relationships) by id; return how many existed.

        ``ids`` is a list (or other iterable) of id strings; a single string is
        refused with :class:`~orgnet.errors.InvalidArgument` rather than taken
        as a list of one-character ids. See :func:`orgnet.io.load.delete_ids`.

        Examples
        --------
        >>> import orgnet
        >>> net = orgnet.connect("memory://")
        >>> net.delete("ZJ")
        Traceback (most recent call last):
        ...
        orgnet.errors.InvalidArgument: ids must be a list of id strings (to delete one id, pass ['ZJ'], not 'ZJ')
        """
        from orgnet.io.load import delete_ids

        with self._lock.writing():
            return delete_ids(self.store, ids)

    def clear(self) -> None:
        """Remove everything orgnet stored here."""
        with self._lock.writing():
            self.store.clear()

    def nodes(self, label: str, ids: Iterable[str] | None = None) -> pd.DataFrame:
        """The nodes of one label as a DataFrame (one row per node, by id), to join names to results.

        Parameters
        ----------
        label : str
            ``"Area"``, ``"Person"``, … (see :data:`orgnet.model.LABELS`).
        ids : iterable of str, optional
            Only these ids (in id order).

        Examples
        --------
        >>> import orgnet
        >>> from orgnet.model import Area
        >>> net = orgnet.connect("memory://")
        >>> _ = net.load([Area(id="ZJ", name="镇江市", level="city")])
        >>> net.nodes("Area")[["id", "name"]].to_dict("records")
        [{'id': 'ZJ', 'name': '镇江市'}]
        """
        from orgnet.model import FILES, LABELS

        if label not in LABELS:
            raise InvalidArgument(f"unknown label {label!r}; the labels are {', '.join(sorted(LABELS))}")
        wanted = set(ids) if ids is not None else None
        rows = [r for r in self.store.iter_nodes(label) if wanted is None or r["id"] in wanted]
        model = next(m for m in FILES.values() if getattr(m, "LABEL", None) == label)
        return pd.DataFrame(rows, columns=list(model.model_fields))

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type."""
        return self.store.counts()

    # ---------------------------------------------------------------- questions

    def coverage(self, year: int | None = None, *, area: str | None = None) -> CoverageReport:
        """Coverage gaps for every rule; see :func:`orgnet.queries.coverage.coverage`."""
        with self._lock.reading():
            return coverage(self.store, year, area=area)

    def contact_chain(self, node_id: str, year: int | None = None) -> Chain:
        """The 三提三知 chain of a household, person or matter; see :func:`orgnet.queries.chains.contact_chain`."""
        with self._lock.reading():
            return contact_chain(self.store, node_id, year)

    def contact_chains(self, node_ids: Iterable[str], year: int | None = None) -> ChainList:
        """Many chains at once; see :func:`orgnet.queries.chains.contact_chains`."""
        with self._lock.reading():
            return contact_chains(self.store, node_ids, year)

    def contact_path(self, a: str, b: str) -> list[str]:
        """Shortest path between two nodes; see :func:`orgnet.queries.chains.contact_path`."""
        with self._lock.reading():
            return contact_path(self.store, a, b)

    def influence(self, *, betweenness: str = "exact", samples: int = 40_000, seed: int = 0,
                  year: int | None = None) -> InfluenceReport:
        """Influence of units, orgs and alliances; see :func:`orgnet.queries.influence.influence`."""
        with self._lock.reading():
            return influence(self.store, betweenness=betweenness, samples=samples, seed=seed, year=year)

    def kpis(self, year: int | None = None, *, area: str | None = None) -> KpiReport:
        """The seed document's figures; see :func:`orgnet.queries.kpis.kpis`."""
        with self._lock.reading():
            return kpis(self.store, year, area=area)

    # ---------------------------------------------------------------- decisions

    def trend(self, years: Iterable[int] | None = None, *, area: str | None = None) -> TrendReport:
        """Every KPI and coverage rate per year; see :func:`orgnet.queries.trend.trend`."""
        from orgnet.queries.trend import trend

        with self._lock.reading():
            return trend(self.store, years, area=area)

    def what_if(self, withdraw: Iterable[str], year: int | None = None, *, area: str | None = None) -> WhatIfReport:
        """Coverage without some nodes; see :func:`orgnet.queries.what_if.what_if`."""
        from orgnet.queries.what_if import what_if

        with self._lock.reading():
            return what_if(self.store, withdraw, year, area=area)

    def critical_actors(self, year: int | None = None, *, area: str | None = None) -> list[CriticalActor]:
        """Units and orgs that alone pair some communities; see :func:`orgnet.queries.what_if.critical_actors`."""
        from orgnet.queries.what_if import critical_actors

        with self._lock.reading():
            return critical_actors(self.store, year, area=area)

    def recommend_pairings(self, year: int | None = None, *, area: str | None = None, capacity: int = 2,
                           same_district: bool = True) -> PairingPlan:
        """New pairings for the unpaired communities; see :func:`orgnet.queries.recommend.recommend_pairings`."""
        from orgnet.queries.recommend import recommend_pairings

        with self._lock.reading():
            return recommend_pairings(self.store, year, area=area, capacity=capacity, same_district=same_district)

    # ------------------------------------------------------------------- export

    def export(self, path: str | Path, *, format: str | None = None, excel: bool = False,
               redact: bool = False) -> Path:
        """Export to GraphML, GEXF, JSON lines, or a CSV data folder.

        The format follows the suffix (``.graphml``, ``.gexf``, ``.jsonl``; a
        path without a suffix is a CSV data folder in the load format) unless
        ``format`` names it. ``excel=True`` writes CSV as UTF-8 with a BOM (for
        Excel on Chinese Windows). ``redact=True`` leaves out people's names and
        phones and households' addresses. See :mod:`orgnet.io.export`.
        """
        from orgnet.io.export import export

        return export(self.store, Path(path), format=format, excel=excel, redact=redact)

    def to_networkx(self) -> nx.MultiDiGraph:
        """A copy of the graph as a networkx ``MultiDiGraph`` with every property.

        Nodes carry ``label`` and their properties; edges carry ``type`` and theirs.
        """
        from orgnet.io.export import to_networkx

        return to_networkx(self.store)

    # ---------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the store (a file store is saved after every write already)."""
        self.store.close()

    def __enter__(self) -> Network:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def connect(
    uri: str | None = None,
    *,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
    **options: Any,
) -> Network:
    """Open a network.

    Parameters
    ----------
    uri : str, optional
        ``"memory://"`` (embedded), ``"file:PATH"`` (embedded, saved to that
        file), or a Neo4j URI (``"neo4j://host:7687"``, ``"bolt://…"``,
        ``"neo4j+s://…"``). Defaults to ``$NEO4J_URI``, else ``"memory://"``.
    auth : (user, password), optional
        For Neo4j; defaults to ``$NEO4J_USERNAME`` / ``$NEO4J_PASSWORD``.
    database : str, optional
        For Neo4j; defaults to ``$NEO4J_DATABASE``, else the server's default.
    **options
        Backend options (Neo4j: ``batch_size``, ``max_retry_time``, ``write_sessions``; ``file:``:
        ``create=True`` writes an empty store file when there is none — otherwise
        the first load creates it, and a question asked of a missing file is
        :class:`~orgnet.errors.NotFound`).

    Returns
    -------
    Network

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> net
    Network('memory://')
    """
    return Network(open_store(uri, auth=auth, database=database, **options))
