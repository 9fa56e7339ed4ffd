"""The printed document a workshop report's transcription describes, as an ordered list of blocks.

Every writer (WeasyPrint, LibreOffice, Typst, ReportLab, Chromium) prints these blocks in its own
layout, and the checks (verify.py, tests/ingest/test_transcription.py) read printed text back
against them. The transcription (fixtures/transcription.json) holds the report's records; what it
lacks — the printed labels ("Title of the talk:", "Conclusions of the session …:"), which
paragraphs are bullets, which paragraphs come before the people lists — is hard-coded here from
the original PDF (fixtures/icpermed-workshop-2023-siena.pdf).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CONSORTIUM = "International Consortium for Personalised Medicine"
TOC_TITLE = "Table of contents"
REPORT_KIND = "Workshop Report"

# "Conclusion(s) of the session …:" labels, exactly as printed (per chapter number).
CONCLUSION_LABELS = {
    "V": "Conclusions of the session Technologies in Personalised Medicine:",
    "VI": "Conclusions of the session Research and regulatory perspective for technology development:",
    "VII": "Conclusion of the session Collaboration of research and healthcare providers to foster innovations:",
}
PEOPLE_LABELS = {
    "moderator": "Moderator:",
    "speaker": "Speakers:",
    "panellist": "Panellists:",
    "award_winner": "Award winners:",
}
# Chapter III prints its speaker list under a sentence instead of "Speakers:".
PEOPLE_LABEL_OVERRIDES = {("III", "speaker"): "The following speakers participated to this session:"}
KEY_MESSAGE_LABELS = {
    "presentation": "Presentation’s key messages:",
    "discussion": "Discussion’s key messages:",
    "overall": "Overall key messages:",
    "main_point": "Main points of the talk:",
}
# Talks whose label the original prints differently: (chapter, speaker name, kind) -> label.
KEY_MESSAGE_LABEL_OVERRIDES = {("VII", "Hermann Nabi", "overall"): "Overall key message:"}
AIM_LABEL = "Aim of the session:"
TALK_TITLE_LABEL = "Title of the talk:"
TALK_TOPIC_LABEL = "Overarching topic:"
PERSPECTIVE_LABEL = "Perspectives for the future:"

# Leading talk paragraphs printed before the key messages; the rest follow them (chapter III:
# an introducing sentence, "Main points of the talk:", closing sentences).
TALK_PARAGRAPHS_BEFORE = 1
# Chapter VIII: which session paragraphs are bullets, and how many trailing paragraphs follow
# the people lists (elsewhere, in chapter III, all session paragraphs follow them).
BULLET_PARAGRAPHS = {"VIII": {3, 4, 5, 7, 8, 9, 10, 11}}
PARAGRAPHS_AFTER_PEOPLE = {"VIII": 1}


@dataclass
class Block:
    """One printed unit. kind: heading (chapter), speaker (talk sub-heading), label (a line of its
    own), paragraph, or item (a list entry). A paragraph or item with `label` prints it in front,
    on the same line ("Title of the talk: …"). Items of one list share `list_id`; `role` says what
    the list holds (people, key_messages, recommendations, agenda, criteria)."""

    kind: str
    text: str
    label: str = ""
    list_id: int = 0
    role: str = ""
    page: int | None = None  # the page the transcription gives for this record, if any

    @property
    def printed(self) -> str:
        return f"{self.label} {self.text}" if self.label else self.text


@dataclass
class Chapter:
    number: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass
class Document:
    """Cover, contents and chapters of one report, as printed."""

    title: str
    workshop: str  # "5th ICPerMed Workshop"
    when: str  # "Siena, Italy, 14–15 November 2023"
    chapters: list[Chapter]

    @property
    def report_name(self) -> str:
        return f"{self.workshop} Report"

    @property
    def cover_lines(self) -> list[str]:
        return [CONSORTIUM, self.title, self.workshop, self.when, REPORT_KIND]


def ordinal(n: int) -> str:
    """1 -> "1st", 5 -> "5th", 22 -> "22nd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_range(start: str, end: str) -> str:
    """Two ISO dates as the cover prints them: "14–15 November 2023"."""
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%B} {b.year}"
    if a.year == b.year:
        return f"{a.day} {a:%B} – {b.day} {b:%B} {b.year}"
    return f"{a.day} {a:%B} {a.year} – {b.day} {b:%B} {b.year}"


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._lists = 0
        self._open = False

    def add(self, kind: str, text: str, label: str = "", page: int | None = None) -> None:
        self._open = False
        self.blocks.append(Block(kind, text, label, page=page))

    def item(self, text: str, role: str, page: int | None = None) -> None:
        if not self._open:
            self._lists += 1
            self._open = True
        self.blocks.append(Block("item", text, list_id=self._lists, role=role, page=page))

    def end_list(self) -> None:
        self._open = False


