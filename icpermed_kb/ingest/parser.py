"""Blocks -> report records: the structure of an ICPerMed workshop report.

Pure Python, no Django. Structure comes from the report's own words (chapter
numbers, bold labels such as "Title of the talk:", "Moderator:") and from
relative typography (a heading is set larger than body text), never from this
particular PDF's fonts or coordinates.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from . import people
from .layout import Block, TextLine, blocks, body_size, is_heading_size, reading_order
from .records import Document, KeyMessage, Person, Recommendation, RefusedDocument, Report, Session, Talk
from .text import Vocabulary, clean, join_lines

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_CHAPTER = re.compile(r"^(?P<number>[IVX]{1,5})\.\s+(?P<title>\S.*)$")
_CONTENTS_ENTRY = re.compile(r"^(?P<number>[IVX]{1,5})\.\s+(?P<title>.+?)\s*(?:\.\s?){2,}\s*(?P<page>\d+)$")
_EDITION = re.compile(r"^(?P<number>\d+)(?:st|nd|rd|th)\s+(?P<series>.*\bWorkshop)\b", re.IGNORECASE)
_PLACE_AND_DATES = re.compile(
    r"^(?P<place>[^\d]+?),\s*(?P<first>\d{1,2})\s*[–-]\s*(?P<last>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})$"
)
_MONTHS = {
    name: index
    for index, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}

# Labels, matched on the start of a block with apostrophes folded and case ignored.
_PEOPLE_LABELS = {
    "moderator:": "moderator",
    "moderators:": "moderator",
    "speakers:": "speaker",
    "the following speakers participated to this session:": "speaker",
    "panellists:": "panellist",
    "panelists:": "panellist",
    "award winners:": "award_winner",
}
_MESSAGE_LABELS = {
    "presentation's key messages:": "presentation",
    "discussion's key messages:": "discussion",
    "overall key messages:": "overall",
    "overall key message:": "overall",
    "main points of the talk:": "main_point",
}
_TITLE_LABEL = "title of the talk:"
_TOPIC_LABEL = "overarching topic:"
_AIM_LABEL = "aim of the session:"
_PANEL_LABEL = re.compile(r"^panel discussion of the session\b.*:$")
_PERSPECTIVES_LABEL = "perspectives for the future:"
_CONCLUSIONS_LABEL = re.compile(r"^conclusions? of the session\b.*:$")

SESSION_KINDS = (
    ("summary", ("executive summary",)),
    ("agenda", ("agenda",)),
    ("opening", ("welcome", "introduction", "opening")),
    ("keynotes", ("keynote",)),
    ("recognition", ("recognition", "best practice", "award")),
    ("conclusion", ("conclusion",)),
    ("panel_session", ("session",)),
)


def parse_document(document: Document) -> Report:
    """Turn a PDF's styled lines into a Report, or raise RefusedDocument."""
    body = body_size(document)
    lines = reading_order(document)
    contents = [line for line in lines if line.contents]
    text_blocks = blocks([line for line in lines if not line.contents], body)
    vocabulary = Vocabulary([line.text for line in lines if not line.contents])
    reader = _Reader(vocabulary, body)

    chapters = _split_chapters(text_blocks, body, vocabulary)
    if not chapters:
        raise RefusedDocument("not a workshop report: no numbered chapters (I., II., …) were found")
    front_matter = text_blocks[: text_blocks.index(chapters[0][1][0])]
    report = _cover(front_matter, vocabulary, document)
    report.page_count = len(document.pages)
    _check_complete(_contents_entries(contents), chapters, report.page_count)
    for number, chapter_blocks in chapters:
        report.sessions.append(reader.session(number, chapter_blocks, report.sessions))
    return report


@dataclass
class _Label:
    key: str
    printed: str  # the label as printed, e.g. "Conclusions of the session …:"
    rest: str  # text after the label in the same block


def _fold(text: str) -> str:
    return clean(text).replace("’", "'").replace("‘", "'").lower()


def _match_label(text: str) -> _Label | None:
    folded = _fold(text)
    fixed = [*_PEOPLE_LABELS, *_MESSAGE_LABELS, _TITLE_LABEL, _TOPIC_LABEL, _AIM_LABEL, _PERSPECTIVES_LABEL]
    for label in sorted(fixed, key=len, reverse=True):
        if folded.startswith(label):
            return _Label(label, text[: len(label)], text[len(label) :].strip())
    for pattern in (_PANEL_LABEL, _CONCLUSIONS_LABEL):
        if pattern.match(folded):
            return _Label(pattern.pattern, text, "")
    return None


