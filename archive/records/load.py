"""Reading and validating household records.

`load_record` never raises for bad content: it returns the parsed Household (or
None) and every problem found, each naming the file, the JSON path, what is wrong
and how to fix it, in plain Chinese.  `validate_all` adds the checks that need all
records at once (duplicate 对象编号, one ID number in two households).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pydantic import ValidationError

from archive import ids
from archive.records.model import Household, Member

MAX_RECORD_BYTES = 20 * 2**20


@dataclass
class Problem:
    path: str
    field: str
    message: str
    hint: str
    severity: str = "error"  # error | warning

    def render(self) -> str:
        where = f"{self.path}" + (f"  {self.field}" if self.field else "")
        tag = "错误" if self.severity == "error" else "提醒"
        return ids.redact_ids(f"[{tag}] {where}\n    {self.message}\n    处理办法：{self.hint}")

    def as_dict(self) -> dict:
        return {"path": self.path, "field": self.field, "message": ids.redact_ids(self.message),
                "hint": self.hint, "severity": self.severity}


@dataclass
class LoadedRecord:
    path: Path
    household: Household | None
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.household is not None and not any(p.severity == "error" for p in self.problems)


# ------------------------------------------------------------------ field titles

def _models_in(annotation) -> list:
    """Pydantic model classes reachable inside an annotation (Optional, list, Annotated, Union)."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out = []
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def title_at(loc) -> str:
    """The Chinese title of the field a pydantic error location points at."""
    from archive.records.model import Household

    models = [Household]
    title = "记录"
    for part in loc:
        if isinstance(part, int):
            continue
        nxt = []
        found = False
        for m in models:
            f = m.model_fields.get(part)
            if f is not None:
                title = f.title or part
                nxt.extend(_models_in(f.annotation))
                found = True
        if not found:
            # a discriminator tag (event type) picks one model of a union
            tagged = [m for m in models if "type" in m.model_fields and part in str(m.model_fields["type"].annotation)]
            if tagged:
                nxt = tagged
                continue
            return str(part)
        models = nxt
    return title


def json_path(loc: Iterable) -> str:
    """('events', 0, '入户调查', 'date') -> events[0].date  (the discriminator tag is skipped)."""
    out = ""
    from archive.records.model import EVENT_TYPES

    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in EVENT_TYPES or str(part).startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _translate(err: dict) -> tuple[str, str]:
    """A pydantic error as (message, hint) in Chinese."""
    t = err["type"]
    ctx = err.get("ctx") or {}
    loc = [p for p in err["loc"] if isinstance(p, str)]
    name = title_at(err["loc"]) if loc else "记录"
    inp = err.get("input")
    shown = ids.redact_ids(repr(inp))[:60] if inp is not None else ""
    if t == "missing":
        return f"缺少必填项“{name}”", f"补充“{name}”（字段名 {loc[-1] if loc else ''}）"
    if t == "extra_forbidden":
        return f"未知字段“{loc[-1] if loc else ''}”", "检查字段名拼写（可用 dibao schema 查看全部字段）；自由说明请写在 notes 里"
    if t == "literal_error":
        return f"“{name}”的值 {shown} 不在可选范围内", f"改为以下之一：{ctx.get('expected', '')}"
    if t in ("string_type", "string_too_short"):
        return f"“{name}”应为文字，且不能为空", f"填写“{name}”"
    if t == "string_too_long":
        return f"“{name}”太长（最多 {ctx.get('max_length')} 个字）", "精简内容，详细情况可写在 notes"
    if t == "string_pattern_mismatch":
        return f"“{name}”的格式不对：{shown}", _pattern_hint(loc[-1] if loc else "")
    if t.startswith("date") or t.startswith("datetime"):
        return f"“{name}”不是有效日期：{shown}", "写成 年-月-日，如 2024-05-08，并确认这一天真实存在"
    if t.startswith("decimal") or t in ("float_parsing", "float_type", "finite_number"):
        if t == "decimal_max_places":
            return f"“{name}”最多两位小数（到分）：{shown}", "金额保留到分，如 \"1234.56\""
        if t in ("decimal_max_digits", "decimal_whole_digits"):
            return f"“{name}”数额过大：{shown}", "核对金额，单位是元"
        return f"“{name}”不是有效金额：{shown}", "写成数字字符串，如 \"1234.50\"，不要写“元”或逗号"
    if t in ("greater_than_equal", "greater_than"):
        return f"“{name}”不能小于 {ctx.get('ge', ctx.get('gt'))}：{shown}", "核对数值；金额不能为负数（扣减请用发放记录的“扣减”类别）"
    if t in ("less_than_equal", "less_than"):
        return f"“{name}”超出合理范围（不能大于 {ctx.get('le', ctx.get('lt'))}）：{shown}", "核对数值和单位（金额单位是元）"
    if t in ("int_type", "int_parsing", "int_from_float"):
        return f"“{name}”应为整数：{shown}", "填写整数，如 3"
    if t in ("bool_type", "bool_parsing"):
        return f"“{name}”应为 true 或 false：{shown}", "是写 true，否写 false"
    if t in ("list_type",):
        return f"“{name}”应为列表（[...]）：{shown}", "用方括号列出，如 [\"张三\", \"李四\"]"
    if t in ("model_type", "dict_type", "model_attributes_type"):
        return f"“{name}”应为一组字段（{{...}}）：{shown}", "参照 dibao schema 填写该项的各个字段"
    if t == "too_long":
        return f"“{name}”条目过多（最多 {ctx.get('max_length')} 条）", "核对是否重复录入"
    if t == "too_short":
        return f"“{name}”至少需要 {ctx.get('min_length')} 条", f"补充“{name}”"
    if t == "union_tag_invalid":
        return f"事件类型 {shown} 无效", f"type 改为以下之一：{ctx.get('expected_tags', '')}"
    if t == "union_tag_not_found":
        return "事件缺少 type", "为每个事件写明 type，如 \"入户调查\""
    if t == "value_error" and str(ctx.get("error")) == "head":
        return "家庭成员中必须有且只有一位户主（与户主关系为“本人”）", "把户主的“与户主关系”写为“本人”，其他成员写与户主的关系"
    if t == "none_required" or inp is None:
        return f"“{name}”不能为空（null）", f"填写“{name}”，或删除该项"
    return f"“{name}”的值不符合要求：{err.get('msg', '')}", "参照 dibao schema 修改"


