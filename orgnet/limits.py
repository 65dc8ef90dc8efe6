"""Size limits that protect a store from one huge value or one huge batch.

A text value is bounded by :data:`MAX_TEXT_BYTES` (its UTF-8 length): the
longest real field, an address or a matter's description, is a few hundred
bytes, so 64 KiB leaves room for any honest value and keeps a 3 MB paste from
reaching the server. Validation rejects a longer value with a clear reject;
the Neo4j store refuses one too, before anything is written, in case a change
set was built by hand. Write batches are bounded by :data:`MAX_BATCH_BYTES` as
well as by rows, so a batch of long values is split into smaller transactions
instead of filling the server's heap.

See ``docs/guarantees.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

__all__ = ["MAX_TEXT_BYTES", "MAX_BATCH_BYTES", "value_bytes", "row_bytes", "oversized_fields"]

MAX_TEXT_BYTES: Final[int] = 64 * 1024
"""Longest text value accepted, in UTF-8 bytes (64 KiB)."""

MAX_BATCH_BYTES: Final[int] = 4 * 1024 * 1024
"""Most property bytes (estimated by :func:`row_bytes`) sent in one write transaction (4 MiB)."""


def value_bytes(value: Any) -> int:
    """UTF-8 length of a text value, a fixed 8 for a number, date or flag, summed over a list.

    Examples
    --------
    >>> value_bytes("abc"), value_bytes("镇江"), value_bytes(12), value_bytes(["ab", "c"])
    (3, 6, 8, 3)
    """
    if isinstance(value, str):
        return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))
    if isinstance(value, (list, tuple)):
        return sum(value_bytes(v) for v in value)
    return 8


def row_bytes(row: Mapping[str, Any]) -> int:
    """Estimated size of a row on the wire: names plus values (see :func:`value_bytes`).

    Examples
    --------
    >>> row_bytes({"id": "H1", "address": "x" * 100})
    111
    """
    return sum(len(k) + value_bytes(v) for k, v in row.items())


def oversized_fields(row: Mapping[str, Any]) -> Iterator[tuple[str, int]]:
    """(field, UTF-8 bytes) of each text value longer than :data:`MAX_TEXT_BYTES`.

    Only the field name and the size are given, never the value (it may be personal data).

    Examples
    --------
    >>> list(oversized_fields({"id": "H1", "address": "x" * 70_000}))
    [('address', 70000)]
    """
    for key, value in row.items():
        if isinstance(value, str) and len(value) <= MAX_TEXT_BYTES // 4:
            continue  # at most 4 bytes a character: cannot be too long
        if isinstance(value, (str, list, tuple)):
            size = value_bytes(value)
            if size > MAX_TEXT_BYTES:
                yield key, size
