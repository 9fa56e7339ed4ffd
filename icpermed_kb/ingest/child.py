"""What runs in the reader's child process (see sandbox.py): PDF bytes -> Report.

Imported once by the fork server, never by the parent: importing it loads PyMuPDF, the parser and
everything they load lazily — the word sets, the country names — so that each forked child
starts warm, and so that a child under a small memory cap does not fail merely importing a module.
"""

from __future__ import annotations

import contextlib

from . import people, text
from .parser import parse_document
from .pdf_text import read_document
from .records import Report


def read_and_parse(data: bytes) -> Report:
    return parse_document(read_document(data))


def _warm() -> None:
    text.is_word("qzqz")  # loads the word sets
    text.is_common_english("qzqz")
    people.warm()


with contextlib.suppress(Exception):  # a failed warm-up only makes each child load these itself
    _warm()
