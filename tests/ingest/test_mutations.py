"""Damaged copies of the report either ingest as a valid report or are refused with nothing written.

The corpus is generated from the bundled report with a fixed seed, so every run sees the same
48 files: bytes flipped at four rates, the file truncated (anywhere, and in its last bytes where
the cross-reference data lives), whole objects cut out of the raw bytes, objects blanked through
PyMuPDF's xref API, the cross-reference data damaged, and streams cut short. Each goes through
`ingest()` — the child process, then the loader — on a database holding the report.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
from collections import Counter, defaultdict

import pytest
from django.db import transaction

from icpermed_kb.export import export_knowledge_base
from icpermed_kb.ingest.pipeline import ingest
from icpermed_kb.ingest.records import RefusedDocument, Report

SEED = 20231114
_OBJECT = re.compile(rb"\d+ 0 obj\b.*?endobj\s*", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_STREAM = re.compile(rb"\d+ 0 obj\s*<<[^>]*?/Type\s*/XRef.*?endobj\s*", re.DOTALL)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def flip_bytes(data: bytes, rate: float, rng: random.Random) -> bytes:
    """XOR about `rate` of the bytes (at least one) with a random non-zero value."""
    out = bytearray(data)
    for offset in rng.sample(range(len(data)), max(1, round(len(data) * rate))):
        out[offset] ^= rng.randrange(1, 256)
    return bytes(out)


def remove_objects(data: bytes, count: int, rng: random.Random) -> bytes:
    """Cut `count` whole "N 0 obj … endobj" spans out of the raw bytes (the xref offsets then lie)."""
    spans = rng.sample([match.span() for match in _OBJECT.finditer(data)], count)
    for start, end in sorted(spans, reverse=True):
        data = data[:start] + data[end:]
    return data


def blank_objects(data: bytes, count: int, rng: random.Random) -> bytes:
    """Make `count` objects null through PyMuPDF's xref API and save a well-formed file."""
    import pymupdf

    document = pymupdf.open(stream=data, filetype="pdf")
    for xref in rng.sample(range(1, document.xref_length()), count):
        if document.xref_is_stream(xref):
            document.update_stream(xref, b"")
        document.update_object(xref, "null")
    return document.tobytes(no_new_id=True)  # no random /ID: the same bytes on every run


def corrupt_xref(data: bytes, how: str, rng: random.Random) -> bytes:
    """Damage the cross-reference data (the report has an xref stream and a startxref offset)."""
    startxref = _STARTXREF.search(data, len(data) - 100)
    xref = _XREF_STREAM.search(data)
    if how == "offset moved":
        offset = max(0, int(startxref.group(1)) + rng.choice([-1, 1]) * rng.randrange(1, 5000))
        return data[: startxref.start(1)] + str(offset).encode() + data[startxref.end(1) :]
    if how == "startxref removed":
        return data[: startxref.start()] + data[startxref.end() :]
    if how == "entries garbled":  # the xref stream's compressed entries scrambled in place
        stream = _STREAM.search(data, xref.start())
        return data[: stream.start(1)] + flip_bytes(stream.group(1), 0.2, rng) + data[stream.end(1) :]
    if how == "xref stream removed":
        return data[: xref.start()] + data[xref.end() :]
    raise ValueError(how)


def truncate_stream(data: bytes, rng: random.Random, *, in_place: bool) -> bytes:
    """Cut a random stream's data short: dropped (the file shrinks) or zero-filled (offsets stay)."""
    start, end = rng.choice(list(_STREAM.finditer(data))).span(1)
    cut = rng.randrange(start, end)
    return data[:cut] + (b"\0" * (end - cut) if in_place else b"") + data[end:]


def corpus(data: bytes) -> dict[str, list[tuple[str, bytes]]]:
    """{family: [(name, bytes)]}: 48 mutants, the same on every run."""
    rng = random.Random(SEED)
    families: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for rate in (1e-5, 1e-4, 1e-3, 1e-2):
        for index in range(3):
            families["bytes flipped"].append((f"rate {rate:g} #{index}", flip_bytes(data, rate, rng)))
    for index in range(6):
        families["truncated"].append((f"anywhere #{index}", data[: rng.randrange(1, len(data))]))
    for index in range(3):
        families["truncated"].append((f"in the tail #{index}", data[: len(data) - rng.randrange(1, 3000)]))
    for index, count in enumerate((1, 1, 1, 1, 2, 3, 5)):
        families["objects removed"].append((f"{count} cut out #{index}", remove_objects(data, count, rng)))
    for index, count in enumerate((1, 1, 1, 3, 10, 30)):
        families["objects blanked"].append((f"{count} blanked #{index}", blank_objects(data, count, rng)))
    for how in ("offset moved", "offset moved", "startxref removed", "entries garbled", "entries garbled"):
        families["xref corrupted"].append((how, corrupt_xref(data, how, rng)))
    families["xref corrupted"].append(("xref stream removed", corrupt_xref(data, "xref stream removed", rng)))
    for index in range(4):
        families["streams truncated"].append((f"cut short #{index}", truncate_stream(data, rng, in_place=False)))
        families["streams truncated"].append((f"zero-filled #{index}", truncate_stream(data, rng, in_place=True)))
    return dict(families)


FAMILIES = (
    "bytes flipped",
    "truncated",
    "objects removed",
    "objects blanked",
    "xref corrupted",
    "streams truncated",
)


