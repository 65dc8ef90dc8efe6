"""The one definition of orgnet's node and relationship kinds.

Everything else derives from this module: the loader's headers and validation,
the labels and relationship types that may reach Cypher, the export formats.

Node kinds are pydantic models (:class:`Area`, :class:`Org`, …) whose fields are
the columns of their file in the data folder. Relationships come from two places:

* a reference field on a node (``Area.parent_id`` gives ``PART_OF``), listed in
  :data:`FIELD_RELATIONSHIPS`;
* a link file (``pairings`` gives ``PAIRED_WITH``), one :class:`Link` model per
  file, listed in :data:`LINKS`.

Enum fields accept the identifiers (``grid``) and the Chinese labels users write
(``网格``); both validate to the identifier.

Examples
--------
>>> from orgnet.model import Area, Person
>>> Area(id="G1", level="网格", parent_id="C1").level
<AreaLevel.grid: 'grid'>
>>> Person(id="P1", is_member="是", member_category="在职").member_category.value
'in_service'
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from orgnet.limits import MAX_TEXT_BYTES

__all__ = [
    "AreaLevel",
    "OrgKind",
    "Sector",
    "UnitCategory",
    "AdminLevel",
    "MemberCategory",
    "AllianceKind",
    "SiteLevel",
    "RoleName",
    "PairingKind",
    "Record",
    "Node",
    "Link",
    "Area",
    "Org",
    "Unit",
    "Building",
    "Household",
    "Person",
    "Alliance",
    "Activity",
    "Matter",
    "Site",
    "RoleAssignment",
    "Contact",
    "Pairing",
    "Registration",
    "AllianceMembership",
    "Organizer",
    "NODE_MODELS",
    "LINK_MODELS",
    "FILES",
    "LABELS",
    "REL_TYPES",
    "FieldRel",
    "FIELD_RELATIONSHIPS",
    "LevelOrder",
    "LEVEL_RANK",
    "PERSONAL_FIELDS",
    "ROLE_TARGETS",
    "REQUIRED_COLUMNS",
    "PROPERTY_CATEGORIES",
    "REGISTRATION_UNIT_CATEGORIES",
    "MUNICIPAL_AND_ABOVE",
]


# --------------------------------------------------------------------------- enums


class _Labelled(StrEnum):
    """A string enum whose members also carry Chinese labels."""

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Map every accepted Chinese label to its identifier."""
        return dict(_LABELS[cls.__name__])

    @property
    def label(self) -> str:
        """The main Chinese label of this member."""
        for text, ident in _LABELS[type(self).__name__].items():
            if ident == self.value:
                return text
        return self.value


class AreaLevel(_Labelled):
    """Level of an :class:`Area`, from the city down to the grid."""

    city = "city"
    district = "district"
    subdistrict = "subdistrict"
    community = "community"
    grid = "grid"


class OrgKind(_Labelled):
    """Kind of party organisation."""

    committee = "committee"
    working_committee = "working_committee"
    general_branch = "general_branch"
    branch = "branch"
    group = "group"


class Sector(_Labelled):
    """Field an :class:`Org` works in."""

    regional = "regional"
    organ = "organ"
    soe = "soe"
    public_institution = "public_institution"
    non_public = "non_public"
    social_org = "social_org"
    property = "property"
    industry = "industry"


class UnitCategory(_Labelled):
    """Category of a :class:`Unit`."""

    organ = "organ"
    soe = "soe"
    public_institution = "public_institution"
    financial = "financial"
    vertical = "vertical"
    non_public = "non_public"
    social_org = "social_org"
    property_company = "property_company"


class AdminLevel(_Labelled):
    """Administrative level of a :class:`Unit`."""

    central = "central"
    provincial = "provincial"
    municipal = "municipal"
    district = "district"
    subdistrict = "subdistrict"


class MemberCategory(_Labelled):
    """Category of a party member."""

    in_service = "in_service"
    no_position = "no_position"
    mobile = "mobile"
    retired = "retired"
    other = "other"


