"""Archival description of volumes: 档号 (DA/T 13), 案卷题名, 保管期限 codes, 密级, 立卷单位, boxes.

GB/T 9705-2008 (文书档案案卷格式) asks each volume's cover for 立卷单位, 案卷题名, 起止日期,
保管期限, 密级 and 档号.  The 档号 is built from a pattern in dibao.toml ([archival]
file_number; each profile ships its own default) with these fields:

    {fonds}      全宗号 ([archival] fonds)
    {category}   类别代码 of the volume (审批类 SP, 日常管理类 RC, 财务类 CW; [archival.category_codes])
    {year}       年度: the year of the volume's earliest document
    {retention}  保管期限代码 (永久 Y, "N年" or "…后N年" DN; [archival.retention_codes] overrides)
    {case}       the household's 对象编号 (the village volume: the village's code and "GS")
    {village}    村（社区） code ([archival.village_codes], default: the initials of its pinyin, 三和村 SHC)

A 档号 holds only Latin letters, digits and the separators - and · (DA/T 13): no Chinese
characters, so the village volume's {case} and the box numbers use the village code.

The wording of a volume's title comes from the household's program (城市低保 / 农村低保 /
特困 / 低保边缘) through `program_of`, so one change there re-words covers, spines and box lists.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field

from archive.errors import ConfigError

DEFAULT_CATEGORY_CODES = {"审批类": "SP", "日常管理类": "RC", "财务类": "CW", "公示类": "GS"}
DEFAULT_PATTERN = "{fonds}-{category}·{year}-{retention}-{case}"
FIELDS = ("fonds", "category", "year", "retention", "case", "village")
VILLAGE_CATEGORY = "审批类"   # the village volume (公示单, 公示照片) is filed with the approval papers


@dataclass(frozen=True)
class Program:
    """How a household's program is named on its volumes."""

    short: str      # in 案卷题名: 农村低保, 城市低保, 特困人员, 低保边缘家庭
    archive: str    # cover heading: 最低生活保障档案, 特困人员供养档案, 低保边缘家庭档案


PROGRAMS = {
    "城市低保": Program("城市低保", "最低生活保障档案"),
    "农村低保": Program("农村低保", "最低生活保障档案"),
    "特困": Program("特困人员", "特困人员救助供养档案"),
    "低保边缘": Program("低保边缘家庭", "低保边缘家庭档案"),
}


def program_of(hh_type: str | None) -> Program:
    """The program wording of a household type (unknown types: the 低保 wording)."""
    return PROGRAMS.get(hh_type or "", Program(hh_type or "最低生活保障", "最低生活保障档案"))


@dataclass(frozen=True)
class Archival:
    """[archival] of dibao.toml with its defaults."""

    fonds: str = "0001"
    file_number: str = DEFAULT_PATTERN
    secrecy: str = "无"
    filing_unit: str = ""            # 立卷单位; empty: the town's government (locality.government) or the town
    seal: bool = False               # 归档章 (DA/T 22-2015) on each document's first page
    check_date: dt.date | None = None  # 检查时间 on the 备考表; None: left blank for the checker
    category_codes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CATEGORY_CODES))
    retention_codes: dict[str, str] = field(default_factory=dict)
    village_codes: dict[str, str] = field(default_factory=dict)
    handover_to: str = ""            # 接收单位 of a handover package (default: the county archive)

    def unit(self, config) -> str:
        loc = getattr(config, "locality", {}) or {}
        return self.filing_unit or loc.get("government") or f"{loc.get('town', '')}人民政府"

    def receiver(self, config) -> str:
        loc = getattr(config, "locality", {}) or {}
        return self.handover_to or f"{loc.get('county', '')}档案馆"

    def retention_code(self, retention: str) -> str:
        if retention in self.retention_codes:
            return self.retention_codes[retention]
        if "永久" in retention:
            return "Y"
        if "长期" in retention:
            return "C"
        if "短期" in retention:
            return "D"
        m = re.search(r"(\d+)\s*年", retention)
        return f"D{m.group(1)}" if m else "D"

    def category_code(self, category: str) -> str:
        return self.category_codes.get(category, category)

    def village_code(self, village: str) -> str:
        return self.village_codes.get(village) or default_village_code(village)

    def number(self, *, category: str, year: int | None, retention: str, case: str, village: str) -> str:
        """The 档号 of one volume."""
        values = {"fonds": self.fonds, "category": self.category_code(category), "year": str(year or ""),
                  "retention": self.retention_code(retention), "case": case, "village": self.village_code(village)}
        return self.file_number.format(**values)


