"""The exception tree of orgnet.

Every error orgnet raises on purpose is an :class:`OrgnetError`. Subclasses also
inherit the builtin exception they resemble, so ``except KeyError`` still catches
a missing id::

    OrgnetError
    ├── InvalidData (ValueError)        a record or file breaks the data format
    │   └── InvalidInput                input files break it (causes first, repeats grouped)
    ├── InvalidArgument (ValueError)    a function got an option it does not take
    ├── NotFound (KeyError)             an id that is not in the graph
    ├── UnsupportedURI (ValueError)     connect() got a URI it cannot open
    ├── StoreError (RuntimeError)       the store failed while reading or writing
    │   ├── ConnectionFailed            the server could not be reached or the link was lost
    │   ├── AuthFailed                  the server refused the credentials
    │   ├── DatabaseNotFound            the named database does not exist
    │   ├── LoadConflict                another load or delete changed what this load writes
    │   └── ServerTooOld                the server's version is not supported
    ├── PlotUnavailable (ImportError)   matplotlib is missing
    └── AlreadyExists (FileExistsError) a file to write exists (pass overwrite / --force)

Each class has a stable ``code`` that services can match on instead of parsing
messages. Messages say what went wrong and what to do; they never contain
passwords or personal data (names, phone numbers).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = [
    "OrgnetError",
    "InvalidData",
    "InvalidInput",
    "Reject",
    "InvalidArgument",
    "NotFound",
    "UnsupportedURI",
    "StoreError",
    "ConnectionFailed",
    "AuthFailed",
    "DatabaseNotFound",
    "ServerTooOld",
    "LoadConflict",
    "PlotUnavailable",
    "EmptyStoreWarning",
    "AlreadyExists",
]


class OrgnetError(Exception):
    """Root of every error orgnet raises on purpose."""

    code: str = "orgnet_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Reject(BaseModel):
    """One rejected input row: where it is and why it was rejected.

    ``row`` counts as a spreadsheet does: in a CSV or workbook sheet the header is
    row 1 and the first record row 2; in a JSON-lines file row N is line N. For
    records given as Python objects, ``file`` is the kind's file name and ``row``
    the position (1-based) in the input.
    """

    model_config = ConfigDict(frozen=True)

    file: str
    row: int
    field: str
    reason: str
    type: str = "invalid"
    """A stable name for the kind of problem (``missing``, ``enum``, ``unresolved``, …)."""

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.reason}"


class InvalidData(OrgnetError, ValueError):
    """Input data breaks the data format or a structural rule.

    ``problems`` lists every problem found, each with file, row, field and
    reason; the message shows the first few.
    """

    code = "invalid_data"

    def __init__(self, problems: list[Reject], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:10])
        more = len(self.problems) - 10
        lines = [f"{len(self.problems)} problem(s) in the input; nothing was written:", shown]
        if more > 0:
            lines.append(f"  … and {more} more (see the exception's .problems)")
        lines.append(
            hint
            or "Fix these rows, or load with on_error='skip' to load the valid rows "
            "and get the rejected ones in LoadReport.rejects."
        )
        super().__init__("\n".join(lines))


class InvalidArgument(OrgnetError, ValueError):
    """A function or command got an option value it does not take; the message lists the valid ones."""

    code = "invalid_argument"


class NotFound(OrgnetError, KeyError):
    """An id that the graph does not hold."""

    code = "not_found"

    def __init__(self, node_id: str, what: str = "node") -> None:
        super().__init__(
            f"no {what} with id {node_id!r} in this graph; check the id "
            "(ids are case-sensitive strings) or load the data that defines it"
        )
        self.node_id = node_id

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class UnsupportedURI(OrgnetError, ValueError):
    """``connect()`` got a URI it cannot open."""

    code = "unsupported_uri"


class StoreError(OrgnetError, RuntimeError):
    """The store failed while reading or writing."""

    code = "store_error"


class ConnectionFailed(StoreError):
    """The server could not be reached, or the connection was lost mid-way."""

    code = "connection_failed"


class AuthFailed(StoreError):
    """The server refused the user name or password."""

    code = "auth_failed"


class DatabaseNotFound(StoreError):
    """The database named in ``connect(database=...)`` does not exist."""

    code = "database_not_found"


class ServerTooOld(StoreError):
    """The server runs a version orgnet does not support."""

    code = "server_too_old"


class LoadConflict(StoreError):
    """Another load or delete changed what this load writes, at the same moment.

    Either another load wrote some of this load's ids as another kind (``ids``
    lists them), or a node this load refers to was deleted while it wrote
    (``ids`` is empty: the message says how many relationships found an end
    missing). The batch that met the conflict was rolled back (batches written
    before it stay, each whole). Run the load again: validation then reports
    every id the store holds as another kind and every reference to a node the
    store does not hold.
    """

    code = "load_conflict"

    def __init__(self, message: str, ids: list[str]) -> None:
        super().__init__(message)
        self.ids = list(ids)


class PlotUnavailable(OrgnetError, ImportError):
    """Plotting needs matplotlib, which is not installed."""

    code = "plot_unavailable"


class EmptyStoreWarning(UserWarning):
    """A question was asked of a store that holds no data: every figure is "nothing to count"."""


class InvalidInput(InvalidData):
    """Input files break the data format: :class:`InvalidData` whose message lists the causes
    (whole-file problems) first and shows repeated problems once, with a count and the first rows.

    ``problems`` still holds every problem, one per row and field.
    """

    def __init__(self, problems: list[Reject], *, lines: list[str], hint: str | None = None) -> None:
        super().__init__(problems, hint=hint)
        text = [f"{len(self.problems)} problem(s) in the input; nothing was written:", *lines]
        text.append(
            hint
            or "Fix these rows, or load with on_error='skip' (orgnet load --on-error skip) to load "
            "the valid rows and get the rejected ones in LoadReport.rejects."
        )
        self.message = "\n".join(text)
        self.args = (self.message,)


class AlreadyExists(OrgnetError, FileExistsError):
    """A file orgnet would write exists already; nothing was overwritten."""

    code = "already_exists"
