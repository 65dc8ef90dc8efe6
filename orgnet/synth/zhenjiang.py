"""Names and word lists for a Zhenjiang-like city (镇江市).

The seven districts and county-level cities of Zhenjiang with their subdistricts
(街道) and towns (镇), the city- and district-level units that pair with
communities (机关、国企、事业单位、金融机构、垂管部门), and the word lists the
generator draws names, addresses, activities and matters from.

Subdistrict lists follow the real divisions as far as they are known here; the
communities (社区) and villages (村) are plausible, not real, apart from a few
the seed document names (金山街道银山门社区).

Examples
--------
>>> from orgnet.synth import zhenjiang as zj
>>> [d.code for d in zj.DISTRICTS]
['JK', 'RZ', 'DT', 'DY', 'JR', 'YZ', 'XQ']
>>> zj.district("RZ").subdistricts[0].name
'金山街道'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from orgnet.errors import InvalidArgument

__all__ = [
    "CITY_CODE",
    "CITY_NAME",
    "CITIES",
    "SubdistrictSpec",
    "DistrictSpec",
    "DISTRICTS",
    "district",
    "KNOWN_COMMUNITIES",
    "COMMUNITY_STEMS",
    "VILLAGE_STEMS",
    "SURNAMES",
    "GIVEN_CHARS",
    "PHONE_PREFIXES",
    "CITY_UNITS",
    "DISTRICT_UNITS",
    "SUBDISTRICT_UNITS",
    "BRANDS",
    "INDUSTRIES",
    "PROPERTY_SUFFIXES",
    "SOCIAL_ORG_SUFFIXES",
    "ACTIVITY_THEMES",
    "ALLIANCE_THEMES",
    "POINT_PLACES",
    "MATTER_TITLES",
]

CITY_CODE: Final = "ZJ"
CITY_NAME: Final = "镇江市"
CITIES: Final[tuple[tuple[str, str], ...]] = (
    (CITY_CODE, CITY_NAME), ("NJ", "南京市"), ("CZ", "常州市"), ("WX", "无锡市"), ("TZ", "泰州市"),
    ("SZ", "苏州市"), ("NT", "南通市"), ("HA", "淮安市"),
)
"""Codes and names of the cities of a multi-city (province) network, Zhenjiang first.
The other cities reuse Zhenjiang's districts as a template, their codes prefixed
with the city's (``NJRZ`` for the second city's copy of 润州区); no city code is
also a district code (扬州 would be ``YZ``, which is 扬中市's)."""


@dataclass(frozen=True, slots=True)
class SubdistrictSpec:
    """A subdistrict (街道) or town (镇): code unique in its district, name, short name."""

    code: str
    name: str

    @property
    def short(self) -> str:
        """The name without 街道 / 镇 (``金山`` for 金山街道)."""
        return self.name.removesuffix("街道").removesuffix("镇")

    @property
    def is_town(self) -> bool:
        """Whether this is a town (镇), whose communities are mostly villages (村)."""
        return self.name.endswith("镇")


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    """A district (区) or county-level city (市) of Zhenjiang.

    ``name`` is how it is written alone (润州区, 丹阳市); ``full`` how a
    municipal-branch name writes it (镇江市润州区, 丹阳市).
    """

    code: str
    name: str
    short: str
    full: str
    subdistricts: tuple[SubdistrictSpec, ...]
    roads: tuple[str, ...]


def _subs(*pairs: str) -> tuple[SubdistrictSpec, ...]:
    return tuple(SubdistrictSpec(*p.split(":")) for p in pairs)


DISTRICTS: Final[tuple[DistrictSpec, ...]] = (
    DistrictSpec(
        "JK", "京口区", "京口", "镇江市京口区",
        _subs("ZD:正东路街道", "JK:健康路街道", "DS:大市口街道", "SP:四牌楼街道",
              "XS:象山街道", "JB:谏壁街道", "DM:丁卯街道"),
        ("中山东路", "正东路", "健康路", "学府路", "梦溪路", "丁卯桥路", "谷阳路", "象山路",
         "北府路", "京口路", "东吴路", "焦山路", "江滨路", "解放北路"),
    ),
    DistrictSpec(
        "RZ", "润州区", "润州", "镇江市润州区",
        _subs("JS:金山街道", "BT:宝塔路街道", "HP:和平路街道", "QL:七里甸街道",
              "JQ:蒋乔街道", "GT:官塘桥街道"),
        ("中山西路", "解放路", "大西路", "宝塔路", "和平路", "南徐大道", "黄山南路",
         "官塘路", "长江路", "西津渡街", "金山路", "檀山路", "南山路", "九华山路", "桃花坞路"),
    ),
    DistrictSpec(
        "DT", "丹徒区", "丹徒", "镇江市丹徒区",
        _subs("YC:宜城街道", "GZ:高资街道", "SD:上党镇", "BY:宝堰镇", "XF:辛丰镇",
              "GY:谷阳镇", "SY:世业镇", "GQ:高桥镇"),
        ("宜城路", "谷阳大道", "丹徒新城大道", "高资大街", "上党路", "宝堰街", "辛丰路",
         "长香大道", "恒顺大道"),
    ),
    DistrictSpec(
        "DY", "丹阳市", "丹阳", "丹阳市",
        _subs("YY:云阳街道", "QA:曲阿街道", "DB:丹北镇", "LC:吕城镇", "LK:陵口镇",
              "FX:访仙镇", "JP:界牌镇", "ST:司徒镇", "YL:延陵镇", "EL:珥陵镇",
              "DSH:导墅镇", "HT:皇塘镇"),
        ("云阳路", "丹凤路", "新民路", "金陵西路", "齐梁路", "丹金路", "吕城大街", "华南路",
         "香草河路", "开发区大道"),
    ),
    DistrictSpec(
        "JR", "句容市", "句容", "句容市",
        _subs("HY:华阳街道", "CM:崇明街道", "HM:黄梅街道", "XS:下蜀镇", "BH:宝华镇",
              "GZ:郭庄镇", "MS:茅山镇", "TW:天王镇", "BT:白兔镇", "HB:后白镇", "BC:边城镇"),
        ("华阳路", "崇明路", "宝华大道", "茅山路", "东风路", "葛仙湖路", "福地路", "人民路"),
    ),
    DistrictSpec(
        "YZ", "扬中市", "扬中", "扬中市",
        _subs("SM:三茅街道", "XL:兴隆街道", "XB:新坝镇", "YF:油坊镇", "BQ:八桥镇",
              "XLQ:西来桥镇"),
        ("扬子路", "三茅大街", "港隆路", "新坝路", "春柳路", "前进北路", "明珠大道"),
    ),
    DistrictSpec(
        "XQ", "镇江新区", "新区", "镇江新区",
        _subs("DG:大港街道", "DGG:丁岗镇", "DL:大路镇", "YQ:姚桥镇"),
        ("大港路", "金港大道", "赵声路", "港南路", "丁岗大街", "大路大街", "姚桥大街"),
    ),
)
"""Zhenjiang's districts and county-level cities, in the order the city lists them."""


def district(code: str) -> DistrictSpec:
    """The district whose code is ``code`` (``RZ`` for 润州区).

    Examples
    --------
    >>> district("DY").name
    '丹阳市'
    """
    for spec in DISTRICTS:
        if spec.code == code:
            return spec
    raise InvalidArgument(f"unknown district code {code!r}; use one of "
                     + ", ".join(d.code for d in DISTRICTS))


KNOWN_COMMUNITIES: Final[dict[str, tuple[str, ...]]] = {
    "RZ-JS": ("银山门", "金山", "征润州"),
    "RZ-BT": ("宝塔山", "江滨新村"),
    "RZ-HP": ("和平路", "中山"),
    "JK-ZD": ("正东路", "梦溪"),
    "JK-DS": ("大市口", "五条街"),
    "DT-YC": ("宜城", "丹徒新城"),
}
"""Community name stems to use first, per subdistrict id (real or near-real names)."""

COMMUNITY_STEMS: Final[tuple[str, ...]] = (
    "西津", "银山", "桃花坞", "南门", "迎江", "阳光", "春江", "梦溪", "北固", "焦山",
    "东吴", "花山湾", "学府", "江滨", "新河", "黄山", "南山", "七里", "官塘", "蒋乔",
    "长江", "大西", "解放", "丁卯", "谷阳", "象山", "健康", "四牌楼", "京口", "东方",
    "锦绣", "香江", "绿竹", "桂花", "金港", "华山", "润江", "檀山", "茶砂", "跑马山",
    "新城", "宝华", "华阳", "崇明", "云阳", "曲阿", "三茅", "兴隆", "大港", "港南",
    "鼎石", "凤凰", "翠竹", "枫林", "丽景", "怡和", "康乐", "幸福", "和谐", "如意",
    "文苑", "星港", "江山", "御桥", "花园", "景福", "德润", "正和", "玉山", "梅园",
    "丹凤", "齐梁", "葛村", "香山", "金城", "白莲", "荷花池", "虹桥", "青年", "平昌",
    "东门", "西门", "运河", "民主", "团结", "光明", "朝阳", "红旗", "五星", "新民",
)
"""Stems for urban community names (社区)."""

VILLAGE_STEMS: Final[tuple[str, ...]] = (
    "长山", "荣炳", "东巷", "西庄", "前桥", "后塘", "何家", "王庄", "陈庄", "李巷",
    "新庄", "姚家", "蒋墅", "孔家", "赵家湾", "丰乐", "庙港", "圌山", "永安", "太平",
    "仁和", "三山", "五里", "张堡", "建山", "华山", "兴福", "石桥", "河口", "双井",
    "荷花", "黄墟", "新桥", "马陵", "龙山", "东湖", "柳茹", "里庄", "湖滨", "戴庄",
    "唐陵", "联合", "胜利", "南城", "北城", "东升", "西来", "长旺", "利民", "中心",
)
"""Stems for village names (村)."""

SURNAMES: Final[tuple[str, ...]] = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "贾", "夏", "方", "邹", "秦", "江", "严", "戴", "殷", "顾", "钱", "尹", "薛", "陶",
)
"""Common surnames, Jiangsu-leaning."""

