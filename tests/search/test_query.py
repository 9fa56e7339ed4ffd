"""The query language and the analysis, without a database: parse, compile, fold, stem, snippets."""

from __future__ import annotations

import re

import pytest

from icpermed_kb.search.query import MAX_WORDS, Atom, Query, parse, to_fts5, to_tsquery
from icpermed_kb.search.snippets import marks, render
from icpermed_kb.search.text import clean, fold, lexemes, similarity, stem, vocabulary, words


def atoms(*words_: str, quoted: bool = False) -> Atom:
    return Atom(tuple(words_), quoted)


def test_words_are_anded():
    assert parse("drug resistance") == Query(groups=((atoms("drug"),), (atoms("resistance"),)))


def test_phrases_or_and_exclusions():
    query = parse('"digital twins" IVDR OR mdr -cancer -"rare disease"')
    assert query == Query(
        groups=((atoms("digital", "twins", quoted=True),), (atoms("ivdr"), atoms("mdr"))),
        exclude=(atoms("cancer"), atoms("rare", "disease", quoted=True)),
    )


def test_joined_words_are_phrases_and_other_punctuation_splits():
    assert parse("COVID-19") == Query(groups=((atoms("covid", "19"),),))
    assert parse("NEAR(a, b)") == Query(groups=((atoms("near"),), (atoms("b"),)))  # "a" is a stop word
    assert parse("(IVDR)") == Query(groups=((atoms("ivdr"),),))


def test_stop_words():
    assert parse("reimbursement of genomic tests").groups == (
        (atoms("reimbursement"),),
        (atoms("genomic"),),
        (atoms("tests"),),
    )
    assert parse("the who").groups == ((atoms("the"),), (atoms("who"),))
    assert parse('"the who"').groups == ((atoms("the", "who", quoted=True),),)
    assert parse("AND").groups == ((atoms("and"),),)
    assert parse("genomics -the").exclude == ()


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('drug "resistance testing').groups == (
        (atoms("drug"),),
        (atoms("resistance", "testing", quoted=True),),
    )


def test_input_is_capped():
    query = parse(" ".join(f"word{i}" for i in range(100)))
    assert sum(len(atom.words) for atom in query.atoms()) == MAX_WORDS
    assert parse("x" * 10_000) == Query()  # one 10,000-letter run is not a word
    assert len(parse("ab " * 5_000).atoms()) == MAX_WORDS


def test_control_characters_and_nul_are_removed():
    assert parse("dru\x00g re\x07sistance\u200b") == parse("drug resistance")
    assert clean("a\x00b\tc\n\x1fd\ud800e") == "ab c de"


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "AND(",
        "*",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "a:b",
        "^x",
        "\\",
        "x\\y",
        '" OR 1=1 --',
        "'; DROP TABLE x; --",
        "col:value",
        "{a b}",
        "a + b",
        "NEAR(a b, 3)",
        "\U0001f9ec dna \U0001f600",
        "中文 検索",
        "a'b",
        "''",
        "%",
        "%s",
        "$1",
    ],
)
def test_compiled_queries_contain_only_quoted_lexemes_and_operators(text):
    query = parse(text)
    if not query:
        return
    fts = to_fts5(query)
    assert re.fullmatch(r'(\(|\)|"[^\W_]+( [^\W_]+)*"| AND | OR | NOT )+', fts), fts
    tsquery = to_tsquery(query)
    assert re.fullmatch(r"(\(|\)|'[^\W_]+'| <-> | \| | & |!)+", tsquery), tsquery


def test_compilation():
    query = parse('drug "digital twins" IVDR OR MDR -cancer -"rare disease"')
    assert to_fts5(query) == '("drug" AND "digit twin" AND ("ivdr" OR "mdr")) NOT ("cancer" OR "rare diseas")'
    assert to_tsquery(query) == "'drug' & ('digit' <-> 'twin') & ('ivdr' | 'mdr') & !('cancer' | ('rare' <-> 'diseas'))"


def test_relaxed_query():
    query = parse("a1 b2 OR c3 -d4")
    assert query.any_of() == Query(groups=((atoms("a1"), atoms("b2"), atoms("c3")),), exclude=(atoms("d4"),))
    assert query.single(1) == Query(groups=((atoms("b2"), atoms("c3")),), exclude=(atoms("d4"),))


