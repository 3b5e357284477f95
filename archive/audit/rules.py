"""Audit rules as data: archive/rules/<profile>.toml, one [[rule]] per requirement.

A county reads and edits these files like the form catalog.  A workspace uses, in
order: the file given with `dibao audit --rules FILE`, a file `audit-rules.toml` in
the workspace, or the profile's file shipped in archive/rules/.

    [settings]
    annual_review_due = "12-31"   # a year's annual review is required once the audit date passes this day

    [[rule]]
    id       = "残疾证"                      # unique; shown in reports
    kind     = "scan"                        # form | scan | photos | field | time
    what     = "残疾证"                      # form id, scan type (or a list: any one will do), field, time check
    title    = "残疾证复印件"                # optional; forms default to the catalog title
    category = "审批类"                      # 审批类 | 日常管理类 | 财务类 (forms default to the catalog / dibao.toml)
    types    = ["城市低保", "农村低保"]      # optional; default every household type
    when     = "member_disabled"             # condition(s), see archive/audit/conditions.py
    source   = "002 附件3"                   # seed and clause, for the report
    why      = "{subject}有残疾"             # optional; {subject} {member} {year} are filled in
    fix      = "扫描残疾证，命名 残疾证_{member}.jpg"
    min = 3                                  # photos: fewest per subject; field: fewest list items;
    max = 5                                  # an iterator with min = 1 demands at least one such event
    event    = "入户调查"                    # forms: the record event the form is printed from
    days     = 30                            # time: override the dibao.toml deadline

Kinds of requirement and the gaps they report:
    form    a signed scan (签字表_<form id>...) of the form      -> 缺表 / 待签字归档
    scan    a scan of the type (any of a list)                  -> 缺扫描件
    photos  min..max scans of the type per subject              -> 缺照片 (above max: 提醒)
    field   a field of the subject present (min items for lists) -> 缺数据
    time    review_deadline | refusal_notice | publicity_length  -> 超时限
    event   a recorded event of the types in `what` (any one) within each period subject
            (each_covered_quarter, each_covered_half, each_covered_year, each_review_year), or within
            the application round of each approval (approved, each_decision)    -> 缺数据
    payments  a payment record for every payable month of each year (what = "发放记录";
            each_paid_year)                                     -> 缺数据
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from archive.audit.conditions import EXPENSE_KINDS, FILTERS, ITERATORS, parse_due
from archive import profiles as county_profiles
from archive.config import CATEGORIES
from archive.errors import ConfigError
from archive.records.model import ATTACHMENT_TYPES, EVENT_TYPES, HOUSEHOLD_TYPES

WORKSPACE_RULES = "audit-rules.toml"
RULE_KINDS = ("form", "scan", "photos", "field", "time", "event", "payments")
PERIOD_ITERATORS = ("each_covered_quarter", "each_covered_half", "each_covered_year", "each_review_year")
ROUND_ITERATORS = ("approved", "each_decision")   # the event's application round (申请 to the next 申请)
TIME_CHECKS = {
    "review_deadline": ("审核确认时限", ("each_application",)),
    "refusal_notice": ("不予批准书面告知时限", ("refused",)),
    "publicity_length": ("公示期", ("each_publicity", "objection")),
}
FORM_ID_RE = re.compile(r"^[a-z]+-\d{2}$")
ANNUAL_PLACEHOLDER = "{annual_review_form}"
KEYS = {"id", "kind", "what", "title", "category", "types", "when", "source", "why", "fix", "min", "max",
        "event", "days", "count", "note"}


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    what: tuple[str, ...]
    title: str
    category: str
    types: frozenset[str]
    iterator: str
    iter_arg: str | None
    filters: tuple[tuple[str, bool], ...]      # (name, negated)
    source: str
    why: str
    fix: str
    min: int | None = None
    max: int | None = None
    event: tuple[str, ...] = ()
    days: int | None = None
    count: str = "calendar"
    index: int = 0

    def applies_to_type(self, hh_type: str) -> bool:
        return hh_type in self.types


@dataclass
class RuleSet:
    path: Path
    title: str
    rules: list[Rule]
    annual_review_due: tuple[int, int] = (12, 31)
    settings: dict = field(default_factory=dict)

    def by_id(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


def packaged_rules_path(profile: str) -> Path:
    return Path(str(resources.files("archive").joinpath("rules", f"{profile}.toml")))


def rules_path_for(ws, explicit: Path | None = None) -> Path:
    if explicit is not None:
        return Path(explicit)
    local = Path(ws.root) / WORKSPACE_RULES
    if local.is_file():
        return local
    profile = ws.config.profile
    if profile not in county_profiles.names():
        raise ConfigError(f"工作区的地区配置“{profile}”没有自带的审计规则", path=ws.config.path, field="profile.name",
                          hint=f"把 archive/rules/ 下的一个规则文件复制到工作区，命名 {WORKSPACE_RULES} 后按本地要求修改")
    return packaged_rules_path(profile)


def load_rules(path: Path) -> RuleSet:
    """Read and check a rules file; every mistake is a ConfigError naming the file and the rule."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"无法读取审计规则文件（{exc.strerror}）", path=path,
                          hint="检查路径；可复制 archive/rules/ 下对应地区的规则文件") from exc
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError("审计规则文件不是 UTF-8 编码", path=path, hint="用记事本“另存为”UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"审计规则文件格式有误：{_toml_reason(str(exc))}", path=path,
                          hint="检查该行的引号、等号、方括号；每条规则以 [[rule]] 开头，文字要加英文双引号") from exc
    settings = raw.get("settings") or {}
    if not isinstance(settings, dict):
        raise ConfigError("[settings] 写法有误", path=path, field="settings", hint="写成 [settings] 小节")
    due_text = str(settings.get("annual_review_due", "12-31"))
    try:
        due = parse_due(due_text)
    except (ValueError, TypeError):
        raise ConfigError(f"年审截止日“{due_text}”不是有效的 月-日", path=path, field="settings.annual_review_due",
                          hint='写成 "05-31" 这样的 月-日') from None
    items = raw.get("rule")
    if not isinstance(items, list) or not items:
        raise ConfigError("审计规则文件里没有任何规则", path=path, field="rule",
                          hint="每条规则以 [[rule]] 开头，参照 archive/rules/fenxi.toml")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        rule = _parse_rule(item, i, path)
        if rule.id in seen:
            raise ConfigError(f"规则编号“{rule.id}”重复", path=path, field=f"第{i + 1}条规则（{rule.id}）.id",
                              hint="每条规则用不同的 id")
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(path=path, title=str(settings.get("title", "")), rules=rules, annual_review_due=due,
                   settings=dict(settings))


