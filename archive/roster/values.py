"""Cell values as Excel, WPS and CSV files hold them, read into dibao's types.

Every parser returns (value, problem): problem is None or (what is wrong, how to fix it) in
Chinese.  Nothing is guessed: an ID number that Excel stored as a number has lost its last
digits (Excel keeps 15 significant figures) and is reported, never repaired.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from archive import ids

Problem = tuple[str, str] | None

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b]+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SCI = re.compile(r"^\d(?:\.\d+)?E\+?\d+$")
_FIX_TEXT_ID = "把这一列设为“文本”格式（或在号码前加英文单引号'），对照身份证原件重新录入完整的18位号码"


def is_blank(v) -> bool:
    if v is None or v == "":
        return True
    return type(v) is str and (v.isspace() or not v.replace("\u200b", "").strip())


def text(v) -> str:
    """A text cell: numbers without a trailing .0, runs of spaces (any Unicode space) made one, ends trimmed."""
    if type(v) is str:
        return " ".join(v.split()) if v else ""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%Y-%m-%d")
    return " ".join(str(v).split())


def compact(v) -> str:
    """Full-width to half-width, every space removed (for numbers, IDs, dates)."""
    s = text(v)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).replace("\u200b", "")
    return "".join(s.split())


def name(v) -> str:
    """A person's name: spaces inside removed (张 三 -> 张三), full-width middle dots kept."""
    return "".join(text(v).split())


def id_number(v, what: str = "身份证号") -> tuple[str | None, Problem]:
    if is_blank(v):
        return None, None
    if isinstance(v, bool):
        return None, (f"{what}不是号码", "对照身份证原件重新录入")
    if isinstance(v, (int, float)):
        digits = len(str(int(v)))
        if digits >= 16 or isinstance(v, float) and not float(v).is_integer():
            return None, (f"{what}被Excel存成了数字，只保留了15位有效数字，最后几位已经丢失，无法还原", _FIX_TEXT_ID)
        if digits == 15:
            return None, (f"{what}只有15位（被存成数字的旧号码或被截断的号码）", _FIX_TEXT_ID)
        return None, (f"{what}被存成了数字，只有{digits}位", _FIX_TEXT_ID)
    s = compact(v).lstrip("'").upper()
    if _SCI.match(s):
        return None, (f"{what}显示为科学计数法（{s}），Excel已把它当成数字，最后几位已经丢失，无法还原", _FIX_TEXT_ID)
    if len(s) == 18 and s.isdigit() and s.endswith("000") and ids.check_char(s[:17]) != "0":
        return None, (f"{what}最后三位是000，像是被Excel存成数字后丢失了末尾的数字", _FIX_TEXT_ID)
    probs = ids.problems(s)
    if probs:
        what_, fix = probs[0]
        return None, (what_.replace("身份证号", what, 1), fix)
    return s, None


def card_number(v, what: str = "银行卡号") -> tuple[str | None, Problem]:
    if is_blank(v):
        return None, None
    fix = "把这一列设为“文本”格式（或在卡号前加英文单引号'），对照银行卡（存折）重新录入"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if len(str(int(v))) >= 16 or isinstance(v, float) and not float(v).is_integer():
            return None, (f"{what}被Excel存成了数字，只保留了15位有效数字，后几位已经丢失，无法还原", fix)
        s = str(int(v))
    else:
        s = compact(v).lstrip("'").replace("-", "")
        if _SCI.match(s.upper()):
            return None, (f"{what}显示为科学计数法（{s}），后几位已经丢失，无法还原", fix)
    if not re.fullmatch(r"\d{12,19}", s):
        return None, (f"{what}应为12至19位数字", fix)
    return s, None


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[./\-年](\d{1,2})[./\-月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (re.compile(r"^(\d{4})[./\-年](\d{1,2})月?$"), re.compile(r"^(\d{4})(\d{2})$"))


def date(v, what: str = "日期") -> tuple[dt.date | None, Problem]:
    if is_blank(v):
        return None, None
    fix = "写成 2023-03-01、2023.3.1 或 2023年3月1日 这样的真实日期"
    if isinstance(v, dt.datetime):
        return v.date(), None
    if isinstance(v, dt.date):
        return v, None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        n = int(v)
        if 19000101 <= n <= 21001231:
            return date(str(n), what)
        if 1900 <= v < 2100:
            return _year_month_number(v, what)
        if 1 <= v < 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=n), None
        return None, (f"{what}“{text(v)}”不是日期", fix)
    s = compact(v)
    for pat in _DATE_PATTERNS:
        m = pat.match(s)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            try:
                return dt.date(y, mo, d), None
            except ValueError:
                return None, (f"{what}“{text(v)}”不存在（{y}年没有{mo}月{d}日）", "对照原始材料改正为真实日期")
    for pat in _MONTH_PATTERNS:
        m = pat.match(s)
        if m:
            y, mo = (int(x) for x in m.groups())
            if 1 <= mo <= 12:
                return dt.date(y, mo, 1), None
            return None, (f"{what}“{text(v)}”的月份不存在", "对照原始材料改正")
    return None, (f"{what}“{text(v)}”看不懂", fix)


