"""Search that understands Vietnamese: folded and exact forms, a query language, facets.

Public API: ``search``, ``iter_search``, ``count`` (``lantoa.search.engine``), ``parse``
(``lantoa.search.query``), saved searches (``lantoa.search.saved``) and, for the store,
``index_article`` / ``unindex_article`` (``lantoa.search.index``). docs/search.md is the guide.
"""

from __future__ import annotations

from lantoa.search.engine import (
    FacetCount,
    Facets,
    SearchHit,
    SearchResult,
    count,
    iter_search,
    search,
)
from lantoa.search.ranking import DEFAULT_WINDOW
from lantoa.search.snippet import SnippetPart

__all__ = [
    "DEFAULT_WINDOW",
    "FacetCount",
    "Facets",
    "SearchHit",
    "SearchResult",
    "SnippetPart",
    "count",
    "iter_search",
    "search",
]
