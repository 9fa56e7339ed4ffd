"""The SQLite engine: FTS5 (MATCH with bm25) over the search documents."""

from __future__ import annotations

from .base import Restriction, SearchEngine
from .query import Query, to_fts5
from .schema import BM25_WEIGHTS, FTS_TABLE


class SQLiteEngine(SearchEngine):
    """FTS5 with the `ascii` tokenizer over pre-analysed lexemes; bm25 with per-column weights."""

    id_column = f"{FTS_TABLE}.rowid"

    def _match(self, query: Query, restriction: Restriction) -> list[tuple[int, float]]:
        where, params = restriction
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT bm25({FTS_TABLE}, {weights}), rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{where}",
                [to_fts5(query), *params],
            )
            rows = cursor.fetchall()
        rows.sort()  # by bm25 (lower is better), then rowid: faster here than in SQLite's sorter
        return [(document, -rank) for rank, document in rows]

    def _known(self, lexeme: str) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT 1", ['"' + lexeme + '"'])
            return cursor.fetchone() is not None

    def _candidates(self, word: str) -> list[tuple[str, int]]:
        # No trigram index here: the word list is small (a few thousand words even at 100,000
        # documents), so every word is a candidate and base.py scores them all in Python.
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT word, documents FROM core_searchword")
            return cursor.fetchall()
