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
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from orgnet.errors import NotFound
from orgnet.graph.memory import State, unique_ints, unique_pairs
from orgnet.model import REGISTRATION_UNIT_CATEGORIES
from orgnet.queries._facts import ChainTable, KpiFacts, Projection, RuleFacts, RuleRows, iso_times
from orgnet.queries._paths import smallest_shortest_path

if TYPE_CHECKING:
    from orgnet.graph.memory import MemoryStore

__all__ = ["MemoryEngine"]


_EMPTY = np.zeros(0, dtype=np.int64)


class _Groups(NamedTuple):
    """A rule's subjects grouped by anchor: ``row[i]`` is the group of ``subjects[i]``; per group,
    its anchor's vocabulary position (-1: none) and how many subjects it holds."""

    subjects: np.ndarray
    row: np.ndarray
    anchor: np.ndarray
    checked: np.ndarray


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
            out = np.full(s.n, -1, dtype=np.int64)
            # only a start of COVERS or OF_UNIT has one: work on those codes, not on every node
            codes = unique_ints(np.concatenate([s.rel("COVERS").src, s.rel("OF_UNIT").src]))
            covers = s.out1("COVERS")[codes]
            unit_area = _take(s.out1("LOCATED_IN"), s.out1("OF_UNIT")[codes])
            out[codes] = np.where(covers >= 0, covers, unit_area)
            return out
        return self.s.cached("org_area", build)  # type: ignore[no-any-return]

    def person_anchor(self) -> np.ndarray:
        """Code -> a person's anchor: their household's grid (-1 when it has none); without a
        household, their org's area, else their unit's (-1 for other nodes)."""
        def build() -> np.ndarray:
            s = self.s
            people = s.nodes["Person"].codes
            household = self._of_label(s.out1("LIVES_IN")[people], "Household")
            home = _take(self.household_grid(), household)
            org = _take(self.org_area(), s.out1("BELONGS_TO")[people])
            unit = _take(s.out1("LOCATED_IN"), s.out1("WORKS_AT")[people])
            out = np.full(s.n, -1, dtype=np.int64)
            out[people] = np.where(household >= 0, home, np.where(org >= 0, org, unit))
            return out
        return self.s.cached("person_anchor", build)  # type: ignore[no-any-return]

    def _area_vocab(self) -> tuple[np.ndarray, np.ndarray]:
        """The anchors' vocabulary: every area id, sorted; and code -> its position there (-1: not an area)."""
        def build() -> tuple[np.ndarray, np.ndarray]:
            s = self.s
            areas = s.nodes["Area"].codes
            ids = self._names()[areas]
            order = np.argsort(ids, kind="stable")
            pos = np.full(s.n, -1, dtype=np.int64)
            pos[areas[order]] = np.arange(len(areas), dtype=np.int64)
            return ids[order], pos
        return self.s.cached("area_vocab", build)  # type: ignore[no-any-return]

    def _anchor_pos(self, anchors: np.ndarray) -> np.ndarray:
        """Anchor codes -> vocabulary positions, -1 for none. A node that is not an area counts as no
        anchor: no scope holds it and no rollup reaches it either way."""
        pos = self._area_vocab()[1]
        return np.where(anchors >= 0, pos[np.maximum(anchors, 0)], -1)

    def _groups(self, kind: str, subjects_and_anchors: Callable[[], tuple[np.ndarray, np.ndarray]]) -> _Groups:
        """A rule's subjects grouped by anchor, kept on the state: they do not depend on the year or
        on the dated relationships (a write makes a new state, which builds them again)."""
        def build() -> _Groups:
            subjects, anchors = subjects_and_anchors()
            shifted = self._anchor_pos(anchors) + 1
            size = len(self._area_vocab()[0]) + 1
            counts = np.bincount(shifted, minlength=size)
            present = np.flatnonzero(counts)
            remap = np.full(size, -1, dtype=np.int64)
            remap[present] = np.arange(len(present), dtype=np.int64)
            return _Groups(subjects, remap[shifted], present - 1, counts[present])
        return self.s.cached(("groups", kind), build)  # type: ignore[no-any-return]

    def _table(self, groups: _Groups, ok: np.ndarray) -> RuleFacts:
        """One row per anchor (and one for the subjects without), the gaps being the subjects not ``ok``
        (a code-indexed mask)."""
        bad = np.flatnonzero(~ok[groups.subjects])
        has = groups.anchor >= 0
        ptr = np.zeros(len(has) + 1, dtype=np.int64)
        np.cumsum(has, out=ptr[1:])
        return RuleFacts(self._area_vocab()[0], groups.checked, ptr, groups.anchor[has],
                         self._names()[groups.subjects[bad]], groups.row[bad], unique_gaps=True)

    def _self_anchored(self, level: str) -> tuple[np.ndarray, np.ndarray]:
        areas = self._areas_of_level(level)
        return areas, areas

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
        names = self._names()
        parents = names[np.maximum(parent, 0)] if len(names) else np.empty(0, dtype=object)
        parents[parent < 0] = None
        return dict(zip(names[areas].tolist(), zip(s.column("Area", "level").tolist(), parents.tolist())))

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
        return self.s.cached("node_count", lambda: int((self.s.label >= 0).sum()))  # type: ignore[no-any-return]

    def registration_years(self) -> list[int]:
        r = self.s.rel("REGISTERED_WITH")
        if r.key is None:
            return []
        return sorted({int(y) for y in r.key.tolist() if y is not None})

    def rule_facts(self, year: int, scope: frozenset[str] | None,
                   rules: frozenset[str] | None) -> dict[str, RuleRows]:
        s = self.s

        def want(name: str) -> bool:
            return rules is None or name in rules

        facts: dict[str, RuleRows] = {}
        grids = self._groups("grid", lambda: self._self_anchored("grid"))
        communities = self._groups("community", lambda: self._self_anchored("community"))
        if want("grid_party_org"):
            facts["grid_party_org"] = self._table(grids, self._has_in("COVERS"))
        if want("community_pairing"):
            facts["community_pairing"] = self._table(communities, self._has_in("PAIRED_WITH"))
        if want("building_leader"):
            def buildings() -> tuple[np.ndarray, np.ndarray]:
                b = s.nodes["Building"].codes
                return b, s.out1("IN")[b]
            facts["building_leader"] = self._table(self._groups("building", buildings),
                                                   self._role_targets("building_leader"))
        if want("grid_three_leaders"):
            full = self._role_targets("grid_leader") & self._role_targets("party_group_leader")
            facts["grid_three_leaders"] = self._table(grids, full)
        if want("household_contact"):
            def households() -> tuple[np.ndarray, np.ndarray]:
                h = s.nodes["Household"].codes
                return h, self.household_grid()[h]
            c = s.rel("CONTACTS")
            contacted = s.has_in("CONTACTS", self._member()[c.src]) if len(c) else np.zeros(s.n, dtype=bool)
            facts["household_contact"] = self._table(self._groups("household", households), contacted)
        people = s.nodes["Person"]

        def people_where(mask: Callable[[], np.ndarray]) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
            def subjects() -> tuple[np.ndarray, np.ndarray]:
                p = people.codes[mask()]
                return p, self.person_anchor()[p]
            return subjects

        def members() -> np.ndarray:
            return s.column("Person", "is_member")

        def in_service() -> np.ndarray:
            return np.asarray(members() & (s.column("Person", "member_category") == "in_service"), dtype=bool)

        if want("member_org"):
            belongs = s.cached(("has_out", "BELONGS_TO"), lambda: s.has_out("BELONGS_TO"))
            facts["member_org"] = self._table(self._groups("member", people_where(members)), belongs)
        if want("member_registration"):
            facts["member_registration"] = self._table(self._groups("in_service", people_where(in_service)),
                                                       self._has_registration(year))
        units = s.nodes["Unit"]

        def units_where(categories: list[str]) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
            def subjects() -> tuple[np.ndarray, np.ndarray]:
                u = units.codes[np.isin(s.column("Unit", "category"), categories)]
                return u, s.out1("LOCATED_IN")[u]
            return subjects

        if want("unit_registration"):
            facts["unit_registration"] = self._table(
                self._groups("registration_unit", units_where(sorted(REGISTRATION_UNIT_CATEGORIES))),
                self._has_registration(year))
        if want("property_party_org"):
            facts["property_party_org"] = self._table(
                self._groups("property_company", units_where(["property_company"])), self._has_in("OF_UNIT"))
        if want("registration_report"):
            facts["registration_report"] = self._report_table(self._registered(year))
        if want("community_site"):
            loc = s.rel("LOCATED_IN")
            standard = np.zeros(s.n, dtype=bool)
            standard[s.nodes["Site"].codes] = s.column("Site", "standardized")
            has_site = s.has_in("LOCATED_IN", standard[loc.src]) if len(loc) else np.zeros(s.n, dtype=bool)
            facts["community_site"] = self._table(communities, has_site)
        if want("org_chain"):
            facts["org_chain"] = self._org_chain_table()
        return facts

    def _report_table(self, registered: np.ndarray) -> RuleFacts:
        """registration_report: one row per subject registered in the year (Unit or Person), anchored
        in its communities; its gap anchors are those where a registration is not reported."""
        s = self.s
        r = s.rel("REGISTERED_WITH")
        vocab, pos = self._area_vocab()
        v = max(len(vocab), 1)
        if registered.any():
            subject_ok = s.label_mask("Unit") | s.label_mask("Person")
            rows = np.flatnonzero(registered & subject_ok[r.src])
        else:
            rows = np.zeros(0, dtype=np.int64)
        src, where = r.src[rows], pos[r.dst[rows]]
        reported = r.props.get("reported")
        ok = (np.asarray(reported[rows] == True, dtype=bool) if reported is not None  # noqa: E712
              else np.zeros(len(rows), dtype=bool))
        subjects = unique_ints(src)
        row = np.searchsorted(subjects, src)
        n = len(subjects)

        def entries(keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """Distinct (row, anchor) of these registrations, anchors by id within a row: (ptr, anchors)."""
            keep = keep & (where >= 0)
            keys = unique_ints(row[keep] * v + where[keep])
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(keys // v, minlength=n)[:n], out=ptr[1:])
            return ptr, keys % v

        anchor_ptr, anchors = entries(np.ones(len(rows), dtype=bool))
        gap_ptr, gap_anchors = entries(~ok)
        is_gap = np.zeros(n, dtype=bool)
        is_gap[row[~ok]] = True
        # the common case, one community (gap anchors then none or that one): one row per
        # (community, gap, gap anchor) as a group; a subject of several communities is its own row
        n_anchors, n_gap_anchors = np.diff(anchor_ptr), np.diff(gap_ptr)
        simple = (n_anchors == 1) & (n_gap_anchors <= 1)
        key = (anchors[anchor_ptr[:-1][simple]] * 2 + is_gap[simple]) * 2 + (n_gap_anchors[simple] == 1)
        size = 4 * v
        counts = np.bincount(key, minlength=size)
        present = np.flatnonzero(counts)
        group_of = np.full(size, -1, dtype=np.int64)
        group_of[present] = np.arange(len(present), dtype=np.int64)
        g = len(present)
        complex_ = np.flatnonzero(~simple)
        new_row = np.empty(n, dtype=np.int64)
        new_row[simple] = group_of[key]
        new_row[complex_] = g + np.arange(len(complex_), dtype=np.int64)

        def regroup(ptr: np.ndarray, values: np.ndarray, group_values: np.ndarray,
                    group_lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """Entries of the groups, then of the other subjects in order: (ptr, values)."""
            lengths = np.diff(ptr)
            keep = np.repeat(~simple, lengths)
            out_ptr = np.zeros(g + len(complex_) + 1, dtype=np.int64)
            np.cumsum(np.concatenate([group_lengths, lengths[complex_]]), out=out_ptr[1:])
            return out_ptr, np.concatenate([group_values[group_lengths > 0], values[keep]])

        group_anchor = present // 4
        has_gap_anchor = (present % 2).astype(np.int64)
        new_anchor_ptr, new_anchors = regroup(anchor_ptr, anchors, group_anchor, np.ones(g, dtype=np.int64))
        new_gap_ptr, new_gap_anchors = regroup(gap_ptr, gap_anchors, group_anchor, has_gap_anchor)
        gap_subjects = np.flatnonzero(is_gap)
        rows_total = g + len(complex_)
        return RuleFacts(vocab, np.concatenate([counts[present], np.ones(len(complex_), dtype=np.int64)]),
                         new_anchor_ptr, new_anchors, self._names()[subjects[gap_subjects]], new_row[gap_subjects],
                         owned=np.zeros(rows_total, dtype=bool), gap_ptr=new_gap_ptr, gap_anchors=new_gap_anchors,
                         unique_gaps=True)

    def _org_chain_table(self) -> RuleFacts:
        """org_chain: one row per org, anchored where it covers and where its unit is."""
        s = self.s
        orgs = s.nodes["Org"].codes
        vocab = self._area_vocab()[0]
        if not len(orgs):
            return RuleFacts(vocab, _EMPTY, np.zeros(1, dtype=np.int64), _EMPTY, _EMPTY.astype(object), _EMPTY)
        parent = s.out1("UNDER")[orgs]
        parent = np.where((parent >= 0) & s.label_mask("Org")[np.maximum(parent, 0)], parent, -1)
        covers = s.out1("COVERS")[orgs]
        city = np.isin(covers, self._areas_of_level("city"))
        root = (parent < 0) & (covers >= 0) & city
        # pointer doubling over the orgs alone (row numbers, not codes): ok = some ancestor is a root
        up = _take(s.rows("Org"), parent)
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
        cov = self._anchor_pos(covers)
        loc = self._anchor_pos(_take(s.out1("LOCATED_IN"), s.out1("OF_UNIT")[orgs]))
        low, high = np.minimum(cov, loc), np.maximum(cov, loc)
        low = np.where(low < 0, high, low)  # one anchor when the other is none
        pair = np.stack([low >= 0, (high >= 0) & (high != low)], axis=1)
        ptr = np.zeros(len(orgs) + 1, dtype=np.int64)
        np.cumsum(pair.sum(axis=1), out=ptr[1:])
        anchors = np.stack([low, high], axis=1)[pair]
        bad = np.flatnonzero(~ok)
        return RuleFacts(vocab, np.ones(len(orgs), dtype=np.int64), ptr, anchors, self._names()[orgs[bad]], bad,
                         unique_gaps=True)

    def _times(self, label: str, prop: str) -> np.ndarray:
        """A date column of a label as ``datetime64[s]`` (NaT for none), parsed once per state."""
        return self.s.cached(("times", label, prop),  # type: ignore[no-any-return]
                             lambda: iso_times(self.s.column(label, prop)))

    def _matter_grid(self) -> np.ndarray:
        """Per matter (table order): the grid of the household that raised it, or of the raiser's
        household (-1: none). A person without a household gives it no area (not their org's or
        unit's, unlike the person)."""
        def build() -> np.ndarray:
            s = self.s
            raiser = s.in1("RAISED")[s.nodes["Matter"].codes]
            is_household = np.zeros(len(raiser), dtype=bool)
            ok = raiser >= 0
            is_household[ok] = s.label_mask("Household")[raiser[ok]]
            home = self._of_label(_take(s.out1("LIVES_IN"), raiser), "Household")
            return _take(self.household_grid(), np.where(is_household, raiser, home))
        return self.s.cached("matter_grid", build)  # type: ignore[no-any-return]

    def kpi_facts(self, scope: frozenset[str] | None) -> KpiFacts:
        s = self.s
        names = self._names()

        def ids_or_none(codes: np.ndarray) -> np.ndarray:
            out = names[np.maximum(codes, 0)] if len(names) else np.empty(len(codes), dtype=object)
            out[codes < 0] = None
            return out

        facts = KpiFacts()
        p = s.rel("PAIRED_WITH")
        if len(p):
            units = s.label_mask("Unit")[p.src]
            if units.any():
                us, cs = unique_pairs(p.src[units], p.dst[units], s.n)
                facts.pairing_unit, facts.pairing_community = names[us], names[cs]
                facts.pairing_level = s.column("Unit", "admin_level")[s.rows("Unit")[us]]
        located = s.out1("LOCATED_IN")
        acts = s.nodes["Activity"].codes
        facts.activity_date, facts.activity_area = self._times("Activity", "date"), ids_or_none(located[acts])
        sites = s.nodes["Site"].codes
        facts.site_standardized, facts.site_area = s.column("Site", "standardized"), ids_or_none(located[sites])
        facts.matter_category = s.column("Matter", "category")
        facts.matter_created = self._times("Matter", "created_at")
        facts.matter_closed = self._times("Matter", "closed_at")
        facts.matter_area = ids_or_none(self._matter_grid())
        r = s.rel("HOLDS_ROLE")
        if len(r) and r.key is not None:
            workers = unique_ints(r.src[r.key == "social_worker"])
            workers = workers[s.label_mask("Person")[workers]]
            facts.worker, facts.worker_anchor = names[workers], ids_or_none(self.person_anchor()[workers])
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
