"""Workspace configuration (dibao.toml): locality, standards, deadlines, categories, limits."""

from __future__ import annotations

import tomllib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from archive.errors import ConfigError

PROFILES = ("fenxi", "ezhou", "yueyang")
PROFILE_TITLES = {"fenxi": "山西省汾西县", "ezhou": "湖北省鄂州市鄂城区", "yueyang": "湖南省岳阳县"}
CATEGORIES = ("审批类", "日常管理类", "财务类")


@dataclass(frozen=True)
class Standard:
    year: int
    area: str       # 城市 | 农村
    amount: Decimal
    unit: str       # 年 | 月
    note: str = ""
    valid_from: dt.date | None = None   # a mid-year change (提标), e.g. 2011-10-01 (004); None: from 1 January

    @property
    def yearly(self) -> Decimal:
        return self.amount if self.unit == "年" else self.amount * 12

    @property
    def monthly(self) -> Decimal:
        return self.amount if self.unit == "月" else self.amount / 12

    def describe(self) -> str:
        when = f"{self.valid_from.year}年{self.valid_from.month}月{self.valid_from.day}日起" if self.valid_from else f"{self.year}年"
        s = f"{when}{self.area}低保标准 {self.amount} 元/人/{self.unit}"
        return s + (f"（{self.note}）" if self.note else "")


DEFAULT_TIMEOUT = 120
LIMIT_EXAMPLES = {"max_pixels": 100_000_000, "max_scan_bytes": 209_715_200, "max_pages_per_attachment": 200,
                  "max_pdf_stream_bytes": 67_108_864, "convert_timeout": 120, "ocr_timeout": 120,
                  "convert_memory_mb": 2048}


def _limits(raw: dict, path) -> dict:
    """[limits]: every value a positive number (unknown keys are kept for newer versions)."""
    lim = dict(raw.get("limits") or {})
    for key, example in LIMIT_EXAMPLES.items():
        v = lim.get(key)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
            raise ConfigError(f"限制值“{key}”应为大于0的数字，现在是 {v!r}", path=path, field=f"limits.{key}",
                              hint=f"改为数字（不加引号），如 {key} = {example}，或删除这一行用默认值")
    return lim


@dataclass
class Config:
    path: Path | None
    raw: dict
    profile: str
    locality: dict
    standards: dict[tuple[int, str], Standard]     # the standard in force at the end of each year
    review_publicity_days: int
    confirm_publicity_days: int
    review_working_days: int
    review_extended_working_days: int
    refusal_notice_working_days: int
    categories: dict[str, str]
    retention: dict[str, str]
    archive: dict
    limits: dict
    search_backend: str
    annual_review_form: str
    annual_review_form_tekun: str
    sha256: str = ""
    extra: dict = field(default_factory=dict)
    roster: dict = field(default_factory=dict)      # [roster]: case_no pattern for dibao import
    archival: object = None   # archive.volumes.archival.Archival ([archival]: 档号, 全宗号, 密级, 归档章)
    # every dated standard of a year and area, oldest first (a mid-year 提标 gives two)
    standard_changes: dict[tuple[int, str], tuple[Standard, ...]] = field(default_factory=dict)
    programs: "ProgramSettings" = field(default_factory=lambda: _program_settings())

    def standard(self, year: int, area: str) -> Standard:
        st = self.standards.get((year, area))
        if st is None:
            years = sorted({y for y, _ in self.standards})
            raise ConfigError(
                f"配置中没有 {year} 年{area}低保标准", path=self.path, field=f"standards.{year}",
                hint=f"在 dibao.toml 中加入 [standards.{year}] 的{area}标准（已有年份：{', '.join(map(str, years)) or '无'}）")
        return st

    def standard_on(self, on: dt.date, area: str) -> Standard:
        """The standard in force on a date: the latest of its year whose valid_from is on or before it."""
        self.standard(on.year, area)   # the message when the year is missing
        steps = self.standard_changes.get((on.year, area)) or (self.standards[(on.year, area)],)
        current = steps[0]
        for st in steps:
            if st.valid_from is None or st.valid_from <= on:
                current = st
        return current

    def category_of(self, form_id: str, default: str) -> str:
        return self.categories.get(form_id, default)

    def scan_limits(self):
        """archive.volumes.scans.ScanLimits from [limits] (pixels, file size, pages, PDF stream size)."""
        from archive.volumes.scans import ScanLimits

        d = ScanLimits()
        lim = self.limits
        return ScanLimits(max_pixels=int(lim.get("max_pixels", d.max_pixels)),
                          max_file_bytes=int(lim.get("max_scan_bytes", d.max_file_bytes)),
                          max_pages=int(lim.get("max_pages_per_attachment", d.max_pages)),
                          max_pdf_stream_bytes=int(lim.get("max_pdf_stream_bytes", d.max_pdf_stream_bytes)))

    @property
    def convert_timeout(self) -> float:
        """Seconds one LibreOffice conversion may take ([limits] convert_timeout)."""
        return float(self.limits.get("convert_timeout", DEFAULT_TIMEOUT))

    @property
    def convert_memory_mb(self) -> int | None:
        """Address-space limit of each LibreOffice worker in MB ([limits] convert_memory_mb), None: no limit."""
        v = self.limits.get("convert_memory_mb")
        return int(v) if v else None

    @property
    def ocr_timeout(self) -> float:
        """Seconds one OCR job may take ([limits] ocr_timeout)."""
        return float(self.limits.get("ocr_timeout", DEFAULT_TIMEOUT))

    @property
    def county(self) -> str:
        return self.locality.get("county", "")

    @property
    def town(self) -> str:
        return self.locality.get("town", "")


