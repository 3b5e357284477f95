"""Privacy guard for public notices (001 §二(五)).

The context of a public form never carries ID numbers, bank cards, addresses or minors;
this guard checks the rendered text anyway, whatever a county's template says, and
stops the output (PrivacyError) when something slipped through.
"""

from __future__ import annotations

import datetime as dt
import re

from archive.errors import PrivacyError
from archive.forms.context import is_minor

ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
LONG_DIGITS = re.compile(r"(?<!\d)\d{12,19}(?!\d)")
ADDRESS = re.compile(r"\d+\s*(号楼|号院|号|室|栋|幢|单元|楼)")


def check_public(text: str, households, on: dt.date, *, form_id: str, path=None) -> None:
    """Raise PrivacyError if text (a public notice) shows an ID, a card, an address or a minor."""
    found: list[str] = []
    if ID18.search(text):
        found.append("身份证号码")
    if LONG_DIGITS.search(ID18.sub("", text)):
        found.append("银行卡号（12—19位数字）")
    addrs = {a for hh in households for a in (hh.address.residence, hh.address.registered) if a and len(a) >= 4}
    if ADDRESS.search(text) or any(a in text for a in addrs):
        found.append("详细住址")
    minors = {m.name for hh in households for m in hh.members if is_minor(m, on)}
    adults = {m.name for hh in households for m in hh.members if not is_minor(m, on)}
    shown = sorted(n for n in minors - adults if n in text)
    if shown:
        found.append(f"未成年人姓名（{len(shown)}人）")
    if found:
        raise PrivacyError(
            f"公示材料 {form_id} 含有不得公开的信息：{'、'.join(found)}，已停止生成", path=path,
            hint="公示单只能列出成年申请人姓名、人口数和金额；检查模板是否被改动加入了身份证号、银行卡号、住址等字段，"
                 "或从安装包恢复该模板")