def _year_month_number(v, what: str) -> tuple[dt.date | None, Problem]:
    """2021.05 typed into a number cell: Excel keeps 2021.05 (May) but turns 2021.10 into 2021.1,
    which can no longer be told from January; a bare year has no month.  Never guessed."""
    fix = "把这一列设为“文本”格式，写成 2021.10 或 2021-10-01 这样的完整日期"
    y, _, frac = repr(float(v)).partition(".")
    if frac in ("", "0"):
        return None, (f"{what}“{y}”只有年份", "写出年、月（和日），如 2021-10-01")
    if len(frac) == 2 and 1 <= int(frac) <= 12:
        return dt.date(int(y), int(frac), 1), None
    if frac == "1":
        return None, (f"{what}“{y}.1”被Excel存成了数字，分不清是{y}年1月还是10月（2021.10 存成数字会变成 2021.1）", fix)
    if len(frac) == 1:
        return dt.date(int(y), int(frac), 1), None
    return None, (f"{what}“{text(v)}”看不懂", fix)


def year_month_choices(v) -> tuple[tuple[int, int], ...]:
    """The (year, month) a number like 2021.1 can stand for (January or October), for checking against an ID."""
    if isinstance(v, float) and not isinstance(v, bool) and 1900 <= v < 2100:
        y, _, frac = repr(v).partition(".")
        if frac == "1":
            return ((int(y), 1), (int(y), 10))
    return ()


_AREA = re.compile(r"^(?:.*?省)?(?:.*?(?:市|州|盟))?(?:.*?(?:县|区|旗))?.+?(?:乡|镇|街道办事处|街道|办事处)(.+(?:村|社区|村委会|居委会|委员会))$")
_VILLAGE_SUFFIX = (("村民委员会", "村"), ("居民委员会", "社区"), ("社区居委会", "社区"), ("村委会", "村"), ("居委会", "社区"))


def village(v) -> str:
    """A village as written, or the last part of an area path (山西省…城关镇东关村委会 -> 东关村)."""
    s = name(v)
    if any(w in s for w in ("省", "市", "县", "乡", "镇", "街道")) and len(s) > 6:
        m = _AREA.match(s)
        if m and len(m.group(1)) >= 2:
            s = m.group(1)
    for long, short in _VILLAGE_SUFFIX:
        if s.endswith(long) and len(s) > len(long) + 1:
            return s[: -len(long)] + short
    return s