GIVEN_CHARS: Final[tuple[str, ...]] = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "建", "国", "文", "辉",
    "海", "燕", "红", "丹", "萍", "斌", "鹏", "宇", "浩", "凯", "俊", "婷", "雪", "琳", "晨",
    "志", "荣", "春", "梅", "林", "云", "峰", "亮", "成", "新", "德", "宏", "晓", "佳", "欣",
    "子", "涵", "雨", "思", "怡", "睿", "博", "阳", "诚", "嘉", "慧", "颖", "倩", "蕾", "翔",
)
"""Characters for given names (one or two of them)."""

PHONE_PREFIXES: Final[tuple[str, ...]] = (
    "139", "138", "137", "136", "135", "134", "158", "159", "150", "151", "152", "157",
    "187", "188", "182", "183", "133", "153", "180", "181", "189", "177", "130", "131",
    "132", "155", "156", "185", "186", "199",
)
"""Mobile number prefixes (11-digit numbers)."""

# (name, category, admin_level); all located at the city area.
CITY_UNITS: Final[tuple[tuple[str, str, str], ...]] = (
    ("中共镇江市委组织部", "organ", "municipal"),
    ("中共镇江市委宣传部", "organ", "municipal"),
    ("中共镇江市委政法委员会", "organ", "municipal"),
    ("中共镇江市纪律检查委员会", "organ", "municipal"),
    ("中共镇江市委统战部", "organ", "municipal"),
    ("镇江市发展和改革委员会", "organ", "municipal"),
    ("镇江市教育局", "organ", "municipal"),
    ("镇江市科学技术局", "organ", "municipal"),
    ("镇江市工业和信息化局", "organ", "municipal"),
    ("镇江市公安局", "organ", "municipal"),
    ("镇江市民政局", "organ", "municipal"),
    ("镇江市司法局", "organ", "municipal"),
    ("镇江市财政局", "organ", "municipal"),
    ("镇江市人力资源和社会保障局", "organ", "municipal"),
    ("镇江市自然资源和规划局", "organ", "municipal"),
    ("镇江市生态环境局", "organ", "municipal"),
    ("镇江市住房和城乡建设局", "organ", "municipal"),
    ("镇江市城市管理局", "organ", "municipal"),
    ("镇江市交通运输局", "organ", "municipal"),
    ("镇江市水利局", "organ", "municipal"),
    ("镇江市农业农村局", "organ", "municipal"),
    ("镇江市商务局", "organ", "municipal"),
    ("镇江市文化广电和旅游局", "organ", "municipal"),
    ("镇江市卫生健康委员会", "organ", "municipal"),
    ("镇江市退役军人事务局", "organ", "municipal"),
    ("镇江市应急管理局", "organ", "municipal"),
    ("镇江市审计局", "organ", "municipal"),
    ("镇江市市场监督管理局", "organ", "municipal"),
    ("镇江市医疗保障局", "organ", "municipal"),
    ("镇江市机关事务管理局", "organ", "municipal"),
    ("镇江市信访局", "organ", "municipal"),
    ("镇江市总工会", "organ", "municipal"),
    ("共青团镇江市委员会", "organ", "municipal"),
    ("镇江市妇女联合会", "organ", "municipal"),
    ("镇江城市建设产业集团有限公司", "soe", "municipal"),
    ("镇江交通产业集团有限公司", "soe", "municipal"),
    ("镇江文化旅游产业集团有限责任公司", "soe", "municipal"),
    ("镇江国有投资控股集团有限公司", "soe", "municipal"),
    ("镇江市水业总公司", "soe", "municipal"),
    ("镇江港务集团有限公司", "soe", "municipal"),
    ("镇江市公共交通有限公司", "soe", "municipal"),
    ("国网江苏省电力有限公司镇江供电分公司", "soe", "central"),
    ("中国移动通信集团江苏有限公司镇江分公司", "soe", "central"),
    ("中国电信股份有限公司镇江分公司", "soe", "central"),
    ("中国联合网络通信有限公司镇江市分公司", "soe", "central"),
    ("中国石化销售股份有限公司江苏镇江石油分公司", "soe", "central"),
    ("中国邮政集团有限公司镇江市分公司", "soe", "central"),
    ("中国铁塔股份有限公司镇江市分公司", "soe", "central"),
    ("江苏有线网络发展有限责任公司镇江分公司", "soe", "provincial"),
    ("江苏宁沪高速公路股份有限公司镇江管理处", "soe", "provincial"),
    ("镇江市第一人民医院", "public_institution", "municipal"),
    ("镇江市第四人民医院", "public_institution", "municipal"),
    ("镇江市中医院", "public_institution", "municipal"),
    ("镇江市疾病预防控制中心", "public_institution", "municipal"),
    ("镇江市图书馆", "public_institution", "municipal"),
    ("镇江博物馆", "public_institution", "municipal"),
    ("镇江市实验高级中学", "public_institution", "municipal"),
    ("镇江市外国语学校", "public_institution", "municipal"),
    ("镇江市社会福利院", "public_institution", "municipal"),
    ("镇江市住房公积金管理中心", "public_institution", "municipal"),
    ("江苏大学", "public_institution", "provincial"),
    ("江苏科技大学", "public_institution", "provincial"),
    ("江苏省镇江中学", "public_institution", "provincial"),
    ("江苏大学附属医院", "public_institution", "provincial"),
    ("中国工商银行镇江分行", "financial", "central"),
    ("中国农业银行镇江分行", "financial", "central"),
    ("中国银行镇江分行", "financial", "central"),
    ("中国建设银行镇江分行", "financial", "central"),
    ("交通银行镇江分行", "financial", "central"),
    ("中国邮政储蓄银行镇江市分行", "financial", "central"),
    ("中国人寿保险股份有限公司镇江分公司", "financial", "central"),
    ("中国人民财产保险股份有限公司镇江市分公司", "financial", "central"),
    ("江苏银行镇江分行", "financial", "provincial"),
    ("紫金农村商业银行镇江分行", "financial", "provincial"),
    ("江苏镇江农村商业银行", "financial", "municipal"),
    ("镇江市信用融资担保有限责任公司", "financial", "municipal"),
    ("国家税务总局镇江市税务局", "vertical", "central"),
    ("中华人民共和国镇江海关", "vertical", "central"),
    ("国家统计局镇江调查队", "vertical", "central"),
    ("中华人民共和国镇江海事局", "vertical", "central"),
    ("中国人民银行镇江市分行", "vertical", "central"),
    ("国家金融监督管理总局镇江监管分局", "vertical", "central"),
    ("镇江市气象局", "vertical", "central"),
    ("镇江市烟草专卖局", "vertical", "provincial"),
    ("镇江市邮政管理局", "vertical", "provincial"),
    ("江苏省镇江环境监测中心", "vertical", "provincial"),
)
"""Municipal-and-above units (市级以上机关、国企、事业单位、金融机构、垂管部门)."""