class AllianceKind(_Labelled):
    """Kind of :class:`Alliance`."""

    alliance = "alliance"
    big_working_committee = "big_working_committee"
    big_party_committee = "big_party_committee"


class SiteLevel(_Labelled):
    """Level of a party–mass service :class:`Site`."""

    center = "center"  # type: ignore[assignment]  # shadows str.center on purpose: DESIGN names it
    station = "station"
    point = "point"


class RoleName(_Labelled):
    """Role a person holds on an area, building or org (``HOLDS_ROLE.role``)."""

    secretary = "secretary"
    grid_leader = "grid_leader"
    party_group_leader = "party_group_leader"
    building_leader = "building_leader"
    central_household = "central_household"
    social_worker = "social_worker"


class PairingKind(_Labelled):
    """Kind of 结对共建 pairing (``PAIRED_WITH.kind``)."""

    block = "block"
    branch = "branch"
    party_mass = "party_mass"


# Chinese label -> identifier; the first label of an identifier is its main one.
_LABELS: Final[dict[str, dict[str, str]]] = {
    "AreaLevel": {
        "市": "city", "地级市": "city",
        "区县": "district", "区": "district", "县": "district", "县级市": "district",
        "市辖区": "district",
        "街道": "subdistrict", "镇": "subdistrict", "乡": "subdistrict", "街道办": "subdistrict",
        "乡镇": "subdistrict", "街镇": "subdistrict",
        "社区": "community", "村": "community", "村社区": "community",
        "网格": "grid", "微网格": "grid",
    },
    "OrgKind": {
        "党委": "committee", "党工委": "working_committee", "党总支": "general_branch",
        "党支部": "branch", "支部": "branch", "党小组": "group",
    },
    "Sector": {
        "区域": "regional", "机关": "organ", "国企": "soe", "国有企业": "soe",
        "事业单位": "public_institution", "非公企业": "non_public", "两新": "non_public",
        "社会组织": "social_org", "物业": "property", "行业": "industry",
    },
    "UnitCategory": {
        "机关": "organ", "国企": "soe", "国有企业": "soe", "事业单位": "public_institution",
        "金融机构": "financial", "垂管部门": "vertical", "非公企业": "non_public",
        "社会组织": "social_org", "物业服务企业": "property_company", "物业企业": "property_company",
        "物业": "property_company",
    },
    "AdminLevel": {
        "中央": "central", "中央级": "central", "省级": "provincial", "省": "provincial",
        "市级": "municipal", "市": "municipal", "区级": "district", "县级": "district",
        "区县级": "district", "街道级": "subdistrict", "乡镇级": "subdistrict",
        "街道": "subdistrict",
    },
    "MemberCategory": {
        "在职": "in_service", "在职党员": "in_service", "无职": "no_position",
        "无职党员": "no_position", "流动": "mobile", "流动党员": "mobile",
        "离退休": "retired", "退休": "retired", "离退休党员": "retired", "其他": "other",
    },
    "AllianceKind": {
        "党建联盟": "alliance", "联盟": "alliance", "大工委": "big_working_committee",
        "大党委": "big_party_committee",
    },
    "SiteLevel": {
        "中心": "center", "党群服务中心": "center", "站": "station", "党群服务站": "station",
        "点": "point", "党群服务点": "point", "便民点": "point",
    },
    "RoleName": {
        "书记": "secretary", "网格长": "grid_leader", "党小组长": "party_group_leader",
        "楼栋长": "building_leader", "中心户": "central_household", "社工": "social_worker",
        "社区工作者": "social_worker",
    },
    "PairingKind": {
        "条块结对": "block", "支部结对": "branch", "党群结对": "party_mass",
    },
}


# ------------------------------------------------------------- annotated field types


def _enum_parser(enum: type[_Labelled]) -> BeforeValidator:
    return BeforeValidator(enum_parse_function(enum))