def _pattern_hint(field_name: str) -> str:
    return {
        "case_no": "对象编号只用字母、数字、汉字、-、_，最长40个字",
        "card_number": "银行卡号写12至19位数字，不要空格",
        "month": "月份写成 年-月，如 2024-05",
        "start_month": "月份写成 年-月，如 2024-05",
        "id": "事件编号只用字母、数字、汉字、-、_",
    }.get(field_name, "参照 dibao schema 修改")


# ------------------------------------------------------------------ reading

def read_json(path: Path, inside: Path | None = None) -> tuple[dict | None, list[Problem]]:
    """Read a JSON object from a user file (a regular file of at most MAX_RECORD_BYTES, inside
    `inside` after symlinks when given); problems instead of exceptions."""
    from archive.errors import InputError
    from archive.fsutil import display_path, read_regular

    p = display_path(path)
    try:
        raw = read_regular(path, limit=MAX_RECORD_BYTES, inside=inside, what="家庭记录")
    except InputError as exc:
        return None, [Problem(p, "", exc.message, exc.hint or "检查是否放错了文件")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 BOM (Windows Notepad) is harmless
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = "用记事本或 WPS 打开后“另存为”UTF-8 编码"
        guess = "UTF-16（记事本的“Unicode”）" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "GBK"
        return None, [Problem(p, "", f"文件不是 UTF-8 编码（第 {exc.start + 1} 个字节起无法识别，可能是 {guess}）", hint)]
    if not text.strip():
        return None, [Problem(p, "", "文件是空的", "填入该户记录，或删除此文件")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(p, f"第{exc.lineno}行第{exc.colno}列", f"不是有效的 JSON（{_json_reason(exc.msg)}）",
                              "检查该位置附近的引号、逗号和括号；中文引号“”不能代替英文引号\"")]
    except RecursionError:
        return None, [Problem(p, "", "不是有效的记录（括号嵌套过深）", "检查是否放错了文件；一户的记录只有几层括号")]
    except ValueError:  # e.g. an integer of thousands of digits
        return None, [Problem(p, "", "不是有效的 JSON（其中有位数过多的数字）", "检查是否放错了文件；数字不要超过20位，身份证号、卡号写成带引号的文字")]
    if not isinstance(data, dict):
        return None, [Problem(p, "", "JSON 顶层应为一个对象（{...}），一户一个文件", "参照 dibao demo 生成的样例记录")]
    return data, []


def _json_reason(msg: str) -> str:
    return {
        "Expecting value": "此处缺少值",
        "Expecting ',' delimiter": "缺少逗号",
        "Expecting ':' delimiter": "缺少冒号",
        "Expecting property name enclosed in double quotes": "字段名要用英文双引号，或多了一个逗号",
        "Unterminated string starting at": "引号没有配对",
        "Extra data": "记录结束后还有多余内容",
        "Invalid control character at": "文字中有控制字符",
    }.get(msg, msg)


def load_record(path: Path, workspace_root: Path | None = None, today: dt.date | None = None) -> LoadedRecord:
    path = Path(path)
    inside = None
    if workspace_root is not None:   # a record in the workspace may not link out of it
        try:
            path.absolute().relative_to(Path(workspace_root).absolute())
            inside = workspace_root
        except ValueError:
            pass
    data, problems = read_json(path, inside)
    rec = LoadedRecord(path=path, household=None, problems=problems)
    if data is None:
        return rec
    try:
        hh = Household.model_validate(data)
    except ValidationError as exc:
        bad_fields = set()
        for err in exc.errors():
            msg, hint = _translate(err)
            rec.problems.append(Problem(str(path), json_path(err["loc"]), msg, hint))
            bad_fields.add(json_path(err["loc"]))
        # Report the other problems too: check what remains once the broken parts are set aside.
        partial = _without_errors(data, exc)
        if partial is not None:
            more = check_household(partial, str(path), workspace_root, today or dt.date.today())
            rec.problems.extend(p for p in more if p.field not in bad_fields)
        _check_strings(data, str(path), rec.problems)
        return rec
    rec.household = hh
    rec.problems.extend(check_household(hh, str(path), workspace_root, today or dt.date.today()))
    _check_strings(data, str(path), rec.problems)
    return rec


def _without_errors(data: dict, exc: ValidationError, tries: int = 4) -> Household | None:
    """The record with its invalid parts removed (an invalid field, else its list item), or None."""
    import copy

    work = copy.deepcopy(data)
    for _ in range(tries):
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _event_tags())]
            _drop(work, loc, err["type"] == "missing")
        try:
            return Household.model_validate(work)
        except ValidationError as again:
            exc = again
    return None


