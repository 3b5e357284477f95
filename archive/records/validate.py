"""`dibao validate`: check many records, report every problem at once, keep going after bad files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import InputError
from archive.records.model import Household
from archive.records.load import LoadedRecord, Problem, cross_checks, iter_record_paths, load_record, load_valid


@dataclass
class Report:
    records: list[LoadedRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def summary(self) -> str:
        n = len(self.records)
        bad = sum(1 for r in self.records if not r.ok)
        if not self.errors:
            w = f"，{len(self.warnings)} 条提醒" if self.warnings else ""
            return f"检查了 {n} 户记录，全部通过{w}。"
        return (f"检查了 {n} 户记录：{n - bad} 户通过，{bad} 户有问题，共 {len(self.errors)} 处错误"
                f"{f'、{len(self.warnings)} 条提醒' if self.warnings else ''}。按上面的处理办法改正后重新运行 dibao validate。")

    def as_dict(self) -> dict:
        return {"records": len(self.records), "ok": sum(1 for r in self.records if r.ok),
                "errors": len(self.errors), "warnings": len(self.warnings),
                "problems": [p.as_dict() for p in self.problems]}


def validate_paths(state, paths: list[Path]) -> Report:
    ws = state.ws_or_none()
    if not paths:
        if ws is None:
            state.ws  # raises the "not a workspace" error with its advice
        paths = [ws.households_dir]
    for p in paths:
        if not Path(p).exists():
            raise InputError("文件或目录不存在", path=p, hint="检查路径是否写对")
    root = ws.root if ws else None
    report = Report()
    for path in iter_record_paths(paths):
        rec = load_record(path, root)
        report.records.append(rec)
    cross_checks(report.records)
    for rec in report.records:
        report.problems.extend(rec.problems)
    return report


def load_one(state, path: Path) -> Household:
    """Load one record for a command that needs it valid; raises InputError listing its problems."""
    ws = state.ws_or_none()
    return load_valid(Path(path), ws.root if ws else None)
