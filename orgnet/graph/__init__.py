"""Graph stores: the protocol and its two backends.

``open_store(uri)`` picks the backend from the URI:

* ``memory://`` — embedded, in memory;
* ``file:PATH`` — embedded, persisted to one file (``create=True`` writes an empty
  file when there is none; otherwise the first load creates it);
* ``neo4j://``, ``neo4j+s://``, ``neo4j+ssc://``, ``bolt://``, ``bolt+s://``,
  ``bolt+ssc://`` — a Neo4j server.
"""

from __future__ import annotations

import os
from typing import Any

from orgnet.errors import UnsupportedURI
from orgnet.graph.base import ChangeSet, GraphStore, LinkRow, NodeInfo
from orgnet.graph.memory import MemoryStore

__all__ = ["GraphStore", "ChangeSet", "LinkRow", "NodeInfo", "MemoryStore", "open_store", "NEO4J_SCHEMES"]

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def open_store(
    uri: str | None = None,
    *,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
    **options: Any,
) -> GraphStore:
    """Open the store a URI names; see the module docstring for the schemes."""
    if uri is None:
        uri = os.environ.get("NEO4J_URI") or "memory://"
    if uri in ("memory://", "memory:", "memory"):
        return MemoryStore()
    if uri.startswith("file:"):
        path = uri[len("file:"):]
        if path.startswith("//"):
            path = path[2:]
        if not path:
            raise UnsupportedURI("file: needs a path, e.g. connect('file:city.orgnet')")
        return MemoryStore(path, create=bool(options.get("create", False)))
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme in NEO4J_SCHEMES:
        from orgnet.graph.neo4j import Neo4jStore

        return Neo4jStore(uri, auth=auth, database=database, **options)
    raise UnsupportedURI(
        f"cannot open {uri.split('@')[-1]!r}: use 'memory://', 'file:PATH', or a Neo4j URI "
        "('neo4j://host:7687', 'bolt://host:7687', 'neo4j+s://…' for Aura)"
    )
