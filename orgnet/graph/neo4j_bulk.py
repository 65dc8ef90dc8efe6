"""Bulk import for a first load into Neo4j: checked data -> import CSVs -> Neo4j's own importer.

An online load (:class:`~orgnet.graph.neo4j.Neo4jStore`) sends batches of
``UNWIND … MERGE`` over Bolt; Neo4j's offline importer (``neo4j-admin database
import full``) writes the store files directly and is an order of magnitude
faster, but only into a database that does not exist yet. This module:

1. checks the data exactly as a load does (:func:`orgnet.io.load.load_folder` /
   :func:`orgnet.io.load.load_records` against an empty store, so the same rows
   are accepted or rejected);
2. writes the resulting change set as import CSVs (:func:`write_import_files`):
   one header file plus one data file per node label and per relationship type,
   with the same labels (the kind's label plus ``Entity``), property names and
   property types as the online loader (text ``string``, integers ``long``,
   decimals ``double``, flags ``boolean``; absent values stay absent);
3. runs the importer (:func:`run_import`) into ``DIR/data/databases/neo4j`` of a
   new server directory (``scripts/neo4j-server start --data DIR`` in a checkout
   of the project serves it), or, for a server of your own, gives the exact
   ``neo4j-admin database import full`` command (:attr:`ImportFiles.command`).

orgnet's constraint and indexes (:data:`orgnet.graph.neo4j.SCHEMA`) cannot be
created by the Community importer; they are written to ``schema.cypher`` next
to the CSVs. The project's server runs that file when it first starts on the
directory; on your own server run it once (``cypher-shell -f schema.cypher``),
or let orgnet create them on its first write.

The result is the same graph an online load of the same data into an empty
database gives (``tests/graph/test_neo4j_bulk.py`` compares counts, every node
and relationship, and every query answer; ``benchmarks/neo4j_bulk.py`` times both).
See ``docs/bulk-import.md``.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, repeat
from numbers import Integral, Real
from operator import itemgetter
from pathlib import Path
from typing import Any, ClassVar, Final, Literal

from orgnet.errors import InvalidArgument, StoreError
from orgnet.graph.base import ChangeSet, LinkRow, NodeInfo
from orgnet.graph.memory import MemoryStore
from orgnet.model import LABELS, LINK_MODELS, NODE_MODELS, REL_TYPES

__all__ = [
    "ImportFiles",
    "BulkResult",
    "check",
    "write_import_files",
    "run_import",
    "bulk_import",
    "find_classpath",
    "importer_seconds",
    "DATABASE",
]

log = logging.getLogger("orgnet.neo4j_bulk")

DATABASE: Final[str] = "neo4j"
"""The database the importer fills (Community's only user database)."""

ADMIN_MAIN: Final[str] = "org.neo4j.cli.AdminTool"
"""Main class of ``neo4j-admin`` (artifact ``org.neo4j:neo4j-command-line``)."""

SCHEMA_FILE: Final[str] = "orgnet-schema.cypher"
"""Name of the schema file in a server directory; the project's server runs it on first start."""

_FIELD_ORDER: Final[dict[str, dict[str, int]]] = {
    m.LABEL: {name: i for i, name in enumerate(m.model_fields)} for m in NODE_MODELS
}

Kind = Literal["string", "long", "double", "boolean"]


# --------------------------------------------------------------------- checking


class _Capture:
    """An empty store (reads answer as a new database would) that keeps the change sets a load applies."""

    backend: ClassVar[str] = "memory"

    def __init__(self) -> None:
        self._empty = MemoryStore()
        self.captured: list[ChangeSet] = []

    @property
    def uri(self) -> str:
        return "bulk-import://"

    def apply(
        self,
        changes: ChangeSet,
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.captured.append(changes)
        if progress is not None:
            progress(changes.size())

    def delete(self, ids: Sequence[str]) -> int:
        return 0

    def clear(self) -> None:
        self.captured.clear()

    def lookup(self, ids: Iterable[str]) -> dict[str, NodeInfo]:
        return self._empty.lookup(ids)

    def org_parents(self) -> dict[str, str | None]:
        return self._empty.org_parents()

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        return self._empty.area_tree()

    def links_into(self, ids: Iterable[str], rel_types: Iterable[str]) -> list[tuple[str, LinkRow]]:
        return self._empty.links_into(ids, rel_types)

    def counts(self) -> dict[str, int]:
        return self._empty.counts()

    def iter_nodes(self, label: str) -> Iterator[dict[str, Any]]:
        return self._empty.iter_nodes(label)

    def iter_links(self, rel_type: str) -> Iterator[LinkRow]:
        return self._empty.iter_links(rel_type)

    def close(self) -> None:
        pass


def check(
    source: Any, *, on_error: Literal["raise", "skip"] = "raise"
) -> tuple[list[ChangeSet], Any]:
    """Check a data folder, workbook, Dataset or records as a load into an empty database would.

    Parameters
    ----------
    source : str, Path, Dataset or iterable of records
        What :func:`orgnet.io.load.load_folder` (paths) or
        :func:`orgnet.io.load.load_records` (the rest) take.
    on_error : {"raise", "skip"}
        As for a load: ``"raise"`` raises :class:`~orgnet.errors.InvalidData`
        on any problem; ``"skip"`` keeps the valid rows and reports the rest.

    Returns
    -------
    (list of ChangeSet, LoadReport)
        The change sets an online load would apply, and its report.

    Examples
    --------
    >>> import orgnet
    >>> changes, report = check(orgnet.synth.city("tiny", seed=0))
    >>> report.ok, sorted(changes[0].nodes)[:3]
    (True, ['Activity', 'Alliance', 'Area'])
    """
    from orgnet.io.load import load_folder, load_records

    store = _Capture()
    if isinstance(source, (str, Path)):
        report = load_folder(store, source, on_error=on_error)
    else:
        report = load_records(store, source, on_error=on_error)
    return store.captured, report


# ------------------------------------------------------------------ the graph
#
# Everything below works column by column: values are pulled out of the rows
# with ``map(dict.get, rows, repeat(name))`` (a C loop), membership and
# duplicates are found by hashing whole columns (pandas), and the files are
# written by Arrow's CSV writer. No Python code runs per row: at city scale
# (2.7M rows) the per-row writer took 38-92 s, this takes a few seconds
# (benchmarks/RESULTS.md, "Neo4j at province scale").


@dataclass
class _Columns:
    """One node label or relationship type of the final graph: its rows as columns."""

    keys: list[list[Any]]
    """The identifying columns: ``[ids]`` for nodes, ``[starts, ends]`` for relationships."""
    props: list[dict[str, Any]]
    """Each row's properties (a node's row includes ``id``)."""

    def __len__(self) -> int:
        return len(self.keys[0])

    def take(self, mask: Any) -> _Columns:
        """The rows where ``mask`` (a boolean array) is true."""
        import numpy as np

        if bool(np.all(mask)):
            return self
        return _Columns([list(compress(col, mask)) for col in self.keys], list(compress(self.props, mask)))


def _member(values: list[Any], known: set[Any] | frozenset[Any]) -> Any:
    """A boolean array: which of ``values`` are in ``known`` (one C-level subset test when all are)."""
    import numpy as np

    if known.issuperset(values):
        return np.ones(len(values), dtype=bool)
    return np.fromiter(map(known.__contains__, values), dtype=bool, count=len(values))


def _duplicated(columns: list[list[Any]], *, keep: Literal["first", "last"]) -> Any:
    """A boolean array marking the rows whose values in ``columns`` repeat another row's (pandas hashing)."""
    import pandas as pd

    frame = pd.DataFrame({str(i): pd.Series(col, dtype=object) for i, col in enumerate(columns)})
    return frame.duplicated(keep=keep).to_numpy()


def _key_column(props: list[dict[str, Any]], key: str) -> list[Any]:
    """``str(props.get(key, ""))`` of every row, as :func:`orgnet.graph.base.link_key` spells it."""
    import pandas as pd

    return list(pd.Series(list(map(dict.get, props, repeat(key))), dtype=object).fillna("").astype(str))


def _final_graph(changes: Sequence[ChangeSet]) -> tuple[dict[str, _Columns], dict[str, _Columns]]:
    """Nodes per label and relationships per type that an online load of ``changes`` into an empty
    database leaves.

    Mirrors :meth:`Neo4jStore.apply`: a node row replaces the node with that id
    (and its label); a field batch replaces its owners' relationships of the
    type; link rows merge on (start, end, type, key properties), the last
    row's properties winning; a relationship whose end is not a node is not
    created (the online statements ``MATCH`` both ends).
    """
    import numpy as np

    get_id = itemgetter("id")
    parts: list[tuple[str, list[dict[str, Any]]]] = []
    for cs in changes:
        for label, rows in cs.nodes.items():
            if label not in LABELS:
                raise InvalidArgument(f"{label!r} is not a node label of orgnet.model")
            if rows:
                parts.append((label, rows))
    ids = [i for _, rows in parts for i in map(get_id, rows)] if len(parts) > 1 else (
        list(map(get_id, parts[0][1])) if parts else [])
    if ids and not all(map(str.__instancecheck__, ids)):
        ids = list(map(str, ids))
    node_ids = frozenset(ids)
    if len(node_ids) == len(ids):  # the usual case: every id once
        kept = np.ones(len(ids), dtype=bool)
    else:
        kept = ~_duplicated([ids], keep="last")
    nodes: dict[str, _Columns] = {}
    start = 0
    for label, rows in parts:
        stop = start + len(rows)
        here = _Columns([ids[start:stop]], rows).take(kept[start:stop])
        start = stop
        if len(here):
            old = nodes.get(label)
            nodes[label] = here if old is None else _Columns([old.keys[0] + here.keys[0]], old.props + here.props)

    first, second = itemgetter(0), itemgetter(1)
    field_edges: dict[str, tuple[list[Any], list[Any]]] = {}
    for cs in changes:
        for batch in cs.field_rels:
            srcs, dsts = field_edges.setdefault(batch.type, ([], []))
            if srcs and batch.owners:
                side = dsts if batch.reverse else srcs
                stay = ~_member(side, set(batch.owners))
                if not stay.all():
                    srcs[:], dsts[:] = list(compress(srcs, stay)), list(compress(dsts, stay))
            new_srcs, new_dsts = list(map(first, batch.edges)), list(map(second, batch.edges))
            ends = _member(new_srcs, node_ids) & _member(new_dsts, node_ids)
            srcs += compress(new_srcs, ends)
            dsts += compress(new_dsts, ends)
    rels: dict[str, _Columns] = {}
    for rel_type, (srcs, dsts) in field_edges.items():
        if srcs:
            table = _Columns([srcs, dsts], [{}] * len(srcs))
            if len(set(srcs)) < len(srcs) and len(set(dsts)) < len(dsts):  # else no pair can repeat
                table = table.take(~_duplicated([srcs, dsts], keep="first"))
            rels[rel_type] = table

    get_src, get_dst, get_props = itemgetter(0), itemgetter(1), itemgetter(2)
    link_rows: dict[str, list[LinkRow]] = {}
    for cs in changes:
        for rel_type, links in cs.links.items():
            link_rows.setdefault(rel_type, []).extend(links)
    keys_of = {m.TYPE: list(m.KEY) for m in LINK_MODELS}
    for rel_type, links in link_rows.items():
        srcs, dsts = list(map(get_src, links)), list(map(get_dst, links))
        table = _Columns([srcs, dsts], list(map(get_props, links)))
        table = table.take(_member(srcs, node_ids) & _member(dsts, node_ids))
        ident = [*table.keys, *(_key_column(table.props, k) for k in keys_of.get(rel_type, []))]
        table = table.take(~_duplicated(ident, keep="last")) if len(table) else table
        if len(table):
            old = rels.get(rel_type)
            rels[rel_type] = table if old is None else _Columns(
                [old.keys[0] + table.keys[0], old.keys[1] + table.keys[1]], old.props + table.props)
    for rel_type in rels:
        if rel_type not in REL_TYPES:
            raise InvalidArgument(f"{rel_type!r} is not a relationship type of orgnet.model")
    return nodes, rels


# ---------------------------------------------------------------- CSV writing


def _type_kind(t: type) -> Kind:
    """The import type of values of Python type ``t``: what the driver would store them as."""
    if issubclass(t, bool) or t.__name__ == "bool_":
        return "boolean"
    if issubclass(t, str):
        return "string"
    if issubclass(t, Integral):
        return "long"
    if issubclass(t, Real):
        return "double"
    raise InvalidArgument(
        f"a property holds a {t.__name__}; bulk import writes text, integers, "
        "decimals and flags only (load this data online instead)"
    )


def _column_kind(name: str, values: list[Any]) -> Kind | None:
    """The one import type of a column's values (None when every value is absent)."""
    kinds = {_type_kind(t) for t in set(map(type, values)) if t is not type(None)}
    if len(kinds) > 1:
        raise InvalidArgument(
            f"property {name!r} holds values of types {', '.join(sorted(kinds))}; the importer types a "
            "column once (load this data online instead)"
        )
    return kinds.pop() if kinds else None


_ARROW_TYPES: Final[dict[Kind, str]] = {"string": "string", "long": "int64", "double": "float64", "boolean": "bool_"}


def _property_columns(
    table: _Columns, skip: str | None, order: dict[str, int]
) -> list[tuple[str, Kind, list[Any]]]:
    """(name, import type, values) of each property column that holds a value, in file order."""
    names = set().union(*table.props) if table.props else set()
    names.discard(skip)
    out = []
    for name in names:
        values = list(map(dict.get, table.props, repeat(name)))
        kind = _column_kind(name, values)
        if kind is not None:
            out.append((name, kind, values))
    out.sort(key=lambda c: (order.get(c[0], len(order)), c[0]))
    return out


def _spans_lines(array: Any) -> bool:
    """Whether a text column holds a line break: one byte search over its UTF-8 data buffer."""
    chunks = array.chunks if hasattr(array, "chunks") else [array]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is not None:
            raw = data.to_pybytes()
            if b"\n" in raw or b"\r" in raw:
                return True
    return False


def _write_csv(path: Path, columns: list[tuple[Kind, list[Any]]]) -> bool:
    """Write data rows (no header) given column by column with Arrow; True when a value spans lines.

    Text is quoted (a ``"`` doubled), an absent value is an empty field, flags
    are ``true``/``false``. A decimal column holding NaN or an infinity is
    written by :func:`_write_rows` instead (Arrow spells them ``nan``/``inf``,
    which Java does not read).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    arrays = [pa.array(values, type=getattr(pa, _ARROW_TYPES[kind])()) for kind, values in columns]
    multiline = any(kind == "string" and _spans_lines(a) for (kind, _), a in zip(columns, arrays, strict=True))
    if any(kind == "double" and pc.any(pc.invert(pc.is_finite(a))).as_py()
           for (kind, _), a in zip(columns, arrays, strict=True)):
        _write_rows(path, [values for _, values in columns], [kind for kind, _ in columns])
        return multiline
    table = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(arrays))])
    pacsv.write_csv(table, path, pacsv.WriteOptions(include_header=False, batch_size=65_536))
    return multiline


@dataclass
class ImportFiles:
    """Import CSVs written by :func:`write_import_files` and how to import them.

    Attributes
    ----------
    directory : Path
        Where the files are.
    nodes : dict of str to (Path, Path)
        Label -> (header file, data file).
    relationships : dict of str to (Path, Path)
        Relationship type -> (header file, data file).
    schema : Path
        orgnet's constraint and indexes as Cypher statements, one per line.
    counts : dict of str to int
        Nodes per label and relationships per type written (zeros left out),
        in the order of :meth:`Neo4jStore.counts`.
    multiline : list of Path
        Data files with a value that spans lines.
    """

    directory: Path
    nodes: dict[str, tuple[Path, Path]] = field(default_factory=dict)
    relationships: dict[str, tuple[Path, Path]] = field(default_factory=dict)
    schema: Path = Path()
    counts: dict[str, int] = field(default_factory=dict)
    multiline: list[Path] = field(default_factory=list)

    def arguments(self, *, database: str = DATABASE) -> list[str]:
        """Arguments after ``neo4j-admin``: ``database import full --nodes=… … DATABASE``."""
        args = ["database", "import", "full"]
        for label, (header, data) in self.nodes.items():
            args.append(f"--nodes={label}:Entity={header},{data}")
        for rel_type, (header, data) in self.relationships.items():
            args.append(f"--relationships={rel_type}={header},{data}")
        args += ["--id-type=string", "--array-delimiter=U+001F"]
        if self.multiline:
            args += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(map(str, self.multiline))]
        args.append(database)
        return args

    def command(self, *, database: str = DATABASE) -> str:
        """The exact shell command that imports these files with a Neo4j installation's ``neo4j-admin``.

        Run it on the server's machine, with the database not created yet (or
        stopped and dropped); then start Neo4j and run :attr:`schema` once
        (``cypher-shell -u neo4j -f schema.cypher``).
        """
        return shlex.join(["neo4j-admin", *self.arguments(database=database)])


def write_import_files(changes: ChangeSet | Sequence[ChangeSet], directory: str | Path) -> ImportFiles:
    """Write checked change sets as Neo4j import CSVs (header and data files) into ``directory``.

    The graph written is the one an online load of ``changes`` into an empty
    database leaves: same nodes with the kind's label plus ``Entity``, same
    properties and property types, same relationships.

    Parameters
    ----------
    changes : ChangeSet or sequence of ChangeSet
        As :func:`check` returns them (applied in order).
    directory : str or Path
        Created if missing; files of an earlier run are replaced.

    Returns
    -------
    ImportFiles

    Examples
    --------
    >>> import tempfile, orgnet
    >>> changes, _ = check(orgnet.synth.city("tiny", seed=0))
    >>> files = write_import_files(changes, tempfile.mkdtemp())
    >>> files.nodes["Area"][0].read_text().strip()
    'id:ID,name:string,level:string,parent_id:string'
    >>> files.command().split()[:4]
    ['neo4j-admin', 'database', 'import', 'full']
    """
    from orgnet.graph.neo4j import SCHEMA

    sets = [changes] if isinstance(changes, ChangeSet) else list(changes)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    nodes, rels = _final_graph(sets)
    files = ImportFiles(directory=out.resolve())

    for label in sorted(nodes):
        table = nodes[label]
        cols = _property_columns(table, "id", _FIELD_ORDER.get(label, {}))
        header = files.directory / f"nodes_{label}_header.csv"
        data = files.directory / f"nodes_{label}.csv"
        header.write_text(",".join(["id:ID", *(f"{c}:{k}" for c, k, _ in cols)]) + "\n", encoding="utf-8")
        if _write_csv(data, [("string", table.keys[0]), *((k, v) for _, k, v in cols)]):
            files.multiline.append(data)
        files.nodes[label] = (header, data)
        files.counts[label] = len(table)
    for rel_type in sorted(rels):
        table = rels[rel_type]
        cols = _property_columns(table, None, {}) if any(table.props) else []
        header = files.directory / f"rels_{rel_type}_header.csv"
        data = files.directory / f"rels_{rel_type}.csv"
        header.write_text(
            ",".join([":START_ID", ":END_ID", *(f"{c}:{k}" for c, k, _ in cols)]) + "\n", encoding="utf-8"
        )
        if _write_csv(data, [("string", table.keys[0]), ("string", table.keys[1]), *((k, v) for _, k, v in cols)]):
            files.multiline.append(data)
        files.relationships[rel_type] = (header, data)
        files.counts[rel_type] = len(table)
    files.schema = files.directory / "schema.cypher"
    files.schema.write_text("".join(_schema_line(s) for s in SCHEMA), encoding="utf-8")
    return files


def _schema_line(statement: str) -> str:
    return statement.rstrip(";") + ";\n"


def _cell(value: Any, kind: Kind) -> str:
    if kind == "string":
        return '"' + str(value).replace('"', '""') + '"'
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "long":
        return str(int(value))
    f = float(value)
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    return repr(f)


def _column_cells(values: list[Any], kind: Kind) -> list[str]:
    """One column's cells (column-wise: one comprehension per column is what makes city scale fast)."""
    if kind == "string":
        return ["" if v is None else '"' + str(v).replace('"', '""') + '"' for v in values]
    if kind == "boolean":
        return ["" if v is None else ("true" if v else "false") for v in values]
    if kind == "long":
        return ["" if v is None else str(int(v)) for v in values]
    return ["" if v is None else _cell(v, kind) for v in values]


def _write_rows(path: Path, columns: list[list[Any]], kinds: list[Kind]) -> bool:
    """Write data rows (no header) given column by column, in Python (the rare fallback of :func:`_write_csv`)."""
    cells = [_column_cells(col, kind) for col, kind in zip(columns, kinds, strict=True)]
    multiline = False
    for col, kind in zip(cells, kinds, strict=True):
        if kind == "string":
            text = "".join(col)
            if "\n" in text or "\r" in text:
                multiline = True
                break
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        step = 100_000
        n = len(cells[0]) if cells else 0
        for start in range(0, n, step):
            part = [c[start : start + step] for c in cells]
            fh.write("\n".join(map(",".join, zip(*part))))
            fh.write("\n")
    return multiline


# ------------------------------------------------------------------- importing


def find_classpath() -> str | None:
    """Where Neo4j's jars are, for running the importer: ``None`` when none is found.

    In order: ``$ORGNET_NEO4J_CLASSPATH`` (a Java class path); ``$NEO4J_HOME/lib``
    of a Neo4j installation; the project's server module
    (``tools/neo4j-server/target/lib`` of a checkout, built by
    ``scripts/neo4j-server build``).
    """
    explicit = os.environ.get("ORGNET_NEO4J_CLASSPATH")
    if explicit:
        return explicit
    candidates = []
    home = os.environ.get("NEO4J_HOME")
    if home:
        candidates.append(Path(home) / "lib")
    candidates.append(Path(__file__).resolve().parents[2] / "tools" / "neo4j-server" / "target" / "lib")
    for lib in candidates:
        if lib.is_dir() and any(lib.glob("neo4j-command-line-*.jar")):
            return str(lib / "*")
    return None


def _java() -> str:
    for candidate in (
        os.environ.get("ORGNET_NEO4J_JAVA"),
        str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else None,
        shutil.which("java"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise StoreError("bulk import needs Java 17 or 21 (set JAVA_HOME); none was found")


def _has_database(target: Path) -> bool:
    for sub in ("data/databases/" + DATABASE, "data/transactions/" + DATABASE):
        d = target / sub
        if d.is_dir() and any(p.name != "database_lock" for p in d.iterdir()):
            return True
    return False


def run_import(
    files: ImportFiles,
    target: str | Path,
    *,
    classpath: str | None = None,
    heap: str = "1g",
    max_memory: str = "2g",
    threads: int | None = None,
    high_parallel_io: Literal["auto", "on", "off"] = "auto",
) -> float:
    """Run Neo4j's importer on ``files`` into the new server directory ``target``; return its seconds.

    ``target`` is laid out as a Neo4j home: the database goes to
    ``target/data/databases/neo4j`` (and ``target/data/transactions/neo4j``),
    which is where the project's server (``scripts/neo4j-server start --data
    target``) looks. orgnet's schema file is copied to ``target`` so that
    server creates the constraint and indexes when it first starts.

    Parameters
    ----------
    files : ImportFiles
    target : str or Path
        Created if missing; must not hold a database yet.
    classpath : str, optional
        Neo4j's jars (default :func:`find_classpath`).
    heap, max_memory : str
        The importer's JVM heap and its off-heap budget (``--max-off-heap-memory``).
    threads : int, optional
        Importer worker threads (default: the machine's processors).
    high_parallel_io : {"auto", "on", "off"}
        Whether the disk under ``target`` takes many parallel writes (an SSD:
        ``"on"``); ``"auto"`` lets the importer guess.

    Notes
    -----
    The importer runs with the throughput garbage collector
    (``-XX:+UseParallelGC``): it is one batch job that allocates in large
    chunks, where pauses do not matter. Its own report of its time ("IMPORT
    DONE in …") is in ``target/import.log``; :func:`importer_seconds` reads it.

    Raises
    ------
    StoreError
        ``target`` already holds a database, no Neo4j jars or Java were found,
        or the importer failed (its output is in ``target/import.log``).
    """
    cp = classpath or find_classpath()
    if cp is None:
        raise StoreError(
            "no Neo4j jars found to run the importer: set NEO4J_HOME to a Neo4j 5 installation (or "
            "ORGNET_NEO4J_CLASSPATH to its jars), or run the printed neo4j-admin command on your server"
        )
    home = Path(target).resolve()
    if _has_database(home):
        raise StoreError(
            f"{home} already holds a database: bulk import only creates new ones; choose an empty "
            "directory (or, with its server stopped, delete it), or load online into the running server"
        )
    (home / "conf").mkdir(parents=True, exist_ok=True)
    conf = home / "conf" / "neo4j.conf"
    if not conf.exists():
        conf.write_text("", encoding="utf-8")
    if high_parallel_io not in ("auto", "on", "off"):
        raise InvalidArgument(f"high_parallel_io must be 'auto', 'on' or 'off', not {high_parallel_io!r}")
    args = files.arguments() + [
        f"--max-off-heap-memory={max_memory}",
        f"--report-file={home / 'import.report'}",
        f"--threads={threads or os.cpu_count() or 1}",
        f"--high-parallel-io={high_parallel_io}",
    ]
    cmd = [_java(), f"-Xmx{heap}", "-XX:+UseParallelGC", "-cp", cp, ADMIN_MAIN, *args]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    logfile = home / "import.log"
    start = time.perf_counter()
    with logfile.open("w", encoding="utf-8") as out:
        done = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = logfile.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        raise StoreError(
            f"Neo4j's importer failed (exit {done.returncode}); last lines of {logfile}: " + " | ".join(tail)
        )
    shutil.copyfile(files.schema, home / SCHEMA_FILE)
    log.info("imported %s into %s in %.1f s", files.counts, home, seconds)
    return seconds


_DONE = re.compile(r"IMPORT DONE in (?:(\d+)m )?(?:(\d+)s )?(\d+)ms")


def importer_seconds(target: str | Path) -> float | None:
    """The importer's own report of its time ("IMPORT DONE in 27s 512ms") in ``target/import.log``.

    The difference to :func:`run_import`'s wall time is the Java virtual
    machine starting and the importer reading its input's headers.

    Examples
    --------
    >>> import tempfile
    >>> home = Path(tempfile.mkdtemp())
    >>> _ = (home / "import.log").write_text("IMPORT DONE in 1m 2s 345ms.\\n")
    >>> importer_seconds(home)
    62.345
    """
    log_file = Path(target) / "import.log"
    if not log_file.exists():
        return None
    found = _DONE.search(log_file.read_text(encoding="utf-8", errors="replace"))
    if found is None:
        return None
    minutes, secs, millis = (int(g) if g else 0 for g in found.groups())
    return minutes * 60 + secs + millis / 1000


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while millions of rows are built (it rescans them all, again
    and again: at city scale that tripled the time); nothing built here forms cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass
class BulkResult:
    """What :func:`bulk_import` did.

    Attributes
    ----------
    files : ImportFiles
        The CSVs written (and :meth:`ImportFiles.command` for a server of your own).
    report : LoadReport
        Rows accepted per file and every rejected row, as a load reports them.
    imported : bool
        Whether the importer ran (False with ``run=False``).
    seconds : dict of str to float
        Wall time of ``check``, ``write`` and ``import``.
    cpu : dict of str to float
        Processor time of the same steps (``import``: the importer's
        process, all its threads): the steadier figure on a shared machine.
    """

    files: ImportFiles
    report: Any
    imported: bool
    seconds: dict[str, float]
    cpu: dict[str, float] = field(default_factory=dict)


def bulk_import(
    source: Any,
    target: str | Path,
    *,
    on_error: Literal["raise", "skip"] = "raise",
    run: bool = True,
    csv_dir: str | Path | None = None,
    classpath: str | None = None,
    heap: str = "1g",
    max_memory: str = "2g",
    threads: int | None = None,
    high_parallel_io: Literal["auto", "on", "off"] = "auto",
) -> BulkResult:
    """Check data and import it into a new Neo4j database directory with Neo4j's own importer.

    Parameters
    ----------
    source : str, Path, Dataset or iterable of records
        A data folder or workbook, a Dataset or model records (as a load takes).
    target : str or Path
        A new server directory (see :func:`run_import`).
    on_error : {"raise", "skip"}
        As for a load.
    run : bool
        False: only write the CSVs (print ``result.files.command()`` and run
        it on your own server).
    csv_dir : str or Path, optional
        Where the CSVs go (default ``target/import``).
    classpath, heap, max_memory, threads, high_parallel_io
        See :func:`run_import`.

    Returns
    -------
    BulkResult

    Examples
    --------
    >>> import tempfile, orgnet
    >>> result = bulk_import(orgnet.synth.city("tiny", seed=0), tempfile.mkdtemp(), run=False)
    >>> result.report.ok, result.files.counts["Area"]
    (True, 37)
    """
    target = Path(target)
    if run and _has_database(target.resolve()):
        raise StoreError(
            f"{target.resolve()} already holds a database: bulk import only creates new ones; choose an "
            "empty directory (or, with its server stopped, delete it), or load online into the running server"
        )
    t0, c0 = time.perf_counter(), time.process_time()
    with _no_gc():
        changes, report = check(source, on_error=on_error)
        t1, c1 = time.perf_counter(), time.process_time()
        files = write_import_files(changes, csv_dir if csv_dir is not None else target / "import")
        t2, c2 = time.perf_counter(), time.process_time()
    del changes
    seconds = {"check": t1 - t0, "write": t2 - t1}
    cpu = {"check": c1 - c0, "write": c2 - c1}
    if run:
        before = _children_cpu()
        seconds["import"] = run_import(files, target, classpath=classpath, heap=heap, max_memory=max_memory,
                                       threads=threads, high_parallel_io=high_parallel_io)
        cpu["import"] = _children_cpu() - before
    return BulkResult(files=files, report=report, imported=run, seconds=seconds, cpu=cpu)


def _children_cpu() -> float:
    """Processor seconds (user + system) of the finished child processes so far (0 where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
