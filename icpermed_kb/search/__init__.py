"""Full-text search of key messages and recommendations: one interface, an engine per database vendor.

    from icpermed_kb.search import get_engine
    engine = get_engine()
    hits = engine.search("drug resistance", key_messages=..., recommendations=...)
    snippets = engine.snippets("drug resistance", hits[:20])
    engine.suggest("genomc")  # -> "genomic"

The query language is described in query.py (and the README); the index in models.py,
schema.py and index.py; how SQLite and PostgreSQL are made to behave the same in text.py.
"""

from __future__ import annotations

from .base import Hit, SearchEngine

__all__ = ["Hit", "SearchEngine", "get_engine"]


def get_engine(using: str = "default") -> SearchEngine:
    """The search engine for the database `using`: SQLite (FTS5) or PostgreSQL."""
    from django.db import connections

    vendor = connections[using].vendor
    if vendor == "sqlite":
        from .sqlite import SQLiteEngine

        return SQLiteEngine(using)
    if vendor == "postgresql":
        from .postgresql import PostgreSQLEngine

        return PostgreSQLEngine(using)
    raise NotImplementedError(f"search supports SQLite and PostgreSQL, not {vendor}")