def _event_tags():
    from archive.records.model import EVENT_TYPES

    return EVENT_TYPES


def _drop(node, loc: list, missing: bool) -> None:
    """Remove the value at loc; for a missing required field remove the enclosing list item."""
    if missing:
        loc = loc[:-1]
    # walk to the innermost list item or the field itself
    parents = []
    cur = node
    for part in loc:
        parents.append((cur, part))
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return
    if not parents:
        return
    # prefer dropping the list item that holds the bad value (keeps required fields of the parent intact)
    for container, key in reversed(parents):
        if isinstance(container, list):
            container[key] = None
            container[:] = [x for x in container if x is not None]
            return
    container, key = parents[-1]
    if isinstance(container, dict):
        container.pop(key, None)


def _check_strings(data, path: str, out: list[Problem], loc: str = "") -> None:
    """Control characters make printed forms and PDFs unreliable: report them."""
    if isinstance(data, dict):
        for k, v in data.items():
            _check_strings(v, path, out, f"{loc}.{k}" if loc else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_strings(v, path, out, f"{loc}[{i}]")
    elif isinstance(data, str):
        bad = [c for c in data if unicodedata.category(c) == "Cc" and c not in "\n\t"]
        if bad:
            out.append(Problem(path, loc, f"文字中有不可见的控制字符（{', '.join(repr(c) for c in sorted(set(bad)))}）",
                               "删除该处的特殊字符后重新保存；从其他系统复制的文字常带这类字符"))
        from archive.fontcover import INSTALL_HINT, unprintable

        missing = unprintable(data)
        if missing:
            shown = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in missing[:5])
            out.append(Problem(path, loc, f"{shown}在打印用的字体中都没有，表单和卷宗上会印成方框或空白",
                               "核对这个字；生僻字可安装含扩展区汉字的字体：" + INSTALL_HINT, "warning"))


# ------------------------------------------------------------------ semantic checks

