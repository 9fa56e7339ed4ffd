"""The PostgreSQL engine: a weighted tsvector with a GIN index, ts_rank, and pg_trgm for "did you mean"."""

from __future__ import annotations

from .base import Restriction, SearchEngine
from .query import Query, to_tsquery

# ts_rank's weights for D, C, B, A (session, speaker, heading and talk title, own text), and
# normalisation 1: divided by 1 + log(document length), as bm25 favours shorter documents.
RANK = "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.vector, q, 1)"


class PostgreSQLEngine(SearchEngine):
    """to_tsquery('simple', …) over pre-analysed lexemes; ranked by ts_rank."""

    id_column = "d.id"

    def _match(self, query: Query, restriction: Restriction) -> list[tuple[int, float]]:
        where, params = restriction
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, {RANK} AS rank FROM core_searchdocument d, to_tsquery('simple', %s) q "
                f"WHERE d.vector @@ q{where} ORDER BY rank DESC, d.id",
                [to_tsquery(query), *params],
            )
            return [(document, float(rank)) for document, rank in cursor.fetchall()]

    def _known(self, lexeme: str) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM core_searchdocument WHERE vector @@ to_tsquery('simple', %s) LIMIT 1",
                ["'" + lexeme + "'"],
            )
            return cursor.fetchone() is not None

    def _candidates(self, word: str) -> list[tuple[str, int]]:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT word, documents FROM core_searchword WHERE word %% %s", [word])
            return cursor.fetchall()
