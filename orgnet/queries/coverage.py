"""Coverage gaps: where the network fails to reach.

Each rule checks one kind of subject and lists the gaps (DESIGN.md):

=====================  ===============================  ==========================================
rule                   checked                          a gap is
=====================  ===============================  ==========================================
grid_party_org         grids                            no Org COVERS it
community_pairing      communities                      no PAIRED_WITH reaches it
building_leader        buildings                        no building_leader role on it
grid_three_leaders     grids                            missing a grid_leader or party_group_leader role on it
household_contact      households                       no member CONTACTS it
member_org             members                          no BELONGS_TO
member_registration    in-service members               no registration in ``year``
unit_registration      units of category organ, soe,    no registration in ``year``
                       public_institution, financial,
                       vertical
registration_report    units and people registered in   one of its registrations in ``year`` is
                       ``year``                         not ``reported``
property_party_org     units of category                no Org OF_UNIT it
                       property_company
community_site         communities                      no standardized Site LOCATED_IN it
org_chain              orgs                             its UNDER chain does not reach a root org
                                                        (no parent, COVERS a city area)
=====================  ===============================  ==========================================

``rate = 1 - len(gaps)/checked`` (1.0 when nothing is checked). ``area=`` keeps
the subjects anchored in that area's subtree (a household by its building's
grid, a person by their household, a unit where it is located, an org by the
area it covers and its unit's area, a registration by its community); see
:mod:`orgnet.queries._scope`. Each backend computes the per-rule facts natively
(Python over the networkx graph; Cypher inside Neo4j); scoping and rollups are
one piece of code for both.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
from pydantic import BaseModel, Field

from orgnet.errors import InvalidArgument
from orgnet.model import REGISTRATION_UNIT_CATEGORIES
from orgnet.queries._scope import AreaTree, Facts, rate, rollup, tally

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore
    from orgnet.graph.memory import MemoryStore

__all__ = ["RULES", "RuleResult", "RuleCount", "CoverageReport", "coverage", "default_year"]

RULES: Final[tuple[str, ...]] = (
    "grid_party_org",
    "community_pairing",
    "building_leader",
    "grid_three_leaders",
    "household_contact",
    "member_org",
    "member_registration",
    "unit_registration",
    "registration_report",
    "property_party_org",
    "community_site",
    "org_chain",
)
"""The twelve coverage rules, in report order."""

RULE_LABELS: Final[dict[str, str]] = {
    "grid_party_org": "网格党组织",
    "community_pairing": "社区结对",
    "building_leader": "楼栋长",
    "grid_three_leaders": "网格三长",
    "household_contact": "党员联系户",
    "member_org": "党员组织关系",
    "member_registration": "在职党员报到",
    "unit_registration": "单位报到",
    "registration_report": "双报告",
    "property_party_org": "物业党组织",
    "community_site": "标准化阵地",
    "org_chain": "组织链条",
}
"""Chinese name of each rule, for tables and plots."""


class RuleResult(BaseModel):
    """One rule's result: how many subjects were checked and which are gaps."""

    rule: str
    checked: int
    gaps: list[str]
    rate: float


class RuleCount(BaseModel):
    """One rule's counts within one area of a rollup."""

    checked: int
    gaps: int
    rate: float


