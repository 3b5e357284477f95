"""Index and search of the 低保 archive.

Public API (see each function's docstring):

    indexer.pipeline.index_archive(workspace_dir, archive_dir=None, index_dir=None, backend="auto",
                                   progress=None, rebuild=False, lookup=None) -> IndexStats
    indexer.historical.add_historical(paths, workspace_dir, backend="auto", lookup=None,
                                      progress=None, household=None) -> dict
    indexer.historical.households_for_matching(households) -> lookup entries
    indexer.pipeline.search_workspace(workspace_dir, query, filters=None, limit=20, backend="auto") -> SearchResult
    indexer.report.format_result / format_stats / format_historical   (Chinese text for the CLI)
    indexer.query.SYNTAX_HELP                                          (query syntax, for --help and README)

    open_index(path, backend="auto", key=None, root=None, create=True) -> SearchIndex
    rebuild_index(path, backend="auto", key=None, root=None) -> SearchIndex
    SearchIndex.add(docs) / replace(group, docs) / delete(group) / commit() / search(query, filters, limit)
    indexer.ocr.ocr_image(path), indexer.ocr.find_tesseract()

Engines: tantivy (default where it imports) and whoosh, behind indexer.engine.Backend.

SearchResult.total is exact when SearchResult.total_exact is true.  For a very common phrase
(tantivy, more than backend_tantivy.EXACT_BUDGET candidate pages) it is a lower bound: that many
matches were verified, and total_max is an upper bound.  The same fields are in `dibao search --json`.
"""

from indexer.engine import SCHEMA_VERSION, Doc, Hit, SearchResult
from indexer.index import (IndexVersionError, SearchIndex, available_backends, choose_backend, load_or_create_key,
                           open_index, rebuild_index)
from indexer.query import SYNTAX_HELP

__all__ = ["SCHEMA_VERSION", "Doc", "Hit", "SearchResult", "IndexVersionError", "SearchIndex", "available_backends",
           "choose_backend", "load_or_create_key", "open_index", "rebuild_index", "SYNTAX_HELP"]