def check_household(hh: Household, path: str, workspace_root: Path | None, today: dt.date) -> list[Problem]:
    out: list[Problem] = []

    def add(fld, msg, hint, severity="error"):
        out.append(Problem(path, fld, msg, hint, severity))

    for i, m in enumerate(hh.members):
        _check_person_id(m, f"members[{i}]", add, today, required=(m.relation == "本人"))
    for i, o in enumerate(hh.obligors):
        _check_person_id(o, f"obligors[{i}]", add, today, required=False)
    seen_ids: dict[str, str] = {}
    for i, m in enumerate(list(hh.members) + list(hh.obligors)):
        if m.id_number:
            key = ids.normalize(m.id_number)
            if key in seen_ids:
                add(f"members[{i}].id_number" if i < len(hh.members) else f"obligors[{i - len(hh.members)}].id_number",
                    f"身份证号与本户“{seen_ids[key]}”重复", "核对两人的身份证号，各自按原件录入")
            seen_ids[key] = m.name
    if hh.type == "特困" and hh.extreme_poverty is None:
        add("extreme_poverty", "特困人员户缺少“特困供养信息”", "补充 extreme_poverty：供养方式、自理能力、基本生活费、照料护理费",
            "warning")   # a household imported from a roster has none yet; the forms that need it say so
    if hh.extreme_poverty and hh.extreme_poverty.care_mode == "分散供养" and hh.extreme_poverty.self_care != "全自理" \
            and not hh.extreme_poverty.caregiver:
        add("extreme_poverty.caregiver", "分散供养且需要护理，但未写照料护理人", "补充照料护理人姓名（并上传照料护理协议）", "warning")
    if hh.payments and hh.bank_account is None:
        add("bank_account", "有发放记录但没有发放账户", "补充 bank_account：开户银行、卡号、户名")

    _check_dates(hh, add, today)
    _check_events(hh, add)
    _check_order(hh, add)
    _check_money(hh, add)
    if workspace_root is not None:
        for i, a in enumerate(hh.attachments):
            problem = attachment_path_problem(a.path, workspace_root)
            if problem:
                add(f"attachments[{i}].path", problem[0], problem[1])
        names = {m.name for m in hh.members} | {o.name for o in hh.obligors}
        for i, a in enumerate(hh.attachments):
            if a.member and a.member not in names:
                add(f"attachments[{i}].member", f"扫描件所属成员“{a.member}”不在本户成员中", "改为本户成员的姓名", "warning")
    return out


def _check_person_id(p, loc: str, add, today: dt.date, required: bool) -> None:
    if not p.id_number:
        if required:
            add(f"{loc}.id_number", f"户主“{p.name}”缺少身份证号", "按身份证原件补充18位身份证号")
        elif p.birth_date is None and isinstance(p, Member):
            add(f"{loc}.birth_date", f"成员“{p.name}”既没有身份证号也没有出生日期", "补充身份证号（或至少补充出生日期）")
        return
    probs = ids.problems(p.id_number, today)
    for what, fix in probs:
        add(f"{loc}.id_number", f"“{p.name}”的{what}", fix)
    if any("18位" in w or "前17位" in w or "身份证号中有" in w for w, _ in probs):
        return
    bd = ids.birth_date(p.id_number)
    if bd and p.birth_date and bd != p.birth_date:
        add(f"{loc}.birth_date", f"“{p.name}”的出生日期 {p.birth_date.isoformat()} 与身份证号中的 {bd.isoformat()} 不一致",
            "对照身份证原件，改正出生日期或身份证号")
    if p.sex and ids.sex(p.id_number) != p.sex:
        add(f"{loc}.sex", f"“{p.name}”的性别“{p.sex}”与身份证号（第17位）表示的“{ids.sex(p.id_number)}”不一致",
            "对照身份证原件，改正性别或身份证号")


def _birth(p) -> dt.date | None:
    if p.id_number:
        bd = ids.birth_date(p.id_number)
        if bd:
            return bd
    return p.birth_date