class CoverageReport(BaseModel):
    """Coverage gaps for every rule, with rollups by district and subdistrict.

    Attributes
    ----------
    year : int
        Year of the registration rules.
    area : str or None
        The area the report is restricted to.
    rules : dict of str to RuleResult
        Per rule, in :data:`RULES` order.
    by_district, by_subdistrict : dict of str to dict of str to RuleCount
        Per area id (sorted), per rule: checked and gap counts within that area.
    """

    year: int
    area: str | None = None
    rules: dict[str, RuleResult]
    by_district: dict[str, dict[str, RuleCount]] = Field(default_factory=dict)
    by_subdistrict: dict[str, dict[str, RuleCount]] = Field(default_factory=dict)
    names: dict[str, str] = Field(default_factory=dict, repr=False)
    """Area id -> name, for labelling tables and plots."""

    def to_frame(self) -> pd.DataFrame:
        """One row per rule: rule, label (Chinese), checked, gaps (count), rate.

        Examples
        --------
        >>> import orgnet
        >>> net = orgnet.connect("memory://")
        >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
        >>> list(net.coverage(2023).to_frame().columns)
        ['rule', 'label', 'checked', 'gaps', 'rate']
        """
        return pd.DataFrame(
            [
                {"rule": r.rule, "label": RULE_LABELS.get(r.rule, r.rule), "checked": r.checked,
                 "gaps": len(r.gaps), "rate": r.rate}
                for r in self.rules.values()
            ],
            columns=["rule", "label", "checked", "gaps", "rate"],
        )

    def rollup_frame(self, level: str = "district") -> pd.DataFrame:
        """One row per (area, rule) of a rollup: area, name, rule, checked, gaps, rate.

        Parameters
        ----------
        level : {"district", "subdistrict"}
        """
        if level not in ("district", "subdistrict"):
            raise InvalidArgument(f"level must be 'district' or 'subdistrict', not {level!r}")
        table = self.by_district if level == "district" else self.by_subdistrict
        return pd.DataFrame(
            [
                {"area": area, "name": self.names.get(area, area), "rule": rule,
                 "checked": c.checked, "gaps": c.gaps, "rate": c.rate}
                for area, per_rule in table.items()
                for rule, c in per_rule.items()
            ],
            columns=["area", "name", "rule", "checked", "gaps", "rate"],
        )

    def plot(self, ax: Axes | None = None, *, kind: str = "heatmap", level: str = "district") -> Axes:
        """Coverage rates by area and rule as a heat map (``kind="heatmap"``) or bars.

        Returns the matplotlib Axes.
        """
        from orgnet.plots.coverage import plot_coverage

        return plot_coverage(self, ax=ax, kind=kind, level=level)


def default_year(store: GraphStore) -> int:
    """The latest registration year in the store, else the current year."""
    if store.backend == "memory":
        years = [
            d["year"] for _, _, d in _memory(store).graph.edges(data=True)
            if d["type"] == "REGISTERED_WITH"
        ]
    else:
        from orgnet.queries._neo4j_coverage import registration_years

        years = registration_years(store)
    return max(years) if years else _dt.date.today().year


def coverage(store: GraphStore, year: int | None = None, *, area: str | None = None) -> CoverageReport:
    """Check every coverage rule.

    Parameters
    ----------
    store : GraphStore
        The graph (``net.store``); ``net.coverage(...)`` calls this.
    year : int, optional
        Year of the registration rules; by default the latest year with a
        registration (else the current year).
    area : str, optional
        Restrict every count to this area's subtree.

    Returns
    -------
    CoverageReport

    Raises
    ------
    NotFound
        When ``area`` is not an area of the graph.

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> report = net.coverage(2023)
    >>> list(report.rules) == list(orgnet.queries.coverage.RULES)
    True
    """
    if year is None:
        year = default_year(store)
    tree = AreaTree(store.area_tree())
    scope = tree.subtree(area) if area is not None else None
    facts = rule_facts(store, year, scope)
    return build_report(facts, tree, year=year, area=area, scope=scope, names=area_names(store, tree))


def rule_facts(
    store: GraphStore, year: int, scope: frozenset[str] | None, rules: frozenset[str] | None = None
) -> dict[str, list[Facts]]:
    """Per rule (every rule, or only ``rules``), the backend's facts (see :mod:`orgnet.queries._scope`)."""
    if store.backend == "memory":
        return _facts_memory(_memory(store), year, rules)
    from orgnet.queries._neo4j_coverage import facts_neo4j

    return facts_neo4j(store, year, scope, rules)


def area_names(store: GraphStore, tree: AreaTree) -> dict[str, str]:
    """Names of the districts and subdistricts (for labels)."""
    wanted = set(tree.of_level("district")) | set(tree.of_level("subdistrict")) | set(tree.of_level("city"))
    return {row["id"]: row.get("name", row["id"]) for row in store.iter_nodes("Area") if row["id"] in wanted}


