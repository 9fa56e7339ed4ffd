"""Ranking: the same bm25 on both engines, and real questions about the report answered in the top three.

SQLite ranks with FTS5's bm25; PostgreSQL computes the same bm25 in SQL (postgresql.py). Both
are checked here against `reference()`, FTS5's bm25 written out in Python from the indexed
lexemes — what matches, each score to the last bit, the order and the ties — so a run on each
engine (CI runs the suite on both) shows that the two give the same results, not only the same
top three. The questions and their answer key are in questions.py.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections import Counter

import pytest
from django.db import connection

from icpermed_kb.models.search_index import SearchDocument
from icpermed_kb.search.index import item_of
from icpermed_kb.search.query import parse
from icpermed_kb.search.schema import FIELDS
from icpermed_kb.search.text import stem
from recommendations.models import Recommendation
from sessions.models import KeyMessage
from tests.conftest import REPORT_PDF

from .conftest import key
from .questions import QUESTIONS

pytestmark = pytest.mark.django_db

WEIGHTS = (16, 4, 4, 2, 1)  # own text, heading, talk title, speaker, session title (schema.BM25_WEIGHTS)
K1, B = 1.2, 0.75

# Where the ranking does not give a reader's full answer (each still has one of its statements in the
# top three; the test below asserts that, and that these are the only two):
KNOWN_MISSES = {
    # "research" stands in the title of two sessions, so in over half the documents: bm25's IDF is
    # then 1e-6, and two short statements with "responsible … innovation" and "research" only in their
    # session's title come before the longer one that says all three words itself.
    "responsible research and innovation",
    # The query is "real world" and "data", not the phrase "real world data": "leveraging real world
    # evidence and data sciences" matches as well, and bm25 does not rank words that stand together higher.
    "real-world data",
}

# Query shapes beyond the questions: a quoted phrase, OR, exclusion, partial matches, a repeated
# word, stop words only, a phrase of three words, a word in half the documents and more.
SHAPES = [
    '"digital twins"',
    "IVDR OR MDR",
    "genomics -cancer",
    "reimbursement of genomic tests",
    "COVID-19",
    "data data",
    "the",
    '"personalised medicine approaches"',
    "research",
    "personalised medicine",
    "Frédéric Dayan",
]


def texts() -> dict[tuple[str, int], str]:
    found = {("key_message", pk): text for pk, text in KeyMessage.objects.values_list("id", "text")}
    return found | {("recommendation", pk): text for pk, text in Recommendation.objects.values_list("id", "text")}


def occurrences(tokens: list[str], phrase: tuple[str, ...]) -> int:
    """Where the phrase starts in the tokens (overlapping places count, as FTS5 counts instances)."""
    return sum(tuple(tokens[start : start + len(phrase)]) == phrase for start in range(len(tokens) - len(phrase) + 1))


def reference(query: str) -> list[tuple[tuple[str, int], float, bool]]:
    """FTS5's bm25 over the indexed documents, in Python: ((type, id), score, partial), best first.

    As the engines do: every group must match (else the items with most groups, partial), a phrase
    stands within one field, and ties go to the lower document id.
    """
    parsed = parse(query)
    if not parsed:
        return []
    documents = {d.id: [getattr(d, field).split() for field in FIELDS] for d in SearchDocument.objects.all()}
    count = len(documents)
    mean_length = sum(sum(map(len, fields)) for fields in documents.values()) / count

    def has(document: int, phrase: tuple[str, ...]) -> bool:
        return any(occurrences(tokens, phrase) for tokens in documents[document])

    def stems(atom) -> tuple[str, ...]:
        return tuple(stem(word) for word in atom.words)

    def matching(groups) -> set[int]:
        return {
            document
            for document in documents
            if all(any(has(document, stems(atom)) for atom in group) for group in groups)
            and not any(has(document, stems(atom)) for atom in parsed.exclude)
        }

    def score(document: int, atoms) -> float:
        total = 0.0
        length = sum(map(len, documents[document]))
        for atom in atoms:
            phrase = stems(atom)
            holding = sum(has(other, phrase) for other in documents)
            idf = math.log((count - holding + 0.5) / (holding + 0.5))
            idf = idf if idf > 0 else 1e-6
            frequency = 0.0
            for weight, tokens in zip(WEIGHTS, documents[document], strict=True):
                frequency += weight * occurrences(tokens, phrase)
            total += idf * ((frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + B * length / mean_length)))
        return total

    everything = matching(parsed.groups)
    if everything or len(parsed.groups) < 2:
        ranked = sorted((-score(document, parsed.atoms()), document) for document in everything)
        return [(item_of(document), -negative, False) for negative, document in ranked]
    groups_held = Counter()
    for group in parsed.groups:
        groups_held.update(matching([group]))
    any_of = {document: score(document, parsed.atoms()) for document in matching([tuple(parsed.atoms())])}
    ranked = sorted(groups_held, key=lambda document: (-groups_held[document], -any_of.get(document, 0.0), document))
    return [(item_of(document), any_of.get(document, 0.0), True) for document in ranked]


def results(engine, query: str) -> list[tuple[tuple[str, int], float, bool]]:
    return [((hit.type, hit.id), hit.score, hit.partial) for hit in engine.search(query)]


def answered(top: list[str], relevant: tuple[str, ...]) -> bool:
    """The key is met: every relevant statement is in the top three, or (more than three) the top three are relevant."""
    if len(relevant) <= 3:
        return all(any(piece in text for text in top) for piece in relevant)
    return all(any(piece in text for piece in relevant) for text in top)


def test_each_piece_of_the_key_names_exactly_one_statement(ingested):
    statements = list(texts().values())
    for question, pieces in QUESTIONS.items():
        for piece in pieces:
            assert sum(piece in text for text in statements) == 1, (question, piece)
    assert len(QUESTIONS) >= 25


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler not installed: apt-get install -y poppler-utils")
def test_each_piece_of_the_key_is_printed_in_the_report():
    """The key read against poppler's text of the PDF, not against our parser's."""
    printed = subprocess.run(["pdftotext", str(REPORT_PDF), "-"], capture_output=True, text=True, check=True).stdout
    printed = " ".join(printed.split())
    missing = [piece for pieces in QUESTIONS.values() for piece in pieces if piece not in printed]
    assert missing == []


def test_real_questions_are_answered_in_the_top_three(ingested, engine):
    by_key = texts()
    missed, partly = set(), []
    for question, relevant in QUESTIONS.items():
        top = [by_key[item] for item, _, _ in results(engine, question)[:3]]
        if not answered(top, relevant):
            missed.add(question)
        if not any(piece in text for piece in relevant for text in top):
            partly.append((question, top))
    assert partly == []  # every question has a statement of its answer in the top three
    assert missed == KNOWN_MISSES


def test_type_1_diabetes_finds_the_statement_that_says_it_first(ingested, engine):
    """The talk's title gives each of its statements the words; the one saying "Type 1 diabetes (T1D)" leads."""
    by_key = texts()
    hits = results(engine, "type 1 diabetes")
    of_the_talk = KeyMessage.objects.filter(talk__title__contains="Type 1 diabetes")
    assert sorted(item for item, _, _ in hits) == sorted(map(key, of_the_talk)) and len(hits) == 15
    assert "Type 1 diabetes (T1D)" in by_key[hits[0][0]]


