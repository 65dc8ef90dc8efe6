"""Chinese labels of rules, chain levels and KPIs, for tables, plots and the CLI.

One place for every label, so a table, a plot and the CLI never disagree. Area
levels reuse the model's own labels (:class:`orgnet.model.AreaLevel`); rule and
KPI names are this module's.

Examples
--------
>>> RULE_LABELS["household_contact"], LEVEL_LABELS["grid"], KPI_LABELS["report_rate"]
('党员联系户', '网格', '双报告率')
"""

from __future__ import annotations

from typing import Final

from orgnet.model import AreaLevel

__all__ = ["RULE_LABELS", "LEVEL_LABELS", "KPI_LABELS", "NOTHING_TO_COUNT"]

NOTHING_TO_COUNT: Final[str] = "—"
"""Shown for a rate with nothing checked (never 100%)."""

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
"""Chinese name of each coverage rule."""

LEVEL_LABELS: Final[dict[str, str]] = {
    "household": "户",
    "building": "楼栋",
    **{level.value: level.label for level in AreaLevel},
}
"""Chinese name of each chain level (household, building, then the model's area levels)."""
LEVEL_LABELS["district"] = "区县"

KPI_LABELS: Final[dict[str, str]] = {
    "pairing_coverage_rate": "结对共建覆盖率",
    "paired_units": "结对单位数",
    "paired_units_municipal_and_above": "市级以上结对单位",
    "activities": "联办活动",
    "matter_completion_rate": "订单完成率",
    "property_closed_within_3_days_rate": "物业问题3天解决率",
    "mean_handling_days": "平均办理天数",
    "standardized_sites": "标准化阵地",
    "property_party_org_rate": "物业企业党组织覆盖率",
    "unit_registration_rate": "单位报到率",
    "member_registration_rate": "在职党员报到率",
    "report_rate": "双报告率",
    "social_workers": "社工人数",
}
"""Chinese label of every KPI field of :class:`~orgnet.queries.kpis.KpiReport`."""
