"""What the audit returns: gaps (missing papers and data) and flags (for inspectors)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:   # for annotations only: gaps.py imports nothing of the audit (no cycle with the engine)
    from archive.audit.conditions import Subject
    from archive.audit.rules import Rule

# Kinds of gap, in report order.  Every kind but 提醒 counts as "missing".
GAP_KINDS = ("缺表", "待签字归档", "缺扫描件", "缺照片", "缺数据", "超时限")
REMINDER = "提醒"
ALL_GAP_KINDS = GAP_KINDS + (REMINDER,)
GAP_KIND_HELP = {
    "缺表": "记录中没有这张表所依据的业务事件，表无法生成：先补做或补录该事件",
    "待签字归档": "表可以从记录打印（预填），但还没有签字盖章后的扫描件",
    "缺扫描件": "缺少要扫描归档的证件或证明材料",
    "缺照片": "入户照片少于规定张数",
    "缺数据": "记录缺少表单或检查需要的数据项",
    "超时限": "办理时间超过规定时限（按法定工作日计算）",
    "提醒": "不算缺件，但不合规范（如照片超过规定张数）",
}

# Checks for inspectors, reported separately from missing papers.
FLAG_KINDS = ("应退尽退", "身份证重复", "死亡未减员", "发放金额不符", "补差金额不符", "发放时间不符", "调查人数不足",
              "记录无法读取")
FLAG_KIND_HELP = {
    "应退尽退": "按记录核算的家庭月人均收入不低于当年低保标准（低保边缘：不低于标准的县定倍数）",
    "身份证重复": "同一身份证号出现在两户（或一户两次）",
    "死亡未减员": "成员已死亡，但仍计入保障人口或仍按原人数发放",
    "发放金额不符": "正常发放金额与审核确认（或变更后）的金额不一致",
    "补差金额不符": "审核确认的补助金额与按记录收入和标准核算的金额不一致",
    "发放时间不符": "在批准前、批准当月（应次月起享受）或退出之后仍有发放",
    "调查人数不足": "年度审核、定期核查或入户调查的调查人员少于2人",
    "记录无法读取": "家庭记录文件有错误，无法审计：先用 dibao validate 改正",
}
# 依据 of each check, from the seeds' own wording (000–004 in /work/shared/seeds).
FLAG_SOURCES = {
    "应退尽退": "000 二(一)（取消收入增加且超过低保标准的家庭）；003 §三(五)（建立城乡低保应保尽保、应退尽退动态管理制度；"
               "不再符合低保条件的低保家庭，各镇街要及时终止并书面通知低保对象）",
    "身份证重复": "003 §三(四)（加强数据共享，保障准确、及时核对低保对象……确保低保对象准确认定）；"
                 "000 二(三)第二阶段1（查看户口本、身份证……原件或复印件）",
    "死亡未减员": "000 二(一)（每月跟踪工作……重点是及时核减已死亡的低保对象）；003 §三(四)（核对低保对象是否为死亡人员）",
    "发放金额不符": "001 二(三)（真正落实精准认定对象、精准发放救助金）；003 §三(九)（专款专用，按时足额拨付）；"
                   "002 附件9、附件11（确认的补助金额与在保对象汇总表）",
    "补差金额不符": "001 附件4（核定实际月人均补差=（低保保障线-（家庭总收入-刚性支出）/家庭人数）/12个月）；"
                   "002 三(一)（补差执行）",
    "发放时间不符": "003 §三(四)（新增低保对象在民政部门完成审批后次月开始享受低保待遇）；"
                   "003 §三(五)（低保对象于下月起停发低保金）",
    "调查人数不足": "000 二(三)第二阶段1（入户调查人员不少于 2 名）；002 四(二)1（坚持“谁调查、谁签字、谁负责”的原则）",
    "记录无法读取": "dibao 记录格式（dibao schema）",
}



class Gap(NamedTuple):
    """One missing item.  A tuple, so that 100,000 households' gaps travel cheaply between processes."""

    kind: str           # one of ALL_GAP_KINDS
    rule: str           # rule id
    subject: str        # the subject's key within the rule ("" | member | year | event key)
    what: str           # what is missing, e.g. "残疾证（李四）"
    category: str       # 审批类 | 日常管理类 | 财务类
    why: str
    source: str
    fix: str
    form: str | None = None     # form id (forms only)
    event: str | None = None    # id of the record event the form is printed from, if any
    year: int | None = None
    member: str | None = None

    @property
    def key(self) -> str:
        return f"{self.rule}|{self.subject}"

    @property
    def missing(self) -> bool:
        return self.kind != REMINDER

    def text(self) -> str:
        """One line for a 备考表 or a checklist."""
        return f"{self.what}（{self.kind}）"

    def as_dict(self) -> dict:
        d = self._asdict()
        d["key"] = self.key
        return d


