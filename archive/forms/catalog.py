"""The form catalog: templates/docx/catalog.toml, one [[form]] per appendix form of the seeds."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from archive.config import CATEGORIES
from archive.errors import ConfigError, InputError
from archive.records.model import EVENT_TYPES

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "docx"
CATALOG_NAME = "catalog.toml"


@dataclass(frozen=True)
class FormSpec:
    id: str
    title: str
    file: str
    seed: str
    seed_ref: str
    scope: str              # household | list
    list_scope: str | None  # village | town (list forms)
    category: str           # default archive category
    event: str | None       # record event type the form belongs to, None when none
    public: bool
    condition: str
    order: int

    @property
    def path(self) -> Path:
        return template_dir() / self.file

    @property
    def is_list(self) -> bool:
        return self.scope == "list"

    def category_for(self, config) -> str:
        """The category after the workspace's [categories] overrides."""
        return config.category_of(self.id, self.category) if config is not None else self.category


def template_dir() -> Path:
    return TEMPLATE_DIR


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> tuple[FormSpec, ...]:
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"表单目录无法读取：{exc}", path=path, hint="恢复 templates/docx/catalog.toml（可从安装包重新取得）") from exc
    out: list[FormSpec] = []
    seen: set[str] = set()
    for i, f in enumerate(raw.get("form") or []):
        where = f"form[{i}]"
        try:
            spec = FormSpec(
                id=str(f["id"]), title=str(f["title"]), file=str(f["file"]), seed=str(f.get("seed", "")),
                seed_ref=str(f.get("seed_ref", "")), scope=str(f["scope"]), list_scope=f.get("list_scope"),
                category=str(f["category"]), event=None if f.get("event", "none") == "none" else str(f["event"]),
                public=bool(f.get("public", False)), condition=str(f.get("condition", "")), order=int(f.get("order", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"表单目录第 {i + 1} 条缺少或写错了字段 {exc}", path=path, field=where,
                              hint="每条 [[form]] 需要 id、title、file、scope、category") from exc
        if spec.id in seen:
            raise ConfigError(f"表单编号 {spec.id} 重复", path=path, field=where, hint="每张表用不同的 id")
        if spec.scope not in ("household", "list") or (spec.scope == "list" and spec.list_scope not in ("village", "town")):
            raise ConfigError(f"表单 {spec.id} 的 scope 写错了", path=path, field=where,
                              hint='scope 写 "household" 或 "list"；list 还要写 list_scope = "village" 或 "town"')
        if spec.category not in CATEGORIES:
            raise ConfigError(f"表单 {spec.id} 的归档类别“{spec.category}”无效", path=path, field=where,
                              hint="写 审批类、日常管理类 或 财务类")
        if spec.event is not None and spec.event not in EVENT_TYPES:
            raise ConfigError(f"表单 {spec.id} 的事件“{spec.event}”无效", path=path, field=where,
                              hint=f"写以下之一：{'、'.join(EVENT_TYPES)}，或 none")
        seen.add(spec.id)
        out.append(spec)
    return tuple(out)


def load_catalog() -> list[FormSpec]:
    """Every form of the catalog, in catalog order."""
    path = template_dir() / CATALOG_NAME
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise ConfigError("找不到表单目录 catalog.toml", path=path, hint="检查安装是否完整（templates/docx/）") from exc
    return list(_load(path, mtime))


def get(form_id: str) -> FormSpec:
    for spec in load_catalog():
        if spec.id == form_id:
            return spec
    ids = "、".join(s.id for s in load_catalog())
    raise InputError(f"没有编号为“{form_id}”的表单", field="表单编号", hint=f"可用 dibao forms list 查看；现有：{ids}")