def enum_parse_function(enum: type[_Labelled]) -> Any:
    """The function that reads one value of an enum field (identifier or Chinese label, NFKC)."""
    values = {m.value: m for m in enum}
    lowered = {m.value.lower(): m for m in enum}
    labels = {k: values[v] for k, v in _LABELS[enum.__name__].items()}
    allowed = ", ".join(values) + " (or " + ", ".join(_LABELS[enum.__name__]) + ")"

    def parse(value: Any) -> Any:
        if value is None or isinstance(value, enum):
            return value
        if isinstance(value, str):
            text = normalize_text(value)
            hit = values.get(text) or lowered.get(text.lower()) or labels.get(text)
            if hit is not None:
                return hit
        raise PydanticCustomError(
            "enum", "expected one of {allowed}", {"allowed": allowed}
        )

    return parse


# Characters no export format can carry (XML 1.0, .xlsx): C0 controls other than tab and
# line breaks, U+FFFE/U+FFFF and lone surrogates. Values holding them are rejected at load, so
# every export of loaded data reads back (docs/loading.md, "Text values").
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ID_CONTROL = _CONTROL  # ids too may hold tab and line breaks (XML attributes keep them), nothing else
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_FLOAT_ID = re.compile(r"^(\d+)\.0+$")
MAX_ID_CHARS: Final[int] = 200
"""Longest id accepted."""


def normalize_text(value: str) -> str:
    """NFKC-normalise and strip: full-width letters, digits and spaces become plain ones.

    Examples
    --------
    >>> normalize_text("Ｐ０４　")
    'P04'
    """
    text = value.strip()
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).strip()


def _id_error() -> PydanticCustomError:
    return PydanticCustomError("id", "expected an id (a non-empty string)")