def _check_dates(hh: Household, add, today: dt.date) -> None:
    earliest_ok = dt.date(1900, 1, 1)

    def check(fld: str, d: dt.date | None, what: str):
        if d is None:
            return
        if d > today:
            add(fld, f"{what} {d.isoformat()} 在今天之后", "核对年份，是否把年份录错")
        elif d < earliest_ok:
            add(fld, f"{what} {d.isoformat()} 早于1900年", "核对年份")

    for i, m in enumerate(hh.members):
        check(f"members[{i}].birth_date", m.birth_date, f"“{m.name}”的出生日期")
        check(f"members[{i}].death_date", m.death_date, f"“{m.name}”的死亡日期")
        b = _birth(m)
        if m.death_date and b and m.death_date < b:
            add(f"members[{i}].death_date", f"“{m.name}”的死亡日期早于出生日期", "核对两个日期")
    check("since", hh.since, "享受时间")
    for i, e in enumerate(hh.events):
        check(f"events[{i}].date", e.date, f"{e.type}日期")
        for attr in ("end", "accepted", "review_date", "notified"):
            v = getattr(e, attr, None)
            if v is not None:
                check(f"events[{i}].{attr}", v, f"{e.type}的{type(e).model_fields[attr].title}")
    for i, p in enumerate(hh.payments):
        y, mth = map(int, p.month.split("-"))
        if (y, mth) > (today.year, today.month):
            add(f"payments[{i}].month", f"发放月份 {p.month} 在本月之后", "核对月份")
        check(f"payments[{i}].paid_date", p.paid_date, "到账日期")
    for i, a in enumerate(hh.attachments):
        check(f"attachments[{i}].date", a.date, "扫描件日期")


def _check_events(hh: Household, add) -> None:
    apps = [(i, e) for i, e in enumerate(hh.events) if e.type == "申请"]
    first_app = min((e.date for _, e in apps), default=None)
    ids_seen: dict[str, int] = {}
    for i, e in enumerate(hh.events):
        loc = f"events[{i}]"
        if e.id:
            if e.id in ids_seen:
                add(f"{loc}.id", f"事件编号“{e.id}”与 events[{ids_seen[e.id]}] 重复", "每个事件用不同的编号")
            ids_seen[e.id] = i
        inv = getattr(e, "investigators", None)
        if inv is not None:
            if len(inv) < 2:
                add(f"{loc}.investigators", f"{e.type}（{e.date.isoformat()}）只有 {len(inv)} 名调查人员，规定不少于2名",
                    "补充第二名入户调查人员姓名（须本人签字）")
            elif len(set(inv)) < len(inv):
                add(f"{loc}.investigators", f"{e.type}（{e.date.isoformat()}）调查人员姓名重复", "写两名不同的调查人员")
        if e.type == "申请" and e.accepted and e.accepted < e.date:
            add(f"{loc}.accepted", f"受理日期 {e.accepted} 早于申请日期 {e.date}", "核对两个日期")
        if e.type in ("审核公示", "确认公示") and e.end < e.date:
            add(f"{loc}.end", f"公示结束日期 {e.end} 早于开始日期 {e.date}", "核对公示起止日期")
        if e.type == "审核公示" and e.objection and not e.objection_content:
            add(f"{loc}.objection_content", "公示有异议，但没有写异议内容", "补充被举报（异议）内容", "warning")
        if e.type == "审核确认":
            if e.review_date and e.review_date > e.date:
                add(f"{loc}.review_date", f"审核日期 {e.review_date} 晚于确认日期 {e.date}", "核对两个日期")
            if e.approved and e.per_person is None and hh.type != "低保边缘":   # 低保边缘: no payment
                add(f"{loc}.per_person", "同意纳入，但没有写人均补助金额", "补充 per_person（元/月），可用 dibao calc 计算")
            if e.covered_count is not None and e.covered_count > len(hh.members):
                add(f"{loc}.covered_count", f"保障人口 {e.covered_count} 人多于家庭成员 {len(hh.members)} 人",
                    "核对保障人口数（不超过共同生活的家庭成员数）")
        if e.type == "不予批准" and e.notified and e.notified < e.date:
            add(f"{loc}.notified", f"书面告知日期 {e.notified} 早于决定日期 {e.date}", "核对两个日期")
        if first_app and e.type in ("入户调查", "审核公示", "审核确认", "不予批准", "再次调查") and e.date < first_app:
            add(f"{loc}.date", f"{e.type}日期 {e.date} 早于申请日期 {first_app}", "核对日期顺序：申请 → 入户调查 → 公示 → 审核确认")
    for i, x in enumerate(hh.incomes):
        if x.category == "经营净收入" and x.gross is not None and x.cost is not None and x.amount is not None \
                and x.gross - x.cost != x.amount:
            add(f"incomes[{i}].amount", f"经营净收入 {x.amount} 不等于收入 {x.gross} 减支出 {x.cost}",
                "只写收入和支出（由程序计算净收入），或改正净收入")
        if x.amount is None and (x.gross is None or x.cost is None):
            add(f"incomes[{i}].amount", f"收入项“{x.item}”没有金额", "填写 amount（年收入，元）；经营收入可写 gross 和 cost")
    names = {m.name for m in hh.members}
    for i, x in enumerate(hh.expenses):
        if x.kind != "就业" and x.rate is not None:
            add(f"expenses[{i}].rate", "只有就业支出可以按比例扣减", "删除 rate")
        if x.member and x.member not in names:
            add(f"expenses[{i}].member", f"支出相关成员“{x.member}”不在本户成员中", "改为本户成员姓名", "warning")


