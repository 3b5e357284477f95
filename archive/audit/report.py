"""Summaries and the text / JSON forms of an audit.

Completion rate (完成率) of a village or town: households with nothing missing ÷ households
(reminders and inspector flags do not make a household incomplete; flags are counted
separately).  Households whose only missing items are forms waiting for signatures
(待签字归档) are counted apart too (only_unsigned).  Counts by kind count gaps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from archive.audit.gaps import ALL_GAP_KINDS, FLAG_KIND_HELP, FLAG_KINDS, GAP_KIND_HELP, GAP_KINDS, REMINDER


@dataclass
class Tally:
    name: str
    households: int = 0
    complete: int = 0
    only_unsigned: int = 0        # households whose only missing items wait for signatures (待签字归档)
    gaps: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)

    def add(self, h, counted: tuple | None = None) -> None:
        complete, unsigned, kinds, flag_kinds = counted or _counted(h)
        self.households += 1
        self.complete += complete
        self.only_unsigned += unsigned
        if kinds:
            self.gaps.update(kinds)
        if flag_kinds:
            self.flags.update(flag_kinds)

    def merge(self, other: "Tally") -> None:
        """Add another tally's counts (a village's to its town and the total)."""
        self.households += other.households
        self.complete += other.complete
        self.only_unsigned += other.only_unsigned
        self.gaps.update(other.gaps)
        self.flags.update(other.flags)

    @property
    def rate(self) -> float:
        return self.complete / self.households if self.households else 1.0

    @property
    def missing(self) -> int:
        return sum(n for k, n in self.gaps.items() if k != REMINDER)

    def rate_text(self) -> str:
        return f"{self.rate * 100:.1f}%"

    def as_dict(self) -> dict:
        return {"name": self.name, "households": self.households, "complete": self.complete,
                "only_unsigned": self.only_unsigned,
                "incomplete": self.households - self.complete, "completion_rate": round(self.rate, 4),
                "missing": self.missing, "by_kind": {k: self.gaps.get(k, 0) for k in ALL_GAP_KINDS},
                "flags": {k: self.flags.get(k, 0) for k in FLAG_KINDS}}


@dataclass
class Summary:
    total: Tally
    towns: list[Tally]
    villages: list[tuple[str, Tally]]        # (town, tally) in worklist order

    def as_dict(self) -> dict:
        return {"total": self.total.as_dict(), "towns": [t.as_dict() for t in self.towns],
                "villages": [{"town": town, **t.as_dict()} for town, t in self.villages]}


def _counted(h) -> tuple:
    """(complete, only waiting for signatures, gap kinds, flag kinds) of one household: counts only,
    the gaps' texts are not built."""
    kinds = h.gap_kinds
    missing = [k for k in kinds if k != REMINDER]
    return (not missing, bool(missing) and all(k == "待签字归档" for k in missing), kinds, [f.kind for f in h.flags])


def summarize(result) -> Summary:
    """Tallies per village (each household counted once), added up per town and for the total."""
    total = Tally("合计")
    towns: dict[str, Tally] = {}
    villages: dict[tuple[str, str], Tally] = {}
    for h in result.households:
        village = villages.get((h.town, h.village))
        if village is None:
            village = villages[(h.town, h.village)] = Tally(h.village)
        village.add(h)
    for (town_name, _), village in villages.items():
        town = towns.get(town_name)
        if town is None:
            town = towns[town_name] = Tally(town_name)
        town.merge(village)
        total.merge(village)
    total.flags["记录无法读取"] += len(result.unreadable)
    return Summary(total, list(towns.values()), [(town, t) for (town, _), t in villages.items()])


def kinds_line(t: Tally, kinds=GAP_KINDS) -> str:
    parts = [f"{k} {t.gaps[k]}" for k in kinds if t.gaps.get(k)]
    return "，".join(parts) if parts else "无缺件"


def flags_line(t: Tally) -> str:
    parts = [f"{k} {t.flags[k]}" for k in FLAG_KINDS if t.flags.get(k)]
    return "，".join(parts)


def headline(result, summary: Summary | None = None) -> str:
    s = summary or summarize(result)
    t = s.total
    text = (f"共 {t.households} 户，资料齐全 {t.complete} 户（完成率 {t.rate_text()}），"
            + (f"另有 {t.only_unsigned} 户只差签字归档，" if t.only_unsigned else "")
            + f"缺件 {t.missing} 项（{kinds_line(t)}）")
    fl = flags_line(t)
    if fl:
        text += f"；核查提示 {sum(t.flags.values())} 条（{fl}）"
    return text + "。"