def _to_id(value: Any) -> Any:
    """Accept ids as strings, or as whole numbers (spreadsheets turn codes into numbers).

    Ids are NFKC-normalised (``Ｐ０４`` is ``P04``); ``1001.0`` (a code a spreadsheet
    turned into a number) reads as ``1001``; scientific notation (``3.20102E+14``)
    is rejected: the spreadsheet already lost digits.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = normalize_text(value)
        if not text:
            raise _id_error()
        if _ID_CONTROL.search(text):
            raise PydanticCustomError("control_char", "an id cannot hold control characters")
        if len(text) > MAX_ID_CHARS:
            raise PydanticCustomError("too_long", "an id is at most {n} characters", {"n": MAX_ID_CHARS})
        if _SCIENTIFIC.match(text):
            raise _scientific_error()
        whole = _FLOAT_ID.match(text)
        return whole.group(1) if whole else text
    if isinstance(value, bool):
        raise _id_error()
    if isinstance(value, int):
        if value.bit_length() > 64:
            raise PydanticCustomError("too_long", "a number this long cannot be an id; write ids as text")
        return str(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        if abs(value) >= 1e15:
            raise _scientific_error()
        return str(int(value))
    raise _id_error()


def _scientific_error() -> PydanticCustomError:
    return PydanticCustomError(
        "scientific_id",
        "this id was turned into a number in scientific notation (like 3.20102E+14) by the "
        "spreadsheet, which lost its last digits; format the id column as Text in Excel "
        "(or write the ids with a leading apostrophe) and enter them again",
    )


def _to_text(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("string_type", "expected text")
    if isinstance(value, int):
        if value.bit_length() > 64:
            raise PydanticCustomError("too_long", "a number this long is not accepted here")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PydanticCustomError("string_type", "expected text")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        text = value.strip()
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if _CONTROL.search(text):
            raise PydanticCustomError(
                "control_char", "holds a control character (such as NUL) that no export format can carry"
            )
        if len(text) > MAX_TEXT_BYTES // 4:  # at most 4 bytes a character: shorter cannot be too long
            size = len(text.encode("utf-8", "surrogatepass"))
            if size > MAX_TEXT_BYTES:
                raise PydanticCustomError(
                    "text_too_long",
                    "holds {size} bytes of text; a value holds at most {limit} (orgnet.limits.MAX_TEXT_BYTES): "
                    "shorten it",
                    {"size": f"{size:,}", "limit": f"{MAX_TEXT_BYTES:,}"},
                )
        return text or None  # an empty cell is an absent value
    return value


_TRUE = {"true", "1", "yes", "y", "t", "是", "已", "已报告", "√", "✓"}
_FALSE = {"false", "0", "no", "n", "f", "否", "未", "未报告", "×", "✗"}


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = normalize_text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise PydanticCustomError("bool", "expected true/false, 1/0 or 是/否")


CHINA_TIME: Final[_dt.timezone] = _dt.timezone(_dt.timedelta(hours=8), "CST")
"""Date-times with a time zone are converted to China Standard Time (UTC+8) before their zone is dropped."""

_EXCEL_EPOCH = _dt.date(1899, 12, 30)
_SERIAL_RANGE = (10_000, 110_000)  # 1927-05-18 .. 2201-02-... : an Excel serial day, not a year
_DATE_PARTS = re.compile(
    r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def _date_error() -> PydanticCustomError:
    return PydanticCustomError(
        "date", "expected an ISO date such as 2023-05-01 (or 2023/5/1, 2023.05.01, 2023年5月1日)"
    )


def _from_serial(number: float) -> Any:
    if not (_SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]):
        raise _date_error()
    stamp = _dt.datetime.combine(_EXCEL_EPOCH, _dt.time(0)) + _dt.timedelta(days=float(number))
    return _to_iso_date(stamp.replace(microsecond=0))


def _to_iso_date(value: Any) -> Any:
    """Normalise a date to ``YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:MM:SS`` when it has a time).

    Accepts ISO dates, ``2023/5/1``, ``2023.05.01``, ``2023年5月1日``, date and
    date-time objects (Excel date cells) and Excel serial day numbers (``44986``);
    a date-time with a zone is converted to China Standard Time first.

    Examples
    --------
    >>> _to_iso_date("2023年5月1日"), _to_iso_date(44986), _to_iso_date("2023-05-01T01:30:00+00:00")
    ('2023-05-01', '2023-03-01', '2023-05-01T09:30:00')
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(CHINA_TIME)
        value = value.replace(tzinfo=None, microsecond=0)
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise _date_error()
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise _date_error()
        return _from_serial(value)
    if isinstance(value, str):
        text = normalize_text(value)
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                return _dt.date.fromisoformat(text).isoformat()
            except ValueError:
                raise _date_error() from None
        match = _DATE_PARTS.match(text)
        if match:
            y, mo, d, hh, mm, ss, zone = match.groups()
            try:
                if hh is None:
                    if zone:
                        raise ValueError(zone)
                    return _dt.date(int(y), int(mo), int(d)).isoformat()
                tz = None
                if zone:
                    tz = _dt.UTC if zone == "Z" else _dt.timezone(
                        (1 if zone[0] == "+" else -1)
                        * _dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:])))
                stamp = _dt.datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0), tzinfo=tz)
            except ValueError:
                raise _date_error() from None
            return _to_iso_date(stamp)
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return _from_serial(float(text))
    raise _date_error()


_UNIT = re.compile(r"^([+-]?\d+(?:\.0+)?)\s*(?:年度|年|分|星|级)?$")


def _to_int(value: Any) -> Any:
    """Read whole numbers written with a unit (``2023年``, ``5分``) or as ``5.0``."""
    if isinstance(value, str):
        text = normalize_text(value)
        match = _UNIT.match(text)
        if match and len(match.group(1)) <= 18:
            return int(float(match.group(1))) if "." in match.group(1) else int(match.group(1))
        return text
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        raise PydanticCustomError("too_long", "a number this long is not accepted here")
    return value


def _enum_of_field(annotation: Any) -> type[_Labelled] | None:
    """The labelled enum of a field's annotation (``AreaLevel | None`` -> ``AreaLevel``), if any."""
    import typing

    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, _Labelled):
            return arg
    return None


