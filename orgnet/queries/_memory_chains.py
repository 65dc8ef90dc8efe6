"""The embedded engine's contact chains: parent-array lookups for all the starts at once.

:func:`chain_table` resolves every start to its household with array lookups
(a person's ``LIVES_IN``, a matter's ``RAISED`` household or its raiser's), then
the household's building (``IN``) and the building's area (``IN``). The steps
are read per distinct node, never per chain: the households' member contacts
and the buildings' role holders with one gather each over the store's CSR, and
every area's step (its covering orgs, the people holding a role on it or on one
of them, the area above it) once per state, cached until the next write.
:func:`orgnet.queries.chains.contact_chains` turns the table into models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgnet.errors import InvalidArgument, NotFound
from orgnet.graph.memory import LABEL_NUMBER, LABEL_ORDER, unique_ints
from orgnet.io.messages import with_article
from orgnet.queries._facts import ChainTable

if TYPE_CHECKING:
    from orgnet.graph.memory import State

__all__ = ["chain_table", "segments"]

_NONE: list[str] = []
"""The orgs of every building and household step (shared: the contract has callers copy)."""

_AreaSteps = tuple[np.ndarray, list[str], list[str], list[list[str]], list[list[str]], list[int]]
"""Every area's step: (code -> index or -1, levels, ids, orgs, people, index of the area above or -1)."""


