"""A seeded generator of a Zhenjiang-like grassroots party-building network.

:func:`city` builds the five-level chain 市委—区委—街道党工委—社区党组织—网格党组织,
the units of every category with their party organisations, buildings,
households and people, and the links the seed document describes: 结对共建
pairings, 党建联盟 / 大工委 / 大党委 alliances, 联办活动, 双报到 registrations,
党员联系户 contacts, roles (网格长、党小组长、楼栋长、书记、中心户、社工), 党群服务阵地
and matters going through 集单—派单—接单—评单. It leaves gaps in the network at
configurable rates (:data:`DEFAULT_GAPS`), so that every coverage rule finds some.

Rows are plain dicts in the data-folder format, built directly (no pydantic
object per row), from one :class:`random.Random` seeded with ``seed``: the same
arguments give the same rows, in the same order.

The people file holds every party member (about one in 15 of the 2.2 residents a
household is taken to have) and the residents the network knows by name: about
8% of households have a recorded non-member, and every building has someone who
can be its 楼栋长. It is not a census.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, TypeVar

from orgnet.errors import InvalidArgument
from orgnet.io.dataset import Dataset
from orgnet.model import FILES, REGISTRATION_UNIT_CATEGORIES
from orgnet.synth import zhenjiang as zj

__all__ = ["Scale", "SCALES", "PROVINCE", "DEFAULT_GAPS", "city"]

Row = dict[str, Any]
_T = TypeVar("_T")


# ----------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Scale:
    """Size of a generated network.

    Attributes
    ----------
    name : str
        ``tiny``, ``district`` or ``city`` for the built-in scales.
    districts : tuple of (str, int or None)
        Districts populated down to households: code and how many of its
        subdistricts (the first ones, in :data:`zhenjiang.DISTRICTS` order;
        ``None`` for all).
    bare_districts : bool
        Add the other districts as bare areas, each with its committee and a few
        district-level units, so cross-district units exist.
    communities_per_subdistrict, grids_per_community, buildings_per_grid, households_per_building : float
        Mean counts (each drawn within ±30–50% of the mean).
    unit_share : float
        Share of the named city- and district-level units included (at least
        one per category).
    pairings_per_community, activities_per_community, matters_per_grid : float
        Mean counts; activities are per year, with a quarter as many again in
        the year before, and matters include about 15% from the year before.
    cities : int
        How many cities (default 1). Each is generated with the same scale
        from its own seed and has its own city area, committee and units;
        Zhenjiang comes first (identical to the one-city network of the same
        seed), then the other cities of :data:`zhenjiang.CITIES`, whose ids
        carry the city's code, so ids are unique across cities.

    Examples
    --------
    >>> from orgnet.synth import SCALES
    >>> SCALES["district"].districts
    (('RZ', None),)
    """

    name: str
    districts: tuple[tuple[str, int | None], ...]
    bare_districts: bool
    communities_per_subdistrict: float
    grids_per_community: float
    buildings_per_grid: float
    households_per_building: float
    unit_share: float
    pairings_per_community: float
    activities_per_community: float
    matters_per_grid: float
    cities: int = 1


SCALES: Final[Mapping[str, Scale]] = MappingProxyType({
    "tiny": Scale(
        name="tiny", districts=(("RZ", 2), ("JK", 1)), bare_districts=False,
        communities_per_subdistrict=2, grids_per_community=3.1, buildings_per_grid=3,
        households_per_building=7, unit_share=0.15, pairings_per_community=6,
        activities_per_community=10, matters_per_grid=4,
    ),
    "district": Scale(
        name="district", districts=(("RZ", None),), bare_districts=True,
        communities_per_subdistrict=8.5, grids_per_community=4.3, buildings_per_grid=5,
        households_per_building=28, unit_share=1.0, pairings_per_community=14,
        activities_per_community=56, matters_per_grid=13,
    ),
    "city": Scale(
        name="city", districts=tuple((d.code, None) for d in zj.DISTRICTS),
        bare_districts=False, communities_per_subdistrict=14.6, grids_per_community=4.2,
        buildings_per_grid=10, households_per_building=31, unit_share=1.0,
        pairings_per_community=14, activities_per_community=56, matters_per_grid=13,
    ),
})
"""The built-in scales: ``tiny`` (≈1k nodes), ``district`` (润州区, ≈50k), ``city`` (≈1.4M)."""

PROVINCE: Final[Scale] = dataclasses.replace(SCALES["city"], name="province", cities=4)
"""Four cities of the ``city`` scale (≈5.8M nodes), for benchmarks: ``city("province")``.

Kept apart from :data:`SCALES`, the sizes the test suite walks through.

Examples
--------
>>> from orgnet.synth import PROVINCE
>>> PROVINCE.cities, PROVINCE.districts == SCALES["city"].districts
(4, True)
"""

DEFAULT_GAPS: Final[Mapping[str, float]] = MappingProxyType({
    # Share of grids with no grid party branch (no Org COVERS the grid).
    "grid_party_org": 0.03,
    # Share of communities no unit or org pairs with (结对共建).
    "community_pairing": 0.03,
    # Share of buildings without a 楼栋长 (building_leader role).
    "building_leader": 0.05,
    # Share of grids missing one of 网格长 / 党小组长 (grid_leader, party_group_leader).
    "grid_three_leaders": 0.04,
    # Share of households no member contacts (党员联系户).
    "household_contact": 0.05,
    # Share of party members without an org (no org_id, no BELONGS_TO).
    "member_org": 0.02,
    # Share of in-service members not registered with a community in `year` (双报到).
    "member_registration": 0.12,
    # Share of organ/soe/public_institution/financial/vertical units not registered in `year`.
    "unit_registration": 0.08,
    # Share of units and people registered in `year` whose registration is not reported (双报告).
    "registration_report": 0.06,
    # Share of property companies with no party org (OF_UNIT).
    "property_party_org": 0.12,
    # Share of communities whose service centre is not standardized (no standardized Site).
    "community_site": 0.22,
    # Share of orgs whose UNDER chain does not reach the city committee (made by
    # orphaning that many unit orgs).
    "org_chain": 0.01,
})
"""Default gap rates, one per coverage rule of orgnet.queries.coverage (keys are the rule names).

