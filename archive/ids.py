"""Resident ID numbers (GB 11643-1999): check character, birth date, sex, masking."""

from __future__ import annotations

import unicodedata
from datetime import date

from archive import redact



def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return redact.check_char(first17)


def birth_date(id_number: str) -> date | None:
    """Birth date encoded in an 18-character ID, or None when it is not a real date."""
    if not str(id_number).isascii():
        return None
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None


def sex(id_number: str) -> str:
    """'男' or '女' from the 17th digit (odd: male); '' when it is not a digit."""
    c = str(id_number)[16:17]
    if not (c.isascii() and c.isdigit()):
        return ""
    return "男" if int(c) % 2 == 1 else "女"


def problems(id_number: str, today: date | None = None) -> list[tuple[str, str]]:
    """Problems of an ID number as (what, fix) pairs, in Chinese; empty when valid.

    A lowercase x is reported: the standard writes the check character as X.
    """
    s = id_number
    if not s.isascii():
        full_width = all(c.isascii() or "\uff01" <= c <= "\uff5e" for c in s)
        what = "全角数字或字母" if full_width else "特殊字符（如上标²、下标₂、中文数字或看不见的字符）"
        return [(f"身份证号中有{what}", "改为半角（英文输入法）数字0-9和大写X，对照身份证原件重新录入")]
    if len(s) != 18:
        return [(f"身份证号应为18位，现在是{len(s)}位", "对照身份证原件重新录入")]
    if not s[:17].isdigit() or not (s[17].isdigit() or s[17] in "Xx"):
        return [("身份证号前17位必须是数字，最后一位是数字或X", "对照身份证原件重新录入")]
    out: list[tuple[str, str]] = []
    if s[17] == "x":
        out.append(("身份证号最后一位应为大写X", "把小写x改为大写X"))
    bd = birth_date(s)
    if bd is None:
        out.append((f"身份证号中的出生日期{s[6:14]}不是真实日期", "对照身份证原件核对第7至14位"))
    elif bd > (today or date.today()) or bd.year < 1880:
        out.append((f"身份证号中的出生日期{bd.isoformat()}不可能", "对照身份证原件核对第7至14位"))
    expected = check_char(s[:17])
    if s[17].upper() != expected:
        out.append(("身份证号校验位不正确（按GB 11643计算），号码有录入错误", "逐位对照身份证原件核对"))
    return out


def is_valid(id_number: str) -> bool:
    return not problems(id_number)


def normalize(id_number: str) -> str:
    """The ID as compared for duplicates: full-width digits as half-width, spaces dropped, upper case."""
    return "".join(unicodedata.normalize("NFKC", str(id_number)).split()).upper()


def mask(id_number: str | None) -> str:
    """4207**********4315: first 4 and last 4 characters kept."""
    return redact.mask(id_number or "")


def redact_ids(text: str) -> str:
    """Mask every ID number and bank card number inside free text, in any spelling (archive.redact)."""
    return redact.redact(text)


def age_on(id_number: str, on: date) -> int | None:
    bd = birth_date(id_number)
    if bd is None:
        return None
    return on.year - bd.year - ((on.month, on.day) < (bd.month, bd.day))