def _check_order(hh: Household, add) -> None:
    """The process order of one application: 入户调查 → 审核公示 (ends) → 审核确认."""
    decisions = [(i, e) for i, e in enumerate(hh.events) if e.type == "审核确认"]
    visits = [e.date for e in hh.events if e.type == "入户调查"]
    pubs = [(i, e) for i, e in enumerate(hh.events) if e.type == "审核公示"]
    for i, d in decisions:
        before = [p for _, p in pubs if p.date <= d.date]
        if before and before[-1].end >= d.date:
            add(f"events[{i}].date", f"审核确认日期 {d.date} 在审核公示结束（{before[-1].end}）之前或当天",
                "公示期满后再审核确认：核对两个日期", "warning")
        later = [v for v in visits if v > d.date and not any(x.date > d.date for x in hh.events if x.type == "申请")]
        if later and not any(e.type in ("年度审核", "变更", "定期核查", "退出") for e in hh.events):
            add(f"events[{i}].date", f"入户调查（{later[0]}）在审核确认（{d.date}）之后", "核对日期顺序：入户调查应在审核确认之前",
                "warning")
    for i, p in pubs:
        if visits and all(v > p.date for v in visits):
            add(f"events[{i}].date", f"审核公示（{p.date}）早于入户调查（{min(visits)}）", "核对日期顺序：先入户调查，后公示",
                "warning")
    on = min((e.date for e in hh.events if e.type == "申请"), default=None)
    head_birth = _birth(hh.head)
    if on and head_birth and (on - head_birth).days < 16 * 365:
        add("members", f"户主“{hh.head.name}”申请时不满16周岁（出生 {head_birth}）", "核对户主和出生日期（或身份证号）", "warning")
    if head_birth:
        for i, m in enumerate(hh.members):
            b = _birth(m)
            if b is None:
                continue
            if m.relation in ("父亲", "母亲", "祖父", "祖母") and b >= head_birth:
                add(f"members[{i}]", f"“{m.name}”（{m.relation}）不比户主年长", "核对与户主关系和出生日期", "warning")
            if m.relation in ("子", "女", "孙子", "孙女") and b <= head_birth:
                add(f"members[{i}]", f"“{m.name}”（{m.relation}）不比户主年轻", "核对与户主关系和出生日期", "warning")
    # one house, one area: 住房面积 (yueyang-01, ezhou-02) and the house's 建筑面积 (fenxi-03) print the same number
    home = next((h for addr in (hh.address.residence, hh.address.registered) for h in hh.property.houses
                 if addr and h.address == addr), hh.property.houses[0] if len(hh.property.houses) == 1 else None)
    if (home is not None and home.area is not None and hh.housing.area is not None and home.area != hh.housing.area
            and hh.housing.category in (None, "自有住房")):
        from archive.records.model import area_text

        add("housing.area", f"住房面积 {area_text(hh.housing.area)} 与住房“{home.address}”的房产建筑面积 {area_text(home.area)} 不一致，"
            "同一处房屋在不同表上会印出两个面积", "按房产证核对后改成一致（housing.area 和 property.houses 的 area）", "warning")


def _check_money(hh: Household, add) -> None:
    for i, m in enumerate(hh.members):
        if m.monthly_income is not None and m.monthly_income > 1_000_000:
            add(f"members[{i}].monthly_income", f"“{m.name}”的月收入 {m.monthly_income} 元明显过大", "核对金额和单位（元/月）")


