"""A synthetic page corpus for the search backends and a plain substring oracle to compare them with.

``corpus(n)`` is also used by the benchmark.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from indexer import Doc, available_backends, open_index
from indexer.textnorm import match_key
from tests.support.records import make_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国秀英明华丽军平芳红伟强敏静丹霞桂兰玉梅春生德福海波勇志刚永林小宝凤琴金花云飞翠荣"
VILLAGES = ["黄沙村", "白石村", "东山村", "新港村", "荷花村", "柳林村", "大塘村", "石桥村"]
TOWNS = ["黄沙街镇", "新墙镇", "荣家湾镇"]
TYPES = ["农村低保", "城市低保", "特困人员", "低保边缘"]
FORMS = [("社会救助申请书", "审批类"), ("入户调查表", "审批类"), ("最低生活保障审核确认表", "审批类"),
         ("社会救助对象定期核查记录表", "日常管理类"), ("岳阳县城乡最低生活保障对象年度审核登记表", "日常管理类"),
         ("岳阳县低保（低保边缘）家庭收入计算评估表", "财务类"), ("在保对象汇总表", "财务类")]
PHRASES = ["家庭经济状况", "入户调查", "民主评议", "审核意见", "同意保障", "继续保障", "停发", "残疾证", "重病支出",
           "教育支出", "务工收入", "种植收入", "养殖收入", "低保金", "月人均收入", "公示无异议", "照料护理协议",
           "户口簿", "身份证", "医保结算单", "学费证明", "租房合同", "银行卡", "家庭人口", "共同生活", "赡养义务",
           "劳动能力", "慢性病", "复查", "年审", "动态管理", "应保尽保", "申请人", "调查人", "负责人签名"]


def corpus(n: int, seed: int = 7) -> list[Doc]:
    """n page documents of about 300 characters, from households of 3 to 12 pages."""
    rng = random.Random(seed)
    docs: list[Doc] = []
    h = 0
    while len(docs) < n:
        h += 1
        head = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        case = f"HS-{rng.choice((2022, 2023, 2024))}-{h:04d}"
        hid = make_id("430621", f"19{rng.randint(40, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}", h % 999, h % 2 == 0)
        village, town, htype = rng.choice(VILLAGES), rng.choice(TOWNS), rng.choice(TYPES)
        for seq in range(1, rng.randint(3, 12) + 1):
            title, category = rng.choice(FORMS)
            year = rng.choice((2022, 2023, 2024))
            words = [rng.choice(PHRASES) for _ in range(rng.randint(20, 45))]
            if rng.random() < 0.5:
                words.insert(rng.randint(0, len(words)), f"户主{head}")
            if rng.random() < 0.2:
                words.insert(rng.randint(0, len(words)), f"身份证号{hid}")
            text = title + "\n" + "，".join(words) + "。"
            docs.append(Doc(id=f"{case}/{category}/{seq}/p1", group="a/" + case, text=text, household=case,
                            head=head, village=village, town=town, type=htype, category=category, title=title,
                            date=f"{year}-05-01", year=year, path=f"archive/{village}/{case}_{head}/{category}.pdf",
                            page=seq))
            if len(docs) >= n:
                break
    return docs


def oracle_text(d: Doc) -> str:
    meta = "\n".join(x for x in (d.title, d.head, d.village, d.town, d.type, d.category, d.household) if x)
    return match_key(meta) + "|" + match_key(d.text)   # a phrase ignores punctuation, not the meta/text border


def make_queries(docs, rng):
    heads = sorted({d.head for d in docs})
    qs = []
    for _ in range(12):
        a, b = rng.sample(PHRASES, 2)
        ka, kb = match_key(a), match_key(b)
        qs += [(a, lambda t, a=ka: a in t),
               (f"{a} {b}", lambda t, a=ka, b=kb: a in t and b in t),
               (f"{a} OR {b}", lambda t, a=ka, b=kb: a in t or b in t),
               (f"{a} -{b}", lambda t, a=ka, b=kb: a in t and b not in t)]
    for head in rng.sample(heads, 6):
        qs.append((head, lambda t, h=head: h in t))
        qs.append((f"{head[:2]} NOT 复查", lambda t, h=head[:2]: h in t and "复查" not in t))
    return qs


def bench(n: int, root: Path) -> None:
    """Analysis, build and query timings for n synthetic documents on every backend (printed)."""
    docs = corpus(n)
    rng = random.Random(5)
    from indexer import analysis

    analysis.jieba_tokenizer()
    qs = [q for q, _ in make_queries(docs, rng)] + ["户主 village:黄沙村", '"家庭经济状况"', "year:2024 type:特困 复查"]
    rows = None
    for name in available_backends():
        ix = open_index(root / name / "index", backend=name)
        if rows is None:
            t0 = time.perf_counter()
            rows = [ix._flatten(d) for d in docs]
            print(f"analysis (jieba + bigrams + IDs, same for every engine): {n} docs in "
                  f"{time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        ix.backend.add(rows)
        ix.commit()
        build = time.perf_counter() - t0
        times = []
        for q in qs * 3:
            t = time.perf_counter()
            ix.search(q, limit=20)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        size = sum(p.stat().st_size for p in (root / name).rglob("*") if p.is_file())
        print(f"{name}: {n} docs, engine build {build:.1f} s, size {size / 1e6:.1f} MB, "
              f"query p50 {times[len(times) // 2]:.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms")
        ix.close()


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        bench(int(sys.argv[1]) if len(sys.argv) > 1 else 3000, Path(tmp))
