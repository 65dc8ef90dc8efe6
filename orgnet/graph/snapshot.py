"""The embedded store's file: Arrow IPC tables in one file, opened memory-mapped.

Layout: the magic ``ORGNETS2``, the length of a JSON header (8 bytes,
little-endian), the header (``{"format": …, "tables": {name: [offset, length]}}``),
then one uncompressed Arrow IPC file per table, each 64-byte aligned so it maps
without a copy:

* ``ids``: ``id`` (string) and ``label`` (int8, see
  :data:`orgnet.graph.memory.LABEL_ORDER`), index = integer code;
* ``nodes/<Label>``: ``_code`` plus one column per model field;
* ``rels/<TYPE>``: ``src``, ``dst`` (codes) plus property columns.

Writers (:class:`SnapshotFile`) take a lock file beside the target
(``.NAME.lock``, via the ``filelock`` package), reload the file first when another
store wrote it since it was read, write a temporary file in the same folder, flush
it to disk and rename it over the target: a crash leaves the old file or the new
one, and a leftover temporary file (personal data) is removed by the next writer
or reader that takes the lock. A symlinked target is written through the link;
the file's permission bits are kept. Files of the first format (a zip of Parquet
tables) are still read. Reading never starts pyarrow's thread pool
(``use_threads=False``): its threads could abort the interpreter at exit.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from orgnet.errors import NotFound, OrgnetError, StoreError

if TYPE_CHECKING:
    from orgnet.graph.memory import Ids, State

__all__ = ["SnapshotFile", "FORMAT", "StoreFileNotFound"]

FORMAT = "orgnet-snapshot/2"
MAGIC = b"ORGNETS2"
_ALIGN = 64


class StoreFileNotFound(NotFound):
    """A ``file:`` store opened for reading names a file that does not exist."""

    def __init__(self, path: Path) -> None:
        OrgnetError.__init__(
            self,
            f"no orgnet store file at {path}; check the path, or create the store by loading "
            "data into it (orgnet load FOLDER --to file:PATH) or with connect(uri, create=True)",
        )
        self.node_id = str(path)


def _not_a_store(path: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"{path} is not an orgnet store file ({exc.__class__.__name__}); "
        "open another path or remove the file to start an empty store"
    )


class SnapshotFile:
    """One ``file:`` store's file: load, detect another writer, save under a lock.

    Parameters
    ----------
    path : Path
        The store's file (may be a symlink: the target is what gets rewritten).
    create : bool
        Create an empty file now when it does not exist.
    """

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        self.real = Path(os.path.realpath(path))
        self.lock_path = self.real.parent / f".{self.real.name}.lock"
        self._seen: tuple[int, int, int] | None = None
        self._create = create

    # ------------------------------------------------------------------ state

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.real)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def exists(self) -> bool:
        return self._stat() is not None

    def changed(self) -> bool:
        """True when the file is not the one this store last read or wrote."""
        now = self._stat()
        return now is not None and now != self._seen

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's write lock (and remove temporary files a crashed writer left)."""
        from filelock import FileLock

        self.real.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.lock_path)):
            for stale in self.real.parent.glob(f".{self.real.name}.*.tmp"):
                stale.unlink(missing_ok=True)
            yield

    # ------------------------------------------------------------------- load

    def load(self) -> tuple[Ids, State] | None:
        """The file's content, or None when there is no file yet.

        Raises
        ------
        StoreError
            When the file is not an orgnet store file (or of another format).
        """
        if not self.exists():
            if self._create:
                from orgnet.graph.memory import Ids, State

                ids = Ids()
                with self.locked():
                    if not self.exists():
                        self.save(State.empty(ids))
                self._create = False
                return self.load()
            return None
        if self.real.parent.exists() and any(self.real.parent.glob(f".{self.real.name}.*.tmp")):
            with self.locked():  # clears what a crashed writer left
                pass
        seen = self._stat()
        with open(self.real, "rb") as fh:
            head = fh.read(8)
        if head[:2] == b"PK":
            loaded = self._load_v1()
        else:
            loaded = self._load_v2()
        self._seen = seen
        return loaded

    def _load_v2(self) -> tuple[Ids, State]:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        from orgnet.graph.memory import LABEL_ORDER, LINK_KEYS, Ids, NodeTable, RelTable, State, node_schema
        from orgnet.model import REL_TYPES

        path = self.path
        try:
            source = pa.memory_map(str(self.real), "r")
            buf = source.read_buffer()
            if buf.size < 16 or buf[:8].to_pybytes() != MAGIC:
                raise ValueError("bad magic")
            (length,) = struct.unpack("<Q", buf[8:16].to_pybytes())
            header = json.loads(buf[16 : 16 + length].to_pybytes())
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - anything unreadable is "not a store file"
            raise _not_a_store(path, exc) from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            found = header.get("format") if isinstance(header, dict) else None
            raise StoreError(
                f"{path} is an orgnet snapshot of format {found!r}, this orgnet reads {FORMAT!r}; "
                "export it with the orgnet that wrote it"
            )
        options = ipc.IpcReadOptions(use_threads=False)
        try:
            tables: dict[str, pa.Table] = {}
            for name, (offset, size) in header["tables"].items():
                reader = ipc.open_file(buf.slice(int(offset), int(size)), options=options)
                tables[name] = reader.read_all()
            id_table = tables["ids"]
            names = id_table.column("id").to_pylist()
            label = np.asarray(id_table.column("label").to_numpy(), dtype=np.int8)
            n = len(names)
            if n and (label.max() >= len(LABEL_ORDER) or label.min() < -1 or None in names):
                raise ValueError("bad ids table")
            ids = Ids(names)
            nodes: dict[str, NodeTable] = {}
            for lab in LABEL_ORDER:
                t = tables.get(f"nodes/{lab}")
                schema = node_schema(lab)
                if t is None:
                    nodes[lab] = NodeTable(np.zeros(0, dtype=np.int64), schema.empty_table())
                    continue
                codes = np.asarray(t.column("_code").to_numpy(), dtype=np.int64)
                if len(codes) and (codes.min() < 0 or codes.max() >= n
                                   or (label[codes] != LABEL_ORDER.index(lab)).any()):
                    raise ValueError(f"bad codes in nodes/{lab}")
                nodes[lab] = NodeTable(codes, t.select(schema.names).cast(schema))
            rels: dict[str, RelTable] = {}
            for name, t in tables.items():
                if not name.startswith("rels/"):
                    continue
                rel_type = name[5:]
                if rel_type not in REL_TYPES:
                    raise ValueError(f"unknown relationship type {rel_type!r}")
                src = np.asarray(t.column("src").to_numpy(), dtype=np.int64)
                dst = np.asarray(t.column("dst").to_numpy(), dtype=np.int64)
                if len(src) and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
                    raise ValueError(f"bad codes in {name}")
                props: dict[str, np.ndarray] = {}
                for col in t.column_names:
                    if col not in ("src", "dst"):
                        values = np.empty(t.num_rows, dtype=object)
                        values[:] = t.column(col).to_pylist()
                        props[col] = values
                keys = LINK_KEYS.get(rel_type, ())
                key = None
                if keys:
                    if len(keys) == 1:
                        key = props.get(keys[0], np.full(len(src), None, dtype=object))
                    else:
                        key = np.empty(len(src), dtype=object)
                        key[:] = list(zip(*(props.get(k, [None] * len(src)) for k in keys)))
                rels[rel_type] = RelTable(src, dst, key, props)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged or foreign file
            raise _not_a_store(path, exc) from exc
        return ids, State(ids, n, label, nodes, rels)

    def _load_v1(self) -> tuple[Ids, State]:
        """The first format: a zip of Parquet tables, read into a change set."""
        import zipfile

        import pyarrow.parquet as pq

        from orgnet.graph.base import ChangeSet, LinkRow
        from orgnet.graph.memory import Ids, State
        from orgnet.model import LABELS, REL_TYPES

        def rows(data: bytes) -> list[dict[str, Any]]:
            table = pq.read_table(io.BytesIO(data), use_threads=False)
            return [{k: v for k, v in row.items() if v is not None} for row in table.to_pylist()]

        try:
            with zipfile.ZipFile(self.real) as zf:
                meta = json.loads(zf.read("meta.json"))
                if meta.get("format") != "orgnet-snapshot/1":
                    raise StoreError(
                        f"{self.path} is an orgnet snapshot of format {meta.get('format')!r}, "
                        f"this orgnet reads {FORMAT!r}; export it with the orgnet that wrote it"
                    )
                changes = ChangeSet()
                for name in zf.namelist():
                    stem = name.rsplit("/", 1)[-1].removesuffix(".parquet")
                    if name.startswith("nodes/") and stem in LABELS:
                        changes.nodes[stem] = rows(zf.read(name))
                    elif name.startswith("rels/") and stem in REL_TYPES:
                        links = []
                        for row in rows(zf.read(name)):
                            src, dst = row.pop("src"), row.pop("dst")
                            links.append(LinkRow(src, dst, row))
                        changes.links[stem] = links
            ids = Ids()
            return ids, State.empty(ids).applied(changes)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged or foreign file
            raise _not_a_store(self.path, exc) from exc

    # ------------------------------------------------------------------- save

    def save(self, state: State) -> None:
        """Write ``state`` atomically (the caller holds :meth:`locked`)."""
        blobs = _encode(state)
        header: dict[str, Any] = {"format": FORMAT, "tables": {}}
        # offsets depend on the header's length: lay out with a generous fixed pad
        names = list(blobs)
        draft = json.dumps({"format": FORMAT, "tables": {n: [10**15, 10**15] for n in names}})
        start = _aligned(16 + len(draft.encode()))
        offset = start
        for name in names:
            header["tables"][name] = [offset, len(blobs[name])]
            offset = _aligned(offset + len(blobs[name]))
        text = json.dumps(header).encode()
        directory = self.real.parent
        directory.mkdir(parents=True, exist_ok=True)
        try:
            mode: int | None = os.stat(self.real).st_mode & 0o7777
        except FileNotFoundError:
            mode = None
        fd, tmp = tempfile.mkstemp(prefix=f".{self.real.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + struct.pack("<Q", len(text)) + text)
                fh.write(b"\0" * (start - 16 - len(text)))
                pos = start
                for name in names:
                    fh.write(blobs[name])
                    pos += len(blobs[name])
                    pad = _aligned(pos) - pos
                    fh.write(b"\0" * pad)
                    pos += pad
                fh.flush()
                os.fsync(fh.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, self.real)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._seen = self._stat()


def _aligned(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def _ipc(table: Any) -> bytes:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def _encode(state: State) -> dict[str, bytes]:
    """The state's tables, codes compacted to the live nodes."""
    import pyarrow as pa

    from orgnet.graph.memory import LABEL_ORDER

    live = state.label >= 0
    new_code = np.cumsum(live) - 1
    names = state.names()[live]
    blobs = {"ids": _ipc(pa.table({"id": pa.array(names.tolist(), pa.string()),
                                   "label": pa.array(state.label[live], pa.int8())}))}
    for lab in LABEL_ORDER:
        t = state.nodes[lab]
        if len(t):
            blobs[f"nodes/{lab}"] = _ipc(t.table.append_column("_code", pa.array(new_code[t.codes])))
    for rel_type in sorted(state.rels):
        r = state.rels[rel_type]
        if not len(r):
            continue
        cols: dict[str, Any] = {"src": pa.array(new_code[r.src]), "dst": pa.array(new_code[r.dst])}
        for k, values in sorted(r.props.items()):
            cols[k] = pa.array(values.tolist())
        blobs[f"rels/{rel_type}"] = _ipc(pa.table(cols))
    return blobs
