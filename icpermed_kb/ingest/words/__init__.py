"""The word sets the parser consults, precomputed from pyspellchecker's frequency lists (see build.py).

Each file is gzip-compressed UTF-8 text: a header line starting with "#" that names the source,
then one lower-case word a line, sorted.
"""

from __future__ import annotations

import gzip
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
KNOWN = DIRECTORY / "known.txt.gz"  # reasonably common words: text.is_word
COMMON_ENGLISH = DIRECTORY / "common-english.txt.gz"  # very common English words: text.is_common_english
FILES = (KNOWN, COMMON_ENGLISH)


def decode(data: bytes) -> frozenset[str]:
    """The words of a word-set file's bytes."""
    lines = gzip.decompress(data).decode("utf-8").split("\n")
    return frozenset(lines[1:] if lines and lines[0].startswith("#") else lines)


def load(path: Path) -> frozenset[str]:
    """The words of a word-set file."""
    return decode(path.read_bytes())