Id = Annotated[str, BeforeValidator(_to_id)]
OptId = Annotated[str | None, BeforeValidator(_to_id)]
Text = Annotated[str | None, BeforeValidator(_to_text)]
IsoDate = Annotated[str | None, BeforeValidator(_to_iso_date)]
Flag = Annotated[bool, BeforeValidator(_to_bool)]
Rating = Annotated[int | None, BeforeValidator(_to_int), Field(ge=1, le=5)]
Year = Annotated[int, BeforeValidator(_to_int), Field(ge=1900, le=2200)]

AreaLevelField = Annotated[AreaLevel, _enum_parser(AreaLevel)]
OrgKindField = Annotated[OrgKind | None, _enum_parser(OrgKind)]
SectorField = Annotated[Sector | None, _enum_parser(Sector)]
UnitCategoryField = Annotated[UnitCategory | None, _enum_parser(UnitCategory)]
AdminLevelField = Annotated[AdminLevel | None, _enum_parser(AdminLevel)]
MemberCategoryField = Annotated[MemberCategory | None, _enum_parser(MemberCategory)]
AllianceKindField = Annotated[AllianceKind | None, _enum_parser(AllianceKind)]
SiteLevelField = Annotated[SiteLevel | None, _enum_parser(SiteLevel)]
RoleNameField = Annotated[RoleName, _enum_parser(RoleName)]
PairingKindField = Annotated[PairingKind | None, _enum_parser(PairingKind)]


# ----------------------------------------------------------------------- base models


class Record(BaseModel):
    """Base of every record: unknown fields are rejected, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    FILE: ClassVar[str]
    """Name of this kind's file in the data folder (``areas``, ``pairings``, …)."""
    FILE_ZH: ClassVar[str]
    """Chinese name accepted for the file or workbook sheet."""

    def record(self) -> dict[str, Any]:
        """This record as plain values (enums as identifiers), absent fields left out."""
        return {
            k: (v.value if isinstance(v, StrEnum) else v)
            for k, v in self.model_dump(exclude_none=True).items()
        }


class Node(Record):
    """A node of the graph; ``id`` is unique across the whole graph."""

    LABEL: ClassVar[str]
    id: Id


class Link(Record):
    """A row of a link file; it becomes one relationship."""

    TYPE: ClassVar[str]
    SOURCE: ClassVar[str]
    """Field holding the relationship's start node id."""
    TARGET: ClassVar[str]
    """Field holding the relationship's end node id."""
    SOURCE_KINDS: ClassVar[tuple[str, ...]]
    TARGET_KINDS: ClassVar[tuple[str, ...]]
    TARGET_LEVEL: ClassVar[str | None] = None
    KEY: ClassVar[tuple[str, ...]] = ()
    """Properties that, with the two ends, identify the relationship."""


# ------------------------------------------------------------------------ node kinds


class Area(Node):
    """区域: the city, a district, subdistrict, community or grid."""

    LABEL: ClassVar[str] = "Area"
    FILE: ClassVar[str] = "areas"
    FILE_ZH: ClassVar[str] = "区域"
    name: Text = None
    level: AreaLevelField
    parent_id: OptId = None


class Org(Node):
    """党组织: a party organisation."""

    LABEL: ClassVar[str] = "Org"
    FILE: ClassVar[str] = "orgs"
    FILE_ZH: ClassVar[str] = "党组织"
    name: Text = None
    kind: OrgKindField = None
    sector: SectorField = None
    parent_id: OptId = None
    area_id: OptId = None
    unit_id: OptId = None


class Unit(Node):
    """单位: an organ, enterprise, institution or company."""

    LABEL: ClassVar[str] = "Unit"
    FILE: ClassVar[str] = "units"
    FILE_ZH: ClassVar[str] = "单位"
    name: Text = None
    category: UnitCategoryField = None
    admin_level: AdminLevelField = None
    area_id: OptId = None


class Building(Node):
    """楼栋: a building in a grid."""

    LABEL: ClassVar[str] = "Building"
    FILE: ClassVar[str] = "buildings"
    FILE_ZH: ClassVar[str] = "楼栋"
    name: Text = None
    grid_id: OptId = None