def _block_text(block: Block, vocabulary: Vocabulary) -> str:
    return join_lines(block.raw_lines, vocabulary)


def _is_heading(block: Block, body: float) -> bool:
    return is_heading_size(block.size, body)


def _split_chapters(text_blocks: list[Block], body: float, vocabulary: Vocabulary) -> list[tuple[str, list[Block]]]:
    """Cut the blocks at chapter headings "I. …", "II. …" set larger than body text."""
    chapters: list[tuple[str, list[Block]]] = []
    for block in text_blocks:
        match = _CHAPTER.match(_block_text(block, vocabulary)) if _is_heading(block, body) else None
        if match and match["number"] in ROMAN:
            chapters.append((match["number"], [block]))
        elif chapters:
            chapters[-1][1].append(block)
    return chapters


def _contents_entries(lines: list[TextLine]) -> list[tuple[str, str, int]]:
    """The table of contents as (number, title, page), rows joined and wrapped entries merged."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda line: (line.page, (line.y0 + line.y1) / 2, line.x0)):
        middle = (line.y0 + line.y1) / 2
        last = rows[-1] if rows else None
        if last and last[0].page == line.page and abs((last[0].y0 + last[0].y1) / 2 - middle) < (line.y1 - line.y0) / 2:
            last.append(line)
        else:
            rows.append([line])
    entries = []
    pending = ""
    for row in rows:
        text = clean(" ".join(line.text for line in sorted(row, key=lambda line: line.x0)))
        pending = f"{pending} {text}".strip() if pending else text
        match = _CONTENTS_ENTRY.match(pending)
        if match:
            entries.append((match["number"], clean(match["title"]), int(match["page"])))
            pending = ""
        elif not _CHAPTER.match(pending):
            pending = ""
    return entries


def _check_complete(entries: list[tuple[str, str, int]], chapters: list[tuple[str, list[Block]]], pages: int) -> None:
    found = {number for number, _ in chapters}
    missing = [number for number, _, _ in entries if number not in found]
    if missing:
        raise RefusedDocument(
            f"the report is cut short: chapter(s) {', '.join(missing)} listed in its contents are missing"
        )
    if entries and max(page for _, _, page in entries) > pages:
        raise RefusedDocument(f"the report is cut short: its contents refer to pages beyond its {pages} pages")


def _cover(front_matter: list[Block], vocabulary: Vocabulary, document: Document) -> Report:
    texts = [(_block_text(block, vocabulary), block) for block in front_matter]
    # The cover's text may come as one block per line or several lines per block.
    cover_lines = [clean(line) for block in front_matter for line in block.raw_lines]
    edition = next((m for m in map(_EDITION.match, cover_lines) if m), None)
    dates = next((m for m in map(_PLACE_AND_DATES.match, cover_lines) if m), None)
    if not edition or not dates:
        raise RefusedDocument("not an ICPerMed workshop report: the cover names no workshop edition, place and dates")
    largest = max(block.size for _, block in texts)
    title = " ".join(text for text, block in texts if block.size == largest)
    month = _MONTHS.get(dates["month"].lower())
    if not month:
        raise RefusedDocument(f"not an ICPerMed workshop report: unknown month {dates['month']!r} on the cover")
    year = int(dates["year"])
    try:
        start = datetime.date(year, month, int(dates["first"]))
        end = datetime.date(year, month, int(dates["last"]))
    except ValueError:
        raise RefusedDocument("not an ICPerMed workshop report: the cover's dates are not valid dates") from None
    return Report(
        title=title,
        series=edition["series"].strip(),
        number=int(edition["number"]),
        place=dates["place"].strip(),
        start_date=start,
        end_date=end,
        page_count=0,
    )


def session_kind(title: str) -> str:
    """The kind of a chapter, from the words of its title."""
    folded = _fold(title)
    for kind, words in SESSION_KINDS:
        if any(word in folded for word in words):
            return kind
    return "other"


class _Reader:
    """Walks one chapter's blocks, remembering which label it is under."""

    def __init__(self, vocabulary: Vocabulary, body: float):
        self.vocabulary = vocabulary
        self.body = body

    def text(self, block: Block) -> str:
        return _block_text(block, self.vocabulary)

    def session(self, number: str, chapter: list[Block], earlier: Iterable[Session]) -> Session:
        heading, *rest = chapter
        title = _CHAPTER.match(self.text(heading))["title"]
        session = Session(number=number, title=title, kind=session_kind(title), page=heading.page)
        mode: str | None = None  # what bullets and paragraphs belong to now
        group = ""  # group label (sub-heading, panel label, lead-in)
        lead = ""
        talk: Talk | None = None
        for block in rest:
            text = self.text(block)
            if _is_heading(block, self.body):
                talk = Talk(speaker=self.speaker(text, session, earlier), page=block.page)
                session.talks.append(talk)
                mode, group = "talk", ""
                continue
            label = _match_label(text) if not block.bullet else None
            if label:
                mode, group, lead = self.label(label, session, talk)
                if mode in ("title", "topic", "aim") and label.rest:
                    self.labelled_text(mode, label.rest, session, talk, block.page)
                    if mode != "aim":
                        mode = "talk"  # the title or topic is complete in its block
                continue
            if block.bullet:
                self.bullet(mode, text, block.page, group, lead, session, talk)
                continue
            if mode in _MESSAGE_LABELS.values() and block.bold and text.endswith(":"):
                group = text  # a sub-headed list inside a group of key messages
                continue
            if mode in ("title", "topic", "aim"):
                if mode == "aim":
                    session.aim = f"{session.aim}\n\n{text}" if session.aim else text
                elif mode == "title":
                    talk.title = f"{talk.title} {text}".strip()
                else:
                    talk.topic = f"{talk.topic} {text}".strip()
                continue
            if mode == "conclusion":
                lead = text  # a lead-in paragraph that the following bullets complete
                continue
            if session.kind == "conclusion":
                session.recommendations.append(Recommendation(kind="conclusion", text=text, page=block.page))
            elif talk is not None:
                talk.paragraphs.append(text)
                mode = "talk"
            else:
                session.paragraphs.append(text)
                mode = None
        return session

    def label(self, label: _Label, session: Session, talk: Talk | None) -> tuple[str | None, str, str]:
        """Which mode a label opens, with its group label and lead-in."""
        key = label.key
        if key in _PEOPLE_LABELS:
            return f"people:{_PEOPLE_LABELS[key]}", "", ""
        if key in _MESSAGE_LABELS:
            if talk is None:
                raise RefusedDocument(f"the report's structure is broken: {label.printed!r} outside a talk")
            return _MESSAGE_LABELS[key], "", ""
        if key in (_TITLE_LABEL, _TOPIC_LABEL):
            if talk is None:
                raise RefusedDocument(f"the report's structure is broken: {label.printed!r} outside a talk")
            return ("title" if key == _TITLE_LABEL else "topic"), "", ""
        if key == _AIM_LABEL:
            return "aim", "", ""
        if key == _PERSPECTIVES_LABEL:
            return "perspective", "", label.rest
        if key == _PANEL_LABEL.pattern:
            return "panel", clean(label.printed), ""
        return "conclusion", "", ""

    def labelled_text(self, mode: str, rest: str, session: Session, talk: Talk | None, page: int) -> None:
        if mode == "aim":
            session.aim = rest
        elif mode == "title":
            talk.title = rest
        else:
            talk.topic = rest

    def bullet(self, mode, text, page, group, lead, session: Session, talk: Talk | None) -> None:
        if mode and mode.startswith("people:"):
            session.people.append(people.parse_person(text, role=mode.split(":", 1)[1]))
        elif mode in _MESSAGE_LABELS.values():
            talk.key_messages.append(KeyMessage(kind=mode, text=text, page=page, group=group))
        elif mode == "panel":
            session.key_messages.append(KeyMessage(kind="panel", text=text, page=page, group=group))
        elif mode in ("perspective", "conclusion"):
            session.recommendations.append(Recommendation(kind=mode, text=text, page=page, lead=lead))
        elif talk is not None:
            talk.paragraphs.append(text)
        else:
            session.paragraphs.append(text)

    def speaker(self, name: str, session: Session, earlier: Iterable[Session]) -> Person:
        """The listed person a talk heading names, looked up in this session first."""
        key = _name_key(name)
        for candidate in [*session.people, *(p for s in earlier for p in s.people)]:
            if _name_key(candidate.name) == key:
                return Person(
                    name=candidate.name,
                    affiliation=candidate.affiliation,
                    organisation=candidate.organisation,
                    country=candidate.country,
                    role="speaker",
                )
        return Person(name=clean(name), role="speaker")


def _name_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", clean(name).casefold())
    return "".join(char for char in decomposed if char.isalnum())
