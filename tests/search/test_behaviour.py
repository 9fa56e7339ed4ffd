"""The search behaviour, asserted as exact result lists: the same module passes on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import SafeString

from icpermed_kb.search import Hit
from recommendations.models import Recommendation
from sessions.models import KeyMessage

from .conftest import key, keys

pytestmark = pytest.mark.django_db


def test_a_single_word(kb, found):
    a = kb.message("Genomic medicine needs new regulation.")
    b = kb.message("Clinical trials for rare diseases.")
    c = kb.message("Genomic data and rare variants are shared.")
    assert sorted(found("genomic")) == sorted([key(a), key(c)])
    assert found("trials") == [key(b)]
    assert found("nothingmatchesthis") == []


def test_every_word_must_match(kb, found):
    both = kb.message("Drug resistance testing reduces treatment failure.")
    kb.message("Drug development takes years.")
    kb.message("Resistance to change is common.")
    assert found("drug resistance") == [key(both)]
    assert found("resistance drug testing") == [key(both)]


def test_stemming(kb, found):
    standardisation = kb.message("Standardisation of data formats is overdue.")
    standardise = kb.message("We must standardise the pipelines.")
    regulators = kb.message("Regulators met in Brussels.")
    regulator = kb.message("The regulator decided quickly.")
    for query in ("standardise", "standardisation", "Standardised"):
        assert sorted(found(query)) == sorted([key(standardisation), key(standardise)]), query
    for query in ("regulator", "regulators", "REGULATORS"):
        assert sorted(found(query)) == sorted([key(regulators), key(regulator)]), query


def test_accents_and_letters_are_folded(kb, found):
    geneva = kb.message("A consortium led by the Université de Genève.")
    street = kb.message("The Straße test and Søren Kierkegaard's æsthetics.")
    for query in ("Universite", "université", "UNIVERSITÉ", "geneve", "Genève"):
        assert found(query) == [key(geneva)], query
    for query in ("strasse", "Straße", "soren", "Søren", "aesthetics", "æsthetics"):
        assert found(query) == [key(street)], query


def test_quoted_phrase(kb, found):
    phrase = kb.message("Digital twins in medicine.")
    reversed_ = kb.message("Twins, digital or not.")
    apart = kb.message("Digital health for twins.")
    assert found('"digital twins"') == [key(phrase)]
    assert found('"digital twin"') == [key(phrase)]  # stemmed inside phrases too
    assert sorted(found("digital twins")) == sorted([key(phrase), key(reversed_), key(apart)])
    assert found('"twins digital"') == [key(reversed_)]  # punctuation between words does not break a phrase


def test_a_phrase_does_not_run_from_one_field_into_the_next(kb, found):
    talk = kb.talk("Resistance in oncology")
    message = kb.message("Every new drug", talk=talk)
    assert found("drug resistance") == [key(message)]  # both words: in the text and in the talk title
    assert found('"drug resistance"') == []  # but never as a phrase across the two


def test_hyphenated_words_are_phrases(kb, found):
    covid = kb.message("Lessons from COVID-19 for rare diseases.")
    kb.message("Nineteen countries reported covid cases; 19 did not.")
    assert found("COVID-19") == [key(covid)]
    assert found('"covid 19"') == [key(covid)]


def test_or(kb, found):
    ivdr = kb.message("The IVDR applies to diagnostics.")
    mdr = kb.message("The MDR applies to devices.")
    kb.message("Neither regulation applies here: cosmetics.")
    expected = sorted([key(ivdr), key(mdr)])
    assert sorted(found("IVDR OR MDR")) == expected
    assert sorted(found("ivdr or mdr")) == expected
    assert sorted(found("IVDR OR MDR applies")) == expected
    assert found("IVDR OR MDR devices") == [key(mdr)]  # OR binds tighter than AND
    assert found("IVDR OR") == [key(ivdr)]  # a dangling OR is ignored


def test_exclusion(kb, found):
    cancer = kb.message("Genomics of cancer.")
    rare = kb.message("Genomics of rare disease.")
    assert found("genomics -cancer") == [key(rare)]
    assert found('genomics -"rare disease"') == [key(cancer)]
    assert found("genomics -rare -cancer") == []
    assert found("-cancer") == []  # nothing to look for: exclusions alone find nothing
    assert sorted(found("genomics -")) == sorted([key(cancer), key(rare)])


def test_stop_words_are_dropped_unless_they_are_all_there_is_or_quoted(kb, found):
    reimbursement = kb.message("Reimbursement for genomic tests is slow.")
    who = kb.message("The WHO publishes guidance.")
    assert found("reimbursement of the genomic tests") == [key(reimbursement)]
    assert found("WHO") == [key(who)]  # a query of stop words only keeps them
    assert found('"the WHO" guidance') == [key(who)]
    assert found('"for genomic"') == [key(reimbursement)]


def test_when_no_item_has_every_word_items_with_most_of_them_come_first(kb, engine):
    two = kb.message("Reimbursement of genomic sequencing in Germany.")
    one = kb.message("Genetic tests before treatment choice.")
    none = kb.message("Unrelated text entirely.")
    hits = engine.search("reimbursement of genomic tests")
    assert keys(hits) == [key(two), key(one)]
    assert all(hit.partial for hit in hits)
    assert key(none) not in keys(hits)
    assert [hit.partial for hit in engine.search("genomic sequencing")] == [False]


def test_blank_and_punctuation_queries_find_nothing(kb, found):
    kb.message("Some text.")
    for query in ("", "   ", "***", '""', "()", "- -", "OR", "\x00\x01", "..."):
        assert found(query) == [], repr(query)


def test_restriction_by_querysets(kb, found):
    first, second = kb.session("First session"), kb.session("Second session")
    m1 = kb.message("Biobanks matter.", session=first)
    m2 = kb.message("Biobanks matter too.", session=second)
    r1 = kb.recommendation("Fund biobanks.", session=first)
    r2 = kb.recommendation("Share biobanks.", session=second)
    everything = sorted(map(key, (m1, m2, r1, r2)))
    assert sorted(found("biobanks")) == everything
    assert (
        sorted(found("biobanks", key_messages=KeyMessage.objects.all(), recommendations=Recommendation.objects.all()))
        == everything
    )
    in_first = dict(
        key_messages=KeyMessage.objects.filter(session=first),
        recommendations=Recommendation.objects.filter(session=first),
    )
    assert sorted(found("biobanks", **in_first)) == sorted([key(m1), key(r1)])
    assert found(
        "biobanks",
        key_messages=KeyMessage.objects.filter(session=second),
        recommendations=Recommendation.objects.none(),
    ) == [key(m2)]
    assert sorted(found("biobanks", key_messages=KeyMessage.objects.none())) == sorted([key(r1), key(r2)])
    assert sorted(found("biobanks", recommendations=Recommendation.objects.filter(id__in=[]))) == sorted(
        [key(m1), key(m2)]
    )
    assert (
        found("biobanks", key_messages=KeyMessage.objects.none(), recommendations=Recommendation.objects.none()) == []
    )
    ordered = KeyMessage.objects.filter(session=first).order_by("-text").select_related("talk")
    assert found("biobanks", key_messages=ordered, recommendations=Recommendation.objects.none()) == [key(m1)]


def test_own_text_ranks_above_context(kb, found):
    titled = kb.talk("Pharmacogenomics in practice")
    in_context = kb.message("Adverse reactions can be avoided.", talk=titled)
    in_text = kb.message("Pharmacogenomics avoids adverse reactions.", talk=kb.talk("Another talk"))
    in_session = kb.message("Nothing here.", session=kb.session("Pharmacogenomics session"))
    assert found("pharmacogenomics") == [key(in_text), key(in_context), key(in_session)]


def test_scores_are_higher_for_better_hits(kb, engine):
    kb.message("Imaging.")
    kb.message("Imaging and imaging and more imaging in radiology imaging.")
    hits = engine.search("imaging")
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score > 0
    assert isinstance(hits[0], Hit) and hits[0] == Hit(hits[0].type, hits[0].id, hits[0].score)


def test_speaker_name_and_titles_are_searchable_context(kb, found):
    speaker = kb.speaker("Matthias Schwabenland")
    talk = kb.talk("Pharmacogenomics and dosing", speaker=speaker)
    twins = kb.message("Digital twins help dosing.", talk=talk)
    other = kb.message("Toxicity can be avoided.", talk=talk)
    elsewhere = kb.message("Digital twins are coming.", talk=kb.talk("Modelling"))
    assert sorted(found("Schwabenland")) == sorted([key(twins), key(other)])
    assert found("Schwabenland digital twins") == [key(twins)]  # who said what about digital twins
    assert sorted(found("digital twins")) == sorted([key(twins), key(elsewhere)])
    lead = kb.recommendation("to foster collaborations among universities.", lead="Policy makers should act")
    assert found("policy makers universities") == [key(lead)]
    grouped = kb.message("Bring it to the patient.", group="How to bring PM to clinical practice:")
    assert found("clinical practice patient") == [key(grouped)]


def test_snippets_escape_the_text_and_mark_the_matches(kb, engine):
    hostile = kb.message("<script>alert('x')</script> Genomic & data: \"quoted\" <b>bold</b>")
    hits = engine.search("genomic")
    snippet = engine.snippets("genomic", hits)[key(hostile)]
    assert isinstance(snippet, SafeString)
    assert snippet == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Genomic</mark> &amp; data: "
        "&quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;"
    )


def test_snippets_mark_phrases_stems_and_accents_and_cut_long_texts(kb, engine):
    long = kb.message(
        " ".join(["Filler words without interest."] * 20)
        + " The drug resistance testing at the Université reduces failures. "
        + " ".join(["More filler afterwards."] * 20)
    )
    query = '"drug resistance" tests universite'
    snippet = engine.snippets(query, engine.search(query))[key(long)]
    assert "The <mark>drug resistance testing</mark> at the <mark>Université</mark> reduces" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 400


def test_snippets_of_both_types_in_one_page(kb, engine):
    message = kb.message("Registries & cohorts.")
    recommendation = kb.recommendation("Fund registries <now>.")
    hits = engine.search("registries")
    assert engine.snippets("registries", hits) == {
        key(message): "<mark>Registries</mark> &amp; cohorts.",
        key(recommendation): "Fund <mark>registries</mark> &lt;now&gt;.",
    }


def test_snippets_show_the_text_when_only_context_matched(kb, engine):
    talk = kb.talk("Oncology")
    message = kb.message("Avoid <toxicity>.", talk=talk)
    assert engine.snippets("oncology", engine.search("oncology")) == {key(message): "Avoid &lt;toxicity&gt;."}
    assert engine.snippets("oncology", []) == {}


def test_suggest(kb, engine):
    kb.message("Genomic medicine and pharmacogenomics.")
    kb.message("Genomic testing is reimbursed.")
    kb.message("Reimbursement of diagnostics.")
    assert engine.suggest("genomc") == "genomic"
    assert engine.suggest('"genomc" testing -diagnostcs') == '"genomic" testing -diagnostics'
    assert engine.suggest("genomic testing") is None  # every word is known
    assert engine.suggest("reimbursing") is None  # known through its stem
    assert engine.suggest("zzyzx") is None  # nothing close enough
    assert engine.suggest("") is None


def test_suggest_whenever_a_word_is_unknown_even_with_results(kb, engine):
    twins = kb.message("Digital twins help dosing.")
    studies = kb.message("Twins studies in genetics.")
    hits = engine.search("digitl twins")
    assert sorted(keys(hits)) == sorted([key(twins), key(studies)]) and all(hit.partial for hit in hits)
    assert engine.suggest("digitl twins") == "digital twins"
    assert engine.suggest("genetcs twins") == "genetics twins"  # every word but one matched: still suggested
    assert engine.suggest("twins genetics") is None


def test_suggest_asks_the_database_once(kb, engine):
    kb.message("Genomic medicine and pharmacogenomics.")
    for query, expected in (
        ("genomc pharmacogenomcs genomc medicne", "genomic pharmacogenomics genomic medicine"),
        ("genomic medicine", None),
        ("zzyzx qqqqq", None),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert engine.suggest(query) == expected
        assert len(queries) == 1, query
    with CaptureQueriesContext(connection) as queries:
        assert engine.suggest("of the 12") is None  # stop words, digits and short words are not looked up
    assert len(queries) == 0


def test_the_index_follows_key_messages(kb, found):
    message = kb.message("Biobanking is essential.")
    assert found("biobanking") == [key(message)]
    message.text = "Sequencing is essential."
    message.save()
    assert found("biobanking") == []
    assert found("sequencing") == [key(message)]
    message.group = "Infrastructure:"
    message.save(update_fields=["group"])
    assert found("infrastructure") == [key(message)]
    message.delete()
    assert found("sequencing") == []


def test_the_index_follows_recommendations(kb, found):
    recommendation = kb.recommendation("Invest in registries.")
    assert found("registries") == [key(recommendation)]
    recommendation.text = "Invest in cohorts."
    recommendation.save()
    assert found("registries") == [] and found("cohorts") == [key(recommendation)]
    recommendation.lead = "Funders should"
    recommendation.save()
    assert found("funders cohorts") == [key(recommendation)]
    recommendation.delete()
    assert found("cohorts") == []


def test_the_index_follows_context_changes(kb, found):
    speaker = kb.speaker("Anna Original")
    talk = kb.talk("Imaging biomarkers", speaker=speaker)
    message = kb.message("Biomarkers need validation.", talk=talk)
    recommendation = kb.recommendation("Validate biomarkers.", session=talk.session)
    assert found("original") == [key(message)]
    speaker.name = "Anna Renamed"
    speaker.save()
    assert found("original") == [] and found("renamed") == [key(message)]
    talk.title = "Radiomics"
    talk.save()
    assert found("imaging") == [] and found("radiomics") == [key(message)]
    talk.speaker = kb.speaker("Bruno Other")
    talk.save()
    assert found("renamed") == [] and found("bruno") == [key(message)]
    session = talk.session
    session.title = "Translational oncology"
    session.save()
    assert sorted(found("translational")) == sorted([key(message), key(recommendation)])
    message.talk = kb.talk("Proteomics")
    message.save()
    assert found("radiomics") == [] and found("proteomics") == [key(message)]


def test_deleting_a_session_removes_its_items(kb, found):
    session = kb.session("Doomed")
    talk = kb.talk("A talk", session=session)
    kb.message("Cascade me.", talk=talk)
    kb.recommendation("Cascade me too.", session=session)
    assert len(found("cascade")) == 2
    session.delete()
    assert found("cascade") == []
