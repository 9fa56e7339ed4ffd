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

PostgreSQL also keeps what FTS5 keeps for bm25 (migration 0005): each document's length in
tokens (a generated `tokens` column), the number of documents and of tokens in all
(`core_search_totals`, one row) and the number of documents holding each lexeme
(`core_search_lexemes`). Statement triggers move them on every insert, update, delete and truncate
of core_searchdocument, whoever writes (as FTS5's own statistics move with its triggers), so that
postgresql.py computes SQLite's bm25 without counting through the table.
"""

from __future__ import annotations

from contextlib import contextmanager

FIELDS = ("body", "heading", "title", "people", "session")
WEIGHTS = ("A", "B", "B", "C", "D")  # PostgreSQL: each field's label in the tsvector
# bm25's weight of a match in each field, on both engines: the own text counts 16 times a match in the
# session title. Powers of two: PostgreSQL reads the weighted counts from ts_rank_cd, exact only then.
BM25_WEIGHTS = (16.0, 4.0, 4.0, 2.0, 1.0)

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
_TOKENS = " + ".join(f"cardinality(string_to_array({name}, ' '))" for name in FIELDS)
_LEXEMES_OF = "{0}, unnest(tsvector_to_array({0}.vector)) AS lexeme"  # each document's distinct lexemes
POSTGRESQL_STATISTICS = [
    # A field's lexemes are separated by single spaces (text.lexemes), so this counts FTS5's tokens.
    f"ALTER TABLE core_searchdocument ADD COLUMN tokens integer GENERATED ALWAYS AS ({_TOKENS}) STORED",
    "CREATE TABLE core_search_totals (id boolean PRIMARY KEY DEFAULT true CHECK (id), "
    "documents bigint NOT NULL, tokens bigint NOT NULL)",
    "INSERT INTO core_search_totals (documents, tokens) SELECT count(*), coalesce(sum(tokens), 0) FROM core_searchdocument",
    # The documents holding each lexeme: counting them through the GIN index visits every one in the
    # table (40 ms for a word in 15,000 of 100,000 documents); FTS5 reads the count from its index.
    "CREATE TABLE core_search_lexemes (lexeme text PRIMARY KEY, documents integer NOT NULL)",
    "INSERT INTO core_search_lexemes (lexeme, documents) "
    f"SELECT lexeme, count(*) FROM {_LEXEMES_OF.format('core_searchdocument')} GROUP BY lexeme",
    f"""CREATE FUNCTION core_search_statistics_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            UPDATE core_search_totals SET documents = 0, tokens = 0;
            DELETE FROM core_search_lexemes;
            RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
            UPDATE core_search_totals t SET documents = t.documents + added.documents, tokens = t.tokens + added.tokens
            FROM (SELECT count(*) AS documents, coalesce(sum(tokens), 0) AS tokens FROM new_rows) added;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE core_search_totals t SET documents = t.documents - removed.documents, tokens = t.tokens - removed.tokens
            FROM (SELECT count(*) AS documents, coalesce(sum(tokens), 0) AS tokens FROM old_rows) removed;
        ELSE
            UPDATE core_search_totals
            SET tokens = tokens + (SELECT coalesce(sum(tokens), 0) FROM new_rows)
                                - (SELECT coalesce(sum(tokens), 0) FROM old_rows);
        END IF;
        -- Lexemes in lexeme order, so that two writers lock the rows they share in the same order.
        IF TG_OP = 'INSERT' THEN
            INSERT INTO core_search_lexemes AS l (lexeme, documents)
            SELECT lexeme, count(*) FROM {_LEXEMES_OF.format("new_rows")} GROUP BY lexeme ORDER BY lexeme
            ON CONFLICT (lexeme) DO UPDATE SET documents = l.documents + excluded.documents;
            RETURN NULL;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO core_search_lexemes AS l (lexeme, documents)
            SELECT lexeme, -count(*) FROM {_LEXEMES_OF.format("old_rows")} GROUP BY lexeme ORDER BY lexeme
            ON CONFLICT (lexeme) DO UPDATE SET documents = l.documents + excluded.documents;
        ELSE
            INSERT INTO core_search_lexemes AS l (lexeme, documents)
            SELECT lexeme, sum(change) FROM (
                SELECT lexeme, 1 AS change FROM {_LEXEMES_OF.format("new_rows")}
                UNION ALL SELECT lexeme, -1 FROM {_LEXEMES_OF.format("old_rows")}
            ) changes GROUP BY lexeme HAVING sum(change) <> 0 ORDER BY lexeme
            ON CONFLICT (lexeme) DO UPDATE SET documents = l.documents + excluded.documents;
        END IF;
        DELETE FROM core_search_lexemes l USING (SELECT DISTINCT lexeme FROM {_LEXEMES_OF.format("old_rows")}) gone
        WHERE l.lexeme = gone.lexeme AND l.documents <= 0;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER core_search_statistics_insert AFTER INSERT ON core_searchdocument REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_search_statistics_follow()",
    "CREATE TRIGGER core_search_statistics_update AFTER UPDATE ON core_searchdocument "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_search_statistics_follow()",
    "CREATE TRIGGER core_search_statistics_delete AFTER DELETE ON core_searchdocument REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_search_statistics_follow()",
    "CREATE TRIGGER core_search_statistics_truncate AFTER TRUNCATE ON core_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_search_statistics_follow()",
]
POSTGRESQL_STATISTICS_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS core_search_statistics_{event} ON core_searchdocument"
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS core_search_statistics_follow()",
    "DROP TABLE IF EXISTS core_search_lexemes",
    "DROP TABLE IF EXISTS core_search_totals",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS tokens",
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


def create_statistics(connection) -> None:
    """Create what PostgreSQL keeps for bm25: lengths, totals, lexeme counts (nothing on SQLite: FTS5 keeps its own)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in POSTGRESQL_STATISTICS:
                cursor.execute(sql)


def drop_statistics(connection) -> None:
    """Drop what create_statistics() made."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in POSTGRESQL_STATISTICS_REVERSE:
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


@contextmanager
def indexed_once_at_the_end(connection):
    """Within a transaction that rewrites every document: SQLite's FTS index is rebuilt once when the block ends.

    The triggers would un-index and index each row as it is written, most of a rebuild's time in
    SQLite (the rebuild at 100,000 documents: tests/benchmarks/datasette-results.md). Instead they
    are dropped, the FTS index emptied,
    and after the block the index is built from the table in one pass and the triggers put back —
    all inside the caller's transaction, so a failure rolls everything back, and no other writer
    can write meanwhile (SQLite has one writer at a time). PostgreSQL: nothing to do.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        for sql in SQLITE_TRIGGERS.values():
            cursor.execute(sql)
