"""Roster import and export of 10,000 households (~30,000 rows), as real `dibao import` and
`dibao export` runs (process start-up included).

    .venv/bin/python bench/roster_bench.py [--households 10000] [--runs 3] [--work /tmp/dibao-roster-bench]

The roster is generated once: one row per member (1-5 per household, ~3 on average), a title row,
household columns on every row, IDs as text, money as numbers, dates as text.  Import runs into a
fresh workspace each time (every household added, 10,000 record files written); the re-import
runs into the filled workspace (every household matched and unchanged, nothing written).  Export
writes all households.  Prints a Markdown table; medians of --runs runs.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.ids import check_char  # noqa: E402
from bench.common import fresh, loadavg, median, run_cli as _run_cli  # noqa: E402


def run_cli(args, memory=False):
    """bench.common.run_cli plus the CPU seconds (user + system) of the dibao process: on a shared
    machine the wall time mostly measures the other jobs."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = _run_cli(args, memory=memory)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    r["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return r

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国秀兰桂英志强丽萍红霞宏伟晓燕永生海军振华国平小军玉兰德明淑珍春梅金花"
RELS = ("配偶", "子", "女", "母亲")


def _id(rng: random.Random, year: int, male: bool, seq: int) -> str:
    s3 = (seq % 99) * 10 + (1 if male else 2)
    first17 = f"141029{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{s3 % 1000:03d}"
    return first17 + check_char(first17)


def make_roster(path: Path, households: int, seed: int = 7) -> int:
    import openpyxl

    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["永安镇城乡低保对象台账"])
    ws.append(["序号", "对象编号", "村（社区）", "组", "保障类别", "户主姓名", "姓名", "与户主关系", "身份证号",
               "保障人数", "月保障金", "享受时间", "开户银行", "银行卡号", "联系电话"])
    villages = ["东关村", "西关村", "团柏村", "洪岩村", "石门村", "城南社区", "城北社区"]
    rows = 0
    used: set[str] = set()
    for i in range(1, households + 1):
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        head = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)[:1]
        village = villages[i % len(villages)]
        typ = "城市低保" if "社区" in village else rng.choice(("农村低保", "农村低保", "特困", "低保边缘"))
        if typ == "特困":
            size = 1
        people = [(head, "本人", rng.randint(1940, 1985), rng.random() < 0.5)]
        for k in range(1, size):
            people.append((rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)[:1], RELS[k - 1],
                           rng.randint(1945, 2015), rng.random() < 0.5))
        for name, rel, year, male in people:
            idn = _id(rng, year, male, rows)
            while idn in used:
                idn = _id(rng, year, male, rows + rng.randint(1, 90))
            used.add(idn)
            ws.append([i, f"YA-B-{i:05d}", village, f"{rng.randint(1, 9)}组", typ, head, name, rel, idn, size,
                       rng.randint(100, 2000), f"2023.{rng.randint(1, 12)}.1", "汾西农商行",
                       f"622106{rng.randint(10**9, 10**10 - 1)}", f"138{rng.randint(10**7, 10**8 - 1)}"])
            rows += 1
    wb.save(path)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/dibao-roster-bench"))
    a = ap.parse_args()
    work = a.work
    work.mkdir(parents=True, exist_ok=True)
    src = work / "台账.xlsx"
    rows = make_roster(src, a.households)
    imports, reimports, exports = [], [], []
    for i in range(a.runs):
        ws = fresh(work / "ws")
        run_cli(["init", str(ws), "--profile", "fenxi"])
        r = run_cli(["--workspace", str(ws), "import", str(src)], memory=True)
        assert f"已新增 {a.households} 户" in r["stdout"], r["stdout"][-500:]
        imports.append((r["seconds"], r["peak_mb"], r["cpu"]))
        r = run_cli(["--workspace", str(ws), "import", str(src)], memory=True)
        assert f"{a.households} 户没有变化" in r["stdout"], r["stdout"][-500:]
        reimports.append((r["seconds"], r["peak_mb"], r["cpu"]))
        r = run_cli(["--workspace", str(ws), "export", str(work / "花名册.xlsx")], memory=True)
        assert f"已导出 {a.households} 户" in r["stdout"], r["stdout"][-500:]
        exports.append((r["seconds"], r["peak_mb"], r["cpu"]))
    print(f"roster: {a.households} households, {rows} rows, {src.stat().st_size / 1e6:.1f} MB; load {loadavg()}")
    print("| run | median wall s | runs wall s | median CPU s | peak RSS MB | target (wall) |")
    print("|---|---|---|---|---|---|")
    for label, xs in (("import into an empty workspace", imports), ("import again (all unchanged)", reimports),
                      ("export 花名册", exports)):
        secs = [round(x[0], 2) for x in xs]
        target = "< 10 s: met" if median(secs) < 10 else "< 10 s: missed"
        cpu = median([x[2] for x in xs])
        print(f"| {label} | {median(secs):.2f} | {secs} | {cpu:.2f} | {max(x[1] for x in xs):.0f} | {target} |")
    print(f"load after: {loadavg()}")


if __name__ == "__main__":
    main()