# (template, category); {d} district name, {s} short name, {f} full name. Level "district".
DISTRICT_UNITS: Final[tuple[tuple[str, str], ...]] = (
    ("中共{d}委组织部", "organ"),
    ("中共{d}委宣传部", "organ"),
    ("中共{d}委政法委员会", "organ"),
    ("{d}纪委监委", "organ"),
    ("{d}发展和改革委员会", "organ"),
    ("{d}教育局", "organ"),
    ("{d}民政局", "organ"),
    ("{d}司法局", "organ"),
    ("{d}财政局", "organ"),
    ("{d}人力资源和社会保障局", "organ"),
    ("{d}住房和城乡建设局", "organ"),
    ("{d}城市管理局", "organ"),
    ("{d}农业农村局", "organ"),
    ("{d}商务局", "organ"),
    ("{d}文体广电和旅游局", "organ"),
    ("{d}卫生健康委员会", "organ"),
    ("{d}退役军人事务局", "organ"),
    ("{d}应急管理局", "organ"),
    ("{d}审计局", "organ"),
    ("{d}市场监督管理局", "organ"),
    ("{d}医疗保障局", "organ"),
    ("{d}总工会", "organ"),
    ("共青团{d}委员会", "organ"),
    ("{d}妇女联合会", "organ"),
    ("{d}城市建设投资集团有限公司", "soe"),
    ("{d}国有资产投资经营有限公司", "soe"),
    ("{d}城市资产经营有限公司", "soe"),
    ("{d}水务有限公司", "soe"),
    ("{d}人民医院", "public_institution"),
    ("{d}中医院", "public_institution"),
    ("{d}实验小学", "public_institution"),
    ("{d}实验初级中学", "public_institution"),
    ("{d}图书馆", "public_institution"),
    ("{d}文化馆", "public_institution"),
    ("{d}疾病预防控制中心", "public_institution"),
    ("中国工商银行镇江{s}支行", "financial"),
    ("中国建设银行镇江{s}支行", "financial"),
    ("中国邮政储蓄银行镇江{s}支行", "financial"),
    ("江苏镇江农村商业银行{s}支行", "financial"),
    ("国家税务总局{f}税务局", "vertical"),
    ("镇江市{s}生态环境局", "vertical"),
    ("镇江市自然资源和规划局{s}分局", "vertical"),
    ("镇江市公安局{s}分局", "vertical"),
)
"""District-level units, one set per district (区级机关、国企、事业单位、金融网点、垂管分局)."""