def attachment_path_problem(rel: str, root: Path) -> tuple[str, str] | None:
    """Why an attachment path cannot be used, or None when it is a file inside the workspace."""
    if os.path.isabs(rel) or rel.startswith("\\") or (len(rel) > 1 and rel[1] == ":"):
        return f"扫描件路径 {rel} 是绝对路径", "把扫描件放进工作区的 scans/ 目录，写相对于工作区的路径"
    parts = Path(rel).parts
    if ".." in parts:
        return f"扫描件路径 {rel} 含有“..”，指向工作区之外", "把扫描件放进工作区的 scans/ 目录，写相对于工作区的路径"
    full = root / rel
    try:
        real = full.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"扫描件 {rel} 不存在", "检查文件名（包括扩展名）是否写对，或把扫描件放到该位置"
    try:
        real.relative_to(root.resolve())
    except ValueError:
        return f"扫描件 {rel} 是指向工作区之外的链接", "把文件本身复制进工作区，而不是放链接"
    if not real.is_file():
        return f"扫描件 {rel} 不是文件", "写到具体的扫描文件"
    return None


# ------------------------------------------------------------------ for commands

def load_valid(path: Path, root: Path | None = None) -> Household:
    """One record a command needs valid (fill a form, compute): its Household, else InputError
    naming the file and its first errors, pointing to `dibao validate`.  root: the workspace, for
    the attachment checks (None: outside a workspace)."""
    from archive.errors import InputError

    path = Path(path)
    if not path.is_file():
        raise InputError("记录文件不存在", path=path, hint="检查路径是否写对")
    rec = load_record(path, root)
    errs = [p for p in rec.problems if p.severity == "error"]
    if rec.household is None or errs:
        detail = "；".join(f"{p.field or '文件'}：{p.message}" for p in errs[:5])
        more = f"（另有 {len(errs) - 5} 处）" if len(errs) > 5 else ""
        raise InputError(f"记录有 {len(errs)} 处错误：{detail}{more}", path=path,
                         hint=f"先运行 dibao validate {path} 查看并改正全部问题")
    return rec.household


def load_households(paths: Iterable[Path], root: Path | None = None, *,
                    strict: bool = True) -> tuple[list[Household], list[Path]]:
    """The households of many records, and the paths of the records left out.

    strict: only records without errors (as `load_valid`); otherwise every record that parses
    (problems such as a wrong ID check digit do not matter, e.g. for matching old files)."""
    out: list[Household] = []
    skipped: list[Path] = []
    for p in paths:
        rec = load_record(Path(p), root)
        if rec.household is None or (strict and any(x.severity == "error" for x in rec.problems)):
            skipped.append(Path(p))
        else:
            out.append(rec.household)
    return out, skipped


# ------------------------------------------------------------------ many records

def iter_record_paths(paths: Iterable[Path]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.json") if not q.name.startswith("."))
        else:
            yield p


def cross_checks(records: list[LoadedRecord]) -> list[Problem]:
    """Checks across households: duplicate 对象编号, one ID number in two households."""
    out: list[Problem] = []
    by_case: dict[str, LoadedRecord] = {}
    by_id: dict[str, tuple[LoadedRecord, str]] = {}
    for rec in records:
        hh = rec.household
        if hh is None:
            continue
        if hh.case_no in by_case:
            other = by_case[hh.case_no]
            p = Problem(str(rec.path), "case_no", f"对象编号“{hh.case_no}”与 {other.path} 重复",
                        "每户的对象编号必须唯一；核对是否同一户录了两份")
            out.append(p)
            rec.problems.append(p)
        else:
            by_case[hh.case_no] = rec
        for i, m in enumerate(hh.members):
            if not m.id_number or m.death_date:
                continue
            key = ids.normalize(m.id_number)
            if key in by_id and by_id[key][0] is not rec:
                other, oname = by_id[key]
                p = Problem(str(rec.path), f"members[{i}].id_number",
                            f"“{m.name}”的身份证号 {ids.mask(key)} 也出现在 {other.path}（{oname}）",
                            "一人只能在一户享受；核对该成员属于哪一户，从另一户中删除或改正")
                out.append(p)
                rec.problems.append(p)
            else:
                by_id.setdefault(key, (rec, m.name))
    return out
