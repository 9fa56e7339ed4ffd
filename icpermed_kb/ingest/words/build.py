"""Write the parser's word sets from pyspellchecker's word-frequency lists.

    .venv/bin/python -m icpermed_kb.ingest.words.build           # rewrite the two files
    .venv/bin/python -m icpermed_kb.ingest.words.build --check   # exit 1 if they differ from the lists

The parser only asks yes/no questions of the word lists: is this a reasonably common word
(text.is_word), is it a very common English word (people.py, for place names). Loading five
languages' full frequency dictionaries to answer them took over a second in every ingestion, so
the answers are computed here, once, and shipped as two small sorted word lists (gzip, one word
a line after a header line naming their source), which text.py loads once:

- known.txt.gz: every word with at least KNOWN_FREQUENCY occurrences in the English list, and every
  word of more than 3 letters with at least KNOWN_FREQUENCY occurrences in the English, Italian,
  French, Spanish and German lists together (the report's languages; short words of other
  languages, such as "und", are too easily a fragment of an English word);
- common-english.txt.gz: every word with at least COMMON_ENGLISH_FREQUENCY occurrences in the
  English list ("Central", 31,280, is one; "Tuscany", 81, and "Cambridge", 168, are not).

Run it again after upgrading pyspellchecker (tests/ingest/test_word_sets.py fails until then).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import sys

from icpermed_kb.ingest.words import COMMON_ENGLISH, KNOWN

LANGUAGES = ("en", "it", "fr", "es", "de")
# Below this count a word is too rare to trust over a compound (text.Vocabulary.keeps_hyphen).
KNOWN_FREQUENCY = 60
# Above this count a one-word place name is an ordinary English word (places/build.py).
COMMON_ENGLISH_FREQUENCY = 5000
# Only words longer than this count from the other languages' lists.
OTHER_LANGUAGE_MIN_LENGTH = 4


def frequencies(languages: str | tuple[str, ...]) -> dict[str, int]:
    """pyspellchecker's lower-cased word counts, summed over `languages` (as SpellChecker loads them)."""
    from spellchecker import SpellChecker

    return SpellChecker(language=languages, distance=1).word_frequency.dictionary


def word_sets() -> tuple[list[str], list[str]]:
    """The known words and the common English words, each sorted."""
    english, together = frequencies("en"), frequencies(LANGUAGES)
    known = {word for word, count in english.items() if count >= KNOWN_FREQUENCY}
    known |= {
        word
        for word, count in together.items()
        if count >= KNOWN_FREQUENCY and len(word) >= OTHER_LANGUAGE_MIN_LENGTH
    }
    common = {word for word, count in english.items() if count >= COMMON_ENGLISH_FREQUENCY}
    return sorted(known), sorted(common)


def header() -> str:
    """The first line of each file: where its words come from."""
    return f"# pyspellchecker {importlib.metadata.version('pyspellchecker')} (see build.py)"


def encode(words: list[str]) -> bytes:
    """The file's bytes: the header, then one word a line; reproducible (no timestamp in the gzip header)."""
    if any(not word or word.startswith("#") or any(c.isspace() for c in word) for word in words):
        raise ValueError("a word the one-word-a-line format cannot hold")
    return gzip.compress("\n".join([header(), *words]).encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the files are up to date")
    arguments = parser.parse_args(argv)
    known, common = word_sets()
    stale = []
    for path, words in ((KNOWN, known), (COMMON_ENGLISH, common)):
        data = encode(words)
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(path.name)
        if not arguments.check:
            path.write_bytes(data)
            print(f"wrote {path.name}: {len(words):,} words, {len(data):,} bytes")
    if arguments.check and stale:
        print(f"out of date: {', '.join(stale)} (run python -m icpermed_kb.ingest.words.build)")
        return 1
    if not stale:
        print("the word sets are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
