"""Alliance influence: which units and orgs carry the co-building network.

Actors are the units and orgs that pair (``PAIRED_WITH``) or organise
(``ORGANIZED``). For each: ``pairings`` (distinct communities paired with),
``subdistricts`` and ``districts`` those communities lie in, ``cross_district``
(one of them lies outside the actor's own district — a unit's is where it is
located, an org's is the area it covers or else its unit's), ``activities``
organised, and ``pagerank`` / ``betweenness`` on the undirected graph whose
edges are PAIRED_WITH (actor–community), ORGANIZED (actor–activity) and
MEMBER_OF (actor–alliance): equal to networkx ``pagerank(alpha=0.85)`` and
``betweenness_centrality(normalized=True)`` on it. Per alliance: members,
communities its members pair with, activities they organise.

Both backends pull the same projection (Neo4j in one query) and compute the
centralities here, in one place: Neo4j Community has no graph algorithms.
Actors are sorted by pagerank descending, then id; alliances by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd
from pydantic import BaseModel, Field

from orgnet.queries._args import check_choice, check_int, check_year
from orgnet.queries._dispatch import engine
from orgnet.queries._facts import Projection
from orgnet.queries._scope import AreaTree
from orgnet.queries._window import window

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore

__all__ = [
    "ActorInfluence",
    "AllianceSummary",
    "InfluenceReport",
    "Projection",
    "influence",
]


class ActorInfluence(BaseModel):
    """Influence of one unit or org."""

    id: str
    kind: str
    name: str | None = None
    pairings: int
    subdistricts: int
    districts: int
    cross_district: bool
    activities: int
    pagerank: float
    betweenness: float
    own_district: str | None = None
    """The actor's own district (``None`` for one located at the city level or
    nowhere: any pairing of such an actor counts as cross-district)."""


class AllianceSummary(BaseModel):
    """Reach of one alliance (党建联盟 / 大工委 / 大党委)."""

    id: str
    name: str | None = None
    members: int
    communities: int
    activities: int


class InfluenceReport(BaseModel):
    """Actors by influence and alliances by reach.

    Attributes
    ----------
    actors : list of ActorInfluence
        Sorted by pagerank descending, then id.
    alliances : list of AllianceSummary
        Sorted by id.
    """

    actors: list[ActorInfluence]
    alliances: list[AllianceSummary]
    edges: list[tuple[str, str, str]] = Field(default_factory=list, repr=False)
    """The projection's edges (actor, community/activity/alliance, type), for plots."""
    districts: dict[str, str | None] = Field(default_factory=dict, repr=False)
    """District of every actor and community, for plots."""
    betweenness_method: str = "exact"
    """``"exact"`` or ``"sample of N paths, error <= E with probability 0.9"``: how betweenness was computed."""
    betweenness_error_bound: float | None = None
    """``None`` when exact; when sampled, every actor's betweenness is within this of
    the exact value with probability 0.9 (Riondato and Kornaropoulos, 2016)."""
    district_names: dict[str, str] = Field(default_factory=dict, repr=False)
    """District id -> name, for plot legends."""

    def to_frame(self) -> pd.DataFrame:
        """One row per actor, the columns of :class:`ActorInfluence`."""
        return pd.DataFrame([a.model_dump() for a in self.actors], columns=list(ActorInfluence.model_fields))

    def alliances_frame(self) -> pd.DataFrame:
        """One row per alliance, the columns of :class:`AllianceSummary`."""
        return pd.DataFrame([a.model_dump() for a in self.alliances], columns=list(AllianceSummary.model_fields))

    def plot(self, ax: Axes | None = None, *, top: int = 30) -> Axes:
        """The pairing network of the ``top`` actors: node size by pagerank, colour by district."""
        from orgnet.plots.influence import plot_influence

        return plot_influence(self, ax=ax, top=top)