# (template for 街道, template for 镇, category, probability); level "subdistrict".
SUBDISTRICT_UNITS: Final[tuple[tuple[str, str, str, float], ...]] = (
    ("{n}办事处", "{n}人民政府", "organ", 1.0),
    ("{s}社区卫生服务中心", "{s}卫生院", "public_institution", 1.0),
    ("{s}小学", "{s}中心小学", "public_institution", 0.8),
    ("江苏镇江农村商业银行{s}支行", "江苏镇江农村商业银行{s}支行", "financial", 0.6),
    ("{n}综合执法局", "{n}综合执法局", "organ", 0.4),
)
"""Subdistrict-level units, one set per subdistrict or town."""

BRANDS: Final[tuple[str, ...]] = (
    "润泰", "金港", "大禾", "瑞丰", "京润", "江南", "北固", "润扬", "丰华", "鼎盛",
    "华康", "汇通", "宏达", "天晟", "恒信", "嘉润", "明辉", "中瑞", "苏润", "长盛",
    "新航", "博远", "润丰", "华东", "金山", "鑫源", "正大", "同创", "东润", "易达",
    "福润", "远景", "万润", "卓越", "佳和", "宝利", "盛和", "安居", "绿城", "德信",
)
"""Brand words for company names."""

INDUSTRIES: Final[tuple[str, ...]] = (
    "科技", "电子", "机械", "新材料", "餐饮管理", "商贸", "物流", "建设工程", "信息技术",
    "医药", "光电", "汽车部件", "眼镜", "食品", "家政服务", "电气", "文化传媒", "养老服务",
)
"""Industry words for non-public company names (…有限公司)."""

