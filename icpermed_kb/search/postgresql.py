"""The PostgreSQL engine: a tsvector with a GIN index to match, SQLite's bm25 to rank, pg_trgm for "did you mean".

The rank is FTS5's bm25 (SQLite's fts5_aux.c), computed in SQL from the same numbers: the sum,
over the query's phrases, of

    idf · f · (k1 + 1) / (f + k1 · (1 - b + b · D / avgdl)),    k1 = 1.2, b = 0.75

where idf = ln((N - n + 0.5) / (n + 0.5)) for the N documents, n of which hold the phrase in any
field (1e-6 when that is not positive), f is the number of times the phrase stands in the
document, each time weighted by its field's BM25_WEIGHTS, D is the document's length in tokens
and avgdl the mean length. N, D, the tokens in all and n for a single lexeme are kept by the
index (schema.py); f comes from ts_rank_cd (see _cover_weights). The same operations, in the same
order, on IEEE doubles give SQLite's scores to the last bit, so both engines list the same items
in the same order (ties by document id on both).
"""

from __future__ import annotations

import math

from .base import Restriction, SearchEngine, by_word
from .query import Query, phrases, to_tsquery, tsquery_phrase
from .schema import BM25_WEIGHTS, WEIGHTS

K1, B = 1.2, 0.75  # FTS5's bm25 constants
IDF_FLOOR = 1e-6  # FTS5's IDF for a phrase in half the documents or more


def _cover_weights() -> tuple[str, float]:
    """ts_rank_cd's weights for the labels D, C, B, A: each field's BM25 weight over the largest, and that largest.

    For a query of one phrase, ts_rank_cd(weights, vector, phrase, 0) sums the weight of every place the
    phrase stands (each is a cover without noise words): times the largest weight, that is f.
    With weights that are powers of two every step is exact (checked on 1.7 million pairs of
    phrases and documents, and on random documents of repeated words, against counting lexemes).
    """
    largest = max(BM25_WEIGHTS)
    by_label = {}
    for label, weight in zip(WEIGHTS, BM25_WEIGHTS, strict=True):
        if by_label.setdefault(label, weight) != weight:
            raise ValueError(f"BM25_WEIGHTS: the fields labelled {label} in the tsvector need one weight")
        if math.frexp(weight / largest)[0] != 0.5:
            raise ValueError(f"BM25_WEIGHTS: {weight} over {largest} is not a power of two, so counts would round")
    return "{" + ", ".join(repr(by_label.get(label, 0.0) / largest) for label in "DCBA") + "}", largest


_WEIGHTS_ARRAY, _LARGEST = _cover_weights()
# Every constant is a float8 parameter: an SQL literal such as 2.2 is numeric, and numeric arithmetic
# rounds otherwise than C's doubles.
_FREQUENCY = "%s::float8 * ts_rank_cd('" + _WEIGHTS_ARRAY + "'::real[], d.vector, to_tsquery('simple', %s), 0) AS f"
_TERM = (
    "(CASE WHEN s.x{0} > 0 THEN s.x{0} ELSE %s::float8 END)"
    " * ((m.f{0} * %s::float8) / (m.f{0} + %s::float8 * (%s::float8 + %s::float8 * m.tokens / s.avgdl)))"
)
_TERM_PARAMS = [IDF_FLOOR, K1 + 1.0, K1, 1 - B, B]
_LEXEME_DOCUMENTS = "(SELECT coalesce(max(documents), 0) FROM core_search_lexemes WHERE lexeme = %s)"
_PHRASE_DOCUMENTS = "(SELECT count(*) FROM core_searchdocument WHERE vector @@ to_tsquery('simple', %s))"


class PostgreSQLEngine(SearchEngine):
    """to_tsquery('simple', …) over pre-analysed lexemes to match; FTS5's bm25 to rank."""

    id_column = "d.id"

    def _match(self, query: Query, restriction: Restriction) -> list[tuple[int, float]]:
        sql, params = self._match_sql(query, restriction)
        with self.connection.cursor() as cursor:
            cursor.execute(f"{sql} ORDER BY score DESC, document", params)
            return [(document, float(rank)) for document, rank in cursor.fetchall()]

    def _match_sql(self, query: Query, restriction: Restriction) -> tuple[str, list]:
        where, restriction_params = restriction
        stems = phrases(query)  # never empty: a query without words is not run
        tsqueries = [tsquery_phrase(phrase) for phrase in stems]
        indices = range(len(stems))
        # n: the documents holding each phrase — kept for a lexeme; for a phrase of several words, the
        # matches themselves when the query is that phrase alone, else counted through the GIN index.
        alone = len(stems) == 1 and not query.exclude and not where
        holding, holding_params = [], []
        for phrase, tsquery in zip(stems, tsqueries, strict=True):
            if len(phrase) == 1:
                holding.append(_LEXEME_DOCUMENTS)
                holding_params.append(phrase[0])
            elif alone:
                holding.append("(SELECT count(*) FROM m)")
            else:
                holding.append(_PHRASE_DOCUMENTS)
                holding_params.append(tsquery)
        logs = "".join(
            f", ln(((t.documents - n.n{i})::float8 + 0.5::float8) / (n.n{i}::float8 + 0.5::float8)) AS x{i}"
            for i in indices
        )
        # m: the matches with their length and each phrase's weighted count (f). s: one row, the mean
        # length and ln() of each IDF. MATERIALIZED and OFFSET 0 make each run once: PostgreSQL would
        # otherwise copy a subquery into every place that uses its result.
        sql = (
            f"WITH m AS MATERIALIZED (SELECT d.id, d.tokens, {', '.join(_FREQUENCY + str(i) for i in indices)} "
            f"FROM core_searchdocument d WHERE d.vector @@ to_tsquery('simple', %s){where}), "
            "s AS MATERIALIZED (SELECT t.tokens::float8 / greatest(t.documents, 1)::float8 AS avgdl"
            f"{logs} FROM core_search_totals t, "
            f"(SELECT {', '.join(f'{sql} AS n{i}' for i, sql in enumerate(holding))} OFFSET 0) n WHERE t.id LIMIT 1) "
            f"SELECT m.id AS document, {' + '.join(_TERM.format(i) for i in indices)} AS score FROM m CROSS JOIN s"
        )
        params = [
            *(value for tsquery in tsqueries for value in (_LARGEST, tsquery)),
            to_tsquery(query),
            *restriction_params,
            *holding_params,
            *(value for _ in indices for value in _TERM_PARAMS),
        ]
        return sql, params

    def _unknown(self, lexemes: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT asked.word, listed.word, listed.documents "
                "FROM unnest(%s::text[], %s::text[]) AS asked(word, lexeme) "
                "LEFT JOIN LATERAL (SELECT word, documents FROM core_searchword WHERE word %% asked.word) listed ON true "
                "WHERE NOT EXISTS (SELECT 1 FROM core_search_lexemes WHERE lexeme = asked.lexeme)",
                [list(lexemes), list(lexemes.values())],
            )
            return by_word(cursor.fetchall())
