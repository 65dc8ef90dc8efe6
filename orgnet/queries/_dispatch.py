"""Choose the engine for a store: the one place that knows which backends exist.

Question modules call :func:`engine` and talk to the returned
:class:`~orgnet.queries._facts.Engine`; they never test ``store.backend`` or
downcast a store. As networkx's backend dispatch, the choice is made from the
store's ``backend`` name, once per question.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from orgnet.errors import EmptyStoreWarning, InvalidArgument

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore
    from orgnet.queries._facts import Engine

__all__ = ["engine"]


def engine(store: GraphStore, *, warn_empty: bool = False) -> Engine:
    """The facts engine of ``store``, bound to one consistent view for one question.

    Raises
    ------
    NotFound
        For a ``file:`` store whose file does not exist (nothing was ever saved there).
    InvalidArgument
        When ``store`` is not an orgnet store.

    Warns
    -----
    EmptyStoreWarning
        With ``warn_empty``, when the store holds no node at all: every figure would be
        "nothing to count" (the figure questions ask for it; an id question is NotFound anyway).
    """
    backend = getattr(store, "backend", None)
    eng: Engine
    if backend == "memory":
        from orgnet.graph.memory import MemoryStore
        from orgnet.queries._memory import MemoryEngine

        if not isinstance(store, MemoryStore):
            raise InvalidArgument(f"store must be an orgnet store (Network.store), not {type(store).__name__}")
        if store.missing():
            from orgnet.graph.snapshot import StoreFileNotFound

            raise StoreFileNotFound(store.path or Path(store.uri))
        eng = MemoryEngine(store)
    elif backend == "neo4j":
        from orgnet.graph.neo4j import Neo4jStore
        from orgnet.queries._neo4j import Neo4jEngine

        if not isinstance(store, Neo4jStore):
            raise InvalidArgument(f"store must be an orgnet store (Network.store), not {type(store).__name__}")
        eng = Neo4jEngine(store)
    else:
        raise InvalidArgument(f"store must be an orgnet store (Network.store), not {type(store).__name__}")
    if warn_empty and eng.node_count() == 0:
        warnings.warn(
            f"{store.uri} holds no data: every figure is empty; load data first "
            "(net.load_folder(...) or `orgnet load FOLDER --to URI`)",
            EmptyStoreWarning, stacklevel=3,
        )
    return eng