Each rate is the share of the rule's checked items generated as gaps: exactly
``max(1, round(rate * n))`` of the ``n`` items when the rate is above 0 (so
every rule finds a gap even at ``tiny`` scale), none when it is 0.
"""

# People: members per household (2.2 residents, one member in ~15), recorded non-members.
_P_TWO_MEMBERS: Final = 0.0135
_P_MEMBER: Final = 0.1335  # cumulative: P(2) + P(1); mean 0.147 members per household
_P_RESIDENT: Final = 0.08
_MEMBER_CATEGORIES: Final = ("in_service", "retired", "no_position", "mobile", "other")
_MEMBER_CUM: Final = (0.36, 0.70, 0.84, 0.92, 1.0)

_SECTOR_OF: Final[dict[str, str]] = {
    "organ": "organ", "soe": "soe", "public_institution": "public_institution",
    "financial": "soe", "vertical": "organ", "non_public": "non_public",
    "social_org": "social_org", "property_company": "property",
}
# Probability that a unit of a category has its own party org (property: see gaps).
_ORG_SHARE: Final[dict[str, float]] = {
    "organ": 0.95, "soe": 0.95, "public_institution": 0.9, "financial": 0.85,
    "vertical": 0.9, "non_public": 0.45, "social_org": 0.3, "property_company": 1.0,
}
_KIND_SUFFIX: Final[dict[str, str]] = {
    "committee": "党委", "working_committee": "党工委", "general_branch": "党总支",
    "branch": "党支部", "group": "党小组",
}
_MATTER_CATEGORIES: Final = ("property", "environment", "safety", "neighbour", "facility",
                             "service")
_MATTER_CUM: Final = (0.34, 0.54, 0.68, 0.82, 0.94, 1.0)
_RATING_CUM: Final = (0.03, 0.07, 0.17, 0.45, 1.0)  # ratings 1..5
_REGISTRATION_CATEGORIES: Final = frozenset(REGISTRATION_UNIT_CATEGORIES)


# ------------------------------------------------------------------- network skeleton


@dataclass(eq=False, slots=True)
class _Building:
    id: str
    start: int  # household index range in the households table
    end: int
    people: list[Row] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class _Grid:
    id: str
    name: str
    community: _Community
    org_id: str | None = None
    start: int = 0
    end: int = 0
    buildings: list[_Building] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    members: list[Row] = field(default_factory=list)
    leader: str | None = None


@dataclass(eq=False, slots=True)
class _Community:
    id: str
    name: str
    sub: _Sub
    is_village: bool
    org_id: str = ""
    grids: list[_Grid] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    property: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    members: list[Row] = field(default_factory=list)
    next_group: int = 1


@dataclass(eq=False, slots=True)
class _Sub:
    id: str
    spec: zj.SubdistrictSpec
    district: _District
    org_id: str = ""
    communities: list[_Community] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class _District:
    spec: zj.DistrictSpec
    populated: bool
    org_id: str = ""
    subs: list[_Sub] = field(default_factory=list)
    level_units: list[str] = field(default_factory=list)
    organs: list[str] = field(default_factory=list)
    local_units: list[str] = field(default_factory=list)

    @property
    def communities(self) -> list[_Community]:
        return [c for s in self.subs for c in s.communities]


# ---------------------------------------------------------------------------- helpers


def _count(rng: random.Random, mean: float, spread: float) -> int:
    """A count around ``mean`` (uniform within ±spread, stochastically rounded)."""
    x = mean * (1.0 + spread * (2.0 * rng.random() - 1.0))
    n = int(x)
    return n + (1 if rng.random() < x - n else 0)


def _pick(rng: random.Random, values: Sequence[_T], cum: Sequence[float]) -> _T:
    """One of ``values``, by cumulative weights ``cum`` ending at 1.0."""
    r = rng.random()
    for value, bound in zip(values, cum, strict=True):
        if r < bound:
            return value
    return values[-1]


def _subset(rng: random.Random, items: Sequence[_T], category: Sequence[str],
            share: float) -> list[_T]:
    """``share`` of ``items`` per category (at least one each), in their order."""
    if share >= 1.0:
        return list(items)
    by_cat: dict[str, list[int]] = {}
    for i, cat in enumerate(category):
        by_cat.setdefault(cat, []).append(i)
    keep: list[int] = []
    for idx in by_cat.values():
        keep.extend(rng.sample(idx, max(1, round(share * len(idx)))))
    return [items[i] for i in sorted(keep)]


def _scale(scale: str | Scale) -> Scale:
    if isinstance(scale, Scale):
        return scale
    if scale == PROVINCE.name:
        return PROVINCE
    try:
        return SCALES[scale]
    except (KeyError, TypeError):
        raise InvalidArgument(
            f"unknown scale {scale!r}; use one of {', '.join(SCALES)}, {PROVINCE.name} or a Scale"
        ) from None


def _gap_rates(gaps: Mapping[str, float] | None) -> dict[str, float]:
    rates = dict(DEFAULT_GAPS)
    if not gaps:
        return rates
    unknown = sorted(str(k) for k in gaps if k not in DEFAULT_GAPS)
    if unknown:
        raise InvalidArgument(
            f"unknown gap key(s) {', '.join(map(repr, unknown))}; "
            f"the gap keys are the coverage rules: {', '.join(DEFAULT_GAPS)}"
        )
    for key, rate in gaps.items():
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise InvalidArgument(f"gap rate {key!r} must be a number from 0 to 1, got {rate!r}")
        rates[key] = float(rate)
    return rates


# ---------------------------------------------------------------------------- builder


class _Builder:
    """Builds the tables phase by phase; every random draw comes from ``self.rng``."""

    def __init__(self, scale: Scale, seed: int | str, year: int, gaps: dict[str, float],
                 city: int = 0) -> None:
        self.rng = random.Random(seed)
        self.code, self.city_name = zj.CITIES[city]
        self.prefix = "" if city == 0 else self.code
        self.scale = scale
        self.year = year
        self.gaps = gaps
        self.t: dict[str, list[Row]] = {name: [] for name in FILES}
        self.districts: list[_District] = []
        self.communities: list[_Community] = []
        self.grids: list[_Grid] = []
        self.area_communities: dict[str, list[_Community]] = {}
        self.city_units: list[str] = []
        self.unit_counter: dict[str, int] = {}
        self.unit_rows: dict[str, Row] = {}
        self.unit_home: dict[str, _District | None] = {}
        self.unit_org: dict[str, str] = {}
        self.unit_worker: dict[str, str] = {}
        self.unit_communities: dict[str, list[str]] = {}
        self.cross: dict[str, list[str]] = {}
        self.members: list[Row] = []
        self.in_service: list[tuple[Row, _Community]] = []
        self.jan1 = dt.date(year, 1, 1).toordinal()
        self.ndays = dt.date(year + 1, 1, 1).toordinal() - self.jan1
        self.prev_jan1 = dt.date(year - 1, 1, 1).toordinal()
        self.prev_ndays = self.jan1 - self.prev_jan1
        self._iso_cache: dict[int, str] = {}

    def build(self) -> Dataset:
        self._areas()
        self._regional_orgs()
        self._units()
        self._unit_orgs()
        for grid in self.grids:
            self._populate(grid)
        self._member_org_gaps()
        self._building_leaders()
        for c in self.communities:
            c.people = [p for g in c.grids for p in g.people]
            c.members = [p for g in c.grids for p in g.members]
        self._roles()
        self._contacts()
        self._pairings()
        self._alliances()
        self._activities()
        self._registrations()
        self._sites()
        self._matters()
        return Dataset(self.t)

    # -- small utilities

    def _gap_count(self, rule: str, n: int) -> int:
        """How many of ``n`` checked items are gaps of ``rule``."""
        rate = self.gaps[rule]
        return 0 if rate <= 0 or n == 0 else min(n, max(1, round(rate * n)))

    def _gap_set(self, rule: str, n: int) -> set[int]:
        """Indices (of ``n`` checked items) to make gaps of ``rule``."""
        return set(self.rng.sample(range(n), self._gap_count(rule, n)))

    def _iso(self, ordinal: int) -> str:
        text = self._iso_cache.get(ordinal)
        if text is None:
            text = self._iso_cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def _since(self) -> str:
        """A start date in the five years before ``year``'s first quarter ends."""
        return self._iso(self.jan1 - 5 * 365 + self.rng.randrange(5 * 365 + 90))

    def _name(self) -> str:
        rng = self.rng
        name = rng.choice(zj.SURNAMES) + rng.choice(zj.GIVEN_CHARS)
        return name + rng.choice(zj.GIVEN_CHARS) if rng.random() < 0.7 else name

    def _phone(self) -> str:
        return f"{self.rng.choice(zj.PHONE_PREFIXES)}{self.rng.randrange(100_000_000):08d}"

    def _role(self, person_id: str, role: str, target_id: str) -> None:
        self.t["roles"].append(
            {"person_id": person_id, "role": role, "target_id": target_id, "since": self._since()}
        )

    # -- areas and regional orgs

    def _area(self, area_id: str, name: str, level: str, parent_id: str | None) -> None:
        row: Row = {"id": area_id, "name": name, "level": level}
        if parent_id is not None:
            row["parent_id"] = parent_id
        self.t["areas"].append(row)

    def _areas(self) -> None:
        self._area(self.code, self.city_name, "city", None)
        layout = dict(self.scale.districts)
        for template in zj.DISTRICTS:
            if template.code not in layout and not self.scale.bare_districts:
                continue
            spec = template if not self.prefix else dataclasses.replace(
                template, code=self.prefix + template.code,
                full=template.full.replace(zj.CITY_NAME, self.city_name))
            d = _District(spec, populated=template.code in layout, org_id=f"O-{spec.code}")
            self.districts.append(d)
            self._area(spec.code, spec.name, "district", self.code)
            if d.populated:
                n = layout[template.code]
                for sub_spec in spec.subdistricts[:n]:
                    self._subdistrict(d, sub_spec)
        for c in self.communities:
            for area_id in (c.id, c.sub.id, c.sub.district.spec.code, self.code):
                self.area_communities.setdefault(area_id, []).append(c)

    def _subdistrict(self, d: _District, spec: zj.SubdistrictSpec) -> None:
        sub = _Sub(f"{d.spec.code}-{spec.code}", spec, d, org_id=f"O-{d.spec.code}-{spec.code}")
        d.subs.append(sub)
        self._area(sub.id, spec.name, "subdistrict", d.spec.code)
        n = max(1, _count(self.rng, self.scale.communities_per_subdistrict, 0.3))
        for i, (name, village) in enumerate(self._community_names(sub, n), 1):
            c = _Community(f"{sub.id}-C{i:02d}", name, sub, village, org_id=f"O-{sub.id}-C{i:02d}")
            sub.communities.append(c)
            self.communities.append(c)
            self._area(c.id, name, "community", sub.id)
            for j in range(1, max(1, _count(self.rng, self.scale.grids_per_community, 0.35)) + 1):
                g = _Grid(f"{c.id}-G{j:02d}", f"{name}第{j}网格", c)
                c.grids.append(g)
                self.grids.append(g)
                self._area(g.id, g.name, "grid", c.id)

    def _community_names(self, sub: _Sub, n: int) -> list[tuple[str, bool]]:
        """``n`` distinct (name, is_village) pairs; towns have mostly villages."""
        rng = self.rng
        known = list(zj.KNOWN_COMMUNITIES.get(sub.id, ()))
        rest = [s for s in zj.COMMUNITY_STEMS if s not in known]
        urban = known + rng.sample(rest, len(rest))
        if sub.spec.is_town:
            urban.insert(0, sub.spec.short)
        villages = rng.sample(zj.VILLAGE_STEMS, len(zj.VILLAGE_STEMS))
        names: list[tuple[str, bool]] = []
        for i in range(n):
            village = sub.spec.is_town and i > 0 and rng.random() < 0.8
            stems = villages if village else urban
            stem = stems.pop(0) if stems else f"新建{i + 1}"
            names.append((stem + ("村" if village else "社区"), village))
        return names

    def _org(self, org_id: str, name: str, kind: str, sector: str, *, parent: str | None = None,
             area: str | None = None, unit: str | None = None) -> Row:
        row: Row = {"id": org_id, "name": name, "kind": kind, "sector": sector}
        if parent is not None:
            row["parent_id"] = parent
        if area is not None:
            row["area_id"] = area
        if unit is not None:
            row["unit_id"] = unit
        self.t["orgs"].append(row)
        return row

    def _regional_orgs(self) -> None:
        root = f"O-{self.code}"
        self._org(root, f"中共{self.city_name}委员会", "committee", "regional", area=self.code)
        self._org(f"{root}-WY", f"{self.city_name}物业行业党委", "committee", "property", parent=root)
        grid_gaps = self._gap_set("grid_party_org", len(self.grids))
        gi = 0
        for d in self.districts:
            code, name = d.spec.code, d.spec.name
            self._org(d.org_id, f"中共{d.spec.full}委员会", "committee", "regional",
                      parent=root, area=code)
            self._org(f"O-{code}-WY", f"{name}物业行业党委", "committee", "property",
                      parent=d.org_id)
            self._org(f"O-{code}-LX", f"{name}两新组织综合党委", "committee", "industry",
                      parent=d.org_id)
            for sub in d.subs:
                town = sub.spec.is_town
                self._org(sub.org_id, sub.spec.name + ("党委" if town else "党工委"),
                          "committee" if town else "working_committee", "regional",
                          parent=d.org_id, area=sub.id)
                for c in sub.communities:
                    kind = ("committee" if len(c.grids) >= 5 or self.rng.random() < 0.25
                            else "general_branch")
                    self._org(c.org_id, c.name + _KIND_SUFFIX[kind], kind, "regional",
                              parent=sub.org_id, area=c.id)
                    for g in c.grids:
                        if gi not in grid_gaps:
                            g.org_id = f"O-{g.id}"
                            self._org(g.org_id, f"{g.name}党支部", "branch", "regional",
                                      parent=c.org_id, area=g.id)
                        gi += 1

    # -- units and their orgs

    def _unit(self, name: str, category: str, level: str | None, area_id: str,
              home: _District | None) -> str:
        prefix = home.spec.code if home is not None else self.code
        n = self.unit_counter[prefix] = self.unit_counter.get(prefix, 0) + 1
        unit_id = f"U-{prefix}-{n:04d}"
        row: Row = {"id": unit_id, "name": name, "category": category}
        if level is not None:
            row["admin_level"] = level
        row["area_id"] = area_id
        self.t["units"].append(row)
        self.unit_rows[unit_id] = row
        self.unit_home[unit_id] = home
        return unit_id

    def _units(self) -> None:
        rng, share = self.rng, self.scale.unit_share
        for name, cat, level in _subset(rng, zj.CITY_UNITS, [u[1] for u in zj.CITY_UNITS], share):
            name = name.replace(zj.CITY_NAME, self.city_name)
            self.city_units.append(self._unit(name, cat, level, self.code, None))
        cats = [u[1] for u in zj.DISTRICT_UNITS]
        for d in self.districts:
            spec = d.spec
            templates = _subset(rng, zj.DISTRICT_UNITS, cats, share if d.populated else 0.1)
            for template, cat in templates:
                name = template.format(d=spec.name, s=spec.short, f=spec.full)
                unit_id = self._unit(name, cat, "district", spec.code, d)
                d.level_units.append(unit_id)
                if cat == "organ":
                    d.organs.append(unit_id)
            for sub in d.subs:
                self._subdistrict_units(d, sub)
                for c in sub.communities:
                    self._community_units(d, c)

    def _subdistrict_units(self, d: _District, sub: _Sub) -> None:
        spec = sub.spec
        for street, town, cat, p in zj.SUBDISTRICT_UNITS:
            if self.rng.random() < p:
                name = (town if spec.is_town else street).format(n=spec.name, s=spec.short)
                sub.units.append(self._unit(name, cat, "subdistrict", sub.id, d))
        d.local_units.extend(sub.units)

    def _community_units(self, d: _District, c: _Community) -> None:
        rng = self.rng
        village = c.is_village
        for _ in range(_count(rng, 1.2 if village else 3.2, 0.6)):
            prefix = rng.choice(("镇江", "江苏", "镇江市", d.spec.short))
            name = f"{prefix}{rng.choice(zj.BRANDS)}{rng.choice(zj.INDUSTRIES)}有限公司"
            c.units.append(self._unit(name, "non_public", None, c.id, d))
        n_social = min(_count(rng, 0.9, 0.6), len(zj.SOCIAL_ORG_SUFFIXES))
        for suffix in rng.sample(zj.SOCIAL_ORG_SUFFIXES, n_social):
            c.units.append(self._unit(c.name + suffix, "social_org", None, c.id, d))
        for _ in range(_count(rng, 0.3 if village else 1.4, 0.6)):
            prefix = rng.choice(("镇江", "江苏", "镇江市"))
            name = f"{prefix}{rng.choice(zj.BRANDS)}{rng.choice(zj.PROPERTY_SUFFIXES)}"
            unit_id = self._unit(name, "property_company", None, c.id, d)
            c.units.append(unit_id)
            c.property.append(unit_id)
        d.local_units.extend(c.units)

    def _unit_orgs(self) -> None:
        units = self.t["units"]
        props = [i for i, u in enumerate(units) if u["category"] == "property_company"]
        no_org = {props[i] for i in self._gap_set("property_party_org", len(props))}
        unit_orgs: list[Row] = []
        for i, unit in enumerate(units):
            cat = unit["category"]
            if i in no_org or self.rng.random() >= _ORG_SHARE[cat]:
                continue
            unit_orgs.append(self._unit_org(unit))
        # Orphan unit orgs: they are leaves, so each orphan breaks exactly one chain.
        k = min(len(unit_orgs), self._gap_count("org_chain", len(self.t["orgs"])))
        for i in sorted(self.rng.sample(range(len(unit_orgs)), k)):
            del unit_orgs[i]["parent_id"]

    def _unit_org(self, unit: Row) -> Row:
        rng = self.rng
        cat, level, unit_id = unit["category"], unit.get("admin_level"), unit["id"]
        home = self.unit_home[unit_id]
        if level in ("central", "provincial", "municipal"):
            kind = _pick(rng, ("committee", "general_branch", "branch"), (0.5, 0.8, 1.0))
        elif level == "district":
            kind = "general_branch" if rng.random() < 0.35 else "branch"
        elif cat in ("property_company", "non_public") and rng.random() < 0.15:
            kind = "group"
        else:
            kind = "branch"
        code = home.spec.code if home is not None else self.code
        if cat == "property_company":
            parent = f"O-{code}-WY"
        elif cat in ("non_public", "social_org"):
            parent = f"O-{code}-LX"
        elif level == "subdistrict":
            parent = "O-" + unit["area_id"]
        else:
            parent = "O-" + code
        suffix = "机关党委" if cat == "organ" and kind == "committee" else _KIND_SUFFIX[kind]
        org_id = "O-" + unit_id
        self.unit_org[unit_id] = org_id
        return self._org(org_id, unit["name"] + suffix, kind, _SECTOR_OF[cat],
                         parent=parent, unit=unit_id)

    def _cross_pool(self, d: _District) -> list[str]:
        """District-level units of the other districts (for cross-district links)."""
        pool = self.cross.get(d.spec.code)
        if pool is None:
            pool = [u for o in self.districts if o is not d for u in o.level_units]
            self.cross[d.spec.code] = pool
        return pool

    # -- buildings, households, people

    def _populate(self, g: _Grid) -> None:
        rng = self.rng
        rand = rng.random
        c = g.community
        d = c.sub.district
        households = self.t["households"]
        prefix = d.spec.name + c.sub.spec.name
        g.start = len(households)
        for bi in range(1, max(1, _count(rng, self.scale.buildings_per_grid, 0.3)) + 1):
            building_id = f"B-{g.id}-{bi:02d}"
            n_households = max(2, _count(rng, self.scale.households_per_building, 0.5))
            if c.is_village:
                name = f"{c.name}{c.next_group}组"
                c.next_group += 1
                base = prefix + name
            else:
                name = f"{rng.choice(d.spec.roads)}{rng.randrange(1, 400)}号"
                base = prefix + name
                floors = 6 if n_households <= 24 else rng.choice((11, 18, 26))
            self.t["buildings"].append({"id": building_id, "name": name, "grid_id": g.id})
            b = _Building(building_id, len(households), 0)
            for hi in range(n_households):
                household_id = f"H-{building_id[2:]}-{hi + 1:03d}"
                if c.is_village:
                    address = f"{base}{hi + 1}号"
                else:
                    unit_no, rest = divmod(hi, 2 * floors)
                    address = f"{base}{unit_no + 1}单元{rest // 2 + 1}{rest % 2 + 1:02d}"
                households.append({"id": household_id, "building_id": building_id,
                                   "address": address})
                r = rand()
                k = 0
                for _ in range(2 if r < _P_TWO_MEMBERS else 1 if r < _P_MEMBER else 0):
                    k += 1
                    b.people.append(self._member(f"P-{household_id[2:]}-{k}", household_id, g))
                if rand() < _P_RESIDENT:
                    k += 1
                    b.people.append(self._resident(f"P-{household_id[2:]}-{k}", household_id))
            b.end = len(households)
            g.buildings.append(b)
            g.people.extend(b.people)
        g.end = len(households)
        if not g.members:  # a grid party branch needs members: every grid has one
            self._add_person(g, rng.choice(g.buildings), member=True)

    def _add_person(self, g: _Grid, b: _Building, *, member: bool) -> Row:
        """A person added to a random household of ``b`` after the household was made."""
        household_id = self.t["households"][self.rng.randrange(b.start, b.end)]["id"]
        k = 1 + sum(1 for p in b.people if p["household_id"] == household_id)
        person_id = f"P-{household_id[2:]}-{k}"
        row = (self._member(person_id, household_id, g) if member
               else self._resident(person_id, household_id))
        b.people.append(row)
        g.people.append(row)
        return row

    def _resident(self, person_id: str, household_id: str) -> Row:
        row: Row = {"id": person_id, "name": self._name(), "household_id": household_id,
                    "is_member": False, "phone": self._phone()}
        self.t["people"].append(row)
        return row

    def _member(self, person_id: str, household_id: str, g: _Grid) -> Row:
        category = _pick(self.rng, _MEMBER_CATEGORIES, _MEMBER_CUM)
        row: Row = {"id": person_id, "name": self._name(), "household_id": household_id,
                    "is_member": True, "member_category": category}
        org_id = g.org_id or g.community.org_id
        unit_id = None
        if category == "in_service":  # works at a unit; 组织关系 in its org where it has one
            unit_id = self._work_unit(g.community)
            org_id = self.unit_org.get(unit_id, org_id)
            self.unit_worker.setdefault(unit_id, person_id)
            self.in_service.append((row, g.community))
        row["org_id"] = org_id
        if unit_id is not None:
            row["unit_id"] = unit_id
        row["phone"] = self._phone()
        self.t["people"].append(row)
        self.members.append(row)
        g.members.append(row)
        return row

    def _work_unit(self, c: _Community) -> str:
        r = self.rng.random()
        d = c.sub.district
        if r < 0.3:
            pool = c.units or c.sub.units
        elif r < 0.45:
            pool = c.sub.units
        elif r < 0.7:
            pool = d.level_units
        elif r < 0.95:
            pool = self.city_units
        else:
            pool = self._cross_pool(d)
        return self.rng.choice(pool or self.city_units)

    def _member_org_gaps(self) -> None:
        for i in sorted(self._gap_set("member_org", len(self.members))):
            del self.members[i]["org_id"]

    # -- roles and contacts

    def _building_leaders(self) -> None:
        pairs = [(g, b) for g in self.grids for b in g.buildings]
        gaps = self._gap_set("building_leader", len(pairs))
        for i, (g, b) in enumerate(pairs):
            if i in gaps:
                continue
            members = [p for p in b.people if p["is_member"]]
            if members:
                person = self.rng.choice(members)
            elif b.people:
                person = self.rng.choice(b.people)
            else:
                person = self._add_person(g, b, member=False)
            self._role(person["id"], "building_leader", b.id)

    def _roles(self) -> None:
        rng = self.rng
        gaps = self._gap_set("grid_three_leaders", len(self.grids))
        for i, g in enumerate(self.grids):
            leader = rng.choice(g.members)["id"]
            others = [m for m in g.members if m["id"] != leader]
            group_leader = rng.choice(others or g.members)["id"]
            missing = rng.choice(("grid_leader", "party_group_leader")) if i in gaps else None
            if missing != "grid_leader":
                self._role(leader, "grid_leader", g.id)
                g.leader = leader
            if missing != "party_group_leader":
                self._role(group_leader, "party_group_leader", g.id)
            if g.org_id is not None:
                self._role(rng.choice(g.members)["id"], "secretary", g.org_id)
            if rng.random() < 0.6:  # a member's household is the building's 中心户
                member = rng.choice(g.members)
                building_id = "B-" + member["household_id"][2:].rsplit("-", 1)[0]
                self._role(member["id"], "central_household", building_id)
        self._secretaries()
        for c in self.communities:
            n = _pick(rng, (1, 2, 3), (0.2, 0.75, 1.0))
            for person in rng.sample(c.people, min(n, len(c.people))):
                self._role(person["id"], "social_worker", c.id)

    def _secretaries(self) -> None:
        rng = self.rng

        def member_of(communities: list[_Community]) -> str:
            return str(rng.choice(rng.choice(communities).members)["id"])

        for c in self.communities:
            self._role(member_of([c]), "secretary", c.org_id)
        for d in self.districts:
            for sub in d.subs:
                self._role(member_of(sub.communities), "secretary", sub.org_id)
            if d.subs:
                self._role(member_of(d.communities), "secretary", d.org_id)
        self._role(member_of(self.communities), "secretary", f"O-{self.code}")
        for unit_id, org_id in self.unit_org.items():
            worker = self.unit_worker.get(unit_id)
            if worker is not None:
                self._role(worker, "secretary", org_id)

    def _contacts(self) -> None:
        households = self.t["households"]
        contacts = self.t["contacts"]
        gaps = self._gap_set("household_contact", len(households))
        for g in self.grids:
            ids = [households[i]["id"] for i in range(g.start, g.end) if i not in gaps]
            if not ids:
                continue
            k = min(len(g.members), max(1, math.ceil(len(ids) / 10)))
            chosen = self.rng.sample(g.members, k)
            n = len(ids)
            for j, household_id in enumerate(ids):
                contacts.append({"person_id": chosen[j * k // n]["id"],
                                 "household_id": household_id})

    # -- co-building: pairings, alliances, activities, registrations

    def _pairings(self) -> None:
        gaps = self._gap_set("community_pairing", len(self.communities))
        for i, c in enumerate(self.communities):
            if i not in gaps:
                self._pair(c)

    def _pair(self, c: _Community) -> None:
        rng = self.rng
        d = c.sub.district
        n = max(1, _count(rng, self.scale.pairings_per_community, 0.4))
        chosen: dict[str, str] = {}  # unit id -> pairing kind
        if d.organs:
            chosen[rng.choice(d.organs)] = "block"
        pools = (self.city_units, self._cross_pool(d), d.level_units, c.sub.units, c.units,
                 d.local_units)
        cum = (0.32, 0.38, 0.52, 0.6, 0.82, 1.0)
        for _ in range(4 * n):
            if len(chosen) >= n:
                break
            pool = _pick(rng, pools, cum)
            if pool:
                chosen.setdefault(rng.choice(pool), "")
        if not chosen:
            chosen[rng.choice(self.city_units)] = ""
        for unit_id, kind in chosen.items():
            org_id = self.unit_org.get(unit_id)
            source = unit_id
            if not kind:
                if org_id is not None and rng.random() < 0.2:
                    source, kind = org_id, "branch"
                elif self.unit_rows[unit_id]["category"] in ("organ", "vertical",
                                                             "public_institution"):
                    kind = "block"
                else:
                    kind = "party_mass"
            self.t["pairings"].append(
                {"source_id": source, "target_id": c.id, "kind": kind, "since": self._since()}
            )
            c.partners.append(source)
            self.unit_communities.setdefault(unit_id, []).append(c.id)

    def _alliances(self) -> None:
        rng = self.rng
        for d in self.districts:
            if not d.subs:
                continue
            for sub in d.subs:
                partners = [p for c in sub.communities for p in c.partners]
                members = [sub.org_id, *sub.units,
                           *rng.sample(partners, min(6, len(partners)))]
                self._alliance(f"A-{sub.id}", f"{sub.spec.name}大工委", "big_working_committee",
                               sub.id, members)
                for c in sub.communities:
                    if rng.random() < 0.6:
                        self._alliance(f"A-{c.id}", f"{c.name}大党委", "big_party_committee",
                                       c.id, [c.org_id, *c.partners[:8], *c.property])
            pool = d.level_units + d.local_units + self.city_units + self._cross_pool(d)
            for i in range(1, max(1, len(d.subs) // 2) + 1):
                sub = rng.choice(d.subs)
                theme = rng.choice(zj.ALLIANCE_THEMES)
                where_id, where = sub.id, sub.spec.name
                if rng.random() < 0.5:
                    c = rng.choice(sub.communities)
                    where_id, where = c.id, c.name
                members = rng.sample(pool, min(len(pool), rng.randint(4, 10)))
                if theme == "红色物业":
                    members.insert(0, f"O-{d.spec.code}-WY")
                self._alliance(f"A-{d.spec.code}-L{i:02d}", f"{where}{theme}党建联盟", "alliance",
                               where_id, members)

    def _alliance(self, alliance_id: str, name: str, kind: str, area_id: str,
                  members: list[str]) -> None:
        self.t["alliances"].append({"id": alliance_id, "name": name, "kind": kind,
                                    "area_id": area_id})
        for member in dict.fromkeys(members):
            self.t["alliance_members"].append({"alliance_id": alliance_id, "member_id": member})

    def _activities(self) -> None:
        rng = self.rng
        activities, organizers = self.t["activities"], self.t["organizers"]
        mean = self.scale.activities_per_community
        for c in self.communities:
            pool = list(dict.fromkeys([c.org_id, *c.partners, *c.units[:3]]))
            n_now = _count(rng, mean, 0.4)
            for i in range(n_now + _count(rng, mean / 4, 0.4)):
                start, span = ((self.jan1, self.ndays) if i < n_now
                               else (self.prev_jan1, self.prev_ndays))
                activity_id = f"ACT-{c.id}-{i + 1:04d}"
                activities.append({
                    "id": activity_id, "name": c.name + rng.choice(zj.ACTIVITY_THEMES),
                    "date": self._iso(start + rng.randrange(span)), "area_id": c.id,
                })
                k = _pick(rng, (1, 2, 3), (0.45, 0.85, 1.0))
                for source in rng.sample(pool, min(k, len(pool))):
                    organizers.append({"activity_id": activity_id, "organizer_id": source})

    def _registrations(self) -> None:
        rng = self.rng
        this_year: list[Row] = []
        units = [u["id"] for u in self.t["units"] if u["category"] in _REGISTRATION_CATEGORIES]
        gaps = self._gap_set("unit_registration", len(units))
        for i, unit_id in enumerate(units):
            self._register(unit_id, self._unit_community(unit_id), i not in gaps, 0.85,
                           this_year)
        gaps = self._gap_set("member_registration", len(self.in_service))
        for i, (person, c) in enumerate(self.in_service):
            if rng.random() >= 0.9:
                c = rng.choice(self.area_communities[c.sub.district.spec.code])
            self._register(person["id"], c.id, i not in gaps, 0.8, this_year)
        for i in sorted(self._gap_set("registration_report", len(this_year))):
            this_year[i]["reported"] = False

    def _register(self, source_id: str, community_id: str, now: bool, p_before: float,
                  this_year: list[Row]) -> None:
        rows = self.t["registrations"]
        if self.rng.random() < p_before:
            rows.append({"source_id": source_id, "community_id": community_id,
                         "year": self.year - 1, "reported": self.rng.random() < 0.95})
        if now:
            row: Row = {"source_id": source_id, "community_id": community_id,
                        "year": self.year, "reported": True}
            rows.append(row)
            this_year.append(row)

    def _unit_community(self, unit_id: str) -> str:
        """The community a unit registers with: one it pairs with, else one near it."""
        paired = self.unit_communities.get(unit_id)
        if paired:
            return paired[0]
        near = self.area_communities.get(self.unit_rows[unit_id]["area_id"], self.communities)
        return self.rng.choice(near).id

    # -- sites and matters

    def _sites(self) -> None:
        rng = self.rng
        sites = self.t["sites"]
        gaps = self._gap_set("community_site", len(self.communities))
        for i, c in enumerate(self.communities):
            sites.append({"id": f"S-{c.id}", "name": f"{c.name}党群服务中心", "level": "center",
                          "area_id": c.id, "standardized": i not in gaps})
            for j in range(1, _count(rng, 1.0, 0.8) + 1):
                sites.append({"id": f"S-{c.id}-P{j}",
                              "name": f"{c.name}{rng.choice(zj.POINT_PLACES)}便民服务点",
                              "level": "point", "area_id": c.id, "standardized": False})
            for g in c.grids:
                sites.append({"id": f"S-{g.id}", "name": f"{g.name}党群服务站",
                              "level": "station", "area_id": g.id, "standardized": False})

    def _matters(self) -> None:
        rng = self.rng
        households = self.t["households"]
        for g in self.grids:
            c = g.community
            for i in range(_count(rng, self.scale.matters_per_grid, 0.5)):
                category = _pick(rng, _MATTER_CATEGORIES, _MATTER_CUM)
                if rng.random() < 0.55 or not g.people:
                    raised_by = households[rng.randrange(g.start, g.end)]["id"]
                else:
                    raised_by = rng.choice(g.people)["id"]
                row: Row = {"id": f"M-{g.id}-{i + 1:04d}",
                            "title": rng.choice(zj.MATTER_TITLES[category]),
                            "category": category, "raised_by": raised_by}
                self._handle(row, category, self._assignee(g, c, category))
                self.t["matters"].append(row)

    def _assignee(self, g: _Grid, c: _Community, category: str) -> str:
        r = self.rng.random()
        if category == "property" and c.property and r < 0.5:
            return self.rng.choice(c.property)
        if r < 0.75 and g.leader is not None:
            return g.leader
        if r < 0.9 or not c.partners:
            return g.org_id or c.org_id
        return self.rng.choice(c.partners)

    def _handle(self, row: Row, category: str, assignee: str) -> None:
        """Dates of 集单—派单—接单—评单 and the rating; ~90% closed, property fast."""
        rng = self.rng
        before = rng.random() < 0.15
        created = (self.prev_jan1 + rng.randrange(self.prev_ndays) if before
                   else self.jan1 + rng.randrange(self.ndays))
        r = rng.random()
        days: int | None
        if category == "property":
            if r < 0.82:
                days = _pick(rng, (0, 1, 2, 3), (0.15, 0.5, 0.8, 1.0))
            else:
                days = 4 + rng.randrange(17) if r < 0.93 or before else None
        else:
            days = min(30, int(rng.expovariate(0.3))) if r < 0.92 or before else None
        row["created_at"] = self._iso(created)
        to_dispatch = rng.randrange(2)
        to_accept = rng.randrange(2)
        if days is not None:
            to_dispatch = min(to_dispatch, days)
            to_accept = min(to_accept, days - to_dispatch)
        elif rng.random() < 0.05:  # not dispatched yet
            return
        row["dispatched_at"] = self._iso(created + to_dispatch)
        row["assignee_id"] = assignee
        if days is None and rng.random() < 0.3:  # not accepted yet
            return
        row["accepted_at"] = self._iso(created + to_dispatch + to_accept)
        if days is not None:
            row["closed_at"] = self._iso(created + days)
            row["rating"] = _pick(rng, (1, 2, 3, 4, 5), _RATING_CUM)


# ------------------------------------------------------------------------- public API


def city(scale: str | Scale = "tiny", seed: int = 0, *, year: int = 2023,
         gaps: Mapping[str, float] | None = None) -> Dataset:
    """Generate a realistic Zhenjiang-like party-building network.

    Parameters
    ----------
    scale : {"tiny", "district", "city", "province"} or Scale
        ``tiny``: two districts, three subdistricts, about 6 communities, 20
        grids and 1,000 nodes. ``district``: 润州区 fully populated (about
        50,000 nodes), the other districts as bare areas. ``city``: all seven
        districts, about 800 communities, 3,400 grids, 1.05M households and
        1.4M nodes. ``province``: four such cities (镇江, then 南京, 常州 and
        无锡 on Zhenjiang's template, each from its own seed), about 5.8M
        nodes and 10.8M rows; ids are unique across cities, the first city is
        the ``city`` network of the same seed. It takes about half a minute
        and 5 GB (``benchmarks/RESULTS.md``); a :class:`Scale` with
        ``cities=`` gives smaller multi-city networks.
    seed : int
        Seed of the random generator: the same seed gives identical rows.
    year : int
        The reporting year: activities, matters and registrations are dated
        in it (and some in the year before).
    gaps : mapping of str to float, optional
        Gap rates overriding :data:`DEFAULT_GAPS` (keys are the coverage
        rules; a rate of 0 leaves no gap of that rule). Unknown keys raise
        ``ValueError``.

    Returns
    -------
    Dataset
        Rows per file of the data-folder format, as plain dicts.

    Raises
    ------
    ValueError
        For an unknown scale, an unknown gap key or a rate outside [0, 1].

    Examples
    --------
    >>> from orgnet import synth
    >>> ds = synth.city("tiny", seed=1)
    >>> ds.counts()["areas"] > 0
    True
    >>> ds["areas"][0]
    {'id': 'ZJ', 'name': '镇江市', 'level': 'city'}
    >>> synth.city("tiny", seed=1)["people"] == ds["people"]
    True
    >>> clean = synth.city("tiny", gaps={"grid_party_org": 0})
    >>> {g["id"] for g in clean["areas"] if g["level"] == "grid"} <= {
    ...     o.get("area_id") for o in clean["orgs"]}
    True
    """
    spec = _scale(scale)
    rates = _gap_rates(gaps)
    if not 1901 <= year <= 2199:
        raise InvalidArgument(f"year must be between 1901 and 2199, got {year!r}")
    if not 1 <= spec.cities <= len(zj.CITIES):
        raise InvalidArgument(f"a network has 1 to {len(zj.CITIES)} cities, got {spec.cities!r}")
    was_enabled = gc.isenabled()
    gc.disable()  # millions of small dicts: the collector would only slow the build down
    try:
        first = _Builder(spec, seed, year, rates).build()
        if spec.cities == 1:
            return first
        tables = {name: list(first[name]) for name in first}
        for k in range(1, spec.cities):
            # Each further city from its own stream: a str seed is hashed by
            # random.seed deterministically (sha512), whatever PYTHONHASHSEED is.
            more = _Builder(spec, f"{seed}/{k}", year, rates, city=k).build()
            for name in tables:
                tables[name].extend(more[name])
            del more
        return Dataset(tables)
    finally:
        if was_enabled:
            gc.enable()
