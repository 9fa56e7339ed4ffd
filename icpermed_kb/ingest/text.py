"""Text clean-up: joining printed lines back into running text.

The report uses the same "-" for a line-break hyphen and for a real compound
("import-ance" vs "real-world"), so the decision is made from evidence, in this
order: how the document itself writes the word elsewhere, how it uses the
prefix elsewhere, then an English word list.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from itertools import pairwise

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
                            # Unicode hyphens some renderers print for "-" (at line ends, too).
                            "\u2010": "-", "\u2011": "-"})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_SUFFIXES = ("", "s", "es", "ed", "d", "ing", "al", "ly", "ation", "ations", "er", "ers")
# Compounds of the report's domain that no word list knows and that its text may
# only ever print across a line break.
KNOWN_COMPOUNDS = frozenset({"in-vitro", "in-vivo", "ospedaliero-universitaria"})
# Below this count in the word list a joined form is too rare to trust over a compound.
_MIN_WORD_FREQUENCY = 60


def clean(text: str) -> str:
    """Expand ligatures, drop soft hyphens and zero-width characters, collapse whitespace."""
    text = text.translate(_LIGATURES).replace("\u00ad", "").replace("\u200b", "")
    return " ".join(unicodedata.normalize("NFC", text).split())


class Vocabulary:
    """How the document writes words when no line break is involved."""

    def __init__(self, lines: list[str]):
        self.words: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        self.hyphen_prefixes: Counter[str] = Counter()
        for line in lines:
            tokens = _WORD.findall(clean(line))
            if clean(line).endswith("-") and tokens:
                tokens = tokens[:-1]  # the broken word says nothing about itself
            for token in tokens:
                token = token.lower()
                parts = token.split("-")
                self.words.update(parts)
                for left, right in pairwise(parts):
                    self.compounds[f"{left}-{right}"] += 1
                    self.hyphen_prefixes[left] += 1

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
def _english() -> dict:
    from spellchecker import SpellChecker

    return SpellChecker(language=("en", "it", "fr", "es", "de"), distance=1).word_frequency.dictionary


@cache
def _english_only() -> dict:
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency.dictionary


def is_word(word: str) -> bool:
    """True for a reasonably common English word (or a word of the report's other languages)."""
    if _english_only().get(word, 0) >= _MIN_WORD_FREQUENCY:
        return True
    return len(word) > 3 and _english().get(word, 0) >= _MIN_WORD_FREQUENCY


def join_lines(lines: list[str], vocabulary: Vocabulary) -> str:
    """Join printed lines into one text, undoing line-break hyphenation only."""
    text = ""
    soft_break = False
    for raw in lines:
        line = clean(raw)
        if not line:
            continue
        if not text or soft_break:
            # A soft hyphen at a line end is a line-break hyphen by definition.
            text += line
            soft_break = raw.rstrip().endswith("\u00ad")
            continue
        soft_break = raw.rstrip().endswith("\u00ad")
        broken = re.search(r"([^\W\d_]+)-$", text)
        following = re.match(r"[^\W\d_]+", line)
        if broken and following and following.group(0) in ("and", "or"):
            text += " " + line  # a suspended hyphen: "middle- and high-income"
        elif broken and following and not text.endswith(" -"):
            if vocabulary.keeps_hyphen(broken.group(1), following.group(0)):
                text += line
            else:
                text = text[:-1] + line
        else:
            text += " " + line
    return text
