"""The three programs a household can be in, and the per-county settings that differ between them.

    城市低保 / 农村低保  最低生活保障: 补差 up to the county standard (archive.records.calc)
    特困               特困人员救助供养: 基本生活费 + 照料护理费 by 自理能力 level, set by the county
    低保边缘           低保边缘家庭: income at or above the 低保 standard and below `edge_multiple` × it;
                       no 低保 payment (专项救助 only)

Every form, notice, volume title and audit message takes its wording from `Program`, so a
低保边缘 family is never announced as 纳入最低生活保障 and a 特困 person never ticks 城市低保.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

SELF_CARE_LEVELS = ("全自理", "半护理", "全护理")
# 基本生活费 may differ by 供养方式 (004, 齐齐哈尔 2020: 城市全自理特困人员集中供养 17736 元/人年, 分散供养 12420 元/人年)
TEKUN_BASIC_KEYS = ("城市", "农村", "城市分散供养", "城市集中供养", "农村分散供养", "农村集中供养")

# 低保边缘: 民政部《最低生活保障审核确认办法》(民发〔2021〕57号) 第四十二条 and 《低收入人口动态监测和常态化
# 救助帮扶工作的意见》: 低保边缘家庭 income is above the 低保 standard and below a multiple of it, commonly 1.5×.
# The seeds (000–004) give no multiple, so it is a county setting ([programs] edge_multiple in dibao.toml).
DEFAULT_EDGE_MULTIPLE = Decimal("1.5")
# 特困 基本生活标准: 国务院《关于进一步健全特困人员救助供养制度的意见》(国发〔2016〕14号) leaves the amount to the
# county; most provinces set it at ≥ 1.3 × the local 低保 standard.  The seeds give no amount: county setting.
DEFAULT_TEKUN_BASIC_FACTOR = Decimal("1.3")
# 照料护理费 by 自理能力 level: set by the county (001 二(二) checks 自理能力等级 but gives no amounts).  The
# defaults are example values to be replaced with the county's own document.
DEFAULT_CARE_FEES = {"全自理": Decimal("100"), "半护理": Decimal("300"), "全护理": Decimal("600")}


@dataclass(frozen=True)
class Program:
    """Wording and rules of one household type."""

    type: str           # 城市低保 | 农村低保 | 特困 | 低保边缘
    kind: str           # 低保 | 特困 | 低保边缘
    name: str           # 最低生活保障 | 特困人员救助供养 | 低保边缘家庭
    pays: bool          # a monthly payment to the household (低保边缘: none)

    @property
    def is_dibao(self) -> bool:
        return self.kind == "低保"

    @property
    def is_tekun(self) -> bool:
        return self.kind == "特困"

    @property
    def is_edge(self) -> bool:
        return self.kind == "低保边缘"

    @property
    def subject(self) -> str:
        """How the household is named on notices: 最低生活保障对象 / 特困人员 / 低保边缘家庭."""
        return {"低保": "最低生活保障对象", "特困": "特困人员", "低保边缘": "低保边缘家庭"}[self.kind]

    @property
    def admitted(self) -> str:
        """The approval phrase: 纳入最低生活保障范围 / 纳入特困人员救助供养范围 / 认定为低保边缘家庭."""
        return "认定为低保边缘家庭" if self.is_edge else f"纳入{self.name}范围"

    @property
    def applied(self) -> str:
        """申请最低生活保障 / 申请特困人员救助供养 / 申请低保边缘家庭认定."""
        return "申请低保边缘家庭认定" if self.is_edge else f"申请{self.name}"

    @property
    def archive_title(self) -> str:
        """Volume cover: 最低生活保障档案 / 特困人员救助供养档案 / 低保边缘家庭档案."""
        return f"{self.name}档案"

    @property
    def payment_record_title(self) -> str | None:
        """The 财务类 payment record; None for 低保边缘 (no payment)."""
        if self.is_dibao:
            return "最低生活保障金发放记录表"
        if self.is_tekun:
            return "特困人员救助供养金发放记录表"
        return None

    @property
    def decision_form_title(self) -> str:
        return f"{self.name}审核确认表"


PROGRAMS = {
    "城市低保": Program("城市低保", "低保", "最低生活保障", True),
    "农村低保": Program("农村低保", "低保", "最低生活保障", True),
    "特困": Program("特困", "特困", "特困人员救助供养", True),
    "低保边缘": Program("低保边缘", "低保边缘", "低保边缘家庭", False),
}


def program_of(hh_or_type) -> Program:
    t = hh_or_type if isinstance(hh_or_type, str) else hh_or_type.type
    return PROGRAMS[t]


@dataclass(frozen=True)
class ProgramSettings:
    """[programs] in dibao.toml: the amounts and multiples the seeds leave to the county."""

    edge_multiple: Decimal = DEFAULT_EDGE_MULTIPLE
    tekun_basic_factor: Decimal = DEFAULT_TEKUN_BASIC_FACTOR
    # 基本生活费 (元/人/月) by area, when the county sets an amount rather than a factor of the 低保 standard
    tekun_basic: dict[str, Decimal] = field(default_factory=dict)
    care_fees: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_CARE_FEES))
    # 全额/差额: types paid the full standard per covered person instead of the top-up (some counties, e.g. for
    # 重残/重病 单人户); empty = every 低保 household is 差额 (补差).
    full_amount_categories: tuple[str, ...] = ()


def parse_program_settings(raw: dict, path=None) -> ProgramSettings:
    from archive.errors import ConfigError

    sec = raw.get("programs") or {}
    known = {"edge_multiple", "tekun_basic_factor", "tekun_basic", "care_fees", "full_amount_categories"}
    for key in sec:
        if key not in known:
            raise ConfigError(f"[programs] 中有未知设置“{key}”", path=path, field=f"programs.{key}",
                              hint=f"可用的设置：{'、'.join(sorted(known))}")

    def dec(value, where: str, hint: str) -> Decimal:
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            d = Decimal(-1)
        if d <= 0 or isinstance(value, bool):
            raise ConfigError(f"“{where}”应为大于0的数，现在是 {value!r}", path=path, field=where, hint=hint)
        return d

    out = ProgramSettings()
    kw: dict = {}
    if "edge_multiple" in sec:
        kw["edge_multiple"] = dec(sec["edge_multiple"], "programs.edge_multiple", 'edge_multiple = "1.5"')
        if kw["edge_multiple"] <= 1:
            raise ConfigError("低保边缘倍数应大于1", path=path, field="programs.edge_multiple", hint='常用 1.5：edge_multiple = "1.5"')
    if "tekun_basic_factor" in sec:
        kw["tekun_basic_factor"] = dec(sec["tekun_basic_factor"], "programs.tekun_basic_factor", 'tekun_basic_factor = "1.3"')
    if "tekun_basic" in sec:
        basic = {}
        for area, v in (sec["tekun_basic"] or {}).items():
            if area not in TEKUN_BASIC_KEYS:
                raise ConfigError(f"特困基本生活费地区“{area}”无效", path=path, field=f"programs.tekun_basic.{area}",
                                  hint="写“城市”“农村”，或分供养方式写“城市分散供养”“城市集中供养”“农村分散供养”“农村集中供养”")
            basic[area] = dec(v, f"programs.tekun_basic.{area}", '城市 = "1000"（元/人/月）')
        kw["tekun_basic"] = basic
    if "care_fees" in sec:
        fees = dict(out.care_fees)
        for level, v in (sec["care_fees"] or {}).items():
            if level not in SELF_CARE_LEVELS:
                raise ConfigError(f"照料护理费等级“{level}”无效", path=path, field=f"programs.care_fees.{level}",
                                  hint="写 全自理、半护理 或 全护理")
            try:
                fees[level] = Decimal(str(v))
                assert fees[level] >= 0
            except (InvalidOperation, AssertionError):
                raise ConfigError(f"照料护理费“{level}”应为不小于0的金额", path=path, field=f"programs.care_fees.{level}",
                                  hint='写成 全护理 = "600"（元/人/月）')
        kw["care_fees"] = fees
    if "full_amount_categories" in sec:
        v = sec["full_amount_categories"]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ConfigError("全额保障人员类别应为文字列表", path=path, field="programs.full_amount_categories",
                              hint='如 full_amount_categories = ["重残", "重病"]')
        kw["full_amount_categories"] = tuple(v)
    return ProgramSettings(**{**out.__dict__, **kw})


def tekun_amounts(hh, config, on: dt.date, use_record: bool = True) -> tuple[Decimal, Decimal, str]:
    """(基本生活费, 照料护理费, how) per month for a 特困 person on a date.

    The record's own amounts (extreme_poverty.basic_living_fee / care_fee, set by the county's
    decision) win; otherwise the county settings: tekun_basic[area], else tekun_basic_factor ×
    the 低保 standard in force (rounded up to the 元, as counties publish whole yuan), and
    care_fees[自理能力]."""
    import math

    s: ProgramSettings = config.programs
    ep = hh.extreme_poverty
    area = hh.area
    if use_record and ep is not None and ep.basic_living_fee is not None:
        basic, bhow = ep.basic_living_fee, "记录中的基本生活费"
    elif ep is not None and f"{area}{ep.care_mode}" in s.tekun_basic:
        key = f"{area}{ep.care_mode}"
        basic, bhow = s.tekun_basic[key], f"本县{key}特困基本生活费"
    elif area in s.tekun_basic:
        basic, bhow = s.tekun_basic[area], f"本县{area}特困基本生活费"
    else:
        std = config.standard_on(on, area)
        basic = Decimal(math.ceil(std.monthly * s.tekun_basic_factor))
        bhow = f"{area}低保标准 {std.monthly:.2f} 元/月 × {s.tekun_basic_factor}，进到元"
    level = ep.self_care if ep is not None else None
    if use_record and ep is not None and ep.care_fee is not None:
        care, chow = ep.care_fee, "记录中的照料护理费"
    elif level is not None:
        care, chow = s.care_fees.get(level, Decimal(0)), f"{level}照料护理费"
    else:
        care, chow = Decimal(0), "未录入自理能力，照料护理费按0计"
    return basic, care, f"基本生活费 {basic} 元（{bhow}）+ 照料护理费 {care} 元（{chow}）"
