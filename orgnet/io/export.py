"""Export a store: GraphML, GEXF, JSON lines, a CSV data folder, or a networkx graph.

* ``.graphml``: for yEd and networkx's own reader. Nodes carry ``label`` (their
  kind) and their properties, edges ``type`` and theirs; absent values are left out.
* ``.gexf``: for Gephi. GEXF reserves a node's ``label`` for what Gephi shows and
  an edge's ``type`` for directed/undirected, so nodes are labelled with their
  name (or id) and carry their kind in ``node_type``; edges carry their
  relationship type in ``rel_type`` (and as their label).
* ``.xlsx``: the data-folder format as one workbook, a sheet per kind.
* ``.jsonl``: one JSON object a line: ``{"node": label, "id": …, …}`` for nodes,
  then ``{"rel": type, "src": …, "dst": …, …}`` for relationships.
* a folder (a path without one of those suffixes): the data-folder format,
  which :meth:`orgnet.Network.load_folder` loads back into the identical graph.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from orgnet.errors import InvalidArgument
from orgnet.graph.base import GraphStore, link_key
from orgnet.io.dataset import Dataset
from orgnet.model import LABELS, LINK_MODELS, NODE_MODELS, REL_TYPES

__all__ = ["export", "to_networkx", "to_dataset", "FORMATS", "PERSONAL"]

FORMATS = ("graphml", "gexf", "jsonl", "csv", "xlsx")

PERSONAL: dict[str, frozenset[str]] = {
    "Person": frozenset({"name", "phone"}),
    "Household": frozenset({"address"}),
}
"""Personal data: left out of an export with ``redact=True`` (ids and every other property stay)."""


def _nodes(store: GraphStore, label: str, redact: bool) -> Iterator[dict[str, Any]]:
    """A label's node rows, without the personal fields when ``redact``."""
    drop = PERSONAL.get(label, frozenset()) if redact else frozenset()
    for row in store.iter_nodes(label):
        yield {k: v for k, v in row.items() if k not in drop} if drop else row


def to_networkx(store: GraphStore, *, redact: bool = False) -> nx.MultiDiGraph:
    """The whole graph as a networkx ``MultiDiGraph``, nodes and edges in id order.

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load([Area(id="ZJ", level="city"), Area(id="RZ", level="district", parent_id="ZJ")])
    >>> list(net.to_networkx().edges(keys=True, data="type"))
    [('RZ', 'ZJ', 'PART_OF', 'PART_OF')]
    """
    graph = nx.MultiDiGraph()
    for label in sorted(LABELS):
        for row in _nodes(store, label, redact):
            attrs = {k: v for k, v in row.items() if k != "id"}
            graph.add_node(row["id"], label=label, **attrs)
    for rel_type in sorted(REL_TYPES):
        for link in store.iter_links(rel_type):
            graph.add_edge(link.src, link.dst, key=link_key(rel_type, link.props), type=rel_type, **link.props)
    return graph


def to_dataset(store: GraphStore, *, redact: bool = False) -> Dataset:
    """The store's content in the data-folder format (what ``export`` writes to a folder)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in NODE_MODELS:
        rows = list(_nodes(store, model.LABEL, redact))
        if rows:
            fields = list(model.model_fields)
            tables[model.FILE] = [{k: row[k] for k in fields if k in row} for row in rows]
    for link in LINK_MODELS:
        rows = [
            {link.SOURCE: r.src, link.TARGET: r.dst, **r.props} for r in store.iter_links(link.TYPE)
        ]
        if rows:
            tables[link.FILE] = rows
    return Dataset(tables)


def to_gexf_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``to_networkx``'s graph shaped for GEXF (names as labels, types in their own attributes).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("P1", label="Person", name="张三")
    >>> _ = g.add_edge("P1", "H1", key="LIVES_IN", type="LIVES_IN")
    >>> out = to_gexf_graph(g)
    >>> out.nodes["P1"]["label"], out.nodes["P1"]["node_type"], list(out.edges(data="rel_type"))[0][2]
    ('张三', 'Person', 'LIVES_IN')
    """
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {k: v for k, v in data.items() if k != "label"}
        out.add_node(node, label=str(data.get("name") or node), node_type=data.get("label", ""), **attrs)
    for u, v, data in graph.edges(data=True):
        attrs = {k: v for k, v in data.items() if k != "type"}
        out.add_edge(u, v, label=data.get("type", ""), rel_type=data.get("type", ""), **attrs)
    return out


def export(store: GraphStore, path: Path, *, format: str | None = None, excel: bool = False,
           redact: bool = False) -> Path:
    """Write the store to ``path``; the format follows the suffix unless ``format`` is given.

    ``excel=True`` writes CSV files as UTF-8 with a byte-order mark, which Excel
    on Chinese Windows needs to show the Chinese text (orgnet reads both). CSV
    fields are written as they are, so Excel evaluates one starting with ``=``,
    ``+``, ``-`` or ``@`` as a formula; a ``.xlsx`` export keeps such text as text
    (``docs/loading.md``, "Exports for Excel and Gephi").

    With ``redact=True`` people's ``name`` and ``phone`` and households'
    ``address`` (:data:`PERSONAL`) are left out, in every format; ids and every
    other property stay, so the redacted export loads back into the same
    coverage, chains and KPIs (see ``docs/privacy.md``).

    Returns
    -------
    Path
        What was written.

    Examples
    --------
    >>> import tempfile, pathlib, orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> out = net.export(pathlib.Path(tempfile.mkdtemp()) / "city.graphml")
    >>> out.suffix
    '.graphml'
    """
    suffixes = {".graphml": "graphml", ".gexf": "gexf", ".jsonl": "jsonl", ".xlsx": "xlsx"}
    fmt = format or suffixes.get(path.suffix.lower(), "csv")
    if fmt not in FORMATS:
        raise InvalidArgument(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "csv":
        return to_dataset(store, redact=redact).write(path, format="csv", excel=excel)
    if fmt == "xlsx":
        return to_dataset(store, redact=redact).write(path, format="xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for label in sorted(LABELS):
                for row in _nodes(store, label, redact):
                    fh.write(json.dumps({"node": label, **row}, ensure_ascii=False) + "\n")
            for rel_type in sorted(REL_TYPES):
                for link in store.iter_links(rel_type):
                    record = {"rel": rel_type, "src": link.src, "dst": link.dst, **link.props}
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return path
    graph = to_networkx(store, redact=redact)
    if fmt == "graphml":
        _write_graphml(graph, path)
    else:
        nx.write_gexf(to_gexf_graph(graph), path)
    return path


def _write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML that reads back exactly, carriage returns included.

    An XML reader turns a carriage return in text into a line feed, and networkx
    writes values as text without escaping it (a name or an address typed in an
    Excel cell as ``\r\n`` came back as ``\n\n``). Written as ``&#13;``, it reads
    back as itself; the document's own line ends are line feeds only, so every
    carriage return in it belongs to a value.
    """
    from networkx.readwrite.graphml import GraphMLWriter

    writer = GraphMLWriter(named_key_ids=True)  # what nx.write_graphml uses without lxml
    writer.add_graph_element(graph)
    buffer = io.BytesIO()
    writer.dump(buffer)  # UTF-8 with its declaration, as nx.write_graphml writes it
    path.write_bytes(buffer.getvalue().replace(b"\r", b"&#13;"))  # no other byte of UTF-8 is 0x0D

