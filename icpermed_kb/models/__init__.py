"""The core app's models: the theme vocabulary, deleted items, the data version and the search index.

`editable` holds the base every edited model inherits (edit marks, optimistic locking, natural keys).
"""

from .data_version import DataVersion
from .search_index import SearchDocument, SearchWord
from .themes import Theme, ThemedItem, ThemedQuerySet, themes_prefetch
from .tombstones import Tombstone

__all__ = ["DataVersion", "SearchDocument", "SearchWord", "Theme", "ThemedItem", "ThemedQuerySet", "Tombstone", "themes_prefetch"]
