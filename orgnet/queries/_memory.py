"""The embedded engine: every fact as array operations over the columnar store.

Implements :class:`orgnet.queries._facts.Engine` on one immutable
:class:`~orgnet.graph.memory.State` (so a question never sees half a write).
Subjects, anchors and gaps are integer-code arrays: gaps are masks from
``np.bincount`` over relationship ends, anchors are parent-array lookups
(household -> building -> grid), groups come from ``np.bincount`` and sorting; only the ids
that reach a result are turned back into strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from orgnet.errors import NotFound
from orgnet.graph.memory import State, unique_ints, unique_pairs
from orgnet.model import REGISTRATION_UNIT_CATEGORIES
from orgnet.queries._facts import ChainTable, Facts, KpiFacts, Projection
from orgnet.queries._paths import smallest_shortest_path

if TYPE_CHECKING:
    from orgnet.graph.memory import MemoryStore

__all__ = ["MemoryEngine"]


def _gather(indptr: np.ndarray, values: np.ndarray, nodes: np.ndarray) -> list[np.ndarray]:
    """``values[indptr[n]:indptr[n+1]]`` for every node of ``nodes``, with one gather for all."""
    if not len(nodes):
        return []
    starts, ends = indptr[nodes], indptr[nodes + 1]
    counts = ends - starts
    bounds = np.concatenate([[0], np.cumsum(counts)])
    flat = values[np.repeat(starts - bounds[:-1], counts) + np.arange(int(bounds[-1]))]
    return np.split(flat, bounds[1:-1])


def _text(values: np.ndarray, fill: str) -> np.ndarray:
    """An object column of ISO dates as a numpy text array, ``fill`` for absent values."""
    return np.array([fill if v is None else str(v) for v in values.tolist()], dtype=str)


def _take(arr: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``arr[idx]`` with ``-1`` where ``idx`` is ``-1``."""
    out = np.full(len(idx), -1, dtype=arr.dtype)
    ok = idx >= 0
    out[ok] = arr[idx[ok]]
    return out


class AsOfState(State):
    """A state whose dated relationships are filtered to a window; every derived value that does
    not depend on them is built once and kept on the base state (shared by every year asked)."""

    def __init__(self, base: State, rels: dict[str, Any], changed: frozenset[str]) -> None:
        super().__init__(base.ids, base.n, base.label, base.nodes, rels)
        self._base = base
        self._changed = changed

    def cached(self, key: Any, build: Callable[[], Any]) -> Any:
        spelled = str(key)
        if "undirected" in spelled or "role_targets" in spelled or any(t in spelled for t in self._changed):
            return super().cached(key, build)
        return self._base.cached(key, build)