SCREEN_LIMIT = 2000   # households: above this the screen report lists villages only (unless asked for all)


def render_text(result, verbose: bool = False, full: bool | None = None) -> str:
    """The plain report `dibao audit` prints: header, per village the worklist, then the summary.

    For more than SCREEN_LIMIT households (a whole county) the household lines are left out
    unless `full`: the Excel / PDF report or --village is the way to read them."""
    s = summarize(result)
    if full is None:
        full = len(result.households) <= SCREEN_LIMIT
    out = [f"低保档案审计（缺什么补什么）  审计日期 {result.as_of.isoformat()}",
           f"规则：{result.rules.title or result.rules.path}（{result.rules.path}）"]
    if result.village:
        out.append(f"只看：{result.village}")
    if result.kinds:
        out.append(f"只看缺件种类：{'、'.join(result.kinds)}")
    out.append("")
    by_village: dict[tuple[str, str], list] = {}
    for h in result.households:
        by_village.setdefault((h.town, h.village), []).append(h)
    tallies = dict(((town, t.name), t) for town, t in s.villages)
    for (town, village), hs in by_village.items():
        t = tallies[(town, village)]
        out.append(f"【{town} {village}】{t.households} 户，齐全 {t.complete} 户（{t.rate_text()}），"
                   f"缺件 {t.missing} 项：{kinds_line(t)}" + (f"；核查提示：{flags_line(t)}" if t.flags else ""))
        for h in (hs if full else ()):
            if not h.gaps and not h.flags:
                continue
            where = f"{h.group} " if h.group else ""
            miss = len(h.missing)
            out.append(f"  {where}{h.case_no} {h.head}户（{h.type}）"
                       + (f"  缺 {miss} 项" if miss else "  资料齐全") + (f"，核查提示 {len(h.flags)} 条" if h.flags else ""))
            for i, g in enumerate(h.gaps, 1):
                out.append(f"    {i}. [{g.kind}] {g.what}（{g.category}）" + ("" if verbose else f"：{g.why}"))
                if verbose:
                    out.append(f"       原因：{g.why}")
                    out.append(f"       依据：{g.source}")
                    out.append(f"       怎么补：{g.fix}")
            for f in h.flags:
                out.append(f"    ※ [{f.kind}] {f.detail}")
                if verbose:
                    out.append(f"       依据：{f.source}")
                    out.append(f"       处理：{f.fix}")
        out.append("")
    if result.unreadable:
        out.append("【无法读取的记录】（没有审计，先改正）")
        for h in result.unreadable:
            out.append(f"  {h.record}：{h.flags[0].detail}")
        out.append("")
    if len(s.towns) > 1 or len(s.villages) > 1:
        out.append("【汇总】")
        for town, t in (s.villages if full else ()):
            out.append(f"  {town} {t.name}：{t.households} 户，齐全 {t.complete} 户，完成率 {t.rate_text()}，"
                       f"缺件 {t.missing} 项")
        for t in s.towns:
            out.append(f"  {t.name} 合计：{t.households} 户，齐全 {t.complete} 户，完成率 {t.rate_text()}")
    out.extend(result.notes)
    if not full:
        out.append(f"（共 {len(result.households)} 户，屏幕上只列各村统计。逐户清单：dibao audit --village 村名，"
                   "或 --xlsx 文件 / --pdf 文件，或加 --all 全部列出）")
    out.append(headline(result, s))
    return "\n".join(out)


def as_json(result) -> dict:
    s = summarize(result)
    return {
        "audit_version": 1,
        "as_of": result.as_of.isoformat(),
        "profile": result.profile,
        "rules": {"path": str(result.rules.path), "title": result.rules.title},
        "filters": {"village": result.village, "kinds": list(result.kinds) if result.kinds else None},
        "clean": result.clean,
        "summary": s.as_dict(),
        "households": [h.as_dict() for h in result.households],
        "unreadable": [{"record": h.record, "problem": h.flags[0].detail} for h in result.unreadable],
        "kinds": {**{k: GAP_KIND_HELP[k] for k in ALL_GAP_KINDS}},
        "flag_kinds": dict(FLAG_KIND_HELP),
        "notes": result.notes,
    }
