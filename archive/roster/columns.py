"""The roster's columns: what each means, the header wordings offices use for it, and mapping files.

A column header is matched after normalising it (full-width to half-width, spaces, line breaks and
required-field stars removed); a header that matches no synonym is tried again without a trailing
unit in brackets (“月保障金（元）” -> “月保障金”).  A mapping file (TOML) adds the rest:

    [columns]               # 表头 = dibao 的列名（或 "忽略"）
    "户主身份证" = "户主身份证号"
    [defaults]              # 表里没有的列，全表统一取值
    "保障类别" = "农村低保"
    [values.保障类别]        # 单元格里的写法 = dibao 的取值
    "低保" = "农村低保"
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import InputError

HOUSEHOLD, MEMBER, HEAD = "household", "member", "head"


@dataclass(frozen=True)
class Column:
    key: str
    title: str              # the name dibao uses (export header, mapping target)
    level: str              # household | member | head
    synonyms: tuple[str, ...] = ()
    kind: str = "text"      # text | id | date | money | int | card | bool


COLUMNS: tuple[Column, ...] = (
    Column("case_no", "对象编号", HOUSEHOLD, ("对象编号", "户编号", "家庭编号", "档案编号", "低保证号", "保障证号", "救助证号", "编号", "户号")),
    Column("town", "乡镇（街道）", HOUSEHOLD, ("乡镇（街道）", "乡镇", "乡（镇）", "乡镇街道", "街道", "乡镇（街道）名称", "所属乡镇")),
    Column("village", "村（社区）", HOUSEHOLD, ("村（社区）", "村", "所在村", "村居", "村（居）", "社区", "村名", "村社区", "村（居）委会", "村委会", "所在村（社区）", "行政村")),
    Column("group", "组", HOUSEHOLD, ("组", "组别", "村民小组", "小组", "组（队）", "所在组")),
    Column("type", "保障类别", HOUSEHOLD, ("保障类别", "救助类别", "对象类别", "对象类型", "保障类型", "救助类型", "保障对象类别", "类别")),
    Column("covered_count", "保障人数", HOUSEHOLD, ("保障人数", "保障人口", "享受人数", "保障人口数", "享受人口"), "int"),
    Column("monthly_amount", "月保障金", HOUSEHOLD, ("月保障金", "保障金额", "月救助金", "月保障金额", "月发放金额", "保障金", "救助金额", "月补助金额", "月救助金额", "月享受金额"), "money"),
    Column("bank", "开户银行", HOUSEHOLD, ("开户银行", "开户行", "发放银行", "银行名称")),
    Column("card", "银行卡号", HOUSEHOLD, ("银行卡号", "账号", "卡号", "银行账号", "存折号", "一卡通账号", "社保卡号", "银行卡（存折）号", "发放账号"), "card"),
    Column("holder", "户名", HOUSEHOLD, ("户名", "账户名", "持卡人", "开户人")),
    Column("phone", "联系电话", HOUSEHOLD, ("联系电话", "电话", "手机号", "手机", "联系方式", "电话号码")),
    Column("residence", "家庭住址", HOUSEHOLD, ("家庭住址", "住址", "家庭地址", "现住址", "居住地址", "详细地址")),
    Column("registered", "户籍地址", HOUSEHOLD, ("户籍地址", "户籍所在地", "户口所在地")),
    Column("since", "享受时间", HOUSEHOLD, ("享受时间", "纳入时间", "保障起始时间", "审批时间", "批准时间", "起始时间", "享受日期", "纳入日期", "批准日期", "享受起始时间"), "date"),
    Column("hukou_type", "户籍性质", HOUSEHOLD, ("户籍性质", "户口性质", "户籍类型")),
    Column("reason", "致贫原因", HOUSEHOLD, ("致贫原因", "享受低保原因", "保障原因", "困难原因", "救助原因")),
    Column("care_mode", "供养方式", HOUSEHOLD, ("供养方式",)),
    Column("self_care", "生活自理能力", HOUSEHOLD, ("生活自理能力", "自理能力", "自理情况")),
    Column("notes", "备注", HOUSEHOLD, ("备注", "说明")),
    Column("head_name", "户主姓名", HEAD, ("户主姓名", "户主", "户主名")),
    Column("head_id", "户主身份证号", HEAD, ("户主身份证号", "户主身份证号码", "户主证件号码", "户主公民身份号码", "户主身份证"), "id"),
    Column("name", "姓名", MEMBER, ("姓名", "成员姓名", "家庭成员", "家庭成员姓名", "保障对象姓名", "对象姓名", "保障对象",
                                       "供养对象", "供养对象姓名", "救助对象", "救助对象姓名")),
    Column("relation", "与户主关系", MEMBER, ("与户主关系", "关系", "家庭关系", "与户主的关系", "与户主关系（本人/配偶/子女等）")),
    Column("id_number", "身份证号", MEMBER, ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "成员身份证号", "公民身份证号码", "居民身份证号码"), "id"),
    Column("sex", "性别", MEMBER, ("性别",)),
    Column("birth_date", "出生日期", MEMBER, ("出生日期", "出生年月", "出生年月日", "生日"), "date"),
    Column("ethnicity", "民族", MEMBER, ("民族",)),
    Column("health", "健康状况", MEMBER, ("健康状况", "身体状况", "健康情况")),
    Column("covered", "是否保障对象", MEMBER, ("是否保障对象", "是否享受", "是否保障", "享受保障", "是否保障人口"), "bool"),
    Column("_skip", "忽略", HOUSEHOLD, ("序号", "年龄", "编码", "NO", "NO.")),
)
BY_KEY = {c.key: c for c in COLUMNS}
BY_TITLE = {c.title: c for c in COLUMNS}
# Columns that must be found (an alternative may stand in: 户主 columns for members in the one-row layout).
REQUIRED = ("name", "id_number", "village", "type")

_STARS = re.compile(r"[\s*＊★☆※]+")
_BRACKET = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]$")


def norm_header(text) -> str:
    s = unicodedata.normalize("NFKC", str(text or ""))
    return _STARS.sub("", s).upper()


SYNONYMS: dict[str, str] = {}
for _c in COLUMNS:
    for _s in (_c.title, *_c.synonyms):
        SYNONYMS.setdefault(norm_header(_s), _c.key)

_SLOT = re.compile(r"^(?:家庭)?成员([0-9一二三四五六七八九十]+)|([0-9一二三四五六七八九十]+)$|^第([0-9一二三四五六七八九十]+)(?:位|个)?成员")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _slot_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if text.endswith("十"):
        return _CN_DIGITS.get(text[0], 1) * 10
    return _CN_DIGITS.get(text, 0)


@dataclass
class Mapping:
    """A mapping file's content: header -> column key, default values, value spellings."""

    columns: dict[str, str] = field(default_factory=dict)        # normalised header -> key
    defaults: dict[str, object] = field(default_factory=dict)    # key -> value
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {spelling: value}
    path: Path | None = None