def profile_text(profile: str) -> str:
    if profile not in PROFILES:
        raise ConfigError(f"没有名为“{profile}”的地区配置", hint=f"可选：{'、'.join(f'{k}（{v}）' for k, v in PROFILE_TITLES.items())}")
    return resources.files("archive").joinpath("profiles", f"{profile}.toml").read_text("utf-8")


ROSTER_KEYS = {"case_no": 'case_no = "YA-{年}-{序号:04}"'}


def _roster(raw: dict, path) -> dict:
    """[roster] (dibao import): case_no, the pattern of new case numbers; unknown keys refused."""
    sec = raw.get("roster") or {}
    if not isinstance(sec, dict):
        raise ConfigError("[roster] 应为一节设置", path=path, field="roster", hint=f"写成 [roster] 下一行 {ROSTER_KEYS['case_no']}")
    for key in sec:
        if key not in ROSTER_KEYS:
            raise ConfigError(f"[roster] 中没有“{key}”这一项", path=path, field=f"roster.{key}",
                              hint=f"可写的项：{'；'.join(ROSTER_KEYS.values())}；删除这一行或改正拼写")
    pat = sec.get("case_no")
    if pat is not None:
        try:
            sample = str(pat).format(年=2024, 序号=1, 村="东关村", year=2024, seq=1, village="东关村")
        except (KeyError, ValueError, IndexError) as exc:
            raise ConfigError(f"对象编号规则“{pat}”写法有误（{exc}）", path=path, field="roster.case_no",
                              hint="只能用 {年}、{序号}（如 {序号:04} 表示4位、不足补0）和 {村}，如 " + ROSTER_KEYS["case_no"]) from exc
        if not isinstance(pat, str) or "{序号" not in pat and "{seq" not in pat or sample.strip() == "":
            raise ConfigError(f"对象编号规则“{pat}”中没有 {{序号}}，编号会重复", path=path, field="roster.case_no",
                              hint="加上 {序号}，如 " + ROSTER_KEYS["case_no"])
    return dict(sec)


def load_config(path: Path) -> Config:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件（{exc.strerror}）", path=path, hint="检查工作区是否完整；可用 dibao init 重新建立") from exc
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError("配置文件不是 UTF-8 编码", path=path, hint="用记事本“另存为”UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件格式有误：{exc}", path=path, hint="检查该行的引号、等号和方括号；金额要加引号，如 amount = \"6000\"") from exc
    from archive.fsutil import sha256_bytes

    return parse_config(raw, path, sha256_bytes(data))


def _int(raw: dict, section: str, key: str, default: int, path) -> int:
    v = raw.get(section, {}).get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ConfigError(f"“{key}”应为不小于0的整数", path=path, field=f"{section}.{key}", hint=f"改为整数，如 {default}")
    return v


