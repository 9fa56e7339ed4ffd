"""The engine-specific parts of the index's schema, created by migration 0003 (and checked after every migrate).

SQLite: an FTS5 table over core_searchdocument (external content), kept in step by three
triggers. Django rebuilds a SQLite table (new table, copy, drop, rename) for many field changes,
and dropping the old table drops its triggers; `ensure_sqlite_triggers` runs after every
`migrate` (post_migrate) and puts back any that are missing, then rebuilds the FTS index from the
table, so a future migration of SearchDocument cannot silently stop the index following it.

PostgreSQL: a generated, weighted tsvector column. Its expression is immutable because the
configuration is named (`simple`: the lexemes arrive already folded and stemmed, see text.py).
Each field's tsvector is followed by a one-position gap (a placeholder lexeme, then deleted) so
that a phrase cannot run from one field into the next, exactly as it cannot cross FTS5 columns.
"""

from __future__ import annotations

FIELDS = ("body", "heading", "title", "people", "session")
WEIGHTS = ("A", "B", "B", "C", "D")  # PostgreSQL: ts_rank's default weights 1.0, 0.4, 0.4, 0.2, 0.1
BM25_WEIGHTS = (10.0, 4.0, 4.0, 2.0, 1.0)  # SQLite: the same proportions for bm25()

FTS_TABLE = "core_search_fts"
_COLUMNS = ", ".join(FIELDS)
_NEW = ", ".join(f"new.{name}" for name in FIELDS)
_OLD = ", ".join(f"old.{name}" for name in FIELDS)

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLUMNS}, "
    "content='core_searchdocument', content_rowid='id', tokenize='ascii')"
)
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON core_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
        END""",
    f"{FTS_TABLE}_delete": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON core_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        END""",
    f"{FTS_TABLE}_update": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON core_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
            INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
        END""",
}

_GAP = "'-gap-:1'::tsvector"  # "-" never occurs in a lexeme (text.py keeps letters and digits only)
_VECTOR = f" || {_GAP} || ".join(
    f"setweight(to_tsvector('simple'::regconfig, {name}), '{weight}')"
    for name, weight in zip(FIELDS, WEIGHTS, strict=True)
)
POSTGRESQL = [
    f"ALTER TABLE core_searchdocument ADD COLUMN vector tsvector "
    f"GENERATED ALWAYS AS (ts_delete({_VECTOR}, '-gap-'::text)) STORED",
    # Keep the vector in the row, uncompressed: rows over 2 kB otherwise move it to the TOAST table,
    # and ranking 2,000 hits then reads 3,400 buffers instead of 1,750 (measured at 100,000 rows).
    "ALTER TABLE core_searchdocument ALTER COLUMN vector SET STORAGE MAIN",
    "CREATE INDEX core_searchdocument_vector ON core_searchdocument USING gin (vector)",
    "CREATE INDEX core_searchword_trigram ON core_searchword USING gin (word gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS core_searchword_trigram",
    "DROP INDEX IF EXISTS core_searchdocument_vector",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS vector",
]


def create(connection) -> None:
    """Create the engine's index objects on `connection` (SQLite or PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_TABLE)
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in POSTGRESQL:
                cursor.execute(sql)


def drop(connection) -> None:
    """Drop what create() made."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            for sql in POSTGRESQL_REVERSE:
                cursor.execute(sql)


def ensure_sqlite_triggers(connection) -> bool:
    """Recreate missing triggers (and resynchronise the FTS index); True if anything was missing."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'core_search%'")
        present = {name for (name,) in cursor.fetchall()}
        if "core_searchdocument" not in present:
            return False  # not migrated this far yet
        missing = [name for name in (FTS_TABLE, *SQLITE_TRIGGERS) if name not in present]
        if not missing:
            return False
        cursor.execute(SQLITE_TABLE)
        for sql in SQLITE_TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return True
