"""indexer.textnorm.normalize: one table of cases, and what the index makes of them."""

from __future__ import annotations

import pytest

from indexer import Doc, open_index
from indexer.analysis import seq_tokens
from indexer.textnorm import match_key, normalize

CASES = [
    # (what the page or query has, what normalize gives)
    ("審核 ＡＢＣ１２３", "审核 ABC123"),                               # traditional, full-width
    ("入 户 调 查", "入户调查"),                                        # OCR spaces between characters
    ("老人无赡\n养人", "老人无赡养人"),                                   # a word wrapping a line
    ("信用信息共享\n  平台授权书", "信用信息共享平台授权书"),              # wrap with indentation
    ("应保尽保、\n应退尽退", "应保尽保、应退尽退"),                       # line ends with punctuation
    ("截至\n2022 年 12 月", "截至2022年12月"),                          # wrap before a number; number–Chinese spaces
    ("西山街道2022\n年城市低保", "西山街道2022年城市低保"),
    ("| 星期一", "星期一"),                                           # table border read at line start
    ("丨申请人丨张三丨", "申请人张三"),                                   # 丨 is a border, never text
    ("□ 同意\n☑ 不同意", "同意不同意"),                                 # check boxes dropped, Chinese lines joined
    ("口 同意保障", "同意保障"),                                        # a check box read as 口
    ("人口 3 人", "人口3人"),                                           # a real 口 stays
    ("_ 家庭住址", "家庭住址"),
    ("“应保尽保”", '"应保尽保"'),                                      # quotes folded
    ("HS-2023-001\nHS-2023-002", "HS-2023-001\nHS-2023-002"),         # Latin lines are not joined
    ("1200.00\n350.00", "1200.00\n350.00"),                           # nor numbers in a column
    ("張三豐 戶主", "张三丰户主"),
    ("", ""),
]


@pytest.mark.parametrize("raw,expected", CASES)
def test_normalize_table(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("a,b", [
    ("西山街道2022年城市低保", "西山街道 2022 年城市低保"),
    ("应保尽保、应退尽退", "应保尽保应退尽退"),
    ("应保尽保，应退尽退", "应保尽保\n应退尽退"),
    ("赡养义务", "赡\n养 义 务"),
    ("信用信息共享平台", "信用信息共享\n平台"),
])
def test_phrase_equal_whatever_the_separators(a, b):
    assert match_key(a) == match_key(b)
    assert seq_tokens(normalize(a)) == seq_tokens(normalize(b))


def test_queries_keep_their_spaces():
    assert normalize("张三 OR 李四", join_cjk=False) == "张三 OR 李四"
    assert normalize("2022 年", join_cjk=False) == "2022 年"


def test_index_finds_wrapped_and_punctuated_phrases(tmp_path):
    pages = {
        "p1": "本人同意授权查询信用信息共享\n平台的家庭经济状况信息",
        "p2": "西山街道2022 年城市低保名册",
        "p3": "坚持应保尽保应退尽退的原则",
        "p4": "| 老人无赡\n养人，无劳动能力",
        "p5": "与本案无关的一页：共享单车平台",
    }
    ix = open_index(tmp_path / "index", backend="auto")
    ix.add([Doc(id=k, group="g/" + k, text=v) for k, v in pages.items()])
    ix.commit()
    try:
        for q, want in [('"信用信息共享平台"', {"p1"}), ('"西山街道2022年城市低保"', {"p2"}),
                        ('"应保尽保、应退尽退"', {"p3"}), ("赡养人", {"p4"}), ('"老人无赡养人"', {"p4"})]:
            res = ix.search(q, limit=10)
            assert {h.doc_id for h in res.hits} == want, q
        hit = ix.search('"西山街道2022年城市低保"').hits[0]
        assert "【西山街道2022年城市低保】" in hit.snippet
        hit = ix.search('"应保尽保、应退尽退"').hits[0]
        assert "【应保尽保应退尽退】" in hit.snippet
    finally:
        ix.close()
