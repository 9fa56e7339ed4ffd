"""A text's change, word by word, as HTML: the words removed in <del>, the words added in <ins>.

difflib's SequenceMatcher over the words (whitespace-separated, so punctuation stays with its
word: "therapy." → "therapy," is one changed word). Each marked run starts with hidden words
("removed:", "added:") for screen readers, which do not announce <del> and <ins> themselves.
"""

from __future__ import annotations

import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PARAGRAPH_BREAK = "¶"  # stands for the break between two paragraphs of a list of paragraphs


def words_of(value: str | list[str]) -> list[str]:
    """The words of a text, or of a list of paragraphs with a ¶ between paragraphs."""
    if isinstance(value, list):
        words: list[str] = []
        for index, paragraph in enumerate(value):
            if index:
                words.append(PARAGRAPH_BREAK)
            words.extend(str(paragraph).split())
        return words
    return value.split()


def is_text(value) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))


def word_diff(old: str | list[str], new: str | list[str]) -> SafeString:
    """The new text with the words removed since `old` struck through and the words added marked."""
    before, after = words_of(old), words_of(new)
    pieces = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = " ".join(before[old_start:old_end])
        added = " ".join(after[new_start:new_end])
        if operation == "equal":
            pieces.append(escape(added))
            continue
        if removed:
            pieces.append(f'<del><span class="visually-hidden">removed: </span>{escape(removed)}</del>')
        if added:
            pieces.append(f'<ins><span class="visually-hidden">added: </span>{escape(added)}</ins>')
    return mark_safe(" ".join(pieces))  # every piece of text above is escaped