@pytest.fixture(scope="module")
def mutants(report_bytes):
    return corpus(report_bytes)


def test_the_corpus_is_deterministic_and_damaged(report_bytes, mutants):
    assert list(mutants) == list(FAMILIES)
    assert sum(len(items) for items in mutants.values()) == 48
    again = corpus(report_bytes)
    for family, items in mutants.items():
        assert [hashlib.sha256(data).digest() for _, data in items] == [
            hashlib.sha256(data).digest() for _, data in again[family]
        ]
        assert all(data != report_bytes for _, data in items), family


def test_mutants_are_ingested_whole_or_refused_with_nothing_written(mutants, ingested, tmp_path):
    """One test for the whole corpus: the database is set up once (a savepoint per mutant)."""
    before = _state()
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    problems = []
    path = tmp_path / "mutant.pdf"
    for family, items in mutants.items():
        for name, data in items:
            path.write_bytes(data)
            name = f"{family}, {name}"
            with transaction.atomic():  # each mutant starts from the ingested report
                try:
                    result = ingest(path)
                except RefusedDocument as exc:
                    message = str(exc)
                    outcomes[family][f"refused: {_reason(message)}"] += 1
                    if not message or "\n" in message:
                        problems.append(f"{name}: the refusal is not one line: {message!r}")
                    if _state() != before:
                        problems.append(f"{name}: refused ({message}) but the database changed")
                except Exception as exc:  # the failure under test: any other exception escaping
                    problems.append(f"{name}: {type(exc).__name__} escaped ingest(): {exc}")
                else:
                    outcomes[family]["parsed"] += 1
                    problems.extend(f"{name}: {problem}" for problem in _invalid(result.report, data))
                transaction.set_rollback(True)
    for family, counts in outcomes.items():
        print(f"{family}: {dict(counts)}")  # shown with -s: the corpus's outcome counts
    assert _state() == before
    assert not problems, "\n".join(problems)


def _state() -> str:
    return json.dumps(export_knowledge_base(), sort_keys=True)


def _reason(message: str) -> str:
    """A refusal's kind, without the details that vary from file to file."""
    return re.sub(r"\s*[(:].*", "", message)


def _invalid(report: Report, data: bytes) -> list[str]:
    """What is wrong with the database after `report` was ingested from `data` (nothing, we hope)."""
    stored = [item for item in export_knowledge_base()["reports"] if item["number"] == report.number]
    if len(stored) != 1:
        return [f"{len(stored)} reports numbered {report.number} in the database"]
    (stored,) = stored
    problems = []
    if stored["source"] != {
        "filename": "mutant.pdf",
        "sha256": hashlib.sha256(data).hexdigest(),
        "pages": report.page_count,
    }:
        problems.append(f"the stored source is {stored['source']}")
    if _shape(stored) != _shape_of(report):
        problems.append("the stored report is not the parsed one")
    for session in stored["sessions"]:
        items = [m for talk in session["talks"] for m in talk["key_messages"]]
        items += session["key_messages"] + session["recommendations"]
        if any(not item["text"].strip() or not 1 <= item["page"] <= report.page_count for item in items):
            problems.append(f"chapter {session['number']} holds an empty item or one off the report's pages")
    if any(_CONTROL.search(text) for text in _strings(stored)):  # PostgreSQL refuses NUL: none anywhere
        problems.append("the stored report holds control characters")
    return problems


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [text for item in items for text in _strings(item)]


def _shape(stored: dict) -> list:
    return [
        (
            session["number"],
            session["title"],
            [[m["text"] for m in talk["key_messages"]] for talk in session["talks"]],
            [m["text"] for m in session["key_messages"]],
            [r["text"] for r in session["recommendations"]],
        )
        for session in stored["sessions"]
    ]


def _shape_of(report: Report) -> list:
    return [
        (
            session.number,
            session.title,
            [[m.text for m in talk.key_messages] for talk in session.talks],
            [m.text for m in session.key_messages],
            [r.text for r in session.recommendations],
        )
        for session in report.sessions
    ]


def test_a_mutant_that_lost_text_is_refused_unless_the_operator_allows_it(mutants, ingested, tmp_path):
    """One of the corpus's files keeps every chapter but loses a page's recommendations: loading it
    would delete them, so the command refuses it, and loads it with --allow-shrink."""
    from django.core.management import CommandError, call_command

    from recommendations.models import Recommendation

    shrunk = [data for _, data in mutants["objects removed"] if _loses_recommendations(data)]
    assert len(shrunk) == 1
    path = tmp_path / "damaged.pdf"
    path.write_bytes(shrunk[0])
    before = _state()
    with pytest.raises(CommandError) as refusal:
        call_command("ingest_report", str(path), stdout=io.StringIO())
    assert str(refusal.value) == (
        f"refused {path}: it holds 21 recommendations where the stored report has 27: it looks damaged or "
        "incomplete (to load it anyway, use --allow-shrink)"
    )
    assert _state() == before
    call_command("ingest_report", str(path), "--allow-shrink", stdout=io.StringIO())
    assert Recommendation.objects.count() == 21


def _loses_recommendations(data: bytes) -> bool:
    from icpermed_kb.ingest.sandbox import parse_in_child

    try:
        report = parse_in_child(data)
    except RefusedDocument:
        return False
    return sum(len(session.recommendations) for session in report.sessions) == 21
