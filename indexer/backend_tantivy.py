"""tantivy backend (PyPI ``tantivy``): whitespace tokenizer over pre-analysed text.

Common phrases.  A quoted phrase (and every word of two or more characters) is a phrase
query over character bigrams; tantivy checks positions in every document holding all its
bigrams.  Form boilerplate is on most pages, so at 200,000 pages such a query had to check
~120,000 documents (50-60 ms) just to count them.  When the documents holding all of a
query's phrase bigrams (an upper bound from the term dictionary) exceed ``EXACT_BUDGET``,
``search`` instead takes the best candidates of a looser query that tantivy answers with
top-k pruning (the union of the query's terms), lets tantivy verify the exact query on those
candidates only, and reports how many it verified as a lower bound (``Found.exact`` False)
with the upper bound beside it.  If too few candidates verify it runs the exact query.
"""

from __future__ import annotations

from pathlib import Path

import tantivy

from archive.errors import WorkspaceBusy
from indexer.analysis import BREAK
from indexer.engine import INT_FIELDS, KEYWORD_FIELDS, STORED_FIELDS, TOKEN_FIELDS, All, Bool, Found, Phrase, Term

_INDEX_OPTION = {"words": "freq", "seq": "position", "ids": "basic"}
# Above this many candidate documents (upper bound) a query with a phrase is answered from
# its best candidates instead of being counted exactly: checking positions costs ~0.4 µs a
# document here, so 20,000 documents are ~8 ms.
EXACT_BUDGET = 20_000
SAMPLED_MAX_LIMIT = 100   # larger pages of hits: the exact query (fetching the rows dominates anyway)
CANDIDATES_PER_HIT = 2    # candidates fetched and verified per requested hit
MIN_CANDIDATES = 40


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
        if not (path / "meta.json").exists() and any(p.suffix in (".store", ".idx", ".term") for p in path.iterdir()):
            # tantivy would start a new, empty index over the segments: every search silently empty
            raise ValueError("tantivy 的 meta.json 丢失，数据段还在")
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
    def _q(self, node, only=None):
        """The tantivy query of a node.  `only` (a query scoring 0) is required next to every
        term and phrase: tantivy then checks phrases only on the documents `only` matches."""
        def within(q):
            return q if only is None else tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, q), (tantivy.Occur.Must, only)])

        if isinstance(node, Term):
            return within(tantivy.Query.term_query(self.schema, node.field, node.value))
        if isinstance(node, Phrase):
            if len(node.tokens) == 1:
                return within(tantivy.Query.term_query(self.schema, node.field, node.tokens[0]))
            return within(tantivy.Query.phrase_query(self.schema, node.field, list(node.tokens)))
        if isinstance(node, All):
            return only if only is not None else tantivy.Query.all_query()
        if isinstance(node, Bool):
            clauses = [(tantivy.Occur.Must, self._q(n, only)) for n in node.must]
            clauses += [(tantivy.Occur.Should, self._q(n, only)) for n in node.should]
            clauses += [(tantivy.Occur.MustNot, self._q(n)) for n in node.must_not]
            if not node.must and not node.should:
                clauses.append((tantivy.Occur.Must, only if only is not None else tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        raise TypeError(f"unknown query node {node!r}")

    def search(self, node, limit: int) -> Found:
        searcher = self.index.searcher()
        limit = max(1, limit)
        if limit <= SAMPLED_MAX_LIMIT and _has_phrase(node):
            at_most = min(_upper_bound(node, searcher), searcher.num_docs)
            if at_most > EXACT_BUDGET:
                found = self._sampled(searcher, node, limit, at_most)
                if found is not None:
                    return found
        res = searcher.search(self._q(node), limit=limit, count=True)
        return Found(int(res.count or 0), [(float(score), _row(searcher, addr)) for score, addr in res.hits])

    def _sampled(self, searcher, node, limit: int, at_most: int) -> Found | None:
        """The best verified hits among the looser query's top candidates, or None if too few verify."""
        loose = self._loose(node, searcher)
        if loose is None:
            return None
        want = max(CANDIDATES_PER_HIT * limit, MIN_CANDIDATES)
        cand = searcher.search(loose, limit=want, count=False).hits
        rows = {(a.segment_ord, a.doc): _row(searcher, a) for _, a in cand}
        ids = sorted({r.get("id") for r in rows.values() if r.get("id")})
        if not ids:
            return None
        # tantivy checks the exact query on the candidates only (the id set, required beside every
        # term and phrase, drives each intersection); it scores 0, so scores are the exact query's.
        only = tantivy.Query.const_score_query(tantivy.Query.term_set_query(self.schema, "id", ids), 0.0)
        res = searcher.search(self._q(node, only), limit=len(rows), count=True)
        verified = int(res.count or 0)
        if verified < limit:
            return None
        out = []
        for score, a in res.hits[:limit]:
            row = rows.get((a.segment_ord, a.doc))
            out.append((float(score), row if row is not None else _row(searcher, a)))
        return Found(verified, out, exact=verified >= at_most, at_most=None if verified >= at_most else at_most)

    def _loose(self, node, searcher):
        """A query matching every document `node` matches, cheap to rank with top-k pruning (or None).

        Keyword filters (village:, year: …) stay required; the rarest bigrams of each phrase
        (and the plain terms) become optional clauses that rank the candidates.  With no filter
        it is a plain union of a few terms, which tantivy answers without visiting every match
        (block-max WAND)."""
        filters, ranked = [], node
        if isinstance(node, Bool) and node.must:
            filters = [m for m in node.must if _is_filter(m)]
            ranked = Bool(must=tuple(m for m in node.must if not _is_filter(m) and not isinstance(m, All)),
                          should=node.should)
        terms = _loose_terms(ranked, searcher)
        if not terms and not filters:   # no term every match holds: a union cannot find them all
            return None
        clauses = [(tantivy.Occur.Must, self._q(f)) for f in filters]
        clauses += [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, f, v)) for f, v in sorted(terms or ())]
        return tantivy.Query.boolean_query(clauses)

    def values(self, field: str) -> list[str]:
        searcher = self.index.searcher()
        if searcher.num_docs == 0:
            return []
        pairs = searcher.terms_with_prefix(field, "", filter_query=tantivy.Query.all_query())
        return sorted(t for t, n in pairs if n)

    def exists(self, field: str, value: str) -> bool:
        return self.index.searcher().doc_freq(field, value) > 0

    def count(self) -> int:
        return self.index.searcher().num_docs

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None


