"""Snippets (pure Python, no Django): an item's own text, HTML-escaped, with the matched words in <mark>.

Marks are found here, not by the engines: the text is split and stemmed exactly as it was for
the index (text.py), and every occurrence of a query word or phrase — compared as stems — is
marked. So "tests" marks "testing", "Universite" marks "Université", a phrase is marked only
where it occurs as a phrase, and both engines give the same snippet. (FTS5's highlight() and
PostgreSQL's ts_headline() would mark the indexed lexemes rather than the printed text, and at
100,000 documents each cost several milliseconds for a broad query: see the benchmark.)
Everything that is not a mark is escaped, once, here.
"""

from __future__ import annotations

from html import escape

from .text import clean, stem, words

WHOLE = 320  # texts up to this many characters are shown whole
WINDOW = 36  # otherwise: this many words around the densest run of matches
LEAD = 6  # words of context before the first match in the window


def marks(stems: list[str], phrases: list[tuple[str, ...]]) -> list[bool]:
    """For each word (by its stem), whether it is part of an occurrence of one of the phrases."""
    flags = [False] * len(stems)
    for phrase in phrases:
        size = len(phrase)
        for index in range(len(stems) - size + 1):
            if stems[index] == phrase[0] and tuple(stems[index : index + size]) == phrase:
                flags[index : index + size] = [True] * size
    return flags


def render(text: str, phrases: list[tuple[str, ...]]) -> str:
    """The snippet HTML for `text`, marking `phrases` (tuples of stems; a word is a phrase of one)."""
    text = clean(text)
    found = words(text)
    flags = marks([stem(word) for _, _, word in found], phrases) if phrases else []
    marked = [index for index, flag in enumerate(flags) if flag]
    start, end = 0, len(text)
    if len(text) > WHOLE and found:
        first, last = _window(marked, len(found))
        start = 0 if first == 0 else found[first][0]
        end = len(text) if last >= len(found) - 1 else found[last][1]
    pieces = ["…"] if start > 0 else []
    position = start
    run_end = None  # the end of the <mark> being extended, if any
    for index in marked:
        word_start, word_end, _ = found[index]
        if word_start < start or word_end > end:
            continue
        gap = text[position:word_start]
        if run_end is not None and gap.strip(" -") == "":
            pieces.append(escape(gap) + escape(text[word_start:word_end]))
        else:
            if run_end is not None:
                pieces.append("</mark>")
            pieces.append(escape(gap) + "<mark>" + escape(text[word_start:word_end]))
        run_end = position = word_end
    if run_end is not None:
        pieces.append("</mark>")
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)


def _window(marked: list[int], count: int) -> tuple[int, int]:
    """The first and last word index of the window with the most marks (the start when none)."""
    if not marked:
        return 0, min(count, WINDOW) - 1
    best, best_count = marked[0], 0
    right = 0
    for left, first in enumerate(marked):
        while right < len(marked) and marked[right] < first + WINDOW:
            right += 1
        if right - left > best_count:
            best, best_count = first, right - left
    first = max(0, best - LEAD)
    last = min(count - 1, first + WINDOW - 1)
    return first, last
