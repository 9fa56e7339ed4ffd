"""Blocks -> report records: the structure of an ICPerMed workshop report.

Pure Python, no Django. Structure comes from the report's own words (chapter
numbers, bold labels such as "Title of the talk:", "Moderator:") and from
relative typography (a heading is set larger than body text), never from this
particular PDF's fonts or coordinates.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from . import people
from .layout import (
    CONTENTS,
    FURNITURE,
    MARKERS,
    PAGE_NUMBERS,
    Block,
    TextLine,
    blocks,
    body_size,
    is_heading_size,
    reading_order,
)
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
    """Turn a PDF's styled lines into a Report, or raise RefusedDocument.

    A report that parses but looks incomplete (a label with nothing under it, text that went
    nowhere…) is returned with `problems` listed; the ingestion refuses it unless told otherwise.
    """
    body = body_size(document)
    flow = reading_order(document, body)
    contents = [line for line in flow.lines if line.contents]
    body_lines = [line for line in flow.lines if not line.contents]
    text_blocks = blocks(body_lines, body, LABELS)
    vocabulary = Vocabulary([line.text for line in body_lines])
    ledger = _Ledger()
    reader = _Reader(vocabulary, body, ledger)

    _check_single_contents(contents)
    chapters = _split_chapters(text_blocks, body, vocabulary)
    if not chapters:
        raise RefusedDocument("not a workshop report: no numbered chapters (I., II., …) were found")
    front_matter = text_blocks[: text_blocks.index(chapters[0][1][0])]
    report = _cover(front_matter, vocabulary, document, ledger)
    report.page_count = len(document.pages)
    _check_complete(_contents_entries(contents), chapters, report.page_count)
    for number, chapter_blocks in chapters:
        report.sessions.append(reader.session(number, chapter_blocks, report.sessions))
    people.unify_organisations([p for s in report.sessions for p in s.people], body_lines)
    _credit_speakers(report)
    report.problems = reader.problems + _plausibility(report)
    report.accounting = ledger.accounting(document, flow, text_blocks)
    unaccounted = [block for block in text_blocks if block.use is None]
    if unaccounted:
        first = unaccounted[0]
        report.problems.append(
            f"{report.accounting[UNACCOUNTED]:,} characters of body text went into no record "
            f"(first on p. {first.page}: {_quote(reader.text(first))})"
        )
    return report


UNACCOUNTED = "unaccounted"


class _Ledger:
    """Where every block of body text went: each is taken exactly once, by a record or as a label."""

    def __init__(self):
        self.kept: Counter[str] = Counter()

    def take(self, block: Block, use: str = "records", label_chars: int = 0) -> None:
        if block.use is not None:
            raise AssertionError(f"a block was used twice ({block.use}, {use}): {block.raw_lines[:1]}")
        block.use = use
        self.kept["labels and headings"] += label_chars
        self.kept[use] += block.chars - label_chars

    def accounting(self, document: Document, flow, text_blocks: list[Block]) -> dict[str, int]:
        """Characters read, and where they went: records, labels, set aside, unaccounted."""
        read = sum(len("".join(line.text.split())) for page in document.pages for line in page.lines)
        result = {"read": read, "in records": self.kept["records"], "in labels and headings": self.kept["labels and headings"]}
        result["cover"] = self.kept["cover"]
        for name in (FURNITURE, PAGE_NUMBERS, CONTENTS, MARKERS):
            result[name] = flow.set_aside[name]
        result[UNACCOUNTED] = sum(block.chars for block in text_blocks if block.use is None)
        missing = read - sum(value for key, value in result.items() if key != "read")
        result[UNACCOUNTED] += missing  # lost between the page and the blocks (none, unless a bug)
        return result


def _quote(text: str) -> str:
    text = clean(text)
    return repr(text if len(text) <= 60 else text[:57] + "…")


@dataclass
class _Label:
    key: str
    printed: str  # the label as printed, e.g. "Conclusions of the session …:"
    rest: str  # text after the label in the same block


def _fold(text: str) -> str:
    return clean(text).replace("’", "'").replace("‘", "'").lower()


_FIXED_LABELS = sorted(
    [*_PEOPLE_LABELS, *_MESSAGE_LABELS, _TITLE_LABEL, _TOPIC_LABEL, _AIM_LABEL, _PERSPECTIVES_LABEL], key=len, reverse=True
)
_PATTERN_STARTS = ("panel discussion of the session", "conclusions of the session", "conclusion of the session")
_LABEL_FIRST_WORDS = frozenset(label.split(" ", 1)[0] for label in (*_FIXED_LABELS, *_PATTERN_STARTS))
_PATTERN_LABEL = re.compile(r"^(?P<label>(?:panel discussion|conclusions?) of the session\b[^:]*:)\s*(?P<rest>.*)$", re.DOTALL)


def _match_label(text: str) -> _Label | None:
    folded = _fold(text)
    printed = clean(text)
    for label in _FIXED_LABELS:
        if folded.startswith(label):
            return _Label(label, printed[: len(label)], printed[len(label) :].strip())
    match = _PATTERN_LABEL.match(folded)
    if match:
        key = _PANEL_LABEL.pattern if folded.startswith("panel") else _CONCLUSIONS_LABEL.pattern
        end = match.end("label")
        return _Label(key, printed[:end], printed[end:].strip())
    return None


class _LabelMatcher:
    """The printed labels, for the layout: a label starts a block, and so does the text after it."""

    def starts(self, text: str) -> bool:
        first = text.split(" ", 1)[0].lower().replace("’", "'")
        if first not in _LABEL_FIRST_WORDS:
            return False
        folded = _fold(text)
        for label in (*_FIXED_LABELS, *_PATTERN_STARTS):
            if folded.startswith(label):
                return True
            # A label wrapped over lines: its first line is a prefix of it (two words at least).
            if len(folded) < len(label) and label.startswith(folded) and " " in folded.strip():
                return True
        return False

    def rest(self, text: str) -> str | None:
        label = _match_label(text)
        return None if label is None else label.rest


LABELS = _LabelMatcher()


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
            if chapters and ROMAN.index(match["number"]) <= ROMAN.index(chapters[-1][0]):
                raise RefusedDocument(
                    f"the chapter sequence restarts: chapter {match['number']} on p. {block.page} follows chapter "
                    f"{chapters[-1][0]} (is the report in the file twice?)"
                )
            chapters.append((match["number"], [block]))
        elif chapters:
            chapters[-1][1].append(block)
    return chapters


def _check_single_contents(lines: list[TextLine]) -> None:
    """A report has one table of contents: contents pages apart from each other mean two reports in one file."""
    pages = sorted({line.page for line in lines})
    for before, after in pairwise(pages):
        if after != before + 1:
            raise RefusedDocument(
                f"the file has a table of contents on p. {before} and again on p. {after} (is the report in the file twice?)"
            )


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
    numbers = [number for number, _, _ in entries]
    repeated = sorted({number for number in numbers if numbers.count(number) > 1}, key=ROMAN.index)
    if repeated:
        raise RefusedDocument(
            f"the table of contents lists chapter {repeated[0]} twice (is the report in the file twice?)"
        )
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


def _cover(front_matter: list[Block], vocabulary: Vocabulary, document: Document, ledger: _Ledger) -> Report:
    texts = [(_block_text(block, vocabulary), block) for block in front_matter]
    # The cover's text may come as one block per line or several lines per block.
    cover_lines = [(clean(line), block) for block in front_matter for line in block.raw_lines]
    edition = next(((m, block) for line, block in cover_lines if (m := _EDITION.match(line))), None)
    dates = next(((m, block) for line, block in cover_lines if (m := _PLACE_AND_DATES.match(line))), None)
    if not edition or not dates:
        raise RefusedDocument("not an ICPerMed workshop report: the cover names no workshop edition, place and dates")
    (edition, edition_block), (dates, dates_block) = edition, dates
    largest = max(block.size for _, block in texts)
    title_blocks = [block for _, block in texts if block.size == largest]
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
    for block in front_matter:
        # The title, edition, place and dates are the report's record; the rest of the cover is set aside.
        used = block in title_blocks or block is edition_block or block is dates_block
        ledger.take(block, "records" if used else "cover")
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


@dataclass
class _OpenList:
    """A label that opens a list (people, key messages, recommendations), and how many items it got."""

    printed: str
    page: int
    where: str
    items: int = 0


def _merge_boxes(boxes: list[dict]) -> list[dict]:
    """Boxes of one page and column that follow each other become one."""
    merged: list[dict] = []
    for box in boxes:
        last = merged[-1] if merged else None
        if last and last["page"] == box["page"] and box["x0"] < last["x1"] and last["x0"] < box["x1"]:
            last.update(
                x0=min(last["x0"], box["x0"]),
                y0=min(last["y0"], box["y0"]),
                x1=max(last["x1"], box["x1"]),
                y1=max(last["y1"], box["y1"]),
            )
        else:
            merged.append(dict(box))
    return merged


class _Reader:
    """Walks one chapter's blocks, remembering which label it is under."""

    def __init__(self, vocabulary: Vocabulary, body: float, ledger: _Ledger):
        self.vocabulary = vocabulary
        self.body = body
        self.ledger = ledger
        self.problems: list[str] = []
        self.open_list: _OpenList | None = None

    def text(self, block: Block) -> str:
        return _block_text(block, self.vocabulary)

    def close_list(self) -> None:
        """A label followed by no items is a list the parse lost (or a printing it misread)."""
        if self.open_list is not None and self.open_list.items == 0:
            listed = self.open_list
            self.problems.append(f"{listed.printed!r} ({listed.where}, p. {listed.page}) is followed by no items")
        self.open_list = None

    def counted(self) -> None:
        if self.open_list is not None:
            self.open_list.items += 1

    def session(self, number: str, chapter: list[Block], earlier: Iterable[Session]) -> Session:
        heading, *rest = chapter
        title = _CHAPTER.match(self.text(heading))["title"]
        self.ledger.take(heading)
        session = Session(number=number, title=title, kind=session_kind(title), page=heading.page)
        self.mode: str | None = None  # what bullets and paragraphs belong to now
        self.group = ""  # group label (sub-heading, panel label)
        self.lead = ""  # the lead-in the next recommendations complete
        self.pending_lead: tuple[str, Block] | None = None  # a lead-in no item has completed yet
        talk: Talk | None = None
        talk_blocks: list[Block] = []
        for index, block in enumerate(rest):
            following = rest[index + 1] if index + 1 < len(rest) else None
            text = self.text(block)
            if _is_heading(block, self.body):
                self.close_list()
                self.flush_lead(session)
                if talk is not None:
                    talk.boxes = _merge_boxes([box for b in talk_blocks for box in b.boxes()])
                talk = Talk(speaker=self.speaker(text, session, earlier), page=block.page)
                talk_blocks = [block]
                self.ledger.take(block)
                session.talks.append(talk)
                self.mode, self.group = "talk", ""
                continue
            if talk is not None:
                talk_blocks.append(block)
            label = _match_label(text) if not block.bullet else None
            if label:
                self.close_list()
                self.flush_lead(session)
                self.label(label, block, session, talk)
                continue
            if block.bullet:
                self.bullet(text, block, session, talk)
                continue
            if self.mode in _MESSAGE_LABELS.values() and text.endswith(":") and following is not None and following.bullet:
                self.group = text  # a sub-headed list inside a group of key messages
                self.ledger.take(block, "records")
                continue
            self.paragraph(text, block, session, talk)
        self.close_list()
        self.flush_lead(session)
        if talk is not None:
            talk.boxes = _merge_boxes([box for b in talk_blocks for box in b.boxes()])
        return session

    def label(self, label: _Label, block: Block, session: Session, talk: Talk | None) -> None:
        """Open what a label starts; text after it in its block is the first of what it opens."""
        key = label.key
        label_chars = len(label.printed.replace(" ", ""))
        where = f"talk of {talk.speaker.name}" if talk is not None else f"chapter {session.number}"
        self.ledger.take(block, "records", label_chars=label_chars)
        self.group = ""
        self.lead = ""
        if key in _PEOPLE_LABELS:
            self.mode = f"people:{_PEOPLE_LABELS[key]}"
            self.open_list = _OpenList(clean(label.printed), block.page, f"chapter {session.number}")
        elif key in _MESSAGE_LABELS:
            if talk is None:
                raise RefusedDocument(f"the report's structure is broken: {label.printed!r} outside a talk (p. {block.page})")
            self.mode = _MESSAGE_LABELS[key]
            self.open_list = _OpenList(clean(label.printed), block.page, where)
        elif key in (_TITLE_LABEL, _TOPIC_LABEL):
            if talk is None:
                raise RefusedDocument(f"the report's structure is broken: {label.printed!r} outside a talk (p. {block.page})")
            self.mode = "title" if key == _TITLE_LABEL else "topic"
        elif key == _AIM_LABEL:
            self.mode = "aim"
        elif key == _PERSPECTIVES_LABEL:
            self.mode = "perspective"
            self.lead = label.rest
            self.open_list = _OpenList(clean(label.printed), block.page, where)
            return
        elif key == _PANEL_LABEL.pattern:
            self.mode = "panel"
            self.group = clean(label.printed)
            self.open_list = _OpenList(clean(label.printed), block.page, where)
        else:
            self.mode = "conclusion"
            self.open_list = _OpenList(clean(label.printed), block.page, where)
        if not label.rest:
            return
        if self.mode in ("title", "topic", "aim"):
            self.labelled_text(label.rest, session, talk)
            if self.mode != "aim":
                self.mode = "talk"  # the title or topic is complete in its block
        elif self.mode == "conclusion":
            self.pending_lead = (label.rest, block)
            self.lead = label.rest
        else:
            self.add_item(label.rest, block, session, talk)

    def labelled_text(self, text: str, session: Session, talk: Talk | None) -> None:
        if self.mode == "aim":
            session.aim = f"{session.aim}\n\n{text}" if session.aim else text
        elif self.mode == "title":
            talk.title = f"{talk.title} {text}".strip()
        else:
            talk.topic = f"{talk.topic} {text}".strip()

    def paragraph(self, text: str, block: Block, session: Session, talk: Talk | None) -> None:
        self.ledger.take(block)
        if self.mode in ("title", "topic", "aim"):
            self.labelled_text(text, session, talk)
            return
        if self.mode == "perspective" and not self.lead and self.open_list is not None and not self.open_list.items:
            self.lead = text  # the label's lead-in, printed on the line after it
            return
        if self.mode == "conclusion":
            # A lead-in paragraph that the following items complete; one that no item follows is a
            # recommendation of its own.
            self.flush_lead(session)
            self.pending_lead = (text, block)
            self.lead = text
            return
        self.flush_lead(session)
        self.close_list()
        if session.kind == "conclusion":
            session.recommendations.append(
                Recommendation(kind="conclusion", text=text, page=block.page, boxes=block.boxes())
            )
        elif talk is not None:
            talk.paragraphs.append(text)
            self.mode = "talk"
        else:
            session.paragraphs.append(text)
            self.mode = None

    def flush_lead(self, session: Session) -> None:
        """A lead-in no item completed is itself a recommendation."""
        if self.pending_lead is not None:
            text, block = self.pending_lead
            session.recommendations.append(
                Recommendation(kind="conclusion", text=text, page=block.page, boxes=block.boxes())
            )
            self.counted()
            self.pending_lead = None
            self.lead = ""

    def bullet(self, text: str, block: Block, session: Session, talk: Talk | None) -> None:
        self.ledger.take(block)
        self.add_item(text, block, session, talk)

    def add_item(self, text: str, block: Block, session: Session, talk: Talk | None) -> None:
        mode = self.mode
        if mode and mode.startswith("people:"):
            session.people.append(people.parse_person(text, role=mode.split(":", 1)[1]))
        elif mode in _MESSAGE_LABELS.values():
            talk.key_messages.append(
                KeyMessage(kind=mode, text=text, page=block.page, group=self.group, boxes=block.boxes())
            )
        elif mode == "panel":
            session.key_messages.append(
                KeyMessage(kind="panel", text=text, page=block.page, group=self.group, boxes=block.boxes())
            )
        elif mode in ("perspective", "conclusion"):
            self.pending_lead = None  # the lead-in is completed by this item
            session.recommendations.append(
                Recommendation(kind=mode, text=text, page=block.page, lead=self.lead, boxes=block.boxes())
            )
        elif talk is not None:
            talk.paragraphs.append(text)
            return
        else:
            session.paragraphs.append(text)
            return
        self.counted()

    def speaker(self, name: str, session: Session, earlier: Iterable[Session]) -> Person:
        """The person a talk heading names; their details are filled in from the lists afterwards."""
        return Person(name=clean(name), role="speaker")


