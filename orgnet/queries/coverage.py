"""Coverage gaps: where the network fails to reach.

Each rule checks one kind of subject and lists the gaps:

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

``rate = 1 - len(gaps)/checked``; ``None`` when nothing is checked (NaN in
frames, "—" in tables and plots: nothing to count is not 100%). ``area=`` keeps
the subjects anchored in that area's subtree: a household by its building's
grid; a person by their household's grid, else (no household) by their org's
area — the area the org covers, else its unit's — else by their own unit's area;
a unit where it is located; an org by the area it covers and its unit's area; a
registration by its community (see :mod:`orgnet.queries._scope`). For every rule
whose subjects have one anchor, the subdistrict rows of a district add up to its
row when every anchor lies under a subdistrict, and ``by_district[d]`` equals
``coverage(area=d)``.

Each engine computes the per-rule facts natively (numpy over the columnar store;
Cypher inside Neo4j; see :mod:`orgnet.queries._facts`); scoping and rollups are
one piece of code for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, PrivateAttr

from orgnet.labels import RULE_LABELS
from orgnet.queries._args import check_area, check_choice, check_year
from orgnet.queries._dispatch import engine
from orgnet.queries._scope import AreaTree, in_scope, latest_year, rate, rollup_counts, tally, year_view

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore
    from orgnet.queries._facts import Engine, RuleRows

__all__ = ["RULES", "RULE_LABELS", "RuleResult", "RuleCount", "CoverageReport", "coverage", "default_year"]

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




class RuleResult(BaseModel):
    """One rule's result: how many subjects were checked and which are gaps."""

    rule: str
    checked: int
    gaps: list[str]
    rate: float | None
    """``1 - len(gaps)/checked``; None when nothing was checked."""


class RuleCount(BaseModel):
    """One rule's counts within one area of a rollup."""

    checked: int
    gaps: int
    rate: float | None


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
    _facts: Mapping[str, RuleRows] | None = PrivateAttr(default=None)
    _tree: AreaTree | None = PrivateAttr(default=None)
    _scope: frozenset[str] | None = PrivateAttr(default=None)
    _store: Any = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        """Equal fields make equal reports (the facts kept for work lists are not compared)."""
        if not isinstance(other, CoverageReport):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def _kept(self) -> tuple[Mapping[str, RuleRows], AreaTree]:
        if self._facts is None or self._tree is None or self._store is None:
            from orgnet.errors import InvalidArgument

            raise InvalidArgument("this report has no facts behind it (it was built by hand or loaded "
                                  "from JSON): ask net.coverage(...) again for work lists and fine rollups")
        return self._facts, self._tree

    def gap_frame(self, rule: str | None = None) -> pd.DataFrame:
        """One row per gap, with its name and places: a work list.

        Columns ``rule, id, name, label, grid, community, subdistrict, district``:
        ``label`` is the node's kind (Household, Person, Area, …), ``name`` its
        name, the places are area names along PART_OF from where the subject is
        anchored (as for ``area=``; a subject with several anchors, the first
        in scope); blank where not applicable. Rows sorted by district,
        subdistrict, community, grid names (blank first), then id (then rule).

        Parameters
        ----------
        rule : str, optional
            One rule of :data:`RULES`; all rules by default.

        Examples
        --------
        >>> import orgnet
        >>> net = orgnet.connect("memory://")
        >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
        >>> frame = net.coverage(2023).gap_frame("community_pairing")
        >>> list(frame.columns)
        ['rule', 'id', 'name', 'label', 'grid', 'community', 'subdistrict', 'district']
        """
        if rule is not None:
            check_choice("rule", rule, RULES)
        facts, tree = self._kept()
        scope = self._scope
        where: list[tuple[str, str, str | None]] = []
        for name in (RULES if rule is None else (rule,)):
            seen: set[str] = set()
            for row in facts[name]:
                if not row.gaps or (scope is not None and not in_scope(row.anchors, scope)):
                    continue
                if row.gap_anchors is not None and not in_scope(row.gap_anchors, scope):
                    continue
                pool = row.gap_anchors if row.gap_anchors else row.anchors
                anchor = next((a for a in pool if scope is None or a in scope), None)
                for gap in row.gaps:
                    if gap not in seen:
                        seen.add(gap)
                        where.append((name, gap, anchor))
        levels = ("grid", "community", "subdistrict", "district")
        up = {level: tree.ancestors(level) for level in levels}
        places = {a for _, _, a in where if a is not None}
        wanted = frozenset(x for level in levels for a in places if (x := up[level].get(a)) is not None)
        eng = engine(self._store)
        area_name = eng.area_names(wanted)
        info = eng.node_info(frozenset(g for _, g, _ in where))
        rows = []
        for name, gap, anchor in where:
            label, own = info.get(gap, ("", None))
            place = {level: (area_name.get(x, x) if anchor is not None and (x := up[level].get(anchor))
                             else "") for level in levels}
            rows.append({"rule": name, "id": gap, "name": own or "", "label": label, **place})
        frame = pd.DataFrame(rows, columns=["rule", "id", "name", "label", *levels])
        if len(frame):
            order = sorted(range(len(rows)), key=lambda i: (
                rows[i]["district"], rows[i]["subdistrict"], rows[i]["community"], rows[i]["grid"],
                rows[i]["id"], RULES.index(rows[i]["rule"])))
            frame = frame.iloc[order].reset_index(drop=True)
        return frame

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
                 "gaps": len(r.gaps), "rate": _nan(r.rate)}
                for r in self.rules.values()
            ],
            columns=["rule", "label", "checked", "gaps", "rate"],
        )

    def rollup_frame(self, level: str = "district") -> pd.DataFrame:
        """One row per (area, rule) of a rollup: area, name, rule, checked, gaps, rate.

        Parameters
        ----------
        level : {"district", "subdistrict", "community", "grid"}
            For communities and grids each subject counts once, where it is
            anchored (the first anchor in scope); subjects anchored above that
            level (an org covering a subdistrict) fall under a blank area, so
            every rule's rows add up to its total.
        """
        check_choice("level", level, ("district", "subdistrict", "community", "grid"))
        if level in ("community", "grid"):
            return self._fine_rollup(level)
        table = self.by_district if level == "district" else self.by_subdistrict
        return pd.DataFrame(
            [
                {"area": area, "name": self.names.get(area, area), "rule": rule,
                 "checked": c.checked, "gaps": c.gaps, "rate": _nan(c.rate)}
                for area, per_rule in table.items()
                for rule, c in per_rule.items()
            ],
            columns=["area", "name", "rule", "checked", "gaps", "rate"],
        )

    def _fine_rollup(self, level: str) -> pd.DataFrame:
        facts, tree = self._kept()
        scope = self._scope
        up = tree.ancestors(level)
        keys = [a for a in tree.of_level(level) if scope is None or a in scope]
        names = engine(self._store).area_names(frozenset(keys))
        out = []
        for rule in RULES:
            table: dict[str, list[int]] = {k: [0, 0] for k in keys}
            for row in facts[rule]:
                if scope is not None and not in_scope(row.anchors, scope):
                    continue
                anchor = next((a for a in row.anchors if scope is None or a in scope), None)
                key = (up.get(anchor) if anchor is not None else None) or ""
                entry = table.setdefault(key, [0, 0])
                entry[0] += row.checked
                if row.gaps and (row.gap_anchors is None or in_scope(row.gap_anchors, scope)):
                    entry[1] += len(row.gaps)
            for key in sorted(table):
                checked, gaps = table[key]
                if key == "" and checked == 0:
                    continue
                out.append({"area": key, "name": names.get(key, key) if key else "", "rule": rule,
                            "checked": checked, "gaps": gaps, "rate": _nan(rate(checked, gaps))})
        return pd.DataFrame(out, columns=["area", "name", "rule", "checked", "gaps", "rate"])

    def plot(self, ax: Axes | None = None, *, kind: str = "heatmap", level: str = "district") -> Axes:
        """Coverage rates by area and rule as a heat map (``kind="heatmap"``) or bars.

        Returns the matplotlib Axes.
        """
        from orgnet.plots.coverage import plot_coverage

        return plot_coverage(self, ax=ax, kind=kind, level=level)


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def default_year(store: GraphStore) -> int:
    """The latest registration year in the store, else the current year."""
    return latest_year(engine(store))


