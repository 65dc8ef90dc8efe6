"""orgnet: grassroots party-building networks as one property graph.

Parties, units, areas and grids, members, households and 结对共建 pairings,
held in Neo4j or in an embedded networkx store that behaves identically, with
the three questions users ask — coverage gaps, contact chains (三提三知) and
alliance influence — and the KPIs of the source document.

Examples
--------
>>> import orgnet
>>> net = orgnet.connect("memory://")
>>> report = net.load(orgnet.synth.city("tiny", seed=0))
>>> net.kpis(2023).paired_units > 0
True
"""

from orgnet import model, synth
from orgnet.errors import (
    AuthFailed,
    ConnectionFailed,
    DatabaseNotFound,
    InvalidArgument,
    InvalidData,
    NotFound,
    OrgnetError,
    PlotUnavailable,
    Reject,
    ServerTooOld,
    StoreError,
    UnsupportedURI,
)
from orgnet.io.dataset import Dataset
from orgnet.io.load import LoadReport
from orgnet.network import Network, connect
from orgnet.queries.chains import Chain, ChainList, ChainStep
from orgnet.queries.coverage import CoverageReport, RuleCount, RuleResult
from orgnet.queries.influence import ActorInfluence, AllianceSummary, InfluenceReport
from orgnet.queries.kpis import KpiReport
from orgnet.queries.recommend import PairingPlan, ProposedPairing
from orgnet.queries.trend import TrendReport
from orgnet.queries.what_if import CriticalActor, WhatIfReport

__version__ = "0.1.0"

__all__ = [
    "connect",
    "Network",
    "Dataset",
    "LoadReport",
    "Reject",
    "CoverageReport",
    "RuleResult",
    "RuleCount",
    "Chain",
    "ChainList",
    "ChainStep",
    "InfluenceReport",
    "ActorInfluence",
    "AllianceSummary",
    "KpiReport",
    "TrendReport",
    "WhatIfReport",
    "CriticalActor",
    "PairingPlan",
    "ProposedPairing",
    "OrgnetError",
    "InvalidData",
    "InvalidArgument",
    "NotFound",
    "UnsupportedURI",
    "StoreError",
    "ConnectionFailed",
    "AuthFailed",
    "DatabaseNotFound",
    "ServerTooOld",
    "PlotUnavailable",
    "model",
    "synth",
    "__version__",
]