class MemoryEngine:
    """The facts of one state of a :class:`~orgnet.graph.memory.MemoryStore`."""

    backend = "memory"

    def __init__(self, store: MemoryStore | None, state: State | None = None) -> None:
        self.s: State = state if state is not None else store.state()  # type: ignore[union-attr]

    # ---------------------------------------------------------------- helpers

    def _names(self) -> np.ndarray:
        return self.s.names()

    def _areas_of_level(self, level: str) -> np.ndarray:
        s = self.s
        t = s.nodes["Area"]
        return np.asarray(t.codes[s.column("Area", "level") == level], dtype=np.int64)

    def _of_label(self, codes: np.ndarray, label: str) -> np.ndarray:
        """``codes`` where the node has ``label``, else -1."""
        mask = self.s.label_mask(label)
        out = codes.copy()
        ok = out >= 0
        ok[ok] = mask[out[ok]]
        out[~ok] = -1
        return out

    def household_grid(self) -> np.ndarray:
        """Code -> grid of a household's building (-1 for none or for other nodes)."""
        def build() -> np.ndarray:
            s = self.s
            into = s.out1("IN")
            hh = s.nodes["Household"].codes
            bld = self._of_label(into[hh], "Building")
            out = np.full(s.n, -1, dtype=np.int64)
            out[hh] = _take(into, bld)
            return out
        return self.s.cached("household_grid", build)  # type: ignore[no-any-return]

    def org_area(self) -> np.ndarray:
        """Code -> an org's area: the one it COVERS, else its unit's (-1 for none)."""
        def build() -> np.ndarray:
            s = self.s
            covers = s.out1("COVERS")
            located = s.out1("LOCATED_IN")
            unit_area = _take(located, s.out1("OF_UNIT"))
            return np.where(covers >= 0, covers, unit_area)
        return self.s.cached("org_area", build)  # type: ignore[no-any-return]

    def person_anchor(self) -> np.ndarray:
        """Code -> a person's anchor: their household's grid (-1 when it has none); without a
        household, their org's area, else their unit's."""
        def build() -> np.ndarray:
            s = self.s
            household = self._of_label(s.out1("LIVES_IN"), "Household")
            home = _take(self.household_grid(), household)
            org = _take(self.org_area(), s.out1("BELONGS_TO"))
            unit = _take(s.out1("LOCATED_IN"), s.out1("WORKS_AT"))
            return np.where(household >= 0, home, np.where(org >= 0, org, unit))
        return self.s.cached("person_anchor", build)  # type: ignore[no-any-return]

    def _grouped(self, anchors: np.ndarray, subjects: np.ndarray, gap: np.ndarray) -> list[Facts]:
        """One Facts row per anchor (``-1``: no anchor) with its sorted gap ids, by anchor id."""
        if not len(subjects):
            return []
        names = self._names()
        shifted = anchors + 1  # -1 (no anchor) -> 0
        checked = np.bincount(shifted, minlength=self.s.n + 1)
        present = np.flatnonzero(checked)
        gap_anchor = shifted[gap]
        order = np.argsort(gap_anchor, kind="stable")
        gap_sorted = gap_anchor[order]
        gap_names = names[subjects[gap][order]].tolist()
        lo = np.searchsorted(gap_sorted, present, side="left").tolist()
        hi = np.searchsorted(gap_sorted, present, side="right").tolist()
        rows = []
        for i, a in enumerate(present.tolist()):
            gaps = gap_names[lo[i] : hi[i]]
            gaps.sort()
            rows.append(Facts((names[a - 1],) if a > 0 else (), int(checked[a]), tuple(gaps)))
        rows.sort(key=lambda f: f.anchors[0] if f.anchors else "")
        return rows

    def _rows_by_anchor_sets(self, anchor_sets: list[tuple[str, ...]], gap_sets: list[tuple[str, ...] | None],
                             subjects: list[str], gap: list[bool]) -> list[Facts]:
        """Group subjects that share their anchors (and gap anchors): the rollup sees the same counts."""
        groups: dict[tuple[tuple[str, ...], tuple[str, ...] | None], list[Any]] = {}
        for anchors, gap_anchors, subject, bad in zip(anchor_sets, gap_sets, subjects, gap):
            entry = groups.get((anchors, gap_anchors))
            if entry is None:
                entry = groups[(anchors, gap_anchors)] = [0, []]
            entry[0] += 1
            if bad:
                entry[1].append(subject)
        return sorted(
            Facts(anchors, n, tuple(sorted(gaps)), gap_anchors)
            for (anchors, gap_anchors), (n, gaps) in groups.items()
        )

    def _has_in(self, rel_type: str) -> np.ndarray:
        return self.s.cached(("has_in", rel_type), lambda: self.s.has_in(rel_type))  # type: ignore[no-any-return]

    def _role_targets(self, role: str) -> np.ndarray:
        def build() -> np.ndarray:
            r = self.s.rel("HOLDS_ROLE")
            if r.key is None or not len(r):
                return np.zeros(self.s.n, dtype=bool)
            return self.s.has_in("HOLDS_ROLE", r.key == role)
        return self.s.cached(("role_targets", role), build)  # type: ignore[no-any-return]

    def _registered(self, year: int) -> np.ndarray:
        """Rows of REGISTERED_WITH in ``year``."""
        def build() -> np.ndarray:
            r = self.s.rel("REGISTERED_WITH")
            if r.key is None or not len(r):
                return np.zeros(len(r), dtype=bool)
            return np.asarray(r.key == year, dtype=bool)
        return self.s.cached(("registered", year), build)  # type: ignore[no-any-return]

    def _has_registration(self, year: int) -> np.ndarray:
        def build() -> np.ndarray:
            if not len(self.s.rel("REGISTERED_WITH")):
                return np.zeros(self.s.n, dtype=bool)
            return self.s.has_out("REGISTERED_WITH", self._registered(year))
        return self.s.cached(("has_registration", year), build)  # type: ignore[no-any-return]

    def _member(self) -> np.ndarray:
        def build() -> np.ndarray:
            out = np.zeros(self.s.n, dtype=bool)
            out[self.s.nodes["Person"].codes] = self.s.column("Person", "is_member")
            return out
        return self.s.cached("member", build)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ facts

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        s = self.s
        areas = s.nodes["Area"].codes
        parent = s.out1("PART_OF")[areas]
        levels = s.column("Area", "level").tolist()
        names = self._names()
        return {
            names[a]: (levels[i], names[p] if p >= 0 else None)
            for i, (a, p) in enumerate(zip(areas.tolist(), parent.tolist()))
        }

    def area_names(self, ids: frozenset[str]) -> dict[str, str]:
        s = self.s
        names = self._names()
        col = s.column("Area", "name").tolist()
        out = {}
        for i, a in enumerate(s.nodes["Area"].codes.tolist()):
            node_id = names[a]
            if node_id in ids:
                out[node_id] = col[i] if col[i] is not None else node_id
        return out

    def node_count(self) -> int:
        return int((self.s.label >= 0).sum())

    def registration_years(self) -> list[int]:
        r = self.s.rel("REGISTERED_WITH")
        if r.key is None:
            return []
        return sorted({int(y) for y in r.key.tolist() if y is not None})

    def rule_facts(self, year: int, scope: frozenset[str] | None,
                   rules: frozenset[str] | None) -> dict[str, list[Facts]]:
        s = self.s

        def want(name: str) -> bool:
            return rules is None or name in rules

        facts: dict[str, list[Facts]] = {}
        grids = self._areas_of_level("grid")
        communities = self._areas_of_level("community")
        if want("grid_party_org"):
            facts["grid_party_org"] = self._grouped(grids, grids, ~self._has_in("COVERS")[grids])
        if want("community_pairing"):
            facts["community_pairing"] = self._grouped(communities, communities,
                                                       ~self._has_in("PAIRED_WITH")[communities])
        if want("building_leader"):
            b = s.nodes["Building"].codes
            facts["building_leader"] = self._grouped(s.out1("IN")[b], b, ~self._role_targets("building_leader")[b])
        if want("grid_three_leaders"):
            full = self._role_targets("grid_leader") & self._role_targets("party_group_leader")
            facts["grid_three_leaders"] = self._grouped(grids, grids, ~full[grids])
        if want("household_contact"):
            h = s.nodes["Household"].codes
            c = s.rel("CONTACTS")
            contacted = s.has_in("CONTACTS", self._member()[c.src]) if len(c) else np.zeros(s.n, dtype=bool)
            facts["household_contact"] = self._grouped(self.household_grid()[h], h, ~contacted[h])
        people = s.nodes["Person"]
        is_member = s.column("Person", "is_member")
        registered = self._registered(year)
        has_reg = self._has_registration(year)
        if want("member_org"):
            p = people.codes[is_member]
            belongs = s.cached(("has_out", "BELONGS_TO"), lambda: s.has_out("BELONGS_TO"))
            facts["member_org"] = self._grouped(self.person_anchor()[p], p, ~belongs[p])
        if want("member_registration"):
            in_service = is_member & (s.column("Person", "member_category") == "in_service")
            p = people.codes[in_service]
            facts["member_registration"] = self._grouped(self.person_anchor()[p], p, ~has_reg[p])
        units = s.nodes["Unit"]
        category = s.column("Unit", "category")
        located = s.out1("LOCATED_IN")
        if want("unit_registration"):
            u = units.codes[np.isin(category, list(REGISTRATION_UNIT_CATEGORIES))]
            facts["unit_registration"] = self._grouped(located[u], u, ~has_reg[u])
        if want("property_party_org"):
            u = units.codes[category == "property_company"]
            facts["property_party_org"] = self._grouped(located[u], u, ~self._has_in("OF_UNIT")[u])
        if want("registration_report"):
            facts["registration_report"] = self._report_rows(registered)
        if want("community_site"):
            loc = s.rel("LOCATED_IN")
            standard = np.zeros(s.n, dtype=bool)
            sites = s.nodes["Site"]
            standard[sites.codes] = s.column("Site", "standardized")
            has_site = s.has_in("LOCATED_IN", standard[loc.src]) if len(loc) else np.zeros(s.n, dtype=bool)
            facts["community_site"] = self._grouped(communities, communities, ~has_site[communities])
        if want("org_chain"):
            facts["org_chain"] = self._org_chain_rows()
        return facts

    def _report_rows(self, registered: np.ndarray) -> list[Facts]:
        """registration_report: one row per subject registered in the year (Unit or Person)."""
        s = self.s
        r = s.rel("REGISTERED_WITH")
        if not registered.any():
            return []
        subject_ok = s.label_mask("Unit") | s.label_mask("Person")
        rows = np.flatnonzero(registered & subject_ok[r.src])
        if not len(rows):
            return []
        reported = r.props.get("reported")
        ok = (np.asarray(reported[rows] == True, dtype=bool) if reported is not None  # noqa: E712
              else np.zeros(len(rows), dtype=bool))
        names = self._names()
        src, dst = r.src[rows], r.dst[rows]
        order = np.lexsort((dst, src))
        src, dst, ok = src[order], dst[order], ok[order]
        starts = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
        ends = np.r_[starts[1:], len(src)]
        counts = ends - starts
        # one registration in the year (the common case): grouped by (community, reported) with arrays
        one = starts[counts == 1]
        c1, ok1, s1 = dst[one], ok[one], src[one]
        key = c1 * 2 + (~ok1)
        order1 = np.argsort(key, kind="stable")
        key, s1 = key[order1], s1[order1]
        bounds = (np.flatnonzero(np.r_[True, key[1:] != key[:-1]]).tolist() if len(key) else []) + [len(key)]
        key_l = key.tolist()
        groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Any]] = {}
        for g0, g1 in zip(bounds[:-1], bounds[1:]):
            c, bad = names[key_l[g0] // 2], bool(key_l[g0] % 2)
            gap_ids = sorted(names[s1[g0:g1]].tolist()) if bad else []
            groups[((c,), (c,) if bad else ())] = [g1 - g0, gap_ids]
        # several registrations: anchored by all their communities, gaps where unreported
        src_l, dst_l, ok_l = src.tolist(), dst.tolist(), ok.tolist()
        for i0, i1 in zip(starts[counts > 1].tolist(), ends[counts > 1].tolist()):
            anchors = tuple(sorted({names[d] for d in dst_l[i0:i1]}))
            unreported = tuple(sorted({names[dst_l[i]] for i in range(i0, i1) if not ok_l[i]}))
            entry = groups.setdefault((anchors, unreported), [0, []])
            entry[0] += 1
            if unreported:
                entry[1].append(names[src_l[i0]])
        return sorted(Facts(anchors, n, tuple(sorted(gap_ids)), gap_anchors)
                      for (anchors, gap_anchors), (n, gap_ids) in groups.items())

    def _org_chain_rows(self) -> list[Facts]:
        s = self.s
        orgs = s.nodes["Org"].codes
        if not len(orgs):
            return []
        parent = s.out1("UNDER")
        is_org = s.label_mask("Org")
        parent = np.where((parent >= 0) & is_org[np.maximum(parent, 0)], parent, -1)
        covers = s.out1("COVERS")
        city = np.zeros(s.n, dtype=bool)
        city[self._areas_of_level("city")] = True
        root = (parent[orgs] < 0) & (covers[orgs] >= 0) & city[np.maximum(covers[orgs], 0)]
        # pointer doubling over the orgs alone (row numbers, not codes): ok = some ancestor is a root
        up = _take(s.rows("Org"), parent[orgs])
        ok = root.copy()
        anc = up
        for _ in range(max(1, int(np.ceil(np.log2(len(orgs) + 1))) + 1)):
            has = anc >= 0
            ok[has] |= ok[anc[has]]
            nxt = np.full_like(anc, -1)
            nxt[has] = anc[anc[has]]
            anc = nxt
            if not (anc >= 0).any():
                break
        names = self._names()
        cov = covers[orgs]
        loc = _take(s.out1("LOCATED_IN"), s.out1("OF_UNIT")[orgs])
        import pandas as pd

        low, high = np.minimum(cov, loc), np.maximum(cov, loc)
        low = np.where(low < 0, high, low)  # one anchor when the other is -1
        base = s.n + 1
        inv, keys = pd.factorize((low + 1) * base + (high + 1), sort=True)
        keys = np.asarray(keys, dtype=np.int64)
        uniq = np.stack([keys // base - 1, keys % base - 1], axis=1)
        checked = np.bincount(inv, minlength=len(uniq))
        bad = ~ok
        bad_names = names[orgs[bad]].tolist()
        bad_inv = inv[bad].tolist()
        per_group: list[list[str]] = [[] for _ in range(len(uniq))]
        for g, name in zip(bad_inv, bad_names):
            per_group[g].append(name)
        rows = []
        for g, (x, y) in enumerate(uniq.tolist()):
            anchors = tuple(sorted({names[c] for c in (x, y) if c >= 0}))
            rows.append(Facts(anchors, int(checked[g]), tuple(sorted(per_group[g]))))
        rows.sort()
        return rows

    def kpi_facts(self, scope: frozenset[str] | None) -> KpiFacts:
        s = self.s
        names = self._names()
        facts = KpiFacts()
        p = s.rel("PAIRED_WITH")
        if len(p):
            units = s.label_mask("Unit")[p.src]
            if units.any():
                us, cs = unique_pairs(p.src[units], p.dst[units], s.n)
                pairs = np.stack([us, cs], axis=1)
                rows = s.rows("Unit")
                level = s.column("Unit", "admin_level")
                facts.unit_pairings = sorted(
                    (names[u], level[rows[u]], names[c]) for u, c in pairs.tolist()
                )
        located = s.out1("LOCATED_IN")

        def name_or_none(codes: np.ndarray) -> list[str | None]:
            return [names[c] if c >= 0 else None for c in codes.tolist()]

        acts = s.nodes["Activity"]
        facts.activities = list(zip(names[acts.codes].tolist(), s.column("Activity", "date").tolist(),
                                    name_or_none(located[acts.codes])))
        sites = s.nodes["Site"]
        facts.sites = list(zip(names[sites.codes].tolist(), s.column("Site", "standardized").tolist(),
                               name_or_none(located[sites.codes])))
        matters = s.nodes["Matter"]
        raiser = s.in1("RAISED")[matters.codes]
        is_household = np.zeros(len(raiser), dtype=bool)
        ok = raiser >= 0
        is_household[ok] = s.label_mask("Household")[raiser[ok]]
        # a matter is where the household that raised it is, or the raiser's household: a person
        # without a household gives it no area (not their org's or unit's, unlike the person)
        home = self._of_label(_take(s.out1("LIVES_IN"), raiser), "Household")
        household = np.where(is_household, raiser, home)
        anchor = _take(self.household_grid(), household)
        facts.matters = list(zip(
            names[matters.codes].tolist(), s.column("Matter", "category").tolist(),
            s.column("Matter", "created_at").tolist(), s.column("Matter", "closed_at").tolist(),
            name_or_none(anchor),
        ))
        r = s.rel("HOLDS_ROLE")
        if len(r) and r.key is not None:
            workers = unique_ints(r.src[r.key == "social_worker"])
            workers = workers[s.label_mask("Person")[workers]]
            facts.social_workers = sorted(zip(names[workers].tolist(), name_or_none(self.person_anchor()[workers])))
        return facts

    def chains(self, node_ids: list[str]) -> ChainTable:
        from orgnet.queries._memory_chains import chain_table

        return chain_table(self.s, node_ids, self._member())

    def path(self, a: str, b: str) -> list[str]:
        s = self.s
        ca, cb = s.code(a), s.code(b)
        for node, c in ((a, ca), (b, cb)):
            if c < 0:
                raise NotFound(node)
        indptr, nbrs = s.undirected()
        names = self._names()

        def expand(frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            if len(frontier) == 1:  # the first layers: a slice of the CSR
                u = int(frontier[0])
                lo, hi = int(indptr[u]), int(indptr[u + 1])
                return np.full(hi - lo, u, dtype=np.int64), nbrs[lo:hi]
            starts, ends = indptr[frontier], indptr[frontier + 1]
            counts = ends - starts
            total = int(counts.sum())
            offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
            return np.repeat(frontier, counts), nbrs[offsets + np.arange(total)]

        found = smallest_shortest_path(ca, cb, expand, lambda h: names[h], size=s.n, bounded=True)
        return names[found].tolist()  # type: ignore[no-any-return]

    def projection(self) -> Projection:
        s = self.s
        names = self._names()
        proj = Projection()
        actor_mask = s.label_mask("Unit") | s.label_mask("Org")
        edges: list[tuple[str, str, str]] = []
        actors: set[int] = set()
        for t in ("PAIRED_WITH", "ORGANIZED", "MEMBER_OF"):
            r = s.rel(t)
            if not len(r):
                continue
            keep = actor_mask[r.src]
            pairs = np.stack(unique_pairs(r.src[keep], r.dst[keep], s.n), axis=1)
            actors.update(pairs[:, 0].tolist())
            edges.extend((names[u], names[v], t) for u, v in pairs.tolist())
        proj.edges = sorted(set(edges))
        located = s.out1("LOCATED_IN")
        org_area = self.org_area()
        is_unit = s.label_mask("Unit")
        unit_rows, org_rows = s.rows("Unit"), s.rows("Org")
        unit_names, org_names = s.column("Unit", "name"), s.column("Org", "name")
        found: dict[str, tuple[str, str | None, str | None]] = {}
        for a in actors:
            if is_unit[a]:
                own, label, name = located[a], "Unit", unit_names[unit_rows[a]]
            else:
                own, label, name = org_area[a], "Org", org_names[org_rows[a]]
            found[names[a]] = (label, name, names[own] if own >= 0 else None)
        proj.actors = dict(sorted(found.items()))
        al = s.nodes["Alliance"]
        proj.alliances = dict(sorted(zip(names[al.codes].tolist(), s.column("Alliance", "name").tolist())))
        areas = s.nodes["Area"]
        district = s.column("Area", "level") == "district"
        proj.district_names = dict(sorted(zip(names[areas.codes[district]].tolist(),
                                              s.column("Area", "name")[district].tolist())))
        return proj

    def close(self) -> Any:
        return None

    # ------------------------------------------------------------- decisions

    def as_of(self, window: tuple[str, str] | None, activity_year: int | None = None) -> MemoryEngine:
        """A state whose PAIRED_WITH / HOLDS_ROLE rows are those active in ``window`` (and, with
        ``activity_year``, whose ORGANIZED rows reach activities dated that year); the arrays
        that do not depend on them are shared with this state's caches."""
        s = self.s
        hit = s.cached(("as_of", window, activity_year), lambda: self._as_of_state(window, activity_year))
        return self if hit is s else MemoryEngine(None, hit)

    def _as_of_state(self, window: tuple[str, str] | None, activity_year: int | None) -> State:
        s = self.s
        rels = dict(s.rels)
        changed: set[str] = set()
        if window is not None:
            lo, hi = window
            for rel_type in ("PAIRED_WITH", "HOLDS_ROLE"):
                r = rels.get(rel_type)
                if r is None or not len(r):
                    continue
                keep = np.ones(len(r), dtype=bool)
                since, until = r.props.get("since"), r.props.get("until")
                if since is not None:
                    keep &= _text(since, "") < hi
                if until is not None:
                    keep &= _text(until, "~") >= lo
                if not keep.all():
                    rels[rel_type] = r.take(keep)
                    changed.add(rel_type)
        if activity_year is not None:
            r = rels.get("ORGANIZED")
            if r is not None and len(r):
                dates = np.full(s.n, "", dtype=object)
                dates[s.nodes["Activity"].codes] = _text(s.column("Activity", "date"), "")
                keep = np.char.startswith(dates[r.dst].astype(str), f"{activity_year:04d}")
                if not keep.all():
                    rels["ORGANIZED"] = r.take(keep)
                    changed.add("ORGANIZED")
        if not changed:
            return s
        return AsOfState(s, rels, frozenset(changed))

    @contextmanager
    def without(self, ids: list[str]) -> Iterator[MemoryEngine]:
        codes = self.s.codes(list(ids))
        bad = np.flatnonzero(codes < 0)
        if len(bad):
            raise NotFound(list(ids)[int(bad[0])])
        state = self.s.deleted(np.unique(codes))
        state.cached("names", self._names)  # code -> id stays true without the nodes
        yield MemoryEngine(None, state)

    def pairing_rows(self) -> list[tuple[str, str, str]]:
        s = self.s
        r = s.rel("PAIRED_WITH")
        if not len(r):
            return []
        is_unit, is_org = s.label_mask("Unit"), s.label_mask("Org")
        keep = is_unit[r.src] | is_org[r.src]
        pairs = np.unique(np.stack([r.src[keep], r.dst[keep]], axis=1), axis=0)
        names = self._names()
        return sorted((names[a], "Unit" if is_unit[a] else "Org", names[c]) for a, c in pairs.tolist())

    def node_info(self, ids: frozenset[str]) -> dict[str, tuple[str, str | None]]:
        from orgnet.graph.memory import LABEL_ORDER

        s = self.s
        wanted = sorted(ids)
        codes = s.codes(wanted)
        out: dict[str, tuple[str, str | None]] = {}
        for node_id, c in zip(wanted, codes.tolist()):
            if c < 0:
                continue
            label = LABEL_ORDER[s.label[c]]
            name = None
            if "name" in s.nodes[label].table.column_names:
                name = s.column(label, "name")[s.rows(label)[c]]
            out[node_id] = (label, name)
        return out

    def unit_rows(self) -> list[tuple[str, str | None, str | None]]:
        s = self.s
        units = s.nodes["Unit"].codes
        names = self._names()
        located = s.out1("LOCATED_IN")[units]
        return sorted(zip(names[units].tolist(), s.column("Unit", "name").tolist(),
                          [names[a] if a >= 0 else None for a in located.tolist()]))