def coverage(store: GraphStore, year: int | None = None, *, area: str | None = None) -> CoverageReport:
    """Check every coverage rule.

    Parameters
    ----------
    store : GraphStore
        The graph (``net.store``); ``net.coverage(...)`` calls this.
    year : int, optional
        Year of the registration rules, 1900–2200; by default the latest year
        with a registration (else the current year). The report says which.
    area : str, optional
        Restrict every count to this area's subtree.

    Returns
    -------
    CoverageReport

    Raises
    ------
    NotFound
        When ``area`` is not an area of the graph (or a ``file:`` store has no file).
    InvalidArgument
        When ``year`` or ``area`` is of the wrong type or out of range.

    Warns
    -----
    orgnet.errors.EmptyStoreWarning
        When the store holds no data.

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> report = net.coverage(2023)
    >>> list(report.rules) == list(orgnet.queries.coverage.RULES), report.year
    (True, 2023)
    """
    year = check_year(year)
    area = check_area(area)
    eng, year, tree, scope = year_view(store, year, area)
    facts = eng.rule_facts(year, scope, None)
    report = build_report(facts, tree, year=year, area=area, scope=scope, names=area_names(eng, tree))
    report._facts, report._tree, report._scope, report._store = facts, tree, scope, store
    return report


def area_names(eng: Engine, tree: AreaTree) -> dict[str, str]:
    """Names of the city, districts and subdistricts (for labels)."""
    wanted = frozenset(tree.of_level("district")) | frozenset(tree.of_level("subdistrict")) | frozenset(
        tree.of_level("city"))
    return dict(sorted(eng.area_names(wanted).items()))


def build_report(
    facts: Mapping[str, RuleRows],
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
        rules[rule] = RuleResult.model_construct(rule=rule, checked=checked, gaps=gaps, rate=rate(checked, len(gaps)))
    rollups: dict[str, dict[str, dict[str, Any]]] = {}
    index = tree.index
    for level in ("district", "subdistrict"):
        keys = [a for a in tree.of_level(level) if scope is None or a in scope]
        if area is not None:
            above = tree.ancestor_at(area, level)
            if above is not None and above not in keys:
                keys.append(above)
        keys.sort()
        where = np.array([index[k] for k in keys], dtype=np.int64)
        table: dict[str, dict[str, Any]] = {k: {} for k in keys}  # RuleCount fields, validated below
        for rule in RULES:
            per_checked, per_gaps = rollup_counts(facts[rule], tree, level, scope)
            for key, n_checked, n_gaps in zip(keys, per_checked[where].tolist(), per_gaps[where].tolist()):
                table[key][rule] = {"checked": n_checked, "gaps": n_gaps, "rate": rate(n_checked, n_gaps)}
        rollups[level] = table
    return CoverageReport.model_validate({  # the rollup tables' ~1,000 RuleCounts built in pydantic-core
        "year": year, "area": area, "rules": rules,
        "by_district": rollups["district"], "by_subdistrict": rollups["subdistrict"],
        "names": names or {},
    })
