"""Text analysis shared by both engines (pure Python, no Django): clean, split, fold, stem.

Both engines index the output of this module, not the raw text: every word is lower-cased,
accent-folded and stemmed here (Snowball English, the stemmer of PostgreSQL's `english`
configuration) and handed over as single-space-separated tokens. SQLite's FTS5 `ascii` tokenizer
and PostgreSQL's `simple` configuration then only split on the spaces, so both engines hold the
same lexemes at the same positions, and a query (stemmed here too) matches the same items on
both. Measured, this is what the engines' own analysers do not give: SQLite's porter tokenizer
and PostgreSQL's Snowball stemmers disagree on hundreds of English words (technology/
technological, -ibly, two-letter words), `unaccent` and `remove_diacritics` fold 116 of 654
Latin letters differently (æ, ø, ß, ł, đ …), and PostgreSQL's parser keeps e-mail addresses,
host names, "3.5" and "COVID-19" as extra tokens where FTS5 sees plain words.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer  # PyStemmer: libstemmer, Snowball's C stemmers

MAX_WORD = 64  # longer runs of letters are not words (and PostgreSQL refuses lexemes over 2 KB)

_WORD = re.compile(r"[^\W_]+")
# A stemmer keeps its working state on the instance, so two threads stemming at once (gunicorn's
# gthread workers) corrupt each other's words: one stemmer per thread.
_STEMMERS = threading.local()

# Letters that have no Unicode decomposition, folded as PostgreSQL's unaccent folds them.
_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "ð": "d",
        "ø": "o",
        "þ": "th",
        "ß": "ss",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ĳ": "ij",
        "ĸ": "k",
        "ŀ": "l",
        "ł": "l",
        "ŉ": "n",
        "ŋ": "n",
        "œ": "oe",
        "ŧ": "t",
        "ƀ": "b",
        "ƃ": "b",
        "ƈ": "c",
        "ɖ": "d",
        "ɗ": "d",
        "ƌ": "d",
        "ɛ": "e",
        "ƒ": "f",
        "ɠ": "g",
        "ƕ": "hv",
        "ɩ": "i",
        "ɨ": "i",
        "ƙ": "k",
        "ƚ": "l",
        "ɲ": "n",
        "ƞ": "n",
        "ƣ": "oi",
        "ƥ": "p",
        "ƫ": "t",
        "ƭ": "t",
        "ʈ": "t",
        "ʋ": "v",
        "ƴ": "y",
        "ƶ": "z",
        "ǆ": "dz",
        "ǉ": "lj",
        "ǌ": "nj",
        "ǥ": "g",
        "ǳ": "dz",
        "ȡ": "d",
        "ȥ": "z",
        "ȴ": "l",
        "ȵ": "n",
        "ȶ": "t",
        "ȷ": "j",
        "ȸ": "db",
        "ȹ": "qp",
        "ⱥ": "a",
        "ȼ": "c",
        "ⱦ": "t",
        "ȿ": "s",
        "ɀ": "z",
        "ʉ": "u",
        "ɇ": "e",
        "ɉ": "j",
        "ɍ": "r",
        "ɏ": "y",
        "ʼ": "",
    }
)


def clean(text: str) -> str:
    """NFKC-normalised text with whitespace collapsed and control, format and surrogate characters removed."""
    text = " ".join(text.split())
    if not text.isprintable():
        text = "".join(c for c in text if c == " " or unicodedata.category(c)[0] != "C")
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word lower-cased and stripped of accents, with non-ASCII digits as ASCII ("Université" -> "universite")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_LETTERS))
    folded = []
    for character in decomposed:
        if character.isascii():
            folded.append(character)
        elif unicodedata.category(character) == "Mn":
            continue
        elif (digit := unicodedata.decimal(character, None)) is not None:
            folded.append(str(digit))
        elif character.isalnum():
            folded.append(character)
    return "".join(folded).translate(_LETTERS)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The index lexeme of a folded word: its Snowball English stem ("regulators" -> "regul")."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = Stemmer.Stemmer("english", 0)  # no cache of its own: stem() keeps one
    return stemmer.stemWord(word) or word


def words(text: str) -> list[tuple[int, int, str]]:
    """The words of cleaned text: (start, end, folded word), skipping runs longer than MAX_WORD."""
    found = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        if end - start <= MAX_WORD and (word := fold(match.group())):
            found.append((start, end, word))
    return found


def analyse(text: str) -> tuple[str, frozenset[str]]:
    """A text's lexemes (as lexemes()) and its suggestible words (as vocabulary()), from one reading of it."""
    # words() without the spans (findall is twice as fast as finditer, and a rebuild reads every text)
    found = [word for run in _WORD.findall(clean(text)) if len(run) <= MAX_WORD and (word := fold(run))]
    return " ".join(map(stem, found)), frozenset(
        word for word in set(found) if 3 <= len(word) <= 32 and not word.isdigit()  # each word checked once
    )


# The talk title, speaker name and session title of a key message are its talk's and session's, read
# again for each of their items: analysed once (a rebuild of 100,000 items repeats a few hundred texts).
analyse_repeated = lru_cache(maxsize=4096)(analyse)


def lexemes(text: str) -> str:
    """What the engines index for a text: its stems, separated by single spaces."""
    return analyse(text)[0]


def vocabulary(text: str) -> set[str]:
    """The folded words of a text that can be suggested: three to 32 characters, not all digits."""
    return set(analyse(text)[1])


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one lower-case word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all distinct trigrams of both words."""
    first, second = trigrams(a), trigrams(b)
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


# PostgreSQL's English stop words (tsearch_data/english.stop). The engines index them; a query
# drops them unless they are all it has, or they are inside quotes.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these
    those am is are was were be been being have has had having do does did doing a an the and but if
    or because as until while of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when where
    why how all any both each few more most other some such no nor not only own same so than too very s
    t can will just don should now
    """.split()
)