TYPE_SPELLINGS = {
    "城市低保": ("城市低保", "城镇低保", "城低", "城市最低生活保障", "城市", "城镇", "城市低保户"),
    "农村低保": ("农村低保", "农低", "农村最低生活保障", "农村", "农村低保户"),
    "特困": ("特困", "特困供养", "特困人员", "特困人员供养", "五保", "五保户", "分散特困", "集中特困", "特困户"),
    "低保边缘": ("低保边缘", "低边", "边缘户", "低保边缘家庭", "低保边缘户"),
}
_BY_SPELLING = {sp: t for t, sps in TYPE_SPELLINGS.items() for sp in sps}
# 分类施保 grades (A类/B类, 一类/二类, 一档…): a grade within 低保, not the kind of assistance
_GRADE = re.compile(r"^[A-Da-d一二三四五1-5](?:类|档|级)(?:户|对象|保障)?$")
_GRADE_TAIL = re.compile(r"[(（]?[A-Da-d一二三四五1-5](?:类|档|级)(?:户|对象)?[)）]?$")
_CITY = ("城市", "城镇", "城区", "市区", "居民")


def is_grade(s: str) -> bool:
    """A 分类施保 grade such as A类 or 二档 (what some rosters keep under 类别)."""
    return bool(_GRADE.match(s))


def household_type(s: str, exact: bool = False) -> str | None:
    """城市低保 / 农村低保 / 特困 / 低保边缘 from the way a roster writes it (农村低保A类, 城镇低保户,
    分散供养特困人员 …); with exact=False also from a title such as “城关镇农村低保对象花名册”.
    None when it does not say one of them unambiguously (城乡低保, a bare 低保)."""
    s = unicodedata.normalize("NFKC", s).replace(" ", "") if not s.isascii() else s.replace(" ", "")
    if s in _BY_SPELLING:
        return _BY_SPELLING[s]
    core = _GRADE_TAIL.sub("", s)
    if core in _BY_SPELLING:
        return _BY_SPELLING[core]
    if exact and len(core) > 12:
        return None
    found = set()
    if "边缘" in core:
        found.add("低保边缘")
    elif any(w in core for w in ("特困", "五保", "供养")):
        found.add("特困")
    if "低保" in core.replace("低保边缘", "") or "最低生活保障" in core:
        city, rural = any(w in core for w in _CITY), "农村" in core
        if city != rural:
            found.add("城市低保" if city else "农村低保")
        elif not exact:
            found.add("低保?")
    return found.pop() if len(found) == 1 and "低保?" not in found else None


_MONEY_NOISE = re.compile(r"^[¥￥]|元(?:/月|每月|/人/月)?$|,")


def money(v, what: str = "金额") -> tuple[Decimal | None, Problem]:
    if is_blank(v):
        return None, None
    if isinstance(v, bool):
        return None, (f"{what}不是数字", "写成数字，如 650 或 650.50")
    if isinstance(v, (int, float)):
        d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    else:
        s = _MONEY_NOISE.sub("", compact(v))
        try:
            d = Decimal(s)
        except InvalidOperation:
            return None, (f"{what}“{text(v)}”不是数字", "写成数字，如 650 或 650.50（可以带“元”）")
    if not d.is_finite() or d < 0:
        return None, (f"{what}“{text(v)}”不是有效金额", "写成不小于0的数字")
    q = d.quantize(Decimal("0.01"))
    if q != d:
        return None, (f"{what}“{text(v)}”超过两位小数", "金额保留到分（两位小数）")
    return q, None


def integer(v, what: str = "人数") -> tuple[int | None, Problem]:
    if is_blank(v):
        return None, None
    if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
        return int(v), None
    s = compact(v).removesuffix("人").removesuffix("口")
    if s.isdigit():
        return int(s), None
    return None, (f"{what}“{text(v)}”不是整数", "写成整数，如 3")


_TRUE = {"是", "Y", "YES", "TRUE", "√", "✓", "1", "享受", "保障"}
_FALSE = {"否", "N", "NO", "FALSE", "×", "X", "0", "不享受", "不保障"}


def boolean(v, what: str) -> tuple[bool | None, Problem]:
    if is_blank(v):
        return None, None
    if isinstance(v, bool):
        return v, None
    s = compact(v).upper()
    if s in _TRUE:
        return True, None
    if s in _FALSE:
        return False, None
    return None, (f"{what}“{text(v)}”应为“是”或“否”", "写“是”或“否”")