class Household(Node):
    """户: a household in a building. ``address`` is personal data."""

    LABEL: ClassVar[str] = "Household"
    FILE: ClassVar[str] = "households"
    FILE_ZH: ClassVar[str] = "户"
    building_id: OptId = None
    address: Text = Field(default=None, repr=False)


class Person(Node):
    """人员: a resident or party member. ``name`` and ``phone`` are personal data."""

    LABEL: ClassVar[str] = "Person"
    FILE: ClassVar[str] = "people"
    FILE_ZH: ClassVar[str] = "人员"
    name: Text = Field(default=None, repr=False)
    household_id: OptId = None
    is_member: Flag = False
    member_category: MemberCategoryField = None
    org_id: OptId = None
    unit_id: OptId = None
    phone: Text = Field(default=None, repr=False)


class Alliance(Node):
    """党建联盟 / 大工委 / 大党委."""

    LABEL: ClassVar[str] = "Alliance"
    FILE: ClassVar[str] = "alliances"
    FILE_ZH: ClassVar[str] = "联盟"
    name: Text = None
    kind: AllianceKindField = None
    area_id: OptId = None


class Activity(Node):
    """联办活动: a joint activity held in an area."""

    LABEL: ClassVar[str] = "Activity"
    FILE: ClassVar[str] = "activities"
    FILE_ZH: ClassVar[str] = "活动"
    name: Text = None
    date: IsoDate = None
    area_id: OptId = None


class Matter(Node):
    """事项: a matter raised by a resident, through 集单—派单—接单—评单."""

    LABEL: ClassVar[str] = "Matter"
    FILE: ClassVar[str] = "matters"
    FILE_ZH: ClassVar[str] = "事项"
    title: Text = None
    category: Text = None
    raised_by: OptId = None
    created_at: IsoDate = None
    dispatched_at: IsoDate = None
    assignee_id: OptId = None
    accepted_at: IsoDate = None
    closed_at: IsoDate = None
    rating: Rating = None


class Site(Node):
    """党群服务阵地: a service centre, station or point."""

    LABEL: ClassVar[str] = "Site"
    FILE: ClassVar[str] = "sites"
    FILE_ZH: ClassVar[str] = "阵地"
    name: Text = None
    level: SiteLevelField = None
    area_id: OptId = None
    standardized: Flag = False


# ------------------------------------------------------------------------ link kinds


class RoleAssignment(Link):
    """A role a person holds on an area, building or org (``HOLDS_ROLE``)."""

    FILE: ClassVar[str] = "roles"
    FILE_ZH: ClassVar[str] = "角色"
    TYPE: ClassVar[str] = "HOLDS_ROLE"
    SOURCE: ClassVar[str] = "person_id"
    TARGET: ClassVar[str] = "target_id"
    SOURCE_KINDS: ClassVar[tuple[str, ...]] = ("Person",)
    TARGET_KINDS: ClassVar[tuple[str, ...]] = ("Area", "Building", "Org")
    KEY: ClassVar[tuple[str, ...]] = ("role",)
    person_id: Id
    role: RoleNameField
    target_id: Id
    since: IsoDate = None
    until: IsoDate = None
    """End of the role (absent: still held); see :func:`orgnet.queries._window.active`."""


class Contact(Link):
    """党员联系户: a member who looks after a household (``CONTACTS``)."""

    FILE: ClassVar[str] = "contacts"
    FILE_ZH: ClassVar[str] = "联系户"
    TYPE: ClassVar[str] = "CONTACTS"
    SOURCE: ClassVar[str] = "person_id"
    TARGET: ClassVar[str] = "household_id"
    SOURCE_KINDS: ClassVar[tuple[str, ...]] = ("Person",)
    TARGET_KINDS: ClassVar[tuple[str, ...]] = ("Household",)
    person_id: Id
    household_id: Id