def test_folding_and_stemming():
    assert [fold(word) for word in ("Université", "Straße", "Søren", "Æsthetic", "Łódź", "İstanbul", "٣")] == [
        "universite",
        "strasse",
        "soren",
        "aesthetic",
        "lodz",
        "istanbul",
        "3",
    ]
    assert stem("standardisation") == stem("standardise") == "standardis"
    assert stem("regulators") == stem("regulator")
    assert stem("technological") == stem("technology") == "technolog"  # Snowball English (Porter2)
    assert lexemes("Drug-resistance testing, e.g. in COVID-19!") == "drug resist test e g in covid 19"
    assert [word for _, _, word in words(clean("ﬁrst Ⅻ ½"))] == ["first", "xii", "1", "2"]
    assert vocabulary("The 2023 genomic tests, e.g. IVDR") == {"the", "genomic", "tests", "ivdr"}


def test_similarity_is_pg_trgm_s():
    assert similarity("genomc", "genomic") == 0.5
    assert similarity("word", "word") == 1.0
    assert similarity("abc", "xyz") == 0.0


def test_marks_follow_stems_and_phrases():
    stems = [stem(word) for word in "drug resistance testing and resistant drugs".split()]
    assert marks(stems, [("drug", "resist")]) == [True, True, False, False, False, False]
    assert marks(stems, [("test",), ("drug",)]) == [True, False, True, False, False, True]
    assert marks([], [("x",)]) == []


def test_render_escapes_and_marks_by_word():
    assert render("<b>Drug</b>-resistance & more", [("drug",), ("resist",)]) == (
        "&lt;b&gt;<mark>Drug</mark>&lt;/b&gt;-<mark>resistance</mark> &amp; more"
    )
    assert render("Drug-resistance testing", [("drug", "resist")]) == "<mark>Drug-resistance</mark> testing"
    assert render("Short & plain", []) == "Short &amp; plain"
    assert render("Université <b>", [("universit",)]) == "<mark>Université</mark> &lt;b&gt;"
    long = " ".join(f"w{i}" for i in range(200)) + " target " + " ".join(f"v{i}" for i in range(200))
    snippet = render(long, [("target",)])
    assert snippet.startswith("…w194 ") and "<mark>target</mark>" in snippet and snippet.endswith("…")


def test_stemming_is_safe_from_several_threads_at_once():
    """gunicorn's threads stem concurrently: every thread must get the same stems as one thread alone."""
    from concurrent.futures import ThreadPoolExecutor

    from icpermed_kb.search import text as search_text

    vocabulary = [f"{root}{suffix}" for root in ("regulat", "standardis", "personalis", "generat", "connect") for suffix in ("ion", "ions", "ing", "ed", "or", "ors", "ive")]
    expected = [search_text.stem.__wrapped__(word) for word in vocabulary]

    def stem_all(_):
        return [search_text.stem.__wrapped__(word) for word in vocabulary * 50]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(stem_all, range(64)))
    assert results == [expected * 50] * 64


def test_facet_counts_are_summed_from_the_combinations_each_with_its_own_filter_lifted():
    """A combination counts toward a facet's value when it passes every other facet's filter; blank values are not counted."""
    from icpermed_kb.search.base import _count_facets

    combinations = [
        (("r", "r-i", "overall", "ada", "Italy"), 5),
        (("r", "r-i", "discussion", "ada", "Italy"), 3),
        (("r", "r-ii", "overall", "bo", "Spain"), 2),
        (("r", "r-ii", "discussion", "bo", "Spain"), 7),  # fails both filters: counted nowhere
        (("r", "r-ii", "overall", "", ""), 4),  # a recommendation: no speaker, no country
    ]
    counts = {name: {} for name in ("report", "session", "kind", "speaker", "country", "theme")}
    hits, count = _count_facets(combinations, {"kind": ["overall"], "country": ["Italy"]}, counts)
    assert (hits, count) == (21, 5)
    assert counts == {
        "report": {"r": 5},
        "session": {"r-i": 5},
        "kind": {"overall": 5, "discussion": 3},  # Italy's, by kind
        "speaker": {"ada": 5},
        "country": {"Italy": 5, "Spain": 2},  # overall's, by country (the recommendation's blank left out)
        "theme": {},
    }
