"""Near matches (indexer.near): a query that finds no page finds the pages that hold it with one
character misread, marked as such; exact answers, short words, OR/NOT queries and filters unchanged."""

from __future__ import annotations

import pytest

from indexer import Doc, available_backends, open_index
from indexer import ocr
from indexer.report import format_result

PAGES = {
    "a": ("在该社区动态审核车束后按照规定程序办理", "甲村"),          # 审核结束后, 结 read as 车
    "b": ("审核工作结束后，及时公示无异议", "乙村"),                  # two characters apart: not near
    "c": ("与乡村振兴有效衔接的铬底性工作事关困难群众", "甲村"),       # 兜 read as 铬
    "d": ("严格落实工作专班制度，按月调度", "乙村"),
    "e": ("严岂按照政策规定办事，成立工作专班", "甲村"),               # 严格按 with 格 read as 岂
    "f": ("家庭经济状况核对授权书 申请人签字", "乙村"),
}


@pytest.fixture(scope="module", params=available_backends())
def ix(request, tmp_path_factory):
    index = open_index(tmp_path_factory.mktemp(request.param) / "index", backend=request.param)
    index.add([Doc(id=k, group=f"a/{k}", text=t, household=f"H-{k}", village=v, page=1)
               for k, (t, v) in PAGES.items()])
    index.commit()
    yield index
    index.close()


def ids(res):
    return [h.doc_id for h in res.hits]


def test_one_misread_character_is_found_and_said_to_be_near(ix):
    res = ix.search("审核结束后")
    assert ids(res) == ["a"] and res.approximate and res.total == 1
    assert "只差一个字" in res.notes[-1]
    assert "【审核车束后】" in res.hits[0].snippet
    text = format_result(res)
    assert text.startswith("没有完全符合的页。与查询只差一个字的有 1 页") and "H-a" in text
    assert ids(ix.search('"效衔接的兜底"')) == ["c"]


def test_exact_answers_are_not_loosened(ix):
    res = ix.search("结束后")
    assert ids(res) == ["b"] and not res.approximate
    assert ix.search("授权书").approximate is False


def test_other_words_stay_exact_and_filters_apply(ix):
    res = ix.search("严格按 工作专班")   # 严格按 is nowhere exactly; the near page also holds 工作专班
    assert set(ids(res)) == {"e", "d"} and res.approximate   # 严格落 is one character from 严格按 too
    assert ids(ix.search("严格按 工作专班", {"village": "甲村"})) == ["e"]
    assert ix.search("审核结束后", {"village": "乙村"}).total == 0
    assert ix.search("严格按 工作专栏").total == 0   # two words each one character off: not near


@pytest.mark.parametrize("query", ["结车后", "审核结束后 OR 无关词语", "审核结束后 -程序", "周秀英", "审核结束后续"])
def test_short_or_complex_or_too_far_queries_are_not_loosened(ix, query):
    res = ix.search(query)
    assert res.total == 0 and not res.approximate and res.suggestion


def test_tilted_photo_lines_stay_apart():
    """Two tilted lines (a photographed page): each bounding rectangle reaches into the other line,
    and the second line is in two boxes; lines come out whole and in order."""
    def box(x0, x1, y_left, slope, h=20):
        return [[x0, y_left], [x1, y_left + slope * (x1 - x0)], [x1, y_left + slope * (x1 - x0) + h],
                [x0, y_left + h]]
    boxes = [box(10, 810, 100, 0.05),                 # line 1: y 100 -> 140 across the page
             box(10, 400, 132, 0.05),                 # line 2, left part: 132 -> 151.5
             box(420, 810, 132 + 0.05 * 410, 0.05)]   # line 2, right part
    assert ocr.lines_text(boxes, ["第一行全文", "第二行左", "第二行右"]) == "第一行全文\n第二行左 第二行右\n"
