"""The query language (pure Python, no Django): parse what people type, compile it for each engine.

    drug resistance        both words (stemmed: "regulators" finds "regulator")
    "digital twins"        the phrase
    IVDR OR MDR            either word; OR binds tighter than the implicit AND
    reimbursement -cancer  without "cancer"; -"a phrase" excludes a phrase
    COVID-19, e.g.         words joined by - ' . / : + & @ are a phrase

English stop words ("of", "the") are dropped unless they are all the query has or stand inside
quotes. Anything else is ignored: brackets, *, ^, stray quotes, FTS5 and tsquery syntax,
control characters. Input is cut to MAX_LENGTH characters and MAX_WORDS words. Compiled
queries contain only stems (letters and digits) and the engines' own operators, every stem
quoted, so no input can be a syntax error or an injection on either engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import STOP_WORDS, clean, stem, words

MAX_LENGTH = 500
MAX_WORDS = 32

_CONNECTORS = "-'’./:+&@"  # inside a chunk these join words into a phrase; other punctuation splits
_CHUNK = re.compile(r'"|[^\s"]+')
_HARD = re.compile(r"[^\w" + re.escape(_CONNECTORS) + r"]+|_+")


@dataclass(frozen=True)
class Atom:
    """A word, or a phrase (words in this order, adjacent); `quoted` if typed inside quotes."""

    words: tuple[str, ...]
    quoted: bool = False

    @property
    def is_stop_word(self) -> bool:
        return not self.quoted and len(self.words) == 1 and self.words[0] in STOP_WORDS


@dataclass(frozen=True)
class Query:
    """All of `groups` must match (each group: any of its atoms), none of `exclude` may."""

    groups: tuple[tuple[Atom, ...], ...] = ()
    exclude: tuple[Atom, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def atoms(self) -> list[Atom]:
        """Every positive atom, in order."""
        return [atom for group in self.groups for atom in group]

    def any_of(self) -> Query:
        """The relaxed query: items matching any one of the positive atoms (and still none of `exclude`)."""
        return Query(groups=(tuple(self.atoms()),), exclude=self.exclude) if self else self

    def single(self, index: int) -> Query:
        """Only group `index`, with the exclusions."""
        return Query(groups=(self.groups[index],), exclude=self.exclude)


@dataclass
class _Parser:
    groups: list[list[Atom]] = field(default_factory=list)
    exclude: list[Atom] = field(default_factory=list)
    budget: int = MAX_WORDS
    pending_or: bool = False
    last_positive: bool = False
    typed: list[str] = field(default_factory=list)  # the text of each positive atom, as typed

    def add(self, text: str, *, negated: bool, quoted: bool) -> None:
        found = tuple(word for _, _, word in words(text))[: self.budget]
        if not found:
            return
        self.budget -= len(found)
        atom = Atom(found, quoted)
        if negated:
            self.exclude.append(atom)
            self.last_positive = self.pending_or = False
        elif self.pending_or and self.last_positive:
            self.groups[-1].append(atom)
            self.typed.append(text)
            self.pending_or = False
        else:
            self.groups.append([atom])
            self.typed.append(text)
            self.last_positive, self.pending_or = True, False


def parse(text: str) -> Query:
    """Parse a user's query; never raises, whatever the input."""
    return _drop_stop_words(_read(text))


def positive_text(text: str) -> str:
    """What a query looks for as typed, stop words kept; no exclusions, quotes or OR ("CAR-T -cost" -> "CAR-T")."""
    return " ".join(_read(text).typed)


def _read(text: str) -> _Parser:
    text = clean(text[: MAX_LENGTH * 4])[:MAX_LENGTH]
    parser = _Parser()
    chunks = _CHUNK.finditer(text)
    negate_next_quote = False
    for chunk in chunks:
        value = chunk.group()
        if parser.budget <= 0:
            break
        if value == '"':
            phrase = []
            for inner in chunks:
                if inner.group() == '"':
                    break
                phrase.append(inner.group())
            parser.add(" ".join(phrase), negated=negate_next_quote, quoted=True)
            negate_next_quote = False
            continue
        negate_next_quote = False
        if value.upper() in ("OR", "|"):
            parser.pending_or = True
            continue
        negated = value.startswith("-")
        body = value.lstrip("-")
        if not body:  # a lone "-", or the "-" of -"a phrase"
            negate_next_quote = negated and text[chunk.end() : chunk.end() + 1] == '"'
            continue
        for index, part in enumerate(piece for piece in _HARD.split(body) if piece):
            parser.add(part, negated=negated and index == 0, quoted=False)
    return parser


def _drop_stop_words(parser: _Parser) -> Query:
    groups = [tuple(group) for group in parser.groups]
    if any(not atom.is_stop_word for group in groups for atom in group):
        groups = [tuple(atom for atom in group if not atom.is_stop_word) for group in groups]
        groups = [group for group in groups if group]
    exclude = tuple(atom for atom in parser.exclude if not atom.is_stop_word)
    return Query(groups=tuple(groups), exclude=exclude)


def _stems(atom: Atom) -> list[str]:
    return [stem(word) for word in atom.words]


def to_fts5(query: Query) -> str:
    """An FTS5 MATCH expression: every phrase double-quoted, joined by AND, OR and NOT."""

    def atom(item: Atom) -> str:
        return '"' + " ".join(_stems(item)).replace('"', '""') + '"'

    def group(items: tuple[Atom, ...]) -> str:
        return atom(items[0]) if len(items) == 1 else "(" + " OR ".join(atom(item) for item in items) + ")"

    expression = " AND ".join(group(items) for items in query.groups)
    if query.exclude:
        expression = f"({expression}) NOT ({' OR '.join(atom(item) for item in query.exclude)})"
    return expression


def phrases(query: Query) -> list[tuple[str, ...]]:
    """The stems of each positive atom, in the order FTS5 numbers the phrases of to_fts5()'s expression.

    bm25 sums one term per phrase; the excluded phrases are left out, as they add nothing (no
    matching item contains them).
    """
    return [tuple(_stems(atom)) for atom in query.atoms()]


def tsquery_phrase(stems: tuple[str, ...]) -> str:
    """One phrase as a to_tsquery() expression: a quoted lexeme, or quoted lexemes joined by <->."""
    lexemes = ["'" + lexeme.replace("\\", "").replace("'", "") + "'" for lexeme in stems]
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def to_tsquery(query: Query) -> str:
    """A PostgreSQL to_tsquery() expression: quoted lexemes joined by <->, |, & and !."""

    def atom(item: Atom) -> str:
        return tsquery_phrase(tuple(_stems(item)))

    def group(items: tuple[Atom, ...]) -> str:
        return atom(items[0]) if len(items) == 1 else "(" + " | ".join(atom(item) for item in items) + ")"

    expression = " & ".join(group(items) for items in query.groups)
    if query.exclude:
        expression = f"{expression} & !({' | '.join(atom(item) for item in query.exclude)})"
    return expression