def _toml_reason(msg: str) -> str:
    m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
    where = f"第{m.group(1)}行第{m.group(2)}列" if m else ""
    return f"{where}附近 {msg}" if where else msg


def _catalog() -> dict:
    try:
        from archive.forms.catalog import load_catalog

        return {f.id: f for f in load_catalog()}
    except (ImportError, ConfigError):
        return {}


def _parse_rule(item, i: int, path: Path) -> Rule:
    rid = str(item.get("id", "")).strip() if isinstance(item, dict) else ""
    where = f"第{i + 1}条规则" + (f"（{rid}）" if rid else "")

    def fail(msg: str, key: str, hint: str):
        raise ConfigError(msg, path=path, field=f"{where}.{key}", hint=hint)

    if not isinstance(item, dict):
        fail("规则写法有误", "rule", "每条规则以 [[rule]] 开头，下面逐行写 键 = 值")
    if not rid:
        fail("规则缺少编号 id", "id", '写 id = "残疾证" 这样的简短名称，全文件不重复')
    unknown = sorted(set(item) - KEYS)
    if unknown:
        fail(f"不认识的键：{'、'.join(unknown)}", unknown[0], f"可用的键：{'、'.join(sorted(KEYS))}")
    kind = item.get("kind")
    if kind not in RULE_KINDS:
        fail(f"种类“{kind}”无效", "kind", f"写以下之一：{'、'.join(RULE_KINDS)}")
    what = item.get("what")
    whats = tuple(what) if isinstance(what, list) else (what,)
    if not whats or not all(isinstance(w, str) and w.strip() for w in whats):
        fail("缺少要求的材料 what", "what", "表单写编号（如 fenxi-04），扫描件写材料类型（如 身份证），数据写字段名")

    iterator, arg, filters = _parse_when(item.get("when", "always"), fail)
    it_model = ITERATORS[iterator][1]

    catalog = _catalog() if kind == "form" else {}
    title = str(item.get("title", "")).strip()
    category = item.get("category")
    event = item.get("event")
    events: tuple[str, ...] = tuple(event) if isinstance(event, list) else ((event,) if event else ())
    if kind == "form":
        if len(whats) != 1:
            fail("表单规则只能写一个表单编号", "what", '写成 what = "fenxi-04"')
        fid = whats[0]
        if fid != ANNUAL_PLACEHOLDER:
            if not FORM_ID_RE.match(fid):
                fail(f"表单编号“{fid}”格式不对", "what", f"写成 fenxi-04 这样的编号，或 {ANNUAL_PLACEHOLDER}（按 dibao.toml 的年审表）")
            spec = catalog.get(fid)
            if catalog and spec is None:
                fail(f"表单目录里没有“{fid}”", "what", f"现有：{'、'.join(catalog)}")
            if spec is not None:
                title = title or spec.title
                category = category or spec.category
                if not events and spec.event:
                    events = (spec.event,)
        title = title or fid
    elif kind in ("scan", "photos"):
        bad = [w for w in whats if w not in ATTACHMENT_TYPES]
        if bad:
            fail(f"材料类型“{bad[0]}”无效", "what", f"写以下之一：{'、'.join(ATTACHMENT_TYPES)}")
        title = title or "或".join(whats)
    elif kind == "field":
        if len(whats) != 1:
            fail("数据规则只能写一个字段", "what", '写成 what = "id_number"')
        _check_field(whats[0], it_model, fail, iterator)
        title = title or whats[0]
    elif kind == "time":
        check = whats[0]
        if check not in TIME_CHECKS or len(whats) != 1:
            fail(f"时限检查“{check}”无效", "what", f"写以下之一：{'、'.join(TIME_CHECKS)}")
        if iterator not in TIME_CHECKS[check][1]:
            fail(f"时限检查 {check} 不能配合条件“{iterator}”", "when", f"写 {' 或 '.join(TIME_CHECKS[check][1])}")
        title = title or TIME_CHECKS[check][0]
    elif kind == "event":
        bad = [w for w in whats if w not in EVENT_TYPES]
        if bad:
            fail(f"事件类型“{bad[0]}”无效", "what", f"写以下之一：{'、'.join(EVENT_TYPES)}")
        if iterator not in PERIOD_ITERATORS + ROUND_ITERATORS:
            fail(f"事件规则不能配合条件“{iterator}”", "when", f"写 {' 或 '.join(PERIOD_ITERATORS + ROUND_ITERATORS)}")
        title = title or "或".join(whats)
    elif kind == "payments":
        if iterator not in ("each_paid_year", "each_covered_year", "each_review_year"):
            fail(f"发放记录规则不能配合条件“{iterator}”", "when", "写 each_paid_year")
        title = title or "发放记录"
    for e in events:
        if e not in EVENT_TYPES:
            fail(f"事件类型“{e}”无效", "event", f"写以下之一：{'、'.join(EVENT_TYPES)}")
    if category is None and kind == "form" and whats[0] == ANNUAL_PLACEHOLDER:
        category = "日常管理类"
    if category not in CATEGORIES:
        fail(f"归档类别“{category}”无效", "category", f"写以下之一：{'、'.join(CATEGORIES)}")
    types = item.get("types", list(HOUSEHOLD_TYPES))
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not types or any(t not in HOUSEHOLD_TYPES for t in types):
        fail(f"对象类型 {types} 无效", "types", f"写成列表，取值：{'、'.join(HOUSEHOLD_TYPES)}")
    lo, hi = item.get("min"), item.get("max")
    for key, v in (("min", lo), ("max", hi), ("days", item.get("days"))):
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            fail(f"“{key}”应为不小于0的整数", key, f"如 {key} = 3")
    if kind == "photos" and not lo:
        fail("照片规则要写最少张数 min", "min", "如 min = 3")
    if lo is not None and hi is not None and hi < lo:
        fail("max 小于 min", "max", "改为 max 不小于 min")
    count = item.get("count", "calendar")
    if count not in ("calendar", "workday"):
        fail(f"计日方式“{count}”无效", "count", '写 "calendar"（自然日）或 "workday"（工作日）')
    source = str(item.get("source", "")).strip()
    if not source:
        fail("缺少依据 source", "source", '写明出处，如 source = "002 附件4"')
    fix = str(item.get("fix", "")).strip()
    if not fix:
        fail("缺少补救办法 fix", "fix", '写明怎么补，如 fix = "扫描户口簿，命名 户口簿.jpg"')
    why = str(item.get("why", "")).strip()
    for key, text in (("why", why), ("fix", fix)):
        _check_placeholders(text, key, fail)
    return Rule(id=rid, kind=kind, what=whats, title=title, category=category, types=frozenset(types),
                iterator=iterator, iter_arg=arg, filters=filters, source=source,
                why=why, fix=fix, min=lo, max=hi, event=events,
                days=item.get("days"), count=count, index=i)


