"""Index and search of the 低保 archive (see indexer.query.SYNTAX_HELP for the query syntax).

Public API:
    open_index(path, backend="auto", key=None, root=None, create=True) -> SearchIndex
    rebuild_index(path, backend="auto", key=None, root=None) -> SearchIndex
    SearchIndex.add(docs) / replace(group, docs) / delete(group) / commit() / search(query, filters, limit)
    indexer.pipeline.index_archive(...), indexer.historical.add_historical(...)
    indexer.ocr.ocr_image(path), indexer.ocr.find_tesseract()
"""

from indexer.engine import SCHEMA_VERSION, Doc, Hit, SearchResult
from indexer.index import (IndexVersionError, SearchIndex, available_backends, choose_backend, load_or_create_key,
                           open_index, rebuild_index)
from indexer.query import SYNTAX_HELP

__all__ = ["SCHEMA_VERSION", "Doc", "Hit", "SearchResult", "IndexVersionError", "SearchIndex", "available_backends",
           "choose_backend", "load_or_create_key", "open_index", "rebuild_index", "SYNTAX_HELP"]