def _credit_speakers(report: Report) -> None:
    """Each talk's speaker with the details of their listing: this chapter's first, then earlier ones."""
    listed: list[Person] = []
    for session in report.sessions:
        for talk in session.talks:
            key = _name_key(talk.speaker.name)
            for candidate in [*session.people, *listed]:
                if _name_key(candidate.name) == key:
                    talk.speaker = dataclasses.replace(candidate, role="speaker")
                    break
        listed.extend(session.people)


def _plausibility(report: Report) -> list[str]:
    """What a complete report has and this parse lacks."""
    problems = []
    talks = report.talks()
    silent = [talk for talk in talks if not talk.key_messages]
    if talks and silent and len(silent) < len(talks):
        names = ", ".join(talk.speaker.name for talk in silent[:3]) + ("…" if len(silent) > 3 else "")
        problems.append(f"{len(silent)} of {len(talks)} talks have no key messages while the others have ({names})")
    elif talks and len(silent) == len(talks):
        problems.append(f"none of the {len(talks)} talks has key messages")
    # A paragraph never starts in mid-sentence: one that does is the rest of an item or paragraph
    # that the parse cut in two (a list item's marker or hanging indent misread).
    broken = [
        (session.number, text)
        for session in report.sessions
        for text in [*session.paragraphs, *(p for talk in session.talks for p in talk.paragraphs)]
        if text[:1].islower()
    ]
    if broken:
        (number, text), more = broken[0], len(broken) - 1
        others = f" and {more} more" if more else ""
        problems.append(f"a paragraph of chapter {number} starts in mid-sentence ({_quote(text)}{others}): text was cut in two")
    return problems


def _name_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", clean(name).casefold())
    return "".join(char for char in decomposed if char.isalnum())