def default_village_code(village: str) -> str:
    """A village's code when dibao.toml gives none: its pinyin initials in capitals (三和村 SHC,
    黄沙街社区 HSJSQ; pypinyin reads 长沙/重庆 as phrases), Latin letters and digits kept."""
    from pypinyin import Style, lazy_pinyin

    code = "".join(lazy_pinyin(village, style=Style.FIRST_LETTER, errors="default")).upper()
    return re.sub(r"[^A-Z0-9]", "", code) or "V"


_BOOL = (True, False)


def _check_pattern(pattern: str, path) -> str:
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"档号格式“{pattern}”写法有误（{exc}）", path=path, field="archival.file_number",
                          hint="花括号要成对，如 \"{fonds}-{category}·{year}-{retention}-{case}\"") from exc
    bad = [n for n in names if n not in FIELDS]
    if bad:
        raise ConfigError(f"档号格式中有不认识的字段 {{{bad[0]}}}", path=path, field="archival.file_number",
                          hint="可用字段：" + "、".join("{" + f + "}" for f in FIELDS))
    if "case" not in names:
        raise ConfigError("档号格式中没有 {case}（对象编号），各户的档号会重复", path=path, field="archival.file_number",
                          hint="在格式中加入 {case}，如 \"{fonds}-{category}·{year}-{retention}-{case}\"")
    return pattern


def _str_map(raw, key: str, path) -> dict[str, str]:
    v = raw.get(key) or {}
    if not isinstance(v, dict) or not all(isinstance(x, str) for x in v.values()):
        raise ConfigError(f"[archival.{key}] 应为“名称 = \"代码\"”的列表", path=path, field=f"archival.{key}",
                          hint=f"写成 [archival.{key}] 下一行一个，如 \"审批类\" = \"SP\"")
    return dict(v)


def parse_archival(raw: dict | None, path=None) -> Archival:
    """Archival settings from the [archival] table (missing keys: defaults); raises ConfigError."""
    raw = dict(raw or {})
    known = {"fonds", "file_number", "secrecy", "filing_unit", "seal", "check_date", "category_codes",
             "retention_codes", "village_codes", "handover_to"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"[archival] 中有不认识的设置“{unknown[0]}”", path=path, field=f"archival.{unknown[0]}",
                          hint="可用设置：" + "、".join(sorted(known)) + "；检查拼写或删除这一行")
    for key in ("fonds", "file_number", "secrecy", "filing_unit", "handover_to"):
        if key in raw and not isinstance(raw[key], str):
            raise ConfigError(f"[archival] {key} 应为带引号的文字", path=path, field=f"archival.{key}",
                              hint=f'写成 {key} = "…"')
    if "seal" in raw and raw["seal"] not in _BOOL:
        raise ConfigError("[archival] seal 应为 true 或 false", path=path, field="archival.seal",
                          hint="按件整理（DA/T 22）要加盖归档章写 seal = true，否则 seal = false")
    check = raw.get("check_date")
    if check is not None and not isinstance(check, dt.date):
        raise ConfigError("[archival] check_date 应为日期", path=path, field="archival.check_date",
                          hint="写成 check_date = 2025-03-31（不加引号），或删除这一行留空由检查人手写")
    codes = {**DEFAULT_CATEGORY_CODES, **_str_map(raw, "category_codes", path)}
    return Archival(
        fonds=raw.get("fonds", Archival.fonds), file_number=_check_pattern(raw.get("file_number", DEFAULT_PATTERN), path),
        secrecy=raw.get("secrecy", Archival.secrecy), filing_unit=raw.get("filing_unit", ""),
        seal=bool(raw.get("seal", False)), check_date=check, category_codes=codes,
        retention_codes=_str_map(raw, "retention_codes", path), village_codes=_str_map(raw, "village_codes", path),
        handover_to=raw.get("handover_to", ""))


def archival_of(config) -> Archival:
    """The archival settings of a workspace configuration (cached on it)."""
    got = getattr(config, "archival", None) or getattr(config, "_dibao_archival", None)
    if not isinstance(got, Archival):
        raw = (getattr(config, "raw", None) or {}).get("archival")
        got = parse_archival(raw, getattr(config, "path", None))
        try:
            object.__setattr__(config, "_dibao_archival", got)
        except (AttributeError, TypeError):
            pass
    return got