_new_gap = partial(tuple.__new__, Gap)


@dataclass(slots=True)
class Flag:
    kind: str            # one of FLAG_KINDS
    detail: str          # Chinese, never a full ID number
    fix: str
    year: int | None = None
    member: str | None = None
    subject: str = ""    # machine key: month span "2024-05" / "2024-05..2024-07", member name, year
    others: list[str] = field(default_factory=list)   # case numbers of other households involved
    source: str = ""     # 依据: the seed clause the check rests on (FLAG_SOURCES by kind when not given)

    def __post_init__(self) -> None:
        if not self.source:
            self.source = FLAG_SOURCES.get(self.kind, "")


    def as_dict(self) -> dict:
        return asdict(self)


class HouseholdAudit:
    """One household's audit.  Its gaps may be held *packed* (pack(): the rule's index and the
    subject, without the Chinese texts): a county's audit reports counts, and the texts of two
    million gaps are built only when someone reads `gaps` (the rules are attached by the audit)."""

    __slots__ = ("case_no", "head", "town", "village", "group", "type", "record", "flags", "ids",
                 "_gaps", "_packed", "_rules")

    def __init__(self, case_no: str, head: str, town: str, village: str, group: str, type: str, record: str,
                 gaps: list[Gap] | None = None, flags: list[Flag] | None = None,
                 ids: list[tuple[str, str]] | None = None, *, packed: list[tuple] | None = None, rules=None):
        self.case_no, self.head, self.town, self.village, self.group, self.type = case_no, head, town, village, group, type
        self.record = record                      # path relative to the workspace
        self.flags = flags if flags is not None else []
        self.ids = ids if ids is not None else []  # (normalised living members' ID, name), for cross checks
        self._gaps = gaps if gaps is not None or packed is not None else []
        self._packed = packed
        self._rules = rules                       # RuleSet.rules, to unpack packed gaps

    @property
    def gaps(self) -> list[Gap]:
        if self._gaps is None:
            self._gaps = [unpack(self._rules, p) for p in self._packed]
            self._packed = None
        return self._gaps

    @gaps.setter
    def gaps(self, value: list[Gap]) -> None:
        self._gaps, self._packed = list(value), None

    def attach(self, rules) -> None:
        self._rules = rules

    @property
    def gap_kinds(self) -> list[str]:
        """Each gap's kind, without building the gaps' texts."""
        return [g[0] for g in (self._packed if self._gaps is None else self._gaps)]

    def keep_kinds(self, kinds) -> None:
        if self._gaps is None:
            self._packed = [p for p in self._packed if p[0] in kinds]
        else:
            self._gaps = [g for g in self._gaps if g.kind in kinds]

    @property
    def missing(self) -> list[Gap]:
        return [g for g in self.gaps if g.missing]

    @property
    def missing_count(self) -> int:
        return sum(1 for k in self.gap_kinds if k != REMINDER)

    @property
    def complete(self) -> bool:
        return self.missing_count == 0

    def __eq__(self, other) -> bool:
        if not isinstance(other, HouseholdAudit):
            return NotImplemented
        return self.__getstate__()[:7] == other.__getstate__()[:7] and self.gaps == other.gaps \
            and self.flags == other.flags and self.ids == other.ids

    def __repr__(self) -> str:
        return f"HouseholdAudit({self.case_no!r}, {self.village!r}, gaps={len(self.gap_kinds)}, flags={len(self.flags)})"

    def __getstate__(self):
        # gaps as plain tuples (packed, or the full ones): unpickling 100,000 households' gaps is then mostly C work
        packed = self._gaps is None
        gaps = self._packed if packed else [tuple(g) for g in self._gaps]
        return (self.case_no, self.head, self.town, self.village, self.group, self.type, self.record,
                packed, gaps, self.flags, self.ids)

    def __setstate__(self, state):
        (self.case_no, self.head, self.town, self.village, self.group, self.type, self.record,
         packed, gaps, self.flags, self.ids) = state
        self._rules = None
        if packed:
            self._gaps, self._packed = None, gaps
        else:
            self._gaps, self._packed = list(map(_new_gap, gaps)), None

    def as_dict(self) -> dict:
        return {"case_no": self.case_no, "head": self.head, "town": self.town, "village": self.village,
                "group": self.group, "type": self.type, "record": self.record, "complete": self.complete,
                "gaps": [g.as_dict() for g in self.gaps], "flags": [f.as_dict() for f in self.flags]}