class Pairing(Link):
    """结对共建: a unit or org paired with a community (``PAIRED_WITH``)."""

    FILE: ClassVar[str] = "pairings"
    FILE_ZH: ClassVar[str] = "结对"
    TYPE: ClassVar[str] = "PAIRED_WITH"
    SOURCE: ClassVar[str] = "source_id"
    TARGET: ClassVar[str] = "target_id"
    SOURCE_KINDS: ClassVar[tuple[str, ...]] = ("Unit", "Org")
    TARGET_KINDS: ClassVar[tuple[str, ...]] = ("Area",)
    TARGET_LEVEL: ClassVar[str | None] = "community"
    KEY: ClassVar[tuple[str, ...]] = ("kind",)
    source_id: Id
    target_id: Id
    kind: PairingKindField = None
    since: IsoDate = None
    until: IsoDate = None
    """End of the pairing (absent: still running); see :func:`orgnet.queries._window.active`."""


class Registration(Link):
    """双报到: a unit or person registered with a community (``REGISTERED_WITH``)."""

    FILE: ClassVar[str] = "registrations"
    FILE_ZH: ClassVar[str] = "报到"
    TYPE: ClassVar[str] = "REGISTERED_WITH"
    SOURCE: ClassVar[str] = "source_id"
    TARGET: ClassVar[str] = "community_id"
    SOURCE_KINDS: ClassVar[tuple[str, ...]] = ("Unit", "Person")
    TARGET_KINDS: ClassVar[tuple[str, ...]] = ("Area",)
    TARGET_LEVEL: ClassVar[str | None] = "community"
    KEY: ClassVar[tuple[str, ...]] = ("year",)
    source_id: Id
    community_id: Id
    year: Year
    reported: Flag = False


class AllianceMembership(Link):
    """A unit or org that is a member of an alliance (``MEMBER_OF``)."""

    FILE: ClassVar[str] = "alliance_members"
    FILE_ZH: ClassVar[str] = "联盟成员"
    TYPE: ClassVar[str] = "MEMBER_OF"
    SOURCE: ClassVar[str] = "member_id"
    TARGET: ClassVar[str] = "alliance_id"
    SOURCE_KINDS: ClassVar[tuple[str, ...]] = ("Unit", "Org")
    TARGET_KINDS: ClassVar[tuple[str, ...]] = ("Alliance",)
    alliance_id: Id
    member_id: Id


class Organizer(Link):
    """A unit or org that organised an activity (``ORGANIZED``)."""

    FILE: ClassVar[str] = "organizers"
    FILE_ZH: ClassVar[str] = "活动组织方"
    TYPE: ClassVar[str] = "ORGANIZED"
    SOURCE: ClassVar[str] = "organizer_id"
    TARGET: ClassVar[str] = "activity_id"
    SOURCE_KINDS: ClassVar[tuple[str, ...]] = ("Unit", "Org")
    TARGET_KINDS: ClassVar[tuple[str, ...]] = ("Activity",)
    activity_id: Id
    organizer_id: Id


# ------------------------------------------------------------------------- registries

NODE_MODELS: Final[tuple[type[Node], ...]] = (
    Area, Org, Unit, Building, Household, Person, Alliance, Activity, Matter, Site,
)
LINK_MODELS: Final[tuple[type[Link], ...]] = (
    RoleAssignment, Contact, Pairing, Registration, AllianceMembership, Organizer,
)
FILES: Final[dict[str, type[Record]]] = {m.FILE: m for m in (*NODE_MODELS, *LINK_MODELS)}
"""File name -> model, in load order (nodes before links)."""

LABELS: Final[frozenset[str]] = frozenset(m.LABEL for m in NODE_MODELS)
"""The closed set of node labels (plus the shared label ``Entity``)."""


@dataclass(frozen=True)
class FieldRel:
    """A relationship that a node's reference field defines.

    ``reverse`` means the relationship points from the referenced node to the
    record's node (``Matter.raised_by`` gives ``(raiser)-[:RAISED]->(matter)``).
    """

    label: str
    field: str
    type: str
    target_kinds: tuple[str, ...]
    target_level: str | None = None
    reverse: bool = False


