"""Column headers and file names of the data-folder format, in English and Chinese.

Every file's columns are its model's fields (:mod:`orgnet.model`). Users may
write them in English (``parent_id``) or Chinese (``上级编号``); the first
Chinese header listed for a field is the one orgnet writes.
"""

from __future__ import annotations

from typing import Final

from orgnet.model import FILES

__all__ = ["CHINESE_HEADERS", "FILE_ALIASES", "file_for", "column_map", "chinese_header"]

_COMMON: Final[dict[str, tuple[str, ...]]] = {
    "id": ("编号", "代码", "编码", "ID", "唯一编号", "标识"),
    "name": ("名称",),
}

CHINESE_HEADERS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "areas": {
        "name": ("名称", "区域名称"),
        "level": ("层级", "级别", "区域层级"),
        "parent_id": ("上级编号", "上级区域编号", "上级", "父级编号", "所属上级"),
    },
    "orgs": {
        "name": ("名称", "党组织名称", "组织名称"),
        "kind": ("类型", "组织类型", "党组织类型"),
        "sector": ("领域", "所属领域", "行业领域"),
        "parent_id": ("上级编号", "上级党组织编号", "上级党组织", "上级"),
        "area_id": ("区域编号", "覆盖区域编号", "覆盖区域", "所属区域"),
        "unit_id": ("单位编号", "所属单位编号", "所属单位"),
    },
    "units": {
        "name": ("名称", "单位名称"),
        "category": ("类别", "单位类别", "单位类型"),
        "admin_level": ("行政级别", "单位级别"),
        "area_id": ("区域编号", "所在区域编号", "所在区域", "所属区域"),
    },
    "buildings": {
        "name": ("名称", "楼栋名称"),
        "grid_id": ("网格编号", "所属网格", "所属网格编号"),
    },
    "households": {
        "building_id": ("楼栋编号", "所属楼栋", "所属楼栋编号"),
        "address": ("地址", "住址", "门牌地址"),
    },
    "people": {
        "name": ("姓名", "名称"),
        "household_id": ("户编号", "所属户编号", "所属户", "户号"),
        "is_member": ("是否党员", "党员"),
        "member_category": ("党员类别", "党员类型"),
        "org_id": ("党组织编号", "所属党组织编号", "所属党组织", "组织关系"),
        "unit_id": ("单位编号", "工作单位编号", "工作单位"),
        "phone": ("电话", "手机", "联系电话", "手机号"),
    },
    "alliances": {
        "name": ("名称", "联盟名称"),
        "kind": ("类型", "联盟类型"),
        "area_id": ("区域编号", "所在区域", "所属区域"),
    },
    "activities": {
        "name": ("名称", "活动名称"),
        "date": ("日期", "活动日期", "举办日期"),
        "area_id": ("区域编号", "举办区域编号", "举办区域", "所在区域"),
    },
    "matters": {
        "title": ("标题", "事项", "事项标题", "事项名称"),
        "category": ("类别", "事项类别", "分类"),
        "raised_by": ("提出人编号", "提出人", "提出方编号", "提出方"),
        "created_at": ("集单日期", "集单时间", "创建日期", "创建时间", "提出日期"),
        "dispatched_at": ("派单日期", "派单时间"),
        "assignee_id": ("承办编号", "承办人编号", "接单人编号", "承办方编号", "承办人", "承办方"),
        "accepted_at": ("接单日期", "接单时间"),
        "closed_at": ("办结日期", "办结时间"),
        "rating": ("评分", "评单", "满意度评分"),
    },
    "sites": {
        "name": ("名称", "阵地名称"),
        "level": ("层级", "级别", "阵地层级"),
        "area_id": ("区域编号", "所在区域", "所属区域"),
        "standardized": ("是否标准化", "标准化"),
    },
    "roles": {
        "person_id": ("人员编号", "人员"),
        "role": ("角色", "职务"),
        "target_id": ("对象编号", "任职对象编号", "任职对象"),
        "since": ("起始日期", "任职日期", "开始日期"),
        "until": ("结束日期", "截止日期", "离任日期", "终止日期"),
    },
    "contacts": {
        "person_id": ("党员编号", "人员编号", "联系党员编号"),
        "household_id": ("户编号", "联系户编号"),
    },
    "pairings": {
        "source_id": ("结对方编号", "单位编号", "结对单位编号", "结对单位"),
        "target_id": ("社区编号", "结对社区编号", "结对社区"),
        "kind": ("结对类型", "类型"),
        "since": ("起始日期", "结对日期", "开始日期"),
        "until": ("结束日期", "截止日期", "终止日期"),
    },
    "registrations": {
        "source_id": ("报到方编号", "报到单位编号", "报到人编号", "报到方"),
        "community_id": ("社区编号", "报到社区编号", "报到社区"),
        "year": ("年度", "年份"),
        "reported": ("是否报告", "已报告", "双报告", "是否双报告"),
    },
    "alliance_members": {
        "alliance_id": ("联盟编号", "联盟"),
        "member_id": ("成员编号", "成员单位编号", "成员"),
    },
    "organizers": {
        "activity_id": ("活动编号", "活动"),
        "organizer_id": ("组织方编号", "组织单位编号", "组织方"),
    },
}

FILE_ALIASES: Final[dict[str, str]] = {
    **{name: name for name in FILES},
    **{model.FILE_ZH: name for name, model in FILES.items()},
}
"""Accepted file / sheet names (English or Chinese) -> file name."""


def file_for(stem: str) -> str | None:
    """The data-format file a file stem or sheet name stands for, if any."""
    return FILE_ALIASES.get(stem.strip()) or FILE_ALIASES.get(stem.strip().lower())


def chinese_header(file: str, field: str) -> str:
    """The Chinese header orgnet writes for a field."""
    return (CHINESE_HEADERS[file].get(field) or _COMMON[field])[0]


def column_map(file: str) -> dict[str, str]:
    """Every accepted header of a file -> field name.

    Examples
    --------
    >>> column_map("areas")["上级编号"], column_map("areas")["Parent_ID".lower()]
    ('parent_id', 'parent_id')
    """
    fields = FILES[file].model_fields
    mapping: dict[str, str] = {}
    for field in fields:
        mapping[field] = field
        mapping[field.upper()] = field
        for zh in CHINESE_HEADERS[file].get(field) or _COMMON.get(field, ()):
            if zh in mapping and mapping[zh] != field:
                raise AssertionError(f"header {zh!r} of {file} is ambiguous")
            mapping[zh] = field
            mapping[zh.lower()] = field
    return mapping
