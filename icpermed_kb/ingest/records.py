"""Plain records: the contract between the PDF reader, the parser and the loader.

Nothing here imports Django or PyMuPDF, so every stage can be tested on its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Span:
    """A run of text in one style; `font` is the font's name as the PDF gives it."""

    text: str
    bold: bool
    size: float
    font: str = ""
    x0: float = 0.0
    x1: float = 0.0


@dataclass(frozen=True)
class Line:
    """One printed line: its spans and its box on the page (points, origin top left)."""

    spans: tuple[Span, ...]
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float = 0.0  # where the glyphs of its longest span sit

    # Computed once per line: the layout asks for them many times (a frozen dataclass still has a
    # __dict__, where cached_property keeps the value).
    @cached_property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)

    @cached_property
    def size(self) -> float:
        """The size of the line's longest span."""
        return max(self.spans, key=lambda span: len(span.text.strip())).size

    @cached_property
    def bold(self) -> bool:
        """True when the line starts in bold (a heading or a bold label)."""
        visible = [span for span in self.spans if span.text.strip()]
        return bool(visible) and visible[0].bold


@dataclass(frozen=True)
class Mark:
    """A small shape drawn on the page (filled or outlined): a list marker when it stands left of a line."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    """A page of styled lines in the order the PDF draws them (not reading order), and its small shapes."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Document:
    """What the PDF reader hands to the parser."""

    pages: tuple[Page, ...]
    title: str = ""


@dataclass
class Person:
    """A person as listed: "Name, affiliation" (award winners "Name: affiliation").

    `affiliation` is as printed; position, organisation and country are read from it, and the
    `*_inferred` flags say when the value is not printed as such (a country from a nationality or
    a place, an organisation named as the report writes it elsewhere).
    """

    name: str
    affiliation: str = ""
    organisation: str = ""
    country: str = ""
    role: str = ""
    position: str = ""
    organisation_inferred: bool = False
    country_inferred: bool = False


# Where an item is printed: [{"page": 12, "x0": 56.7, "y0": 100.2, "x1": 290.1, "y1": 140.9}, …], one
# region per page column it occupies (points, origin top left), in reading order.
Boxes = list[dict]


@dataclass
class KeyMessage:
    kind: str
    text: str
    page: int
    group: str = ""
    boxes: Boxes = field(default_factory=list)


@dataclass
class Recommendation:
    kind: str
    text: str
    page: int
    lead: str = ""
    boxes: Boxes = field(default_factory=list)


@dataclass
class Talk:
    speaker: Person
    page: int
    title: str = ""
    topic: str = ""
    paragraphs: list[str] = field(default_factory=list)
    key_messages: list[KeyMessage] = field(default_factory=list)
    boxes: Boxes = field(default_factory=list)


@dataclass
class Session:
    number: str
    title: str
    kind: str
    page: int
    aim: str = ""
    paragraphs: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    talks: list[Talk] = field(default_factory=list)
    key_messages: list[KeyMessage] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)


@dataclass
class Report:
    title: str
    series: str
    number: int
    place: str
    start_date: datetime.date
    end_date: datetime.date
    page_count: int
    sessions: list[Session] = field(default_factory=list)
    # Characters of extracted text by where they went (see Accounting), and what looks missing.
    accounting: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def talks(self) -> list[Talk]:
        """Every talk, in report order."""
        return [talk for session in self.sessions for talk in session.talks]

    def key_messages(self) -> list[KeyMessage]:
        """Every key message: the talks' first, then the panel discussions'."""
        return [m for talk in self.talks() for m in talk.key_messages] + [
            m for session in self.sessions for m in session.key_messages
        ]

    def recommendations(self) -> list[Recommendation]:
        """Every recommendation, in report order."""
        return [r for session in self.sessions for r in session.recommendations]

    def counts(self) -> dict[str, int]:
        """How many of each kind of record the report holds, for summaries and checks."""
        messages, recommendations = self.key_messages(), self.recommendations()
        counts = {
            "chapters": len(self.sessions),
            "talks": len(self.talks()),
            "people": sum(len(session.people) for session in self.sessions),
        }
        for kind in ("presentation", "discussion", "overall", "main_point", "panel"):
            counts[f"key messages ({kind})"] = sum(1 for m in messages if m.kind == kind)
        for kind in ("conclusion", "perspective"):
            counts[f"recommendations ({kind})"] = sum(1 for r in recommendations if r.kind == kind)
        return counts


# The largest file and the most pages the reader accepts. Here rather than in pdf_text.py, so the
# parent process can refuse an oversized file without importing PyMuPDF (only the reader's child does).
MAX_BYTES = 50_000_000
MAX_PAGES = 500


class RefusedDocument(ValueError):
    """The input cannot be ingested; the message is one line naming the problem."""


def first_line(exc: BaseException) -> str:
    """An exception's message cut to its first line and 120 characters (its type name if empty), for a refusal."""
    lines = str(exc).strip().splitlines()
    return lines[0][:120] if lines else type(exc).__name__