def test_the_engine_ranks_exactly_as_fts5s_bm25(ingested, engine):
    for query in [*QUESTIONS, *SHAPES]:
        assert results(engine, query) == reference(query), query


def test_the_ranking_follows_edits_and_deletions(ingested, engine):
    """The statistics bm25 reads (lengths, totals, documents per lexeme) move with every write on both engines."""
    message = KeyMessage.objects.get(text__contains="There is the need for conformity of medical devices to the IVDR.")
    message.text = "IVDR, IVDR and the IVDR: conformity of medical devices to the IVDR is needed."
    message.save()
    KeyMessage.objects.get(text__contains="Sequencing costs per genome are decreasing").delete()
    Recommendation.objects.filter(text__contains="IVDR").first().delete()
    talk = message.talk
    talk.title = "Diagnostics regulation and the IVDR in practice"
    talk.save()  # reindexes every statement of the talk (a bulk upsert of changed documents)
    for query in ("IVDR", "sequencing", "medical devices", "diagnostics regulation", "genome"):
        assert results(engine, query) == reference(query), query
    assert results(engine, "IVDR")[0][0] == key(message)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5 keeps its own statistics")
def test_postgresqls_statistics_equal_a_recount(ingested):
    def recount():
        with connection.cursor() as cursor:
            cursor.execute("SELECT documents, tokens FROM core_search_totals")
            kept = cursor.fetchall()
            cursor.execute("SELECT lexeme, documents FROM core_search_lexemes ORDER BY lexeme")
            lexemes = cursor.fetchall()
        rows = list(SearchDocument.objects.values_list(*FIELDS))
        held = Counter(lexeme for row in rows for lexeme in set(" ".join(row).split()))
        return kept, lexemes, [(len(rows), sum(len(" ".join(row).split()) for row in rows))], sorted(held.items())

    kept, lexemes, counted, held = recount()
    assert (kept, lexemes) == (counted, held)
    assert kept == [(291, counted[0][1])]
    KeyMessage.objects.filter(text__contains="IVDR").first().delete()
    kept, lexemes, counted, held = recount()
    assert (kept, lexemes) == (counted, held) and kept[0][0] == 290
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_searchdocument")
    assert recount()[:2] == ([(0, 0)], [])