def influence(store: GraphStore, *, betweenness: str = "exact", samples: int = 40_000,
              seed: int = 0, year: int | None = None) -> InfluenceReport:
    """Rank units and orgs by their place in the co-building network.

    Parameters
    ----------
    store : GraphStore
    betweenness : {"exact", "sample"}
        ``"exact"`` (the default) equals networkx's
        ``betweenness_centrality(normalized=True)``, computed by
        :func:`orgnet.algorithms.betweenness` (trees folded in closed form,
        then a compiled Brandes; see ``benchmarks/RESULTS.md`` for a city).
        ``"sample"`` estimates it from ``samples`` sampled shortest paths
        (Riondato and Kornaropoulos, 2016) and states its error bound in
        :attr:`InfluenceReport.betweenness_error_bound`.
    samples : int
        Shortest paths sampled for ``"sample"``; the bound shrinks as
        ``1 / sqrt(samples)``.
    seed : int
        Seed of the sample (0 to 2**32 - 1): the same seed gives the same estimate.
    year : int, optional
        Use the pairings active in that year and the activities dated in it;
        without a year, the pairings not ended by today (and every activity).

    Returns
    -------
    InfluenceReport

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> top = net.influence().actors[0]
    >>> top.pagerank > 0
    True
    """
    check_choice("betweenness", betweenness, ("exact", "sample"))
    check_int("samples", samples, 1, 10**9)
    check_int("seed", seed, 0, 2**32 - 1)
    year = check_year(year)
    eng = engine(store, warn_empty=True).as_of(window(year), year)
    proj = eng.projection()
    sources = samples if betweenness == "sample" else None
    return compute(proj, AreaTree(eng.area_tree()), sources=sources, seed=seed)


def compute(proj: Projection, tree: AreaTree, *, sources: int | None = None, seed: int = 0) -> InfluenceReport:
    """The report from a projection; the same code for every backend."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted({x for u, v, _ in proj.edges for x in (u, v)}))
    graph.add_edges_from(sorted((u, v) for u, v, _ in proj.edges))
    pagerank = nx.pagerank(graph, alpha=0.85) if graph.number_of_nodes() else {}
    from orgnet.algorithms.betweenness import betweenness as fast_betweenness

    index = {name: i for i, name in enumerate(graph.nodes)}
    result = fast_betweenness([(index[u], index[v]) for u, v in graph.edges], len(index),
                              mode="exact" if sources is None else "sample", samples=sources, seed=seed)
    between = dict(zip(index, result.values.tolist(), strict=True))
    bound = result.error_bound
    method = "exact" if bound is None else f"sample of {sources} paths, error <= {bound:.2g} with probability 0.9"

    communities: dict[str, set[str]] = {}
    activities: dict[str, set[str]] = {}
    members: dict[str, set[str]] = {}
    for u, v, t in proj.edges:
        if t == "PAIRED_WITH":
            communities.setdefault(u, set()).add(v)
        elif t == "ORGANIZED":
            activities.setdefault(u, set()).add(v)
        else:
            members.setdefault(v, set()).add(u)

    districts: dict[str, str | None] = {}
    actors: list[ActorInfluence] = []
    for actor in sorted(set(communities) | set(activities)):
        label, name, own_area = proj.actors.get(actor, ("Unit", None, None))
        own = tree.ancestor_at(own_area, "district") if own_area else None
        districts[actor] = own
        comms = communities.get(actor, set())
        c_districts = {c: tree.ancestor_at(c, "district") for c in comms}
        districts.update(c_districts)
        actors.append(
            ActorInfluence(
                id=actor, kind=label, name=name,
                pairings=len(comms),
                subdistricts=len({s for s in (tree.ancestor_at(c, "subdistrict") for c in comms) if s}),
                districts=len({d for d in c_districts.values() if d}),
                cross_district=any(d != own for d in c_districts.values()),
                activities=len(activities.get(actor, ())),
                pagerank=float(pagerank.get(actor, 0.0)),
                betweenness=float(between.get(actor, 0.0)),
                own_district=own,
            )
        )
    actors.sort(key=lambda a: (-a.pagerank, a.id))

    alliances = []
    for alliance in sorted(proj.alliances):
        who = members.get(alliance, set())
        alliances.append(
            AllianceSummary(
                id=alliance, name=proj.alliances[alliance], members=len(who),
                communities=len(set().union(*(communities.get(m, set()) for m in who))) if who else 0,
                activities=len(set().union(*(activities.get(m, set()) for m in who))) if who else 0,
            )
        )
    names = {d: n for d, n in proj.district_names.items() if n}
    return InfluenceReport(actors=actors, alliances=alliances, edges=sorted(proj.edges), districts=districts,
                           betweenness_method=method, betweenness_error_bound=bound, district_names=names)
