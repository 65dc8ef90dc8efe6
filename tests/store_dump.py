"""What a store holds, as plain values, and the change set a load plans: one copy for the tests.

``dump(store)`` gives counts, every node per label and every relationship per type
(field relationships and links), so two stores are equal when their dumps are.
``planned(rows)`` loads rows into a memory store that keeps the change set it was
given, so a test can apply the very same change set to another store.
"""

from __future__ import annotations

from typing import Any

from orgnet.graph.base import ChangeSet
from orgnet.graph.memory import MemoryStore
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.model import LABELS, REL_TYPES


def dump(store: Any) -> dict[str, Any]:
    """Everything a store holds, as plain values."""
    return {
        "counts": store.counts(),
        "nodes": {label: list(store.iter_nodes(label)) for label in sorted(LABELS)},
        "links": {t: list(store.iter_links(t)) for t in sorted(REL_TYPES)},
    }


class _Capture(MemoryStore):
    """A memory store that keeps the last change set it applied."""

    changes: ChangeSet

    def apply(self, changes: ChangeSet, **options: Any) -> None:
        self.changes = changes
        super().apply(changes, **options)


def planned(rows: Dataset | dict[str, list[dict[str, Any]]]) -> tuple[ChangeSet, MemoryStore]:
    """The change set loading ``rows`` plans, and the memory store it was applied to."""
    capture = _Capture()
    load_records(capture, rows if isinstance(rows, Dataset) else Dataset(rows))
    return capture.changes, capture
