"""The three questions and the KPIs, one module each.

Each module holds the documented meaning, the result models and the assembly;
it asks :func:`orgnet.queries._dispatch.engine` for the store's engine
(``_memory.py``: numpy over the columnar store; ``_neo4j.py``: Cypher) and
gets typed facts (``_facts.py``). Functions take the store first:
``coverage(net.store, 2023)``; the :class:`orgnet.Network` methods call them.
See ``docs/architecture.md``.
"""

from orgnet.queries import chains, coverage, influence, kpis
from orgnet.queries.chains import Chain, ChainList, ChainStep, contact_chain, contact_chains, contact_path
from orgnet.queries.coverage import RULES, CoverageReport, RuleCount, RuleResult
from orgnet.queries.influence import ActorInfluence, AllianceSummary, InfluenceReport
from orgnet.queries.kpis import KpiReport
from orgnet.queries.recommend import PairingPlan, ProposedPairing
from orgnet.queries.trend import TrendReport
from orgnet.queries.what_if import CriticalActor, WhatIfReport

__all__ = [
    "chains",
    "coverage",
    "influence",
    "kpis",
    "RULES",
    "CoverageReport",
    "RuleResult",
    "RuleCount",
    "Chain",
    "ChainStep",
    "contact_chain",
    "contact_chains",
    "ChainList",
    "contact_path",
    "InfluenceReport",
    "ActorInfluence",
    "AllianceSummary",
    "KpiReport",
    "TrendReport",
    "WhatIfReport",
    "CriticalActor",
    "PairingPlan",
    "ProposedPairing",
]
