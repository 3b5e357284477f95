"""whoosh 2.7 backend (pure Python): whitespace tokenizer over pre-analysed text."""

from __future__ import annotations

from pathlib import Path

from whoosh import fields, index as windex, query as wq
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.index import LockError

from archive.errors import WorkspaceBusy
from indexer.engine import INT_FIELDS, KEYWORD_FIELDS, STORED_FIELDS, TOKEN_FIELDS, All, Bool, Found, Phrase, Term

_PHRASE = {"words": False, "seq": True, "ids": False}


def _schema():
    spec = {}
    for name in KEYWORD_FIELDS:
        spec[name] = fields.ID(stored=True)
    for name in STORED_FIELDS:
        spec[name] = fields.STORED()
    for name in TOKEN_FIELDS:
        spec[name] = fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=_PHRASE[name], stored=False)
    for name in INT_FIELDS:
        spec[name] = fields.STORED()
    return fields.Schema(**spec)


class WhooshBackend:
    name = "whoosh"

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        if windex.exists_in(str(path)):
            self.ix = windex.open_dir(str(path))
        elif any(p.suffix == ".seg" for p in path.iterdir()):
            # its table of contents is gone: a new index over the segments would find nothing
            raise ValueError("whoosh 的目录文件（_MAIN_*.toc）丢失，数据段还在")
        else:
            self.ix = windex.create_in(str(path), _schema())
        self._writer = None
        self._pending = 0

    # ---------------------------------------------------------- writing
    def _w(self):
        if self._writer is None:
            try:
                self._writer = self.ix.writer(limitmb=256)
            except LockError as exc:
                raise WorkspaceBusy("索引正被另一个 dibao 程序写入", path=self.path,
                                    hint="等另一个程序结束后再运行") from exc
        return self._writer

    def add(self, docs: list[dict]) -> None:
        w = self._w()
        for d in docs:
            doc = {}
            for name in KEYWORD_FIELDS + STORED_FIELDS + TOKEN_FIELDS:
                value = d.get(name)
                if value:
                    doc[name] = value
            for name in INT_FIELDS:
                doc[name] = int(d.get(name) or 0)
            w.add_document(**doc)
            self._pending += 1

    def delete(self, field: str, value: str) -> None:
        self._w().delete_by_term(field, value)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer = None
            self._pending = 0

    # ---------------------------------------------------------- searching
    def _q(self, node):
        if isinstance(node, Term):
            return wq.Term(node.field, node.value)
        if isinstance(node, Phrase):
            if len(node.tokens) == 1:
                return wq.Term(node.field, node.tokens[0])
            return wq.Phrase(node.field, list(node.tokens))
        if isinstance(node, All):
            return wq.Every()
        if isinstance(node, Bool):
            must = [self._q(n) for n in node.must]
            should = [self._q(n) for n in node.should]
            if must:
                base = must[0] if len(must) == 1 else wq.And(must)
                if should:
                    base = wq.AndMaybe(base, should[0] if len(should) == 1 else wq.Or(should))
            elif should:
                base = should[0] if len(should) == 1 else wq.Or(should)
            else:
                base = wq.Every()
            if node.must_not:
                # Not AndNot: whoosh 2.7's AndNotMatcher misses negatives that start before
                # the positive side (e.g. a phrase matching an earlier document).
                neg = [self._q(n) for n in node.must_not]
                base = wq.And([base, wq.Not(neg[0] if len(neg) == 1 else wq.Or(neg))])
            return base
        raise TypeError(f"unknown query node {node!r}")

    def search(self, node, limit: int) -> Found:
        with self.ix.searcher() as s:
            # optimize=False: whoosh 2.7's block-quality skipping loops forever in
            # AndMaybe (seen with limit=1), and the exact total needs every match anyway.
            res = s.search(self._q(node), limit=max(1, limit), optimize=False)
            return Found(len(res), [(float(h.score or 0.0), dict(h.fields())) for h in res])

    def values(self, field: str) -> list[str]:
        with self.ix.searcher() as s:
            return sorted(t.decode("utf-8") if isinstance(t, bytes) else t for t in s.reader().lexicon(field))

    def exists(self, field: str, value: str) -> bool:
        with self.ix.searcher() as s:
            return s.reader().doc_frequency(field, value) > 0

    def count(self) -> int:
        return self.ix.doc_count()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        self.ix.close()