def volume_title(town: str, village: str, head: str, hh_type: str | None, category: str) -> str:
    """案卷题名, e.g. 黄沙街镇三和村宋艳户农村低保审批类材料."""
    return f"{town}{village}{head}户{program_of(hh_type).short}{category}材料"


def village_volume_title(town: str, village: str) -> str:
    return f"{town}{village}社会救助公示材料"


def yyyymmdd(d: dt.date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


@dataclass
class VolumeDescription:
    """What the cover, the contents list, the 备考表, the spine and the box list say about one volume."""

    number: str            # 档号
    title: str             # 案卷题名
    unit: str              # 立卷单位
    category: str
    retention: str
    secrecy: str
    first_date: dt.date | None
    last_date: dt.date | None
    items: int
    pages: int             # document pages (页号 count): the same figure on cover, 备考表 and box list
    program: Program
    cross_refs: list[str] = field(default_factory=list)   # 互见号
    year: int | None = None

    @property
    def filed_on(self) -> dt.date | None:
        """立卷时间: when the volume was closed, i.e. its latest document (not the build date)."""
        return self.last_date


def describe(config, *, category: str, hh_type: str | None, town: str, village: str, head: str, case: str,
             first: dt.date | None, last: dt.date | None, items: int, pages: int,
             cross_refs: list[str] | None = None, title: str | None = None) -> VolumeDescription:
    a = archival_of(config)
    retention = (getattr(config, "retention", {}) or {}).get(category, "")
    year = first.year if first else (last.year if last else None)
    number = a.number(category=category, year=year, retention=retention, case=case, village=village)
    return VolumeDescription(
        number=number, title=title or volume_title(town, village, head, hh_type, category), unit=a.unit(config),
        category=category, retention=retention, secrecy=a.secrecy, first_date=first, last_date=last, items=items,
        pages=pages, program=program_of(hh_type), cross_refs=list(cross_refs or []), year=year)


# --------------------------------------------------------------------------- 责任者 of a document

_SCAN_RESPONSIBLE = {
    "户口簿": "公安机关", "身份证": "公安机关", "残疾证": "残疾人联合会", "疾病诊断证明": "医疗机构",
    "医疗费用票据": "医疗机构", "学籍证明": "学校", "学费证明": "学校", "就业培训证明": "培训机构",
}


def responsible(config, hh, *, kind: str, event_type: str | None, attachment_type: str | None, event=None) -> str:
    """责任者 (who made the document) of one document of a household volume."""
    loc = getattr(config, "locality", {}) or {}
    county = loc.get("county", "")
    town_gov = archival_of(config).unit(config)
    village = f"{hh.village}村民委员会" if not hh.village.endswith(("委会", "委员会")) else hh.village
    if kind in ("scan",) and attachment_type:
        if attachment_type in _SCAN_RESPONSIBLE:
            return _SCAN_RESPONSIBLE[attachment_type]
        if attachment_type == "租房合同":
            return hh.head.name
        if attachment_type == "核对报告":
            return f"{county}社会救助家庭经济状况核对中心"
        if attachment_type == "民主评议记录":
            return village
        if attachment_type == "银行卡":
            return (hh.bank_account.bank if hh.bank_account else "") or "开户银行"
        if attachment_type == "发放花名册":
            return f"{county}民政局"
        return town_gov
    if kind == "payments":
        return f"{county}民政局"
    if event_type == "申请":
        applicant = getattr(event, "applicant", None) or hh.head.name
        return str(applicant)
    if event_type in ("审核确认", "不予批准"):
        return f"{county}民政局"
    return town_gov


def doc_number(event) -> str:
    """文号 of a document: the record's 文号 of its event when one was given."""
    return str(getattr(event, "doc_no", None) or "")


# --------------------------------------------------------------------------- the village volume (公示材料)

PUBLICITY_EVENTS = ("审核公示", "确认公示")


def village_case(config, village: str) -> str:
    """The {case} of a village's publicity volume: the village code and GS (公示)."""
    return f"{archival_of(config).village_code(village)}-GS"


def village_volume_number(config, village: str, year: int) -> str:
    a = archival_of(config)
    retention = (getattr(config, "retention", {}) or {}).get(VILLAGE_CATEGORY, "")
    return a.number(category=VILLAGE_CATEGORY, year=year, retention=retention, case=village_case(config, village),
                    village=village)


def village_refs(config, hh) -> list[str]:
    """互见号 of a household: the village publicity volume of each year it was on a 公示单."""
    years = sorted({e.date.year for e in hh.events if e.type in PUBLICITY_EVENTS})
    return [village_volume_number(config, hh.village, y) for y in years]
