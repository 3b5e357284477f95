"""The small interface every search engine implements, and the shared records.

A backend stores flat documents (``FIELDS``) whose token fields are already
analysed (space-separated tokens, see ``indexer.analysis``) and answers queries
made of four node types: ``Term``, ``Phrase``, ``Bool`` and ``All``.  That is
all a new engine (e.g. a search server) has to provide:

    add(docs)                 add analysed documents (dicts of FIELDS)
    delete(field, value)      delete every document with that exact term
    commit()                  make changes durable and visible
    search(node, limit)       -> Found(total, rows=[(score, stored dict), ...], exact, at_most)
    values(field)             distinct indexed values of a keyword field
    exists(field, value)      whether a keyword field holds that exact value
    count()                   number of live documents
    close()
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

# Bump when the stored fields or the analysis change (old indexes then ask for --rebuild).
# 2: tantivy stored-only fields are bytes; 3: grouped card numbers masked and hashed;
# 4: indexer.textnorm (lines joined, stray marks dropped), bigrams across punctuation, no soft breaks;
# 5: "unit" (whole-file documents of historical files, for AND/OR across their pages).
SCHEMA_VERSION = 5

# Keyword fields: indexed as one exact term, stored.
KEYWORD_FIELDS = ("id", "group", "household", "head", "village", "town", "type",
                  "category", "title", "year", "source", "unit")
FILE_UNIT = "file"   # unit of a historical file's whole-text document (pages have no unit)
# Stored only.
STORED_FIELDS = ("date", "path", "text")
# Analysed token fields (space-separated tokens), not stored.
TOKEN_FIELDS = ("words", "seq", "ids")
INT_FIELDS = ("page",)
FIELDS = KEYWORD_FIELDS + STORED_FIELDS + TOKEN_FIELDS + INT_FIELDS


# ---------------------------------------------------------------- query nodes

@dataclass(frozen=True)
class Term:
    field: str
    value: str


@dataclass(frozen=True)
class Phrase:
    field: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class All:
    pass


@dataclass(frozen=True)
class Bool:
    """Lucene semantics: every ``must`` matches, no ``must_not`` matches; ``should``
    clauses only add score when there is a ``must``, otherwise one must match."""

    must: tuple = ()
    should: tuple = ()
    must_not: tuple = ()


def and_(*nodes):
    nodes = tuple(n for n in nodes if n is not None)
    return nodes[0] if len(nodes) == 1 else Bool(must=nodes)


def or_(*nodes):
    nodes = tuple(n for n in nodes if n is not None)
    return nodes[0] if len(nodes) == 1 else Bool(should=nodes)


def not_(node):
    return Bool(must=(All(),), must_not=(node,))


# ---------------------------------------------------------------- records

@dataclass
class Doc:
    """One indexed unit: a page of a document (source text not yet analysed)."""

    id: str
    group: str          # replacement unit: "a/<case_no>" (archive) or "h/<sha256>" (historical file)
    text: str
    household: str = ""
    head: str = ""
    village: str = ""
    town: str = ""
    type: str = ""
    category: str = ""
    title: str = ""
    date: str = ""
    year: int | None = None
    path: str = ""
    page: int = 0
    source: str = "archive"   # archive | historical
    unit: str = ""            # "" for a page; FILE_UNIT for the whole text of a multi-page historical file


@dataclass
class Hit:
    doc_id: str
    household: str
    head: str
    village: str
    town: str
    type: str
    title: str
    category: str
    year: int | None
    date: str
    page: int
    pdf_path: str       # the file to open (PDF, or the image / Word file of a historical paper)
    snippet: str        # masked text, matches marked 【like this】
    score: float
    source: str
    across_pages: bool = False   # the file matches as a whole (AND across its pages); this page holds a part

    def as_dict(self) -> dict:
        return asdict(self)

    to_dict = as_dict   # the older name, kept for callers (the project's convention is as_dict)


@dataclass
class Found:
    """What a backend's search returns: the best `limit` rows and how many documents match.

    ``exact`` is False when the engine did not count every match (a very common phrase):
    ``total`` is then a lower bound (that many matches were verified) and ``at_most`` an
    upper bound (e.g. the documents holding every character pair of the phrase).
    """

    total: int
    rows: list[tuple[float, dict]]
    exact: bool = True
    at_most: int | None = None


@dataclass
class SearchResult:
    """Hits of one search.

    total        matching pages; exact when ``total_exact`` is true, otherwise a lower bound
                 (at least this many pages match: a very common phrase is not counted to the end)
    total_exact  whether ``total`` is the exact number of matching pages
    total_max    when not exact: an upper bound (at most this many pages match), else None
    approximate  no page holds the query; the hits hold it with one character different (an OCR
                 misread, see indexer.near), and ``notes`` says so
    """

    hits: list[Hit]
    total: int
    query: str = ""
    suggestion: str | None = None        # Chinese advice when nothing was found
    suggested_query: str | None = None   # a looser query that does find something
    notes: list[str] = field(default_factory=list)
    total_exact: bool = True
    total_max: int | None = None
    approximate: bool = False            # no page matched exactly; hits differ by one character (indexer.near)

    def as_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "total_exact": self.total_exact,
                "total_max": self.total_max, "approximate": self.approximate, "hits": [h.as_dict() for h in self.hits],
                "suggestion": self.suggestion, "suggested_query": self.suggested_query, "notes": self.notes}

    to_dict = as_dict   # the older name, kept for callers (the project's convention is as_dict)


class Backend(Protocol):
    name: str

    def add(self, docs: list[dict]) -> None: ...
    def delete(self, field: str, value: str) -> None: ...
    def commit(self) -> None: ...
    def search(self, node, limit: int) -> Found: ...
    def values(self, field: str) -> list[str]: ...
    def exists(self, field: str, value: str) -> bool: ...
    def count(self) -> int: ...
    def close(self) -> None: ...