def build_report(
    facts: dict[str, list[Facts]],
    tree: AreaTree,
    *,
    year: int,
    area: str | None,
    scope: frozenset[str] | None,
    names: dict[str, str] | None = None,
) -> CoverageReport:
    """Assemble a report from facts: totals, scoping and rollups."""
    rules: dict[str, RuleResult] = {}
    for rule in RULES:
        checked, gaps = tally(facts[rule], scope)
        rules[rule] = RuleResult(rule=rule, checked=checked, gaps=gaps, rate=rate(checked, len(gaps)))
    rollups: dict[str, dict[str, dict[str, RuleCount]]] = {}
    for level in ("district", "subdistrict"):
        keys = [a for a in tree.of_level(level) if scope is None or a in scope]
        if area is not None:
            above = tree.ancestor_at(area, level)
            if above is not None and above not in keys:
                keys.append(above)
        table: dict[str, dict[str, RuleCount]] = {k: {} for k in sorted(keys)}
        for rule in RULES:
            counts = rollup(facts[rule], tree, level, scope)
            for key in table:
                c = counts.get(key)
                n_checked, n_gaps = (c.checked, c.gaps) if c else (0, 0)
                table[key][rule] = RuleCount(checked=n_checked, gaps=n_gaps, rate=rate(n_checked, n_gaps))
        rollups[level] = table
    return CoverageReport(
        year=year, area=area, rules=rules,
        by_district=rollups["district"], by_subdistrict=rollups["subdistrict"],
        names=names or {},
    )


# ----------------------------------------------------------------- memory backend


def _memory(store: GraphStore) -> MemoryStore:
    from orgnet.graph.memory import MemoryStore

    assert isinstance(store, MemoryStore)
    return store


class _View:
    """Fast reads over the embedded graph for the rules and KPIs."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        g = store.graph
        self.nodes: Any = g._node
        self.succ: Any = g._succ
        self.pred: Any = g._pred
        self._household_grids: dict[str, str | None] | None = None
        self.out1 = store.parent

    def has_in(self, node: str, prefix: str) -> bool:
        return any(k.startswith(prefix) for keys in self.pred[node].values() for k in keys)

    def has_in_key(self, node: str, key: str) -> bool:
        return any(key in keys for keys in self.pred[node].values())

    def grids_of_buildings(self) -> dict[str, str | None]:
        return {b: self.out1(b, "IN") for b in self.store.ids("Building")}

    def grids_of_households(self) -> dict[str, str | None]:
        """Household -> grid of its building; walked once per view (0.85 s for a city)."""
        if self._household_grids is None:
            bgrid = self.grids_of_buildings()
            out: dict[str, str | None] = {}
            for h in self.store.ids("Household"):
                b = self.out1(h, "IN")
                out[h] = bgrid.get(b) if b is not None else None
            self._household_grids = out
        return self._household_grids

    def home_grid(self, person: str, hgrid: dict[str, str | None]) -> str | None:
        h = self.out1(person, "LIVES_IN")
        return hgrid.get(h) if h is not None else None

    def org_anchors(self, org: str) -> tuple[str, ...]:
        anchors = set()
        covered = self.out1(org, "COVERS")
        if covered is not None:
            anchors.add(covered)
        unit = self.out1(org, "OF_UNIT")
        if unit is not None:
            located = self.out1(unit, "LOCATED_IN")
            if located is not None:
                anchors.add(located)
        return tuple(sorted(anchors))

    def registrations(self, source: str, year: int) -> Iterator[tuple[str, bool]]:
        """(community, reported) of ``source``'s registrations in ``year``."""
        key = f"REGISTERED_WITH|{year}"
        for v, keys in self.succ[source].items():
            data = keys.get(key)
            if data is not None:
                yield str(v), bool(data.get("reported", False))


class _Grouper:
    """Collect single-anchored subjects into one Facts row per anchor."""

    def __init__(self) -> None:
        self.checked: dict[str | None, int] = defaultdict(int)
        self.gaps: dict[str | None, list[str]] = defaultdict(list)

    def add(self, anchor: str | None, subject: str, gap: bool) -> None:
        self.checked[anchor] += 1
        if gap:
            self.gaps[anchor].append(subject)

    def rows(self) -> list[Facts]:
        return [
            Facts((a,) if a is not None else (), n, tuple(sorted(self.gaps.get(a, ()))))
            for a, n in sorted(self.checked.items(), key=lambda kv: kv[0] or "")
        ]


