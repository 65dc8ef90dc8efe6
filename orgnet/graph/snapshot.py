"""The embedded store's file format: one zip of Parquet tables, written atomically.

The file holds ``meta.json`` and one Parquet table per node label
(``nodes/Area.parquet``: ``id`` plus property columns) and per relationship type
(``rels/PART_OF.parquet``: ``src``, ``dst`` plus property columns). Columns, not
node-link JSON: PERFORMANCE.md measured 30x faster writes and 300x faster reads.

A write goes to a temporary file beside the target, is flushed to disk, then
renamed over it, so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgnet.errors import StoreError
from orgnet.graph.base import ChangeSet, LinkRow

if TYPE_CHECKING:
    from orgnet.graph.memory import MemoryStore

__all__ = ["write_snapshot", "read_snapshot", "FORMAT"]

FORMAT = "orgnet-snapshot/1"


def _table_bytes(rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys: dict[str, None] = {}
    for row in rows:  # every row's keys: from_pylist would look at the first row only
        keys.update(dict.fromkeys(row))
    table = pa.table({k: [row.get(k) for row in rows] for k in keys})
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def _rows(data: bytes) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    return [{k: v for k, v in row.items() if v is not None} for row in table.to_pylist()]


def write_snapshot(store: MemoryStore, path: Path) -> None:
    """Write the whole store to ``path`` atomically."""
    graph = store.graph
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr("meta.json", json.dumps({"format": FORMAT}))
                for label in sorted({d["label"] for _, d in graph.nodes(data=True)}):
                    zf.writestr(f"nodes/{label}.parquet", _table_bytes(list(store.iter_nodes(label))))
                by_type: dict[str, list[dict[str, Any]]] = {}
                for u, v, d in graph.edges(data=True):
                    row = {"src": u, "dst": v}
                    row.update((k, x) for k, x in d.items() if k != "type")
                    by_type.setdefault(d["type"], []).append(row)
                for rel_type in sorted(by_type):
                    zf.writestr(f"rels/{rel_type}.parquet", _table_bytes(by_type[rel_type]))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_snapshot(path: Path) -> ChangeSet:
    """Read a snapshot file back as a change set that rebuilds the identical graph."""
    from orgnet.model import LABELS, REL_TYPES

    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("meta.json"))
            if meta.get("format") != FORMAT:
                raise StoreError(
                    f"{path} is an orgnet snapshot of format {meta.get('format')!r}, "
                    f"this orgnet reads {FORMAT!r}; export it with the orgnet that wrote it"
                )
            changes = ChangeSet()
            for name in zf.namelist():
                stem = name.rsplit("/", 1)[-1].removesuffix(".parquet")
                if name.startswith("nodes/") and stem in LABELS:
                    changes.nodes[stem] = _rows(zf.read(name))
                elif name.startswith("rels/") and stem in REL_TYPES:
                    links = []
                    for row in _rows(zf.read(name)):
                        src, dst = row.pop("src"), row.pop("dst")
                        links.append(LinkRow(src, dst, row))
                    changes.links[stem] = links
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise StoreError(
            f"{path} is not an orgnet store file ({exc.__class__.__name__}); "
            "open another path or remove the file to start an empty store"
        ) from exc
    return changes