FIELD_RELATIONSHIPS: Final[tuple[FieldRel, ...]] = (
    FieldRel("Area", "parent_id", "PART_OF", ("Area",)),
    FieldRel("Org", "parent_id", "UNDER", ("Org",)),
    FieldRel("Org", "area_id", "COVERS", ("Area",)),
    FieldRel("Org", "unit_id", "OF_UNIT", ("Unit",)),
    FieldRel("Unit", "area_id", "LOCATED_IN", ("Area",)),
    FieldRel("Building", "grid_id", "IN", ("Area",), "grid"),
    FieldRel("Household", "building_id", "IN", ("Building",)),
    FieldRel("Person", "household_id", "LIVES_IN", ("Household",)),
    FieldRel("Person", "org_id", "BELONGS_TO", ("Org",)),
    FieldRel("Person", "unit_id", "WORKS_AT", ("Unit",)),
    FieldRel("Alliance", "area_id", "LOCATED_IN", ("Area",)),
    FieldRel("Activity", "area_id", "LOCATED_IN", ("Area",)),
    FieldRel("Matter", "raised_by", "RAISED", ("Person", "Household"), reverse=True),
    FieldRel("Matter", "assignee_id", "ASSIGNED_TO", ("Person", "Org", "Unit")),
    FieldRel("Site", "area_id", "LOCATED_IN", ("Area",)),
)

REL_TYPES: Final[frozenset[str]] = frozenset(
    {r.type for r in FIELD_RELATIONSHIPS} | {m.TYPE for m in LINK_MODELS}
)
"""The closed set of relationship types."""

LevelOrder = ("city", "district", "subdistrict", "community", "grid")
LEVEL_RANK: Final[dict[str, int]] = {lvl: i for i, lvl in enumerate(LevelOrder)}
"""Rank of each area level; ``PART_OF`` must go to a strictly smaller rank."""

ROLE_TARGETS: Final[dict[str, tuple[tuple[str, str | None], ...]]] = {
    "secretary": (("Org", None),),
    "grid_leader": (("Area", "grid"),),
    "party_group_leader": (("Area", "grid"),),
    "building_leader": (("Building", None),),
    "central_household": (("Building", None),),
    "social_worker": (("Area", None),),
}
"""What each role may be held on: (label, area level or None for any). A 楼栋长 role on a grid
would load and leave the building uncovered, so the loader rejects it (docs/loading.md)."""

REQUIRED_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "areas": ("id", "level", "parent_id"),
    "orgs": ("id", "parent_id"),
    "units": ("id", "category"),
    "buildings": ("id", "grid_id"),
    "households": ("id", "building_id"),
    "people": ("id", "household_id", "is_member"),
    "alliances": ("id",),
    "activities": ("id", "date"),
    "matters": ("id", "created_at"),
    "sites": ("id", "area_id"),
    "roles": ("person_id", "role", "target_id"),
    "contacts": ("person_id", "household_id"),
    "pairings": ("source_id", "target_id"),
    "registrations": ("source_id", "community_id", "year", "reported"),
    "alliance_members": ("alliance_id", "member_id"),
    "organizers": ("activity_id", "organizer_id"),
}
"""Columns a file of each kind must have. Without one the figures built on it would read
0% or 100% with nothing behind them (no 是否党员 column: every member rule at 100%)."""

PERSONAL_FIELDS: Final[frozenset[tuple[str, str]]] = frozenset(
    {("people", "name"), ("people", "phone"), ("households", "address")}
)
"""(file, field) pairs holding personal data: their values never reach messages or logs."""

PROPERTY_CATEGORIES: Final[frozenset[str]] = frozenset({"property", "物业"})
"""``Matter.category`` values the KPIs count as property matters (物业)."""

REGISTRATION_UNIT_CATEGORIES: Final[tuple[str, ...]] = (
    "organ", "soe", "public_institution", "financial", "vertical",
)
"""Unit categories checked by the ``unit_registration`` rule (双报到)."""

MUNICIPAL_AND_ABOVE: Final[tuple[str, ...]] = ("central", "provincial", "municipal")
"""``Unit.admin_level`` values counted as 市级以上."""