# ---------------------------------------------------------------- packed gaps (rules and subjects by index)
_DEFAULT_WHY = {
    "always": "每户必备",
    "each_member": "家庭成员{subject}",
    "member_disabled": "{subject}有残疾",
    "expense": "核算时扣减了{subject}",
    "objection": "{subject}期间有异议",
    "each_covered_year": "{year}年在保",
    "each_review_year": "{year}年应年审",
}


def _why(rule: Rule, label: str, member: str | None, year: int | None, detail: str = "") -> str:
    if rule.kind == "time" and not rule.why:
        return detail
    template = rule.why or _DEFAULT_WHY.get(rule.iterator) or ("有{subject}" if label else "每户必备")
    text = template if "{" not in template else template.format(
        subject=label, member=member or "", year=year or "", detail=detail, form="", event="")
    if detail and "{detail}" not in template:
        text = f"{text}；{detail}" if text else detail
    return text


def pack(kind: str, rule: Rule, subj: Subject, category: str, detail: str = "", *, form: str | None = None,
         event_id: str | None = None, fix_prefix: str = "", title: str | None = None) -> tuple:
    """A gap as a small tuple: the rule's index and the subject, not yet the Chinese texts.

    (kind, rule index, title or None, subject key, subject label, member, year, category, detail,
    form, event id, fix prefix); kind comes first so counts need no unpacking."""
    return (kind, rule.index, title, subj.key, subj.label, subj.member, subj.year, category, detail,
            form, event_id, fix_prefix)


def unpack(rules: list[Rule], p: tuple) -> Gap:
    """The Gap of a packed tuple, with its texts (what, why, fix), given the RuleSet's rules."""
    kind, index, title, key, label, member, year, category, detail, form, event_id, fix_prefix = p
    rule = rules[index]
    title = rule.title if title is None else title
    what = title if not label else f"{title}（{label}）"
    fix = rule.fix
    if "{" in fix:
        fix = fix.format(member=member or "", year=year or "", subject=label,
                         form=form or "", event=event_id or "", detail=detail)
        fix = fix.replace("__", "_").replace("_.", ".")   # an empty qualifier in a suggested file name
    return Gap(kind, rule.id, key, what, category, _why(rule, label, member, year, detail), rule.source,
               fix_prefix + fix if fix_prefix else fix, form, event_id, year, member)

