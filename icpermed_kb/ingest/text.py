"""Text clean-up: joining printed lines back into running text.

The report uses the same "-" for a line-break hyphen and for a real compound
("import-ance" vs "real-world"), so the decision is made from evidence, in this
order: how the document itself writes the word elsewhere, how it uses the
prefix elsewhere, then a word list (words/: which words are reasonably common, precomputed from
pyspellchecker's frequency lists).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from itertools import pairwise

from . import words

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
                            # Unicode hyphens some renderers print for "-" (at line ends, too).
                            "\u2010": "-", "\u2011": "-"})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_SUFFIXES = ("", "s", "es", "ed", "d", "ing", "al", "ly", "ation", "ations", "er", "ers")
# Compounds of the report's domain that no word list knows and that its text may
# only ever print across a line break.
KNOWN_COMPOUNDS = frozenset({"in-vitro", "in-vivo", "ospedaliero-universitaria"})


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """Expand ligatures, drop soft hyphens and zero-width characters, collapse whitespace."""
    if text.isascii():
        return " ".join(text.split())
    text = text.translate(_LIGATURES).replace("\u00ad", "").replace("\u200b", "")
    return " ".join(unicodedata.normalize("NFC", text).split())


# Characters a printing may put at a line end where it breaks a word: the soft hyphen (U+00AD, which
# Typst and ReportLab leave in the text) and the Unicode hyphen (U+2010, WeasyPrint's choice). When a
# document breaks words with one of them, a "-" at a line end is a real hyphen.
_BREAK_MARKS = ("\u00ad", "\u2010")
_TRAILING_WORD = re.compile(r"([^\W\d_]+)-$")
_LEADING_WORD = re.compile(r"[^\W\d_]+")


class Vocabulary:
    """How the document writes words when no line break is involved, and how it breaks lines."""

    def __init__(self, lines: list[str]):
        self.words: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        self.hyphen_prefixes: Counter[str] = Counter()
        cleaned = [clean(line) for line in lines]
        broken_before = False
        for raw, text in zip(lines, cleaned, strict=True):
            tokens = _WORD.findall(text)
            broken = text.endswith("-") or raw.rstrip().endswith(_BREAK_MARKS)
            # The halves of a word broken at a line end say nothing about themselves.
            if broken and tokens:
                tokens = tokens[:-1]
            if broken_before and tokens:
                tokens = tokens[1:]
            broken_before = broken
            for token in tokens:
                token = token.lower()
                if "-" not in token:
                    self.words[token] += 1
                    continue
                parts = token.split("-")
                self.words.update(parts)
                for left, right in pairwise(parts):
                    self.compounds[f"{left}-{right}"] += 1
                    self.hyphen_prefixes[left] += 1
        self.break_mark, self.hyphenates = self._measure_breaks(lines, cleaned)

    def _measure_breaks(self, lines: list[str], cleaned: list[str]) -> tuple[str, bool]:
        """How this document breaks words at line ends: with its own mark (soft or Unicode hyphen),
        with "-" (hyphenation the reader must undo), or not at all (every "-" at a line end is real).

        A "-" break is hyphenation when it splits off a fragment that is not a word on its own
        ("import-" "ance") of a word the document or the word list knows; a document that never
        does so does not hyphenate (LibreOffice's default), so "bio-" "engineering" stays a compound.
        """
        marks = Counter(line.rstrip()[-1:] for line in lines if line.rstrip().endswith(_BREAK_MARKS))
        if marks:
            return marks.most_common(1)[0][0], False
        evidence = 0
        for text, following in pairwise(cleaned):
            broken = _TRAILING_WORD.search(text)
            rest = _LEADING_WORD.match(following)
            if not broken or not rest or text.endswith(" -"):
                continue
            left, right = broken.group(1).lower(), rest.group(0).lower()
            joined = left + right
            if (self.has_word(joined) or is_word(joined)) and not self.words[right] and not is_word(right):
                evidence += 1
                if evidence >= 2:
                    return "-", True
        return "-", False

    def has_word(self, word: str) -> bool:
        return any(self.words[word + suffix] for suffix in _SUFFIXES)

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """Decide whether "left-" at a line end followed by "right" is a real compound."""
        low_left, low_right = left.lower(), right.lower()
        joined = low_left + low_right
        as_compound = self.compounds[f"{low_left}-{low_right}"]
        as_word = sum(self.words[joined + suffix] for suffix in _SUFFIXES)
        if as_compound or as_word:
            return as_compound > as_word
        if f"{low_left}-{low_right}" in KNOWN_COMPOUNDS:
            return True
        if right[:1].isupper() and left[-1:].islower():
            return True  # "London-STS": hyphenation never capitalises the rest of a word
        if self.hyphen_prefixes[low_left] and not self._glued_prefix(low_left) and is_word(low_right):
            return True
        if is_word(joined) or any(
            joined.endswith(suffix) and is_word(joined[: -len(suffix)]) for suffix in ("ing", "ed", "s", "es", "er")
        ):
            return False
        return is_word(low_left) and is_word(low_right) and len(low_right) > 2

    def _glued_prefix(self, prefix: str) -> bool:
        return any(word.startswith(prefix) and len(word) > len(prefix) + 2 for word in self.words)


@cache
def _known_words() -> frozenset[str]:
    return words.load(words.KNOWN)


@cache
def _common_english_words() -> frozenset[str]:
    return words.load(words.COMMON_ENGLISH)


def is_common_english(word: str) -> bool:
    """True for a (lower-case) word that is very common in English ("central", not "tuscany")."""
    return word in _common_english_words()


def is_word(word: str) -> bool:
    """True for a reasonably common English word (or a word of the report's other languages)."""
    return word in _known_words()


def _suspends(left: str, vocabulary: Vocabulary) -> bool:
    """"middle-" before "and" is a suspended hyphen only if "middle" is a word; "Electroporat-"
    before "or" is a word broken at its suffix."""
    low = left.lower()
    return vocabulary.has_word(low) or is_word(low)


def join_lines(lines: list[str], vocabulary: Vocabulary) -> str:
    """Join printed lines into one text, undoing line-break hyphenation only."""
    text = ""
    word_break = False  # the previous line ended in the document's own word-break mark
    for raw in lines:
        line = clean(raw)
        if not line:
            continue
        ends_in_mark = vocabulary.break_mark != "-" and raw.rstrip().endswith(vocabulary.break_mark)
        if ends_in_mark and raw.rstrip().endswith("\u2010"):
            line = line[:-1]  # the Unicode hyphen (clean() folds it to "-") is the break, not text
        if not text or word_break:
            text += line
            word_break = ends_in_mark
            continue
        word_break = ends_in_mark
        broken = _TRAILING_WORD.search(text[-80:]) if text.endswith("-") else None
        following = _LEADING_WORD.match(line)
        if text.endswith("/") or (text.endswith("-") and text[-2:-1].isalnum() and line[:1].isdigit()):
            text += line  # "knowledge/" "education", "2022-" "2023": no space at such a break
        elif broken and following and following.group(0) in ("and", "or") and _suspends(broken.group(1), vocabulary):
            text += " " + line  # a suspended hyphen: "middle- and high-income"
        elif broken and following and not text.endswith(" -"):
            if not vocabulary.hyphenates or vocabulary.keeps_hyphen(broken.group(1), following.group(0)):
                text += line
            else:
                text = text[:-1] + line
        else:
            text += " " + line
    return text
