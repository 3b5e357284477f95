"""`dibao verify`: fixity check of the built archive.

Every output listed in the manifests (volumes) and in build-summary.json (box lists,
town summary) is hashed again and compared with the recorded sha256; so is every
source the manifests record (household record, scans, templates, configuration).
Files under the output folder that no manifest knows are reported as unknown
(a temporary file left by an interrupted build is named as such).  Nothing is
written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ConfigError
from archive.fsutil import TMP_PREFIX, sha256_file
from archive.volumes.manifest import MANIFEST_NAME, OUT_MARKER, SUMMARY_NAME, find_manifests, rel_to, scan_folder_files, template_key

KIND_TEXT = {
    "changed": "输出文件已被改动（与生成时的校验值不符）",
    "missing": "输出文件缺失",
    "unknown": "输出目录中有清单之外的文件",
    "temp": "中断的生成留下的临时文件（重新运行 dibao build 会清理）",
    "source_changed": "源文件在生成后有改动（重新运行 dibao build 以更新卷宗）",
    "source_missing": "源文件已不存在",
    "source_new": "新增的扫描件尚未归档（重新运行 dibao build）",
    "template_changed": "表单模板在生成后有改动",
    "config_changed": "工作区配置 dibao.toml 在生成后有改动",
}


@dataclass
class Finding:
    kind: str
    path: str
    case_no: str | None = None

    def render(self) -> str:
        who = f"[{self.case_no}] " if self.case_no else ""
        return f"{who}{KIND_TEXT.get(self.kind, self.kind)}：{self.path}"


@dataclass
class VerifyReport:
    out: Path
    households: int = 0
    outputs_checked: int = 0
    sources_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict:
        return {"out": str(self.out), "households": self.households, "outputs_checked": self.outputs_checked,
                "sources_checked": self.sources_checked, "ok": self.ok,
                "findings": [{"kind": f.kind, "path": f.path, "case_no": f.case_no, "message": KIND_TEXT.get(f.kind, f.kind)}
                             for f in self.findings]}

    def summary(self) -> str:
        head = (f"核对了 {self.households} 户的 {self.outputs_checked} 个输出文件和 {self.sources_checked} 个源文件")
        if self.ok:
            return head + "：全部与清单一致。"
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        parts = "，".join(f"{KIND_TEXT[k].split('（')[0]} {n} 个" for k, n in counts.items())
        return head + f"：发现 {len(self.findings)} 处不一致（{parts}）。"


def _check(path: Path, sha: str | None) -> str | None:
    """None when the file has the recorded hash, else 'missing' or 'changed'."""
    if not path.is_file():
        return "missing"
    try:
        return None if sha256_file(path) == sha else "changed"
    except OSError:
        return "missing"


def verify(ws, out: Path | None = None, sources: bool = True) -> VerifyReport:
    out = Path(out).resolve() if out else ws.output_dir
    if not out.is_dir():
        raise ConfigError("没有找到已生成的卷宗目录", path=out, hint="先运行 dibao build；如果卷宗在别处，用 --out 指定")
    rep = VerifyReport(out=out)
    known: set[Path] = {out / SUMMARY_NAME, out / OUT_MARKER}
    for case, found in sorted(find_manifests(out).items()):
        for folder, m in found:
            rep.households += 1
            known.add(folder / MANIFEST_NAME)
            for v in m.get("volumes", []):
                p = folder / v["file"]
                known.add(p)
                rep.outputs_checked += 1
                bad = _check(p, v.get("sha256"))
                if bad:
                    rep.findings.append(Finding(bad, rel_to(p, out), case))
            if sources:
                _check_sources(ws, m, case, rep)
    try:
        state = json.loads((out / SUMMARY_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        state = {}
    generated = list((state.get("boxes") or {}).values()) + ([state["summary"]] if state.get("summary") else [])
    for rec in generated:
        p = out / rec["file"]
        known.add(p)
        rep.outputs_checked += 1
        bad = _check(p, rec.get("sha256"))
        if bad:
            rep.findings.append(Finding(bad, rec["file"]))
    once: set[tuple[str, str]] = set()
    kept = []
    for f in rep.findings:  # a changed template or configuration concerns every household: say it once
        if f.kind in ("template_changed", "config_changed"):
            if (f.kind, f.path) in once:
                continue
            once.add((f.kind, f.path))
            f.case_no = None
        kept.append(f)
    rep.findings = kept
    for p in sorted(out.rglob("*")):
        if p.is_file() and p not in known:
            rep.findings.append(Finding("temp" if p.name.startswith(TMP_PREFIX) else "unknown", rel_to(p, out)))
    return rep


def _check_sources(ws, m: dict, case: str, rep: VerifyReport) -> None:
    inputs = m.get("inputs") or {}
    root = ws.root
    rec = inputs.get("record") or {}
    if rec.get("path"):
        rep.sources_checked += 1
        bad = _check(root / rec["path"], rec.get("sha256"))
        if bad:
            rep.findings.append(Finding("source_" + bad, rec["path"], case))
    recorded = {f["path"]: f for f in inputs.get("files") or []}
    for path, f in recorded.items():
        if f.get("sha256") == "unreadable":
            continue
        rep.sources_checked += 1
        bad = _check(root / path, f.get("sha256"))
        if bad:
            rep.findings.append(Finding("source_" + bad, path, case))
    folder = ws.scans_dir / case
    for p in scan_folder_files(folder):
        rel = rel_to(p, root)
        if rel not in recorded:
            rep.findings.append(Finding("source_new", rel, case))
    for form_id, sha in (inputs.get("templates") or {}).items():
        try:
            now = template_key(form_id)
        except Exception:  # noqa: BLE001 - a template that no longer exists counts as changed
            now = None
        if now != sha:
            rep.findings.append(Finding("template_changed", form_id, case))
    if inputs.get("config") and inputs["config"] != ws.config.sha256:
        rep.findings.append(Finding("config_changed", "dibao.toml", case))