def load_mapping(path: Path | None) -> Mapping:
    if path is None:
        return Mapping()
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise InputError(f"无法读取映射文件（{exc.strerror}）", path=path, hint="检查 --mapping 的路径") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"映射文件格式有误：{exc}", path=path,
                         hint='每行写成 "表头" = "dibao列名"，表头和列名都加英文双引号，文件存为 UTF-8') from exc
    unknown = set(raw) - {"columns", "defaults", "values"}
    if unknown:
        raise InputError(f"映射文件中有不认识的节：{'、'.join(sorted(unknown))}", path=path,
                         hint="只能有 [columns]、[defaults]、[values.列名] 三种节")
    m = Mapping(path=path)
    names = "、".join(c.title for c in COLUMNS if not c.key.startswith("_"))
    for header, target in (raw.get("columns") or {}).items():
        col = _target(str(target))
        if col is None:
            raise InputError(f"映射文件把表头“{header}”对应到“{target}”，但 dibao 没有这一列", path=path,
                             field=f"columns.{header}", hint=f"改为以下之一（或“忽略”）：{names}")
        m.columns[norm_header(header)] = col.key
    for name, value in (raw.get("defaults") or {}).items():
        col = _target(str(name))
        if col is None or col.key.startswith("_"):
            raise InputError(f"映射文件的默认值“{name}”不是 dibao 的列", path=path, field=f"defaults.{name}",
                             hint=f"改为以下之一：{names}")
        m.defaults[col.key] = value
    for name, table in (raw.get("values") or {}).items():
        col = _target(str(name))
        if col is None or not isinstance(table, dict):
            raise InputError(f"映射文件的取值表 [values.{name}] 有误", path=path, field=f"values.{name}",
                             hint='写成 [values.保障类别] 下面一行一个 "低保" = "农村低保"')
        m.values[col.key] = {str(k).strip(): str(v) for k, v in table.items()}
    return m


def rank(key: str, header: str) -> int:
    """How specific a header is for its column (its place in the synonym list; lower is better):
    of two columns read as the same one (类别 and 对象类型), the more specific is used."""
    col = BY_KEY[key]
    h = norm_header(header)
    names = [norm_header(x) for x in (col.title, *col.synonyms)]
    for i, n in enumerate(names):
        if n == h or n == _BRACKET.sub("", h):
            return i
    return len(names)


def _target(name: str) -> Column | None:
    name = name.strip()
    if name in BY_TITLE:
        return BY_TITLE[name]
    key = SYNONYMS.get(norm_header(name))
    return BY_KEY.get(key) if key else None


@dataclass(frozen=True)
class Mapped:
    key: str
    slot: int | None = None     # member column group (one row per household), None otherwise
    inferred: bool = field(default=False, compare=False)   # read from words in the header, not a known wording


def _has(s: str, *words: str) -> bool:
    return any(w in s for w in words)


