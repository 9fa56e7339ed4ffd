"""Snippets (pure Python, no Django): an item's own text, HTML-escaped, with the matched words in <mark>.

The engines only say *which* words matched: each highlights the lexemes it indexed (FTS5's
highlight(), PostgreSQL's ts_headline()) with "[" and "]", which never occur in lexemes. Those
marks are mapped back, word by word, onto the item's real text, so the snippet shows the text as
printed, and everything that is not a marker is escaped here, once, for both engines.
"""

from __future__ import annotations

from html import escape

from .text import clean, words

OPEN, CLOSE = "[", "]"
WHOLE = 320  # texts up to this many characters are shown whole
WINDOW = 36  # otherwise: this many words around the densest run of matches
LEAD = 6  # words of context before the first match in the window


def marked_positions(highlighted: str) -> list[bool]:
    """For each lexeme of an engine's highlighted lexeme text, whether it was marked."""
    flags, inside, in_word = [], False, False
    for character in highlighted:
        if character == OPEN:
            inside = True
        elif character == CLOSE:
            inside = False
        elif character == " ":
            in_word = False
        elif not in_word:
            flags.append(inside)
            in_word = True
        elif inside:
            flags[-1] = True
    return flags


def render(text: str, flags: list[bool] | None) -> str:
    """The snippet HTML for `text`; `flags` (one per word) from marked_positions, or None for no marks."""
    text = clean(text)
    found = words(text)
    marked = [index for index, flag in enumerate(flags or []) if flag] if flags and len(flags) == len(found) else []
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
