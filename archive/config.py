"""Workspace configuration (dibao.toml), read in one place into one typed `Config`.

`load_config(path)` reads the file, `parse_config(raw)` builds the `Config`: one pydantic model per
TOML section ([profile], [locality], [standards], [publicity], [deadlines], [categories], [retention],
[archive], [limits], [search], [forms]).  Unknown sections and keys are refused with the key's full
name, the known keys and the fix, so a county that misspells a key learns it instead of silently
getting a default.  Nothing outside this module reads the TOML dictionary.

Adding a section (e.g. [roster]) — the whole pattern, in this file only:

1. Write a model next to the others::

       class RosterSection(Section):
           \"\"\"[roster]: ... (one line per key in the docstring or a comment).\"\"\"
           sheet: str = "花名册"
           max_rows: PositiveInt = 10_000

   `Section` refuses unknown keys; give every field a default so old dibao.toml files still load.
   Use `PositiveInt`/`NonNegativeInt`/`Literal[...]`/`Decimal` rather than checking by hand; add a
   Chinese hint for a field that needs one to `HINTS` ("roster.max_rows": "写整数，如 10000").
2. Add the field to `Config` under the "sections" comment: ``roster: RosterSection = RosterSection()``.
3. Document the keys in the profile files (archive/profiles/*.toml) if counties should see them.
4. Read it as ``ws.config.roster.sheet``.

The profiles a workspace can start from are the files archive/profiles/<name>.toml (`profiles()`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, PrivateAttr, ValidationError,
                      field_validator)

from archive import profiles as county_profiles
from archive.errors import ConfigError

CATEGORIES = ("审批类", "日常管理类", "财务类")
Category = Literal["审批类", "日常管理类", "财务类"]
DEFAULT_TIMEOUT = 120
DEFAULT_REVIEW_TEAM = "镇民政所、镇联村包片干部、村支两委"
RETENTION = {"审批类": "低保退出后3年", "日常管理类": "5年", "财务类": "30年"}


# ----------------------------------------------------------------------------- profiles

def profiles() -> tuple[str, ...]:
    """Names of the built-in profiles, read from archive/profiles/*.toml."""
    return county_profiles.names()


def profile_text(profile: str) -> str:
    try:
        return county_profiles.text(profile)
    except KeyError:
        raise ConfigError(f"没有名为“{profile}”的地区配置",
                          hint=f"可选：{'、'.join(f'{k}（{v.title}）' for k, v in county_profiles.infos().items())}") from None


def __getattr__(name: str):
    # PROFILES / PROFILE_TITLES stay importable for older callers; both come from the profile files
    if name == "PROFILES":
        return profiles()
    if name == "PROFILE_TITLES":
        return {p.name: p.title for p in county_profiles.infos().values()}
    raise AttributeError(name)


# ----------------------------------------------------------------------------- sections

class Section(BaseModel):
    """Base of every section: unknown keys refused, values immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def get(self, key: str, default=None):
        """Dict-style read (``config.locality.get("county", "")``) for code written before the models."""
        value = getattr(self, key, None)
        return default if value is None else value


class ProfileSection(Section):
    """[profile]: which county's forms and rules this workspace uses."""
    name: str = "custom"
    title: str = ""
    seed: str = ""
    county_title: str = ""          # 山西省汾西县 (shown when choosing a profile)
    default_town: str = ""          # town of a new workspace when none is given
    annual_review_form: str = "fenxi-12"
    annual_review_form_tekun: str | None = None


class LocalitySection(Section):
    """[locality]: names printed on forms and covers."""
    province: str = ""
    city: str = ""
    county: str = ""
    town: str = ""
    service_center: str = ""
    government: str = ""


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


class StandardSpec(Section):
    """One [standards.<year>] entry: 城市 = { amount = "7500", unit = "年", note = "" }; a mid-year change
    (提标) is a list of them, the later ones with valid_from inside that year."""
    amount: Decimal = Field(gt=0)
    unit: Literal["年", "月"] = "年"
    note: str = ""
    valid_from: dt.date | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _no_float(cls, v):
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


class PublicitySection(Section):
    """[publicity]: days of the review (一榜) and confirmation (二榜) notices."""
    review_days: NonNegativeInt = 7
    confirm_days: NonNegativeInt = 7


class DeadlinesSection(Section):
    """[deadlines]: working days allowed for review, extended review and refusal notices."""
    review_working_days: NonNegativeInt = 30
    review_extended_working_days: NonNegativeInt = 45
    refusal_notice_working_days: NonNegativeInt = 3


class ArchiveSection(Section):
    """[archive]: people and numbers printed on covers and notices."""
    filer: str = ""      # 立卷人
    checker: str = ""    # 检查人
    hotline: str = ""    # 举报电话（公示单）


class LimitsSection(Section):
    """[limits]: what one input or one job may cost (pixels, bytes, pages, seconds, memory)."""
    max_pixels: PositiveInt = 100_000_000
    max_scan_bytes: PositiveInt = 209_715_200
    max_pages_per_attachment: PositiveInt = 200
    max_pdf_stream_bytes: PositiveInt = 67_108_864
    convert_timeout: float = Field(DEFAULT_TIMEOUT, gt=0)
    ocr_timeout: float = Field(DEFAULT_TIMEOUT, gt=0)
    convert_memory_mb: PositiveInt | None = None
    max_record_bytes: PositiveInt = 20 * 2**20   # one household record file (archive.records.load.MAX_RECORD_BYTES)

    def scan(self):
        """archive.volumes.scans.ScanLimits from these limits."""
        from archive.volumes.scans import ScanLimits

        return ScanLimits(max_pixels=self.max_pixels, max_file_bytes=self.max_scan_bytes,
                          max_pages=self.max_pages_per_attachment, max_pdf_stream_bytes=self.max_pdf_stream_bytes)


class SearchSection(Section):
    """[search]: the full-text engine and whether photos are read by OCR."""
    backend: Literal["auto", "tantivy", "whoosh"] = "auto"
    ocr_photos: bool = False
    ocr_engine: Literal["tesseract", "rapidocr"] | None = None   # None: tesseract (indexer.ocr.get_engine)
    # image files (phone photos) of `dibao index add`; None: rapidocr where installed (indexer.ocr.default_photo_engine)
    ocr_engine_photos: Literal["tesseract", "rapidocr"] | None = None


class RosterSection(Section):
    """[roster]: dibao import — how households without a 对象编号 are numbered ({年}, {序号:04}, {村});
    the pattern is checked by _check_roster (parse_config)."""
    case_no: str | None = None


ROSTER_KEYS = {"case_no": 'case_no = "YA-{年}-{序号:04}"'}


class FormsSection(Section):
    """[forms]: values printed on town-level forms.

    The 镇复核到村时间安排 (001 附件5) is the town's own plan: from review_schedule_start, two villages a
    working day (上午, 下午) in the order of review_villages (then the others, by their first 年度审核).
    Without a start day the schedule starts on the first working day on or after the last village
    年度审核 of the year (001: the town's 复核 follows the villages' 核查), and says so."""
    review_team: str = DEFAULT_REVIEW_TEAM
    review_schedule_start: dt.date | None = None
    review_villages: list[str] = Field(default_factory=list)


# Chinese fixes for fields whose pydantic message would not tell a clerk what to write
HINTS = {
    "limits.*": "改为大于0的数字（不加引号），如 {key} = {example}，或删除这一行用默认值",
    "publicity.*": "改为不小于0的整数，如 7",
    "deadlines.*": "改为不小于0的整数，如 30",
    "standards.*": ('写成 城市 = {{ amount = "7500", unit = "年" }}，unit 为“年”或“月”；年中提标写成列表，'
                    '如 城市 = [{{ amount = "350", unit = "月" }}, {{ amount = "375", unit = "月", valid_from = "2024-10-01" }}]'
                    '（valid_from 须在该年内）'),
    "roster.*": "可写的项：" + ROSTER_KEYS["case_no"],
    "categories.*": "写 审批类、日常管理类 或 财务类",
    "search.backend": "写 auto、tantivy 或 whoosh",
    "search.ocr_photos": "写 true 或 false",
    "search.ocr_engine": '写 ocr_engine = "tesseract" 或 "rapidocr"',
}


class Config(Section):
    """The whole dibao.toml.  `path` and `sha256` say where it came from (for messages and cache keys)."""

    # --- sections (add new ones here; see the module docstring) ---
    profile_section: ProfileSection = Field(ProfileSection(), alias="profile")   # config.profile is its name
    locality: LocalitySection = LocalitySection()
    standards: dict[int, dict[Literal["城市", "农村"], StandardSpec | list[StandardSpec]]] = {}
    publicity: PublicitySection = PublicitySection()
    deadlines: DeadlinesSection = DeadlinesSection()
    categories: dict[str, Category] = {}
    retention: dict[str, str] = dict(RETENTION)
    archive: ArchiveSection = ArchiveSection()
    limits: LimitsSection = LimitsSection()
    search: SearchSection = SearchSection()
    forms: FormsSection = FormsSection()
    roster: RosterSection = RosterSection()
    # [archival] and [programs] are checked by their stage's parser (own messages; see parse_config):
    # archive.volumes.archival.parse_archival and archive.records.program.parse_program_settings
    archival: Any = None
    programs: Any = None

    _path: Path | None = PrivateAttr(None)
    _sha256: str = PrivateAttr("")

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def sha256(self) -> str:
        return self._sha256

    # --- conveniences used across the stages ---
    def _steps(self, year: int, area: str) -> tuple[Standard, ...]:
        spec = self.standards.get(year, {}).get(area)
        if spec is None:
            return ()
        specs = spec if isinstance(spec, list) else [spec]
        steps = [Standard(year, area, x.amount, x.unit, x.note, x.valid_from) for x in specs]
        return tuple(sorted(steps, key=lambda st: st.valid_from or dt.date(year, 1, 1)))

    @property
    def standard_changes(self) -> dict[tuple[int, str], tuple[Standard, ...]]:
        """Every dated standard of a year and area, oldest first (a mid-year 提标 gives two)."""
        return {(y, a): self._steps(y, a) for y, areas in self.standards.items() for a in areas}

    def standard(self, year: int, area: str) -> Standard:
        """The standard in force at the end of the year."""
        steps = self._steps(year, area)
        if not steps:
            years = sorted(self.standards)
            raise ConfigError(
                f"配置中没有 {year} 年{area}低保标准", path=self.path, field=f"standards.{year}",
                hint=f"在 dibao.toml 中加入 [standards.{year}] 的{area}标准（已有年份：{', '.join(map(str, years)) or '无'}）")
        return steps[-1]

    def standard_on(self, on: dt.date, area: str) -> Standard:
        """The standard in force on a date: the latest of its year whose valid_from is on or before it."""
        self.standard(on.year, area)   # the message when the year is missing
        steps = self._steps(on.year, area)
        current = steps[0]
        for st in steps:
            if st.valid_from is None or st.valid_from <= on:
                current = st
        return current

    def category_of(self, form_id: str, default: str) -> str:
        return self.categories.get(form_id, default)

    def scan_limits(self):
        """archive.volumes.scans.ScanLimits from [limits] (pixels, file size, pages, PDF stream size)."""
        return self.limits.scan()

    @field_validator("retention")
    @classmethod
    def _retention_defaults(cls, v: dict[str, str]) -> dict[str, str]:
        return {**RETENTION, **v}

    @property
    def profile(self) -> str:
        """The profile's name (fenxi, ezhou, yueyang or custom); the whole section is `profile_section`."""
        return self.profile_section.name

    @property
    def review_publicity_days(self) -> int:
        return self.publicity.review_days

    @property
    def confirm_publicity_days(self) -> int:
        return self.publicity.confirm_days

    @property
    def review_working_days(self) -> int:
        return self.deadlines.review_working_days

    @property
    def review_extended_working_days(self) -> int:
        return self.deadlines.review_extended_working_days

    @property
    def refusal_notice_working_days(self) -> int:
        return self.deadlines.refusal_notice_working_days

    @property
    def search_backend(self) -> str:
        return self.search.backend

    @property
    def annual_review_form(self) -> str:
        return self.profile_section.annual_review_form

    @property
    def annual_review_form_tekun(self) -> str:
        return self.profile_section.annual_review_form_tekun or self.profile_section.annual_review_form

    @property
    def convert_timeout(self) -> float:
        """Seconds one LibreOffice conversion may take ([limits] convert_timeout)."""
        return float(self.limits.convert_timeout)

    @property
    def convert_memory_mb(self) -> int | None:
        """Address-space limit of each LibreOffice worker in MB ([limits] convert_memory_mb), None: no limit."""
        return self.limits.convert_memory_mb

    @property
    def ocr_timeout(self) -> float:
        """Seconds one OCR job may take ([limits] ocr_timeout)."""
        return float(self.limits.ocr_timeout)

    @property
    def county(self) -> str:
        return self.locality.county

    @property
    def town(self) -> str:
        return self.locality.town


# ----------------------------------------------------------------------------- loading

CONFIG_LIMIT = 4 * 2**20   # a dibao.toml is a few KB; anything this big is not one
RESTORE_HINT = ("从备份恢复 dibao.toml；或在另一个文件夹运行 dibao init 建立新工作区，"
                "把其中的 dibao.toml 复制过来，再按本地文件改正标准和名称")


def load_config(path: Path) -> Config:
    from archive.errors import InputError
    from archive.fsutil import read_regular

    try:   # a FIFO or a link to /dev/zero named dibao.toml must not hang or flood the run
        data = read_regular(path, limit=CONFIG_LIMIT, what="配置文件")
    except InputError as exc:
        raise ConfigError(exc.message, path=path, hint="检查工作区是否完整；可用 dibao init 重新建立") from exc
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError("配置文件不是 UTF-8 编码", path=path, hint="用记事本“另存为”UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件格式有误：{exc}", path=path, hint="检查该行的引号、等号和方括号；金额要加引号，如 amount = \"6000\"") from exc
    from archive.fsutil import sha256_bytes

    _check_complete(raw, path)
    return parse_config(raw, path, sha256_bytes(data))


def _check_complete(raw: dict, path: Path) -> None:
    """A workspace's dibao.toml names its profile, county and town and has a standard: an empty or
    gutted file is refused, not taken as 'all defaults' (every volume would be rebuilt without the
    county's names and standards)."""
    if not raw:
        raise ConfigError("配置文件是空的（或只有注释），没有任何设置；为防止用空设置重新生成全部卷宗，没有继续",
                          path=path, hint=RESTORE_HINT)
    missing = []
    profile, locality = raw.get("profile"), raw.get("locality")
    if not isinstance(profile, dict) or not profile.get("name"):
        missing.append("[profile] 的 name（地区配置）")
    for key, what in (("county", "县（区）名称"), ("town", "乡镇（街道）名称")):
        if not isinstance(locality, dict) or not str(locality.get(key) or "").strip():
            missing.append(f"[locality] 的 {key}（{what}）")
    if not raw.get("standards"):
        missing.append("[standards.年份]（低保标准）")
    if missing:
        raise ConfigError("配置文件缺少必需的设置：" + "、".join(missing) + "；没有继续",
                          path=path, field=missing[0].split(" ")[0].strip("[]"), hint=RESTORE_HINT)


def _known_keys(model, loc: tuple) -> list[str]:
    """The keys allowed where an unknown key `loc` was found."""
    cls = model
    for part in loc[:-1]:
        fields = {f.alias or n: f for n, f in cls.model_fields.items()}
        field = fields.get(str(part))
        if field is None or not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)):
            return []
        cls = field.annotation
    return [f.alias or name for name, f in cls.model_fields.items()]


def _hint_for(dotted: str) -> str:
    section, _, key = dotted.partition(".")
    example = LimitsSection.model_fields[key.split(".")[0]].default if section == "limits" and key.split(".")[0] in LimitsSection.model_fields else ""
    for pattern in (dotted, f"{section}.{key.split('.')[0]}", f"{section}.*"):
        if pattern in HINTS:
            return HINTS[pattern].format(key=key, example=example)
    return "按 dibao init 生成的 dibao.toml 中的写法修改"


def _error(exc: ValidationError, path: Path | None) -> ConfigError:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    dotted = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        known = _known_keys(Config, loc)
        where = f"[{'.'.join(map(str, loc[:-1]))}] 中" if len(loc) > 1 else ""
        return ConfigError(f"未知设置“{dotted}”：{where}没有这一项", path=path, field=dotted,
                           hint=f"请检查拼写；可用的设置有：{'、'.join(known)}" if known else "请检查拼写，或删除这一行")
    value = err.get("input")
    section = str(loc[0]) if loc else ""
    if section == "limits":
        what = f"限制值“{loc[-1]}”应为大于0的数字"
    elif section in ("publicity", "deadlines"):
        what = f"“{loc[-1]}”应为不小于0的整数"
    elif section == "standards" and loc[-1] == "[key]" and len(loc) == 3:
        what, dotted = f"标准年份“{loc[1]}”不是数字", f"standards.{loc[1]}"
        return ConfigError(what, path=path, field=dotted, hint="写成 [standards.2024]")
    elif section == "standards" and loc[-1] == "[key]":
        what, dotted = f"标准地区“{loc[2]}”无效", f"standards.{loc[1]}.{loc[2]}"
        return ConfigError(what, path=path, field=dotted, hint="写“城市”或“农村”")
    elif section == "standards":
        what = "低保标准写法有误"
        dotted = ".".join(str(p) for p in loc[:3])
    elif section == "categories":
        what = f"表单 {loc[-1]} 的归档类别“{value}”无效"
    elif dotted == "search.backend":
        what = f"检索引擎“{value}”无效"
    else:
        what = f"设置“{dotted}”的值无效"
    return ConfigError(f"{what}，现在是 {value!r}" if value is not None and not isinstance(value, dict) else what,
                       path=path, field=dotted, hint=_hint_for(dotted))


def parse_config(raw: dict, path: Path | None = None, sha256: str = "") -> Config:
    """A `Config` from the parsed TOML; the first problem raises ConfigError naming the key and the fix."""
    from archive.records.program import parse_program_settings
    from archive.volumes.archival import parse_archival

    raw = {**raw, "archival": parse_archival(raw.get("archival"), path),
           "programs": parse_program_settings(raw, path)}
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as exc:
        raise _error(exc, path) from None
    _check_standards(cfg, path)
    _check_roster(cfg.roster.case_no, path)
    cfg._path = path
    cfg._sha256 = sha256
    return cfg


def _check_standards(cfg: Config, path) -> None:
    for year, areas in cfg.standards.items():
        for area, spec in areas.items():
            for x in (spec if isinstance(spec, list) else [spec]):
                if x.valid_from is not None and x.valid_from.year != year:
                    raise ConfigError("低保标准写法有误：valid_from 不在该年内", path=path, field=f"standards.{year}.{area}",
                                      hint=_hint_for(f"standards.{year}"))


def _check_roster(pat: str | None, path) -> None:
    """[roster] case_no: a pattern with {序号} (or {seq}), only {年}/{序号}/{村} (or year/seq/village)."""
    if pat is None:
        return
    try:
        sample = pat.format(年=2024, 序号=1, 村="东关村", year=2024, seq=1, village="东关村")
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError(f"对象编号规则“{pat}”写法有误（{exc}）", path=path, field="roster.case_no",
                          hint="只能用 {年}、{序号}（如 {序号:04} 表示4位、不足补0）和 {村}，如 " + ROSTER_KEYS["case_no"]) from exc
    if ("{序号" not in pat and "{seq" not in pat) or sample.strip() == "":
        raise ConfigError(f"对象编号规则“{pat}”中没有 {{序号}}，编号会重复", path=path, field="roster.case_no",
                          hint="加上 {序号}，如 " + ROSTER_KEYS["case_no"])