def parse_config(raw: dict, path: Path | None = None, sha256: str = "") -> Config:
    prof = raw.get("profile", {})
    standards: dict[tuple[int, str], Standard] = {}
    changes: dict[tuple[int, str], tuple[Standard, ...]] = {}
    for year, areas in (raw.get("standards") or {}).items():
        try:
            y = int(year)
        except ValueError:
            raise ConfigError(f"标准年份“{year}”不是数字", path=path, field=f"standards.{year}", hint="写成 [standards.2024]")
        for area, spec in (areas or {}).items():
            if area not in ("城市", "农村"):
                raise ConfigError(f"标准地区“{area}”无效", path=path, field=f"standards.{year}.{area}", hint="写“城市”或“农村”")
            steps = []
            for spec1 in (spec if isinstance(spec, list) else [spec]):
                try:
                    amount = Decimal(str(spec1["amount"]))
                    unit = spec1.get("unit", "年")
                    assert unit in ("年", "月") and amount > 0
                    vf = spec1.get("valid_from")
                    if isinstance(vf, str):
                        vf = dt.date.fromisoformat(vf)
                    assert vf is None or (isinstance(vf, dt.date) and vf.year == y)
                except (KeyError, InvalidOperation, AssertionError, TypeError, ValueError):
                    raise ConfigError("低保标准写法有误", path=path, field=f"standards.{year}.{area}",
                                      hint='写成 城市 = { amount = "7500", unit = "年" }，unit 为“年”或“月”；年中提标写成列表，'
                                           '如 城市 = [{ amount = "350", unit = "月" }, { amount = "375", unit = "月", '
                                           f'valid_from = "{y}-10-01" }}]（valid_from 须在该年内）')
                steps.append(Standard(y, area, amount, unit, str(spec1.get("note", "")), vf))
            steps.sort(key=lambda st: st.valid_from or dt.date(y, 1, 1))
            standards[(y, area)] = steps[-1]
            changes[(y, area)] = tuple(steps)
    cats = {}
    for form_id, cat in (raw.get("categories") or {}).items():
        if cat not in CATEGORIES:
            raise ConfigError(f"表单 {form_id} 的归档类别“{cat}”无效", path=path, field=f"categories.{form_id}",
                              hint="写 审批类、日常管理类 或 财务类")
        cats[form_id] = cat
    backend = (raw.get("search") or {}).get("backend", "auto")
    if backend not in ("auto", "tantivy", "whoosh"):
        raise ConfigError(f"检索引擎“{backend}”无效", path=path, field="search.backend", hint="写 auto、tantivy 或 whoosh")
    from archive.volumes.archival import parse_archival

    archival = parse_archival(raw.get("archival"), path)
    return Config(
        path=path, raw=raw, profile=prof.get("name", "custom"), archival=archival,
        locality=dict(raw.get("locality") or {}), standards=standards,
        review_publicity_days=_int(raw, "publicity", "review_days", 7, path),
        confirm_publicity_days=_int(raw, "publicity", "confirm_days", 7, path),
        review_working_days=_int(raw, "deadlines", "review_working_days", 30, path),
        review_extended_working_days=_int(raw, "deadlines", "review_extended_working_days", 45, path),
        refusal_notice_working_days=_int(raw, "deadlines", "refusal_notice_working_days", 3, path),
        categories=cats,
        retention={"审批类": "低保退出后3年", "日常管理类": "5年", "财务类": "30年", **(raw.get("retention") or {})},
        archive=dict(raw.get("archive") or {}),
        limits=_limits(raw, path),
        search_backend=backend,
        roster=_roster(raw, path),
        annual_review_form=prof.get("annual_review_form", "fenxi-12"),
        annual_review_form_tekun=prof.get("annual_review_form_tekun", prof.get("annual_review_form", "fenxi-12")),
        sha256=sha256,
        standard_changes=changes,
        programs=_program_settings(raw, path),
    )


def _program_settings(raw: dict | None = None, path=None):
    from archive.records.program import parse_program_settings

    return parse_program_settings(raw or {}, path)