PROPERTY_SUFFIXES: Final[tuple[str, ...]] = ("物业服务有限公司", "物业管理有限公司")
"""Endings of property company names (物业服务企业)."""

SOCIAL_ORG_SUFFIXES: Final[tuple[str, ...]] = (
    "志愿服务协会", "老年协会", "邻里互助会", "社会工作服务站", "公益发展中心", "文体协会",
)
"""Endings of social organisation names (社会组织), after a community name."""

ACTIVITY_THEMES: Final[tuple[str, ...]] = (
    "主题党日活动", "党员志愿服务日", "义诊进社区", "法律咨询进社区", "垃圾分类宣传",
    "关爱空巢老人", "双报到共建活动", "邻里节", "文明城市创建志愿行动", "防诈骗宣传",
    "党史学习分享会", "红色观影", "助老助餐服务", "青少年暑期课堂", "消防安全演练",
    "睦邻议事会", "红色物业议事会", "便民服务集市", "健康讲座", "困难群众走访慰问",
)
"""Themes of joint activities (联办活动)."""

ALLIANCE_THEMES: Final[tuple[str, ...]] = (
    "红色物业", "文旅融合", "商圈", "楼宇", "新就业群体", "为老服务", "平安建设", "教育共建",
)
"""Themes of party-building alliances (…党建联盟)."""

POINT_PLACES: Final[tuple[str, ...]] = (
    "小区", "菜场", "商圈", "广场", "公园", "驿站", "物业", "楼宇",
)
"""Places of service points (…便民服务点)."""

MATTER_TITLES: Final[dict[str, tuple[str, ...]]] = {
    "property": ("电梯故障报修", "小区路灯不亮", "物业费争议", "楼道堆物清理", "地下车库渗水",
                 "门禁系统损坏", "小区绿化养护不到位", "单元门禁卡办理"),
    "environment": ("垃圾清运不及时", "夜间施工噪音扰民", "河道漂浮物", "绿化带被毁",
                    "餐饮油烟扰民"),
    "safety": ("电动车楼道充电", "消防通道被占用", "高空抛物隐患", "井盖缺失", "违章搭建"),
    "neighbour": ("邻里漏水纠纷", "宠物扰民", "停车位纠纷", "公共区域占用"),
    "facility": ("健身器材损坏", "道路破损", "加装充电桩", "加装监控探头", "加装电梯咨询"),
    "service": ("老人助餐申请", "证明开具咨询", "困难救助申请", "医保办理咨询"),
}
"""Matter titles per category; ``property`` (物业) is the category the KPIs single out."""