def _people(b: _Builder, session: dict) -> None:
    groups: dict[str, list[dict]] = {}
    for person in session["people"]:
        groups.setdefault(person["role"], []).append(person)
    for role, people in groups.items():
        b.add("label", PEOPLE_LABEL_OVERRIDES.get((session["number"], role), PEOPLE_LABELS[role]))
        sep = ": " if role == "award_winner" else ", "
        for p in people:
            b.item(p["name"] + (sep + p["affiliation"] if p["affiliation"] else ""), "people")


def _key_messages(b: _Builder, messages: list[dict], label_for) -> None:
    """A label when the kind changes, a label line when the (non-empty) group changes."""
    kind = group = None
    for km in messages:
        if km["kind"] != kind:
            kind, group = km["kind"], None
            if label_for(kind):
                b.add("label", label_for(kind))
        if km["group"] and km["group"] != group:
            b.add("label", km["group"])
        group = km["group"] or group
        b.item(km["text"], "key_messages", km["page"])
    b.end_list()


def _session_paragraphs(b: _Builder, session: dict, paragraphs: list[str], offset: int = 0) -> None:
    for i, text in enumerate(paragraphs, start=offset):
        if session["kind"] == "agenda":
            if i == 0:
                b.add("paragraph", text)
            elif text.endswith(":"):
                b.add("label", text)
            else:
                b.item(text, "agenda")
        elif i in BULLET_PARAGRAPHS.get(session["number"], ()):
            b.item(text, "criteria")
        else:
            b.add("paragraph", text)
    b.end_list()


def _recommendations(b: _Builder, session: dict) -> None:
    if session["kind"] == "conclusion":
        for rec in session["recommendations"]:
            b.add("paragraph", rec["text"], page=rec["page"])
        return
    current = None
    for rec in session["recommendations"]:
        key = (rec["kind"], rec["lead"])
        if key != current:
            if rec["kind"] == "perspective":
                if rec["lead"]:
                    b.add("paragraph", rec["lead"], label=PERSPECTIVE_LABEL)
                else:
                    b.add("label", PERSPECTIVE_LABEL)
            else:
                if current is None or current[0] != "conclusion":
                    b.add("label", CONCLUSION_LABELS[session["number"]])
                if rec["lead"]:
                    b.add("paragraph", rec["lead"])
            current = key
        b.item(rec["text"], "recommendations", rec["page"])
    b.end_list()


def chapter(session: dict) -> Chapter:
    """The printed blocks of one session, in the original's reading order."""
    b = _Builder()
    number, paragraphs = session["number"], session["paragraphs"]
    n_after = PARAGRAPHS_AFTER_PEOPLE.get(number)
    split = 0 if n_after is None else len(paragraphs) - n_after
    _session_paragraphs(b, session, paragraphs[:split])
    _people(b, session)
    b.end_list()
    _session_paragraphs(b, session, paragraphs[split:], offset=split)
    if session["aim"]:
        b.add("label", AIM_LABEL)
        for p in session["aim"].split("\n\n"):
            if p.strip():
                b.add("paragraph", p)
    for talk in session["talks"]:
        name = talk["speaker"]["name"]
        b.add("speaker", name, page=talk["page"])
        if talk["title"]:
            b.add("paragraph", talk["title"], label=TALK_TITLE_LABEL)
        if talk["topic"]:
            b.add("paragraph", talk["topic"], label=TALK_TOPIC_LABEL)
        for p in talk["paragraphs"][:TALK_PARAGRAPHS_BEFORE]:
            b.add("paragraph", p)

        def label_for(kind, name=name):
            return KEY_MESSAGE_LABEL_OVERRIDES.get((number, name, kind), KEY_MESSAGE_LABELS[kind])

        _key_messages(b, talk["key_messages"], label_for)
        for p in talk["paragraphs"][TALK_PARAGRAPHS_BEFORE:]:
            b.add("paragraph", p)
    _key_messages(b, session["key_messages"], lambda kind: None)
    _recommendations(b, session)
    return Chapter(number, session["title"], b.blocks)


def document(transcription: dict) -> Document:
    """The whole printed report: cover lines and chapters, all taken from the transcription."""
    workshop = f"{ordinal(transcription['number'])} {transcription['series']}"
    when = f"{transcription['place']}, {date_range(transcription['start_date'], transcription['end_date'])}"
    return Document(transcription["title"], workshop, when, [chapter(s) for s in transcription["sessions"]])
