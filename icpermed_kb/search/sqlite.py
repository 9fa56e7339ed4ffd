"""The SQLite engine: FTS5 (MATCH with bm25) over the search documents."""

from __future__ import annotations

from .base import Restriction, SearchEngine, by_word
from .query import Query, to_fts5
from .schema import BM25_WEIGHTS, FTS_TABLE


class SQLiteEngine(SearchEngine):
    """FTS5 with the `ascii` tokenizer over pre-analysed lexemes; bm25 with per-column weights."""

    id_column = f"{FTS_TABLE}.rowid"

    def _match_sql(self, query: Query, restriction: Restriction) -> tuple[str, list]:
        where, params = restriction
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
        return (
            f"SELECT rowid AS document, -bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s{where}",
            [to_fts5(query), *params],
        )

    def _match(self, query: Query, restriction: Restriction) -> list[tuple[int, float]]:
        sql, params = self._match_sql(query, restriction)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        rows.sort(key=lambda row: (-row[1], row[0]))  # best first, then by id: faster here than in SQLite's sorter
        return rows

    def _unknown(self, lexemes: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
        # No trigram index here: the word list is small (a few thousand words even at 100,000
        # documents), so every word is a candidate for each unknown word, scored in base.py.
        values = ", ".join("(%s, %s)" for _ in lexemes)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"WITH asked(word, phrase) AS (VALUES {values}), unknown AS MATERIALIZED ("
                f"  SELECT word FROM asked WHERE NOT EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH asked.phrase)"
                ") SELECT unknown.word, listed.word, listed.documents FROM unknown LEFT JOIN core_searchword listed ON 1",
                [value for word, lexeme in lexemes.items() for value in (word, '"' + lexeme + '"')],
            )
            return by_word(cursor.fetchall())