PLACEHOLDERS = ("subject", "member", "year", "form", "event", "detail")


def _check_placeholders(text: str, key: str, fail) -> None:
    import string

    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        fail(f"“{key}”中的花括号不成对：{text}", key, "占位符写成 {member} 这样；要写花括号本身请写两个 {{ }}")
    bad = [n for n in names if n not in PLACEHOLDERS]
    if bad:
        fail(f"“{key}”中的占位符 {{{bad[0]}}} 无效", key, f"可用：{'、'.join('{' + p + '}' for p in PLACEHOLDERS)}")


def _parse_when(when, fail) -> tuple[str, str | None, tuple[tuple[str, bool], ...]]:
    conds = when if isinstance(when, list) else [when]
    iterator, arg = None, None
    filters: list[tuple[str, bool]] = []
    vocab = "、".join(list(ITERATORS) + list(FILTERS))
    for c in conds:
        if not isinstance(c, str) or not c.strip():
            fail(f"条件 {c!r} 无效", "when", f"写以下之一：{vocab}")
        c = c.strip()
        neg = c.startswith("not:")
        name = c[4:] if neg else c
        base, _, a = name.partition(":")
        if base in ITERATORS and not neg:
            if iterator is not None and not (iterator == "always" or base == "always"):
                fail(f"条件“{iterator}”和“{base}”不能同时使用", "when", "一条规则只能有一个“每……”条件；需要两种就写两条规则")
            if base == "expense":
                if a not in EXPENSE_KINDS:
                    fail(f"支出类别“{a}”无效", "when", "写 expense:重病、expense:教育 或 expense:就业")
                arg = a
            elif a:
                fail(f"条件“{c}”无效", "when", f"只有 expense 可带冒号参数；可用条件：{vocab}")
            if iterator is None or iterator == "always":
                iterator = base
        elif name in FILTERS:
            filters.append((name, neg))
        else:
            fail(f"不认识的条件“{c}”", "when", f"可用条件：{vocab}（“not:名称”表示否定）")
    return iterator or "always", arg, tuple(filters)


def _check_field(spec: str, model: type, fail, iterator: str) -> None:
    """`spec` is a dotted path into the subject's model (e.g. extreme_poverty.caregiver)."""
    from typing import get_args

    from pydantic import BaseModel

    current = model
    for part in spec.split("."):
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            names = "、".join(fields) if fields else ""
            fail(f"字段“{spec}”在“{iterator}”的对象上不存在", "what", f"可用字段：{names}")
        ann = fields[part].annotation
        nxt = [a for a in (get_args(ann) or (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        current = nxt[0] if nxt else None