# Headers no synonym matches, read by the words in them (“享受低保时间”, “成员身份证号码”, “所属区划”):
# checked in order, the first rule that fits wins.  Columns matched this way are listed in the
# import's output, so the clerk sees what each column was taken for.
_FUZZY: tuple[tuple[object, str], ...] = (
    (lambda s: _has(s, "身份证", "身份号码", "证件号", "公民身份"), "id_number"),
    (lambda s: _has(s, "卡号", "账号", "帐号", "存折", "折号"), "card"),
    (lambda s: _has(s, "银行", "开户行", "金融机构"), "bank"),
    (lambda s: _has(s, "持卡人", "开户人", "账户名", "帐户名"), "holder"),
    (lambda s: _has(s, "姓名"), "name"),
    (lambda s: _has(s, "电话", "手机", "联系方式"), "phone"),
    (lambda s: _has(s, "出生"), "birth_date"),
    (lambda s: _has(s, "性别"), "sex"),
    (lambda s: _has(s, "民族"), "ethnicity"),
    (lambda s: _has(s, "关系"), "relation"),
    (lambda s: _has(s, "健康", "身体状况", "残疾情况"), "health"),
    (lambda s: _has(s, "户籍", "户口") and _has(s, "性质", "类型", "类别"), "hukou_type"),
    (lambda s: _has(s, "户籍", "户口") and _has(s, "地", "址"), "registered"),
    (lambda s: _has(s, "住址", "地址", "居住地"), "residence"),
    (lambda s: _has(s, "供养方式"), "care_mode"),
    (lambda s: _has(s, "自理"), "self_care"),
    (lambda s: _has(s, "致贫", "原因"), "reason"),
    (lambda s: _has(s, "时间", "日期", "年月", "年度") and _has(s, "享受", "纳入", "批准", "审批", "起始", "开始", "救助", "保障", "低保", "供养"), "since"),
    (lambda s: _has(s, "人数", "人口") and _has(s, "保障", "享受", "救助", "供养"), "covered_count"),
    (lambda s: "人均" not in s and (_has(s, "补差", "供养标准", "供养金") or "金" in s and _has(s, "保障", "救助", "补助", "发放", "享受", "低保")), "monthly_amount"),
    (lambda s: _has(s, "类别", "类型", "种类") and _has(s, "保障", "救助", "对象", "低保", "供养"), "type"),
    (lambda s: _has(s, "乡镇", "街道", "乡（镇）", "乡(镇)"), "town"),
    (lambda s: s.endswith("组") or "小组" in s, "group"),
    (lambda s: _has(s, "区划", "村", "社区", "居委"), "village"),
    (lambda s: _has(s, "编号", "证号") and _has(s, "户", "家庭", "对象", "档案", "低保", "救助"), "case_no"),
    (lambda s: _has(s, "备注"), "notes"),
)


def fuzzy_key(header: str) -> str | None:
    """The column a header not in the synonym table stands for, read from the words in it."""
    s = _BRACKET.sub("", header) or header
    if len(s) > 16 or any(ch.isdigit() for ch in s):
        return None     # a value, a title or a note, not a column name
    for test, key in _FUZZY:
        if test(s):
            return key
    return None


def match_header(text: str, group: str, mapping: Mapping) -> Mapped | None:
    """The column a header (with the group header above it, if any) stands for."""
    h, g = norm_header(text), norm_header(group)
    if not h and not g:
        return None
    for cand in ((g + h) if g and h else None, h or g):
        if cand and cand in mapping.columns:
            return Mapped(mapping.columns[cand])
    slot = None
    for src in (g, h):
        if not src:
            continue
        m = _SLOT.search(src)
        if m and any(m.groups()):
            rest = _SLOT.sub("", src)
            # “成员1姓名” / “姓名1” / group “成员1” over “姓名”
            if src is h and (rest in SYNONYMS or _BRACKET.sub("", rest) in SYNONYMS):
                slot = _slot_number(next(x for x in m.groups() if x))
                h = rest
            elif src is g and (not rest or rest in ("家庭成员", "成员")):
                slot = _slot_number(next(x for x in m.groups() if x))
                g = ""
    key = None
    for cand in ((g + h) if g and h else None, h, _BRACKET.sub("", h) if h else None, g if not h else None):
        if cand and cand in SYNONYMS:
            key = SYNONYMS[cand]
            break
    inferred = False
    if key is None and not (g and (g + h) in SYNONYMS):
        key = fuzzy_key(h or g)
        inferred = key is not None
        if key in ("name", "id_number") and "户主" in h:
            key = "head_name" if key == "name" else "head_id"
    if key is None:
        return None
    if "户主" in g and key in ("name", "id_number"):
        key = "head_name" if key == "name" else "head_id"
    level = BY_KEY[key].level
    if slot is not None and level == MEMBER:
        return Mapped(key, slot, inferred)
    return Mapped(key, None, inferred)