def _facts_memory(
    store: MemoryStore, year: int, rules: frozenset[str] | None = None, view: _View | None = None
) -> dict[str, list[Facts]]:
    v = view if view is not None else _View(store)

    def want(*names: str) -> bool:
        return rules is None or any(n in rules for n in names)

    nodes = v.nodes
    areas = store.area_tree()
    grids = [a for a, (lvl, _) in areas.items() if lvl == "grid"]
    communities = [a for a, (lvl, _) in areas.items() if lvl == "community"]
    facts: dict[str, list[Facts]] = {}

    if want("grid_party_org"):
        g = _Grouper()
        for a in grids:
            g.add(a, a, not v.has_in_key(a, "COVERS"))
        facts["grid_party_org"] = g.rows()

    if want("community_pairing"):
        g = _Grouper()
        for a in communities:
            g.add(a, a, not v.has_in(a, "PAIRED_WITH"))
        facts["community_pairing"] = g.rows()

    if want("building_leader"):
        bgrid = v.grids_of_buildings()
        g = _Grouper()
        for b, grid in bgrid.items():
            g.add(grid, b, not v.has_in_key(b, "HOLDS_ROLE|building_leader"))
        facts["building_leader"] = g.rows()

    if want("grid_three_leaders"):
        g = _Grouper()
        for a in grids:
            full = v.has_in_key(a, "HOLDS_ROLE|grid_leader") and v.has_in_key(a, "HOLDS_ROLE|party_group_leader")
            g.add(a, a, not full)
        facts["grid_three_leaders"] = g.rows()

    hgrid = v.grids_of_households() if want("household_contact", "member_org", "member_registration") else {}
    if want("household_contact"):
        g = _Grouper()
        for h, grid in hgrid.items():
            contacted = any(
                "CONTACTS" in keys and nodes[p].get("is_member") for p, keys in v.pred[h].items()
            )
            g.add(grid, h, not contacted)
        facts["household_contact"] = g.rows()

    member_org, member_reg = _Grouper(), _Grouper()
    report_rows: list[Facts] = []
    for p in store.ids("Person") if want("member_org", "member_registration") else ():
        data = nodes[p]
        if not data.get("is_member"):
            continue
        grid = v.home_grid(p, hgrid)
        member_org.add(grid, p, v.out1(p, "BELONGS_TO") is None)
        if data.get("member_category") == "in_service":
            member_reg.add(grid, p, not any(True for _ in v.registrations(p, year)))
    facts["member_org"] = member_org.rows()
    facts["member_registration"] = member_reg.rows()

    unit_reg, prop = _Grouper(), _Grouper()
    for u in store.ids("Unit") if want("unit_registration", "property_party_org") else ():
        data = nodes[u]
        area = v.out1(u, "LOCATED_IN")
        if data.get("category") in REGISTRATION_UNIT_CATEGORIES:
            unit_reg.add(area, u, not any(True for _ in v.registrations(u, year)))
        if data.get("category") == "property_company":
            prop.add(area, u, not v.has_in_key(u, "OF_UNIT"))
    facts["unit_registration"] = unit_reg.rows()
    facts["property_party_org"] = prop.rows()

    for label in ("Unit", "Person") if want("registration_report") else ():
        for s in store.ids(label):
            regs = list(v.registrations(s, year))
            if not regs:
                continue
            unreported = tuple(sorted({c for c, ok in regs if not ok}))
            report_rows.append(
                Facts(tuple(sorted({c for c, _ in regs})), 1, (s,) if unreported else (), unreported)
            )
    report_rows.sort()
    facts["registration_report"] = report_rows

    if want("community_site"):
        g = _Grouper()
        for a in communities:
            has_site = any(
                "LOCATED_IN" in keys and nodes[s]["label"] == "Site" and nodes[s].get("standardized")
                for s, keys in v.pred[a].items()
            )
            g.add(a, a, not has_site)
        facts["community_site"] = g.rows()

    if want("org_chain"):
        parents = store.org_parents()
        city_areas = {a for a, (lvl, _) in areas.items() if lvl == "city"}
        roots = {o for o, parent in parents.items() if parent is None and v.out1(o, "COVERS") in city_areas}
        reaches: dict[str, bool] = {}
        chain_rows: list[Facts] = []
        for o in sorted(parents):
            path: list[str] = []
            seen: set[str] = set()
            node: str | None = o
            ok = False
            while node is not None and node not in seen:
                if node in reaches:
                    ok = reaches[node]
                    break
                seen.add(node)
                path.append(node)
                if node in roots:
                    ok = True
                    break
                node = parents.get(node)
            for n in path:
                reaches[n] = ok
            chain_rows.append(Facts(v.org_anchors(o), 1, () if ok else (o,)))
        facts["org_chain"] = chain_rows
    return {rule: rows for rule, rows in facts.items() if rules is None or rule in rules}
