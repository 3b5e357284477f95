"""tantivy backend (PyPI ``tantivy``): whitespace tokenizer over pre-analysed text."""

from __future__ import annotations

from pathlib import Path

import tantivy

from archive.errors import WorkspaceBusy
from indexer.engine import INT_FIELDS, KEYWORD_FIELDS, STORED_FIELDS, TOKEN_FIELDS, All, Bool, Phrase, Term

_INDEX_OPTION = {"words": "freq", "seq": "position", "ids": "basic"}


def _schema():
    sb = tantivy.SchemaBuilder()
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    for name in STORED_FIELDS:   # stored, not indexed (text fields are always indexed)
        sb.add_bytes_field(name, stored=True, indexed=False)
    for name in TOKEN_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option=_INDEX_OPTION[name])
    for name in INT_FIELDS:
        sb.add_integer_field(name, stored=True, indexed=True)
    return sb.build()


class TantivyBackend:
    name = "tantivy"

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._writer = None

    # ---------------------------------------------------------- writing
    def _w(self):
        if self._writer is None:
            try:
                self._writer = self.index.writer(heap_size=64_000_000, num_threads=1)
            except ValueError as exc:
                if "lock" in str(exc).lower():
                    raise WorkspaceBusy("索引正被另一个 dibao 程序写入", path=self.path,
                                        hint="等另一个程序结束后再运行") from exc
                raise
        return self._writer

    def add(self, docs: list[dict]) -> None:
        w = self._w()
        for d in docs:
            doc = tantivy.Document()
            for name in KEYWORD_FIELDS + TOKEN_FIELDS:
                value = d.get(name)
                if value:
                    doc.add_text(name, value)
            for name in STORED_FIELDS:
                value = d.get(name)
                if value:
                    doc.add_bytes(name, value.encode("utf-8"))
            for name in INT_FIELDS:
                doc.add_integer(name, int(d.get(name) or 0))
            w.add_document(doc)

    def delete(self, field: str, value: str) -> None:
        self._w().delete_documents_by_term(field, value)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.index.reload()

    # ---------------------------------------------------------- searching
    def _q(self, node):
        if isinstance(node, Term):
            return tantivy.Query.term_query(self.schema, node.field, node.value)
        if isinstance(node, Phrase):
            if len(node.tokens) == 1:
                return tantivy.Query.term_query(self.schema, node.field, node.tokens[0])
            return tantivy.Query.phrase_query(self.schema, node.field, list(node.tokens))
        if isinstance(node, All):
            return tantivy.Query.all_query()
        if isinstance(node, Bool):
            clauses = [(tantivy.Occur.Must, self._q(n)) for n in node.must]
            clauses += [(tantivy.Occur.Should, self._q(n)) for n in node.should]
            clauses += [(tantivy.Occur.MustNot, self._q(n)) for n in node.must_not]
            if not node.must and not node.should:
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        raise TypeError(f"unknown query node {node!r}")

    def search(self, node, limit: int):
        searcher = self.index.searcher()
        res = searcher.search(self._q(node), limit=max(1, limit), count=True)
        out = []
        for score, addr in res.hits:
            row = {}
            for k, v in searcher.doc(addr).to_dict().items():
                v = v[0] if isinstance(v, list) and v else v
                row[k] = bytes(v).decode("utf-8") if isinstance(v, (bytes, bytearray, list)) else v
            out.append((float(score), row))
        return int(res.count or 0), out

    def values(self, field: str) -> list[str]:
        searcher = self.index.searcher()
        if searcher.num_docs == 0:
            return []
        pairs = searcher.terms_with_prefix(field, "", filter_query=tantivy.Query.all_query())
        return sorted(t for t, n in pairs if n)

    def count(self) -> int:
        return self.index.searcher().num_docs

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None
