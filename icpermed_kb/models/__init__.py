"""The core app's models: the theme vocabulary, deleted items, the data version, the search index and
the record of each file's last ingestion.

`editable` holds the base every edited model inherits (edit marks, optimistic locking, natural keys).
"""

from .data_version import DataVersion
from .ingestions import FileIngestion
from .search_index import SearchDocument, SearchFacetCombination, SearchFacets, SearchWord
from .themes import Theme, ThemedItem, ThemedQuerySet, attach_themes
from .tombstones import Tombstone

__all__ = [
    "attach_themes",
    "DataVersion",
    "FileIngestion",
    "SearchDocument",
    "SearchFacetCombination",
    "SearchFacets",
    "SearchWord",
    "Theme",
    "ThemedItem",
    "ThemedQuerySet",
    "Tombstone",
]
