"""Both backends give the same matches as a plain substring oracle on a synthetic corpus (tests/support/search.py)."""

from __future__ import annotations

import random

import pytest

from indexer import available_backends, open_index
from indexer.textnorm import match_key
from tests.support.search import corpus, make_queries, oracle_text


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    docs = corpus(200)
    out = {}
    for name in available_backends():
        ix = open_index(tmp_path_factory.mktemp(name) / "index", backend=name)
        ix.add(docs)
        ix.commit()
        out[name] = ix
    yield docs, out
    for ix in out.values():
        ix.close()


def test_backends_agree_with_substring_oracle(indexes):
    docs, ixs = indexes
    texts = {d.id: oracle_text(d) for d in docs}
    rng = random.Random(3)
    for q, pred in make_queries(docs, rng):
        expected = {i for i, t in texts.items() if pred(t)}
        for name, ix in ixs.items():
            res = ix.search(q, limit=len(docs))
            got = {h.doc_id for h in res.hits}
            assert got == expected and res.total == len(expected), (name, q, len(got), len(expected))


def test_filters_agree(indexes):
    docs, ixs = indexes
    for q, filters, pred in [
        ("入户调查", {"village": "黄沙村"}, lambda d: d.village == "黄沙村"),
        ("复查", {"type": "特困", "year": "2023"}, lambda d: d.type == "特困人员" and d.year == 2023),
        ("category:财务类 低保金", None, lambda d: d.category == "财务类"),
        ("year:2022-2023 -village:白石村 年审", None, lambda d: d.year in (2022, 2023) and d.village != "白石村"),
    ]:
        word = q.split()[-1] if filters is None else q
        expected = {d.id for d in docs if pred(d) and match_key(word) in oracle_text(d)}
        for name, ix in ixs.items():
            res = ix.search(q, filters, limit=len(docs))
            assert {h.doc_id for h in res.hits} == expected, (name, q, filters)
