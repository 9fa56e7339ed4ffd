"""The word sets the parser consults (icpermed_kb/ingest/words/): built from pyspellchecker's lists.

The parser used to load pyspellchecker's English, Italian, French, Spanish and German frequency
dictionaries in every ingestion and ask them two questions; the shipped sets must answer both
exactly as the dictionaries do, for every word they hold.
"""

import pytest

from icpermed_kb.ingest import text, words
from icpermed_kb.ingest.words import build


@pytest.fixture(scope="module")
def english():
    return build.frequencies("en")


@pytest.fixture(scope="module")
def five_languages():
    return build.frequencies(("en", "it", "fr", "es", "de"))


def test_the_shipped_files_are_what_the_build_script_writes_from_the_installed_lists():
    known, common = build.word_sets()
    assert words.KNOWN.read_bytes() == build.encode(known)
    assert words.COMMON_ENGLISH.read_bytes() == build.encode(common)


def test_is_word_answers_as_the_frequency_dictionaries_did(english, five_languages):
    # The rule the parser applied to the dictionaries themselves before the sets existed.
    def frequent(word: str) -> bool:
        return english.get(word, 0) >= 60 or (len(word) > 3 and five_languages.get(word, 0) >= 60)

    candidates = [*five_languages, "qzqz", "Importance", "import-ance", ""]
    assert [word for word in candidates if text.is_word(word) != frequent(word)] == []
    assert sum(map(text.is_word, candidates)) == len(words.load(words.KNOWN)) == 167_558


def test_is_common_english_answers_as_the_english_dictionary_did(english):
    candidates = [*english, "qzqz", "Central"]
    assert [word for word in candidates if text.is_common_english(word) != (english.get(word, 0) >= 5000)] == []


def test_words_of_each_kind():
    # Counts read from pyspellchecker 0.9.1's lists (en.json.gz, and the five summed).
    assert text.is_word("importance")  # English, 13,140
    assert not text.is_word("ance")  # the tail of a broken word: in no list
    assert text.is_word("les")  # 4,416 in the English list: 3 letters are enough there
    assert text.is_word("ospedale")  # Italian, 88,504: longer than 3 letters
    assert not text.is_word("und")  # German, 2,238,659, but 3 letters: too easily part of an English word
    assert not text.is_word("krankenhaus")  # 50 in German: below 60
    assert not text.is_word("genotype")  # 50 in English: below 60
    assert text.is_common_english("central")  # 31,280
    assert not text.is_common_english("tuscany")  # 81
    assert not text.is_common_english("cambridge")  # 168


def test_a_file_reads_back_as_written(tmp_path):
    path = tmp_path / "words.txt.gz"
    path.write_bytes(build.encode(["alpha", "beta", "città"]))
    assert words.load(path) == frozenset({"alpha", "beta", "città"})
    with pytest.raises(ValueError):
        build.encode(["two words"])
