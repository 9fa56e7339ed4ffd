"""What runs in the reader's child processes (see sandbox.py): PDF bytes -> Report, and the rule themes' matching.

Imported once by the fork server, never by the parent: importing it loads PyMuPDF, the parser and
everything they load lazily — the word sets, the country names — so that each forked child
starts warm, and so that a child under a small memory cap does not fail merely importing a module.
"""

from __future__ import annotations

import contextlib
import pickle

from . import people, text
from .parser import parse_document
from .pdf_text import read_document
from .records import Report


def read_and_parse(data: bytes) -> Report:
    return parse_document(read_document(data))


def which_match(data: bytes) -> list[list[int]]:
    """For each text, the indices of the compiled patterns that search() finds in it; `data` is pickled (patterns, texts).

    The rule themes' matching (themes.matching_slugs) for a whole report, done here, on the other
    core, while the parent writes the rows (pipeline.rule_matches_in_child).
    """
    patterns, texts = pickle.loads(data)
    return [[index for index, pattern in enumerate(patterns) if pattern.search(text)] for text in texts]


def _warm() -> None:
    text.is_word("qzqz")  # loads the word sets
    text.is_common_english("qzqz")
    people.warm()


with contextlib.suppress(Exception):  # a failed warm-up only makes each child load these itself
    _warm()
