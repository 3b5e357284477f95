"""Known OCR confusions of workspace words are corrected in indexed text, and nothing else."""

from __future__ import annotations

import pytest

from indexer import Doc, open_index
from indexer.vocab import Corrector, workspace_words

WORDS = ["周秀英", "岳明", "黄沙街镇", "岳阳县城乡最低生活保障对象年度审核登记表", "聂家湾村"]


@pytest.mark.parametrize("ocr,expected", [
    ("拓阳县民政局", "岳阳县民政局"),            # 岳→拓 (domain word 岳阳县)
    ("天阳县城乡最低生活保障对象年度审核登记表", "岳阳县城乡最低生活保障对象年度审核登记表"),
    ("老人无购养人", "老人无赡养人"),            # 赡→购
    ("湖北省哪州市加城区", "湖北省鄂州市鄂城区"),  # 鄂→哪/加
    ("忽底保障", "兜底保障"),                    # 兜→忽
    ("济泽市", "菏泽市"),                        # 菏→济
    ("及家湾村", "聂家湾村"),                    # 聂→及, a village of the workspace
    ("赡口养义务", "赡养义务"),                  # stray 口 inside a word
    ("周秀口英", "周秀英"),                      # ... inside a name of the workspace
    # left alone:
    ("天明", "天明"),                            # a two-character name's misspelling is a real word
    ("人口", "人口"),
    ("天气很好，加油", "天气很好，加油"),          # single characters are never corrected
    ("周秀荚", "周秀荚"),                        # a confusion that is not in the table
])
def test_corrections(ocr, expected):
    assert Corrector(WORDS)(ocr) == expected


def test_workspace_words_from_manifests_and_records():
    manifests = [{"household": {"head": "周秀英", "village": "黄秀村", "town": "黄沙街镇", "county": "岳阳县"},
                  "volumes": [{"documents": [{"title": "社会救助申请书"}]}]}]
    households = [{"village": "荷塘村", "members": [{"name": "聂小兵"}, {"name": "周建国"}]}]
    words = workspace_words(manifests, households)
    assert {"周秀英", "黄秀村", "黄沙街镇", "岳阳县", "社会救助申请书", "荷塘村", "聂小兵", "周建国"} <= set(words)


def test_misread_name_found_through_the_index(tmp_path):
    ix = open_index(tmp_path / "index")
    ix.corrector = Corrector(["聂小兵"])
    ix.add([Doc(id="p1", group="g/1", text="申请人：及小兵，老人无购养人，户籍拓阳县")])
    ix.commit()
    try:
        for q in ("聂小兵", "赡养人", '"岳阳县"'):
            assert ix.search(q).total == 1, q
        assert "聂小兵" in ix.search("聂小兵").hits[0].snippet
    finally:
        ix.close()