# ---------------------------------------------------------------- helpers

def _row(searcher, addr) -> dict:
    row = {}
    for k, v in searcher.doc(addr).to_dict().items():
        v = v[0] if isinstance(v, list) and v else v
        row[k] = bytes(v).decode("utf-8") if isinstance(v, (bytes, bytearray, list)) else v
    return row


def _has_phrase(node) -> bool:
    if isinstance(node, Phrase):
        return len(node.tokens) > 1
    if isinstance(node, Bool):
        return any(_has_phrase(n) for n in node.must + node.should)
    return False


def _is_filter(node) -> bool:
    """A condition on keyword fields only (village:, year:, category: …)."""
    if isinstance(node, Term):
        return node.field in KEYWORD_FIELDS
    if isinstance(node, Bool):
        return bool(node.must or node.should) and all(_is_filter(n) for n in node.must + node.should + node.must_not)
    return False


def _loose_terms(node, searcher, per_phrase: int = 2):
    """Terms one of which every document matching `node` holds (None if there are none such):
    the `per_phrase` rarest tokens of each phrase, so the union stays small and quick."""
    if isinstance(node, Term):
        return {(node.field, node.value)}
    if isinstance(node, Phrase):
        toks = sorted({t for t in node.tokens if t != BREAK}, key=lambda t: (searcher.doc_freq(node.field, t), t))
        return {(node.field, t) for t in toks[:per_phrase]} or None
    if isinstance(node, Bool):
        if node.must:   # every must clause holds; one of them suffices, all of them rank better
            got = [g for g in (_loose_terms(n, searcher, per_phrase) for n in node.must) if g]
            return set().union(*got) if got else None
        got = [_loose_terms(n, searcher, per_phrase) for n in node.should]
        return None if not got or any(g is None for g in got) else set().union(*got)
    return None


def _upper_bound(node, searcher) -> int:
    """At most this many documents match `node` (from document frequencies, deleted ones included)."""
    if isinstance(node, Term):
        return searcher.doc_freq(node.field, node.value)
    if isinstance(node, Phrase):
        return min(searcher.doc_freq(node.field, t) for t in node.tokens)
    if isinstance(node, Bool):
        if node.must:
            return min(_upper_bound(n, searcher) for n in node.must)
        if node.should:
            return sum(_upper_bound(n, searcher) for n in node.should)
    return searcher.num_docs