def segments(indptr: np.ndarray, values: np.ndarray, nodes: np.ndarray,
             keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``values[indptr[n]:indptr[n+1]]`` of every node of ``nodes``, gathered at once.

    Returns ``(seg, flat)``: the position in ``nodes`` of each gathered value and the
    value, in node order; with ``keep`` (code -> bool), only the values it keeps.

    Examples
    --------
    >>> indptr, values = np.array([0, 2, 2, 3]), np.array([7, 8, 9])
    >>> [a.tolist() for a in segments(indptr, values, np.array([2, 0, 1]))]
    [[0, 1, 1], [9, 7, 8]]
    """
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    total = int(counts.sum())
    seg = np.repeat(np.arange(len(nodes), dtype=np.int64), counts)
    flat = values[starts[seg] + (np.arange(total, dtype=np.int64) - (np.cumsum(counts) - counts)[seg])]
    if keep is not None:
        kept = keep[flat]
        seg, flat = seg[kept], flat[kept]
    return seg, flat


def _id_lists(seg: np.ndarray, flat: np.ndarray, count: int, names: np.ndarray) -> list[list[str]]:
    """Per position ``0..count-1``, the sorted distinct ids of the codes ``flat`` gathered for it."""
    bounds = np.searchsorted(seg, np.arange(count + 1, dtype=np.int64))
    ids = names[flat].tolist()
    b = bounds.tolist()
    out = [ids[lo:hi] for lo, hi in zip(b[:-1], b[1:])]
    for i in np.flatnonzero(bounds[1:] - bounds[:-1] > 1).tolist():
        out[i] = sorted(set(out[i]))
    return out


def _area_steps(s: State) -> _AreaSteps:
    """Every area's step, built once per state (the key names HOLDS_ROLE: an as-of state keeps its own)."""
    def build() -> _AreaSteps:
        names = s.names()
        areas = np.asarray(s.nodes["Area"].codes, dtype=np.int64)
        count = len(areas)
        pos = np.full(s.n, -1, dtype=np.int64)
        pos[areas] = np.arange(count, dtype=np.int64)
        o_ptr, o_src, _ = s.in_csr("COVERS")
        r_ptr, r_src, _ = s.in_csr("HOLDS_ROLE")
        org_seg, orgs = segments(o_ptr, o_src, areas)
        own_seg, own = segments(r_ptr, r_src, areas)
        via_seg, via = segments(r_ptr, r_src, orgs)
        seg = np.concatenate([own_seg, org_seg[via_seg]])
        people = np.concatenate([own, via])
        if len(people):  # distinct (area, person), in area order
            key = unique_ints(seg * (s.n + 1) + people)
            seg, people = key // (s.n + 1), key % (s.n + 1)
        level_col = s.column("Area", "level")
        levels = [str(v) for v in level_col[s.rows("Area")[areas]].tolist()]
        parent = s.out1("PART_OF")[areas]
        up = np.where(parent >= 0, pos[np.maximum(parent, 0)], -1)
        return (pos, levels, names[areas].tolist(), _id_lists(org_seg, orgs, count, names),
                _id_lists(seg, people, count, names), up.tolist())
    return s.cached(("chain_area_steps", "HOLDS_ROLE", "COVERS", "PART_OF"), build)  # type: ignore[no-any-return]


def chain_table(s: State, node_ids: list[str], member: np.ndarray) -> ChainTable:
    """The chains of ``node_ids`` (households, people, matters) in state ``s``.

    ``member`` is code -> is a party member (only members' ``CONTACTS`` count).

    Raises
    ------
    NotFound
        For the first id not in the state.
    InvalidArgument
        For the first id that is neither a household, a person nor a matter.
    """
    codes = s.codes(node_ids)
    bad = np.flatnonzero(codes < 0)
    if len(bad):
        raise NotFound(node_ids[int(bad[0])])
    labels = s.label[codes]
    hh_n, p_n, m_n = LABEL_NUMBER["Household"], LABEL_NUMBER["Person"], LABEL_NUMBER["Matter"]
    wrong = np.flatnonzero((labels != hh_n) & (labels != p_n) & (labels != m_n))
    if len(wrong):
        i = int(wrong[0])
        raise InvalidArgument(
            f"{node_ids[i]!r} is {with_article(LABEL_ORDER[labels[i]])}; a contact chain starts from a "
            "Household, Person or Matter"
        )
    names = s.names()
    lives = s.out1("LIVES_IN")
    is_hh = s.label_mask("Household")
    household = np.where(labels == hh_n, codes, -1)
    person = labels == p_n
    household[person] = lives[codes[person]]
    matter = labels == m_n
    assignee_names: list[str | None] = [None] * len(codes)
    if matter.any():
        raiser = s.in1("RAISED")[codes[matter]]
        raised = np.maximum(raiser, 0)
        household[matter] = np.where(raiser < 0, -1, np.where(is_hh[raised], raised, lives[raised]))
        who = s.out1("ASSIGNED_TO")[codes[matter]]
        who_names = names[np.maximum(who, 0)].tolist()
        for i, w, name in zip(np.flatnonzero(matter).tolist(), who.tolist(), who_names):
            if w >= 0:
                assignee_names[i] = name
    household[household >= 0] = np.where(is_hh[household[household >= 0]], household[household >= 0], -1)

    pos, levels, ids, orgs, people, up = _area_steps(s)
    count = len(levels)
    into = s.out1("IN")
    homes = unique_ints(household[household >= 0])
    building = into[homes]
    blds = unique_ints(building[building >= 0])
    nb = len(blds)
    # step indices: the areas, then the buildings, then the households
    b_up = into[blds]
    b_up = np.where(b_up >= 0, pos[np.maximum(b_up, 0)], -1)
    h_up = np.where(building >= 0, count + np.searchsorted(blds, building), -1)
    r_ptr, r_src, _ = s.in_csr("HOLDS_ROLE")
    c_ptr, c_src, _ = s.in_csr("CONTACTS")
    first = np.where(household >= 0, count + nb + np.searchsorted(homes, household), -1)
    home_ids = names[homes].tolist()
    return ChainTable(
        start_ids=node_ids,
        households=[home_ids[i] if h >= 0 else None
                    for h, i in zip(household.tolist(), np.searchsorted(homes, household).tolist())],
        assignees=assignee_names,
        first=first.tolist(),
        levels=levels + ["building"] * nb + ["household"] * len(homes),
        node_ids=ids + names[blds].tolist() + home_ids,
        orgs=orgs + [_NONE] * (nb + len(homes)),
        people=(people + _id_lists(*segments(r_ptr, r_src, blds), nb, names)
                + _id_lists(*segments(c_ptr, c_src, homes, keep=member), len(homes), names)),
        up=up + b_up.tolist() + h_up.tolist(),
    )
