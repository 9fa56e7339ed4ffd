#!/usr/bin/env python3
"""Re-render the 5th ICPerMed workshop report from its transcription, in another layout.

The report text and its printed structure (labels, reading order, bullets) follow the
original PDF (fixtures/icpermed-workshop-2023-siena.pdf); only the page layout changes.
The output is a parser test fixture: same content, different geometry.

    python render_report.py --transcription fixtures/transcription.json \
        --output fixtures/renderings/letter-one-column.pdf --layout letter-one-column
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
from pathlib import Path

# ---------------------------------------------------------------------------
# Printed wording that is not in the transcription, taken from the original PDF.
# ---------------------------------------------------------------------------

CONSORTIUM = "International Consortium for Personalised Medicine"
TOC_TITLE = "Table of contents"

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
KEY_MESSAGE_LABEL_OVERRIDES = {
    ("VII", "Hermann Nabi", "overall"): "Overall key message:",
}

AIM_LABEL = "Aim of the session:"
TALK_TITLE_LABEL = "Title of the talk:"
TALK_TOPIC_LABEL = "Overarching topic:"
PERSPECTIVE_LABEL = "Perspectives for the future:"

# Number of leading talk paragraphs printed before the key messages; the rest come after
# them (chapter III: intro sentence, "Main points of the talk:", closing sentence(s)).
TALK_PARAGRAPHS_BEFORE = 1

# Session paragraphs: per-chapter rules for which paragraphs are list items / labels.
# Chapter II (agenda): first paragraph plain, "<day>:" lines bold labels, the rest bullets.
# Chapter VIII: indices of the paragraphs printed as bullets, and how many trailing
# paragraphs are printed after the people lists ("Chiara Ciccarelli introduced …");
# elsewhere (chapter III) all session paragraphs follow the people lists.
BULLET_PARAGRAPHS = {"VIII": {3, 4, 5, 7, 8, 9, 10, 11}}
PARAGRAPHS_AFTER_PEOPLE = {"VIII": 1}


# ---------------------------------------------------------------------------
# Layouts
# ---------------------------------------------------------------------------

COMMON_CSS = """
@page {
  @top-left { content: "%(report_name)s"; font-size: %(margin_font)s; color: #555;
              vertical-align: bottom; padding-bottom: 3mm; padding-right: 5mm; white-space: nowrap; }
  @top-right { content: string(chapter); font-size: %(margin_font)s; color: #555;
               text-align: right; vertical-align: bottom; padding-bottom: 3mm; padding-left: 5mm; }
  @bottom-center { content: %(footer)s; font-size: %(margin_font)s; color: #555;
                   vertical-align: top; padding-top: 3mm; }
}
@page :first {
  @top-left { content: none; } @top-right { content: none; } @bottom-center { content: none; }
}
html { font-family: %(font)s; font-size: %(body_size)s; line-height: 1.38; color: #111; }
body { margin: 0; }
p { margin: 0 0 0.55em 0; orphans: 2; widows: 2; }
.cover { page-break-after: always; text-align: center; padding-top: %(cover_top)s; }
.cover .consortium { font-size: 1.25em; letter-spacing: 0.03em; margin-bottom: 3em; }
.cover .title { font-size: %(cover_title)s; font-weight: bold; line-height: 1.2;
                margin: 0 0 1.2em 0; hyphens: manual; }
.cover .workshop { font-size: 1.5em; margin-bottom: 0.4em; }
.cover .when { font-size: 1.2em; margin-bottom: 3em; }
.cover .kind { font-size: 1.4em; font-style: italic; }
.toc { page-break-after: always; }
.toc ol { list-style: none; margin: 0; padding: 0; }
.toc li { margin: 0 0 0.5em 0; hyphens: manual; }
.toc a { color: inherit; text-decoration: none; }
/* U+2060 keeps the last word and the leader on one line when a title wraps */
.toc a::after { content: "\\2060" leader('.') target-counter(attr(href), page); }
h1 { font-size: %(h1_size)s; line-height: 1.2; font-weight: bold; margin: 0 0 0.9em 0;
     hyphens: manual; string-set: chapter content(); %(h1_extra)s }
.toc h1 { string-set: none; }
h2 { font-size: %(h2_size)s; font-weight: bold; margin: 1.1em 0 0.35em 0; hyphens: manual;
     page-break-after: avoid; break-after: avoid; %(h2_extra)s }
.chapter { page-break-before: always; }
p.label { font-weight: bold; margin: 0.8em 0 0.3em 0; page-break-after: avoid; break-after: avoid; }
b.label { font-weight: bold; }
ul { margin: 0 0 0.7em 0; padding-left: %(list_indent)s; list-style-type: %(bullet)s; }
li { margin: 0 0 0.3em 0; }
"""

LAYOUTS = {
    "letter-one-column": {
        "size": "letter",
        "margins_mm": (25, 24, 24, 24),  # top, right, bottom, left
        "font": '"DejaVu Serif", "Liberation Serif", serif',
        "body_size": "10.5pt",
        "margin_font": "8pt",
        "footer": '"Page " counter(page) " of " counter(pages)',
        "hyphens": "manual",
        "align": "left",
        "columns": "",
        "h1_size": "20pt",
        "h2_size": "13pt",
        "h1_extra": "border-bottom: 1.2pt solid #333; padding-bottom: 4pt;",
        "h2_extra": "",
        "bullet": '"– "',
        "list_indent": "1.6em",
        "cover_top": "45mm",
        "cover_title": "26pt",
    },
    "a5-two-column-hyphenated": {
        "size": "A5",
        "margins_mm": (17, 12, 15, 12),
        "font": '"DejaVu Sans", "Liberation Sans", sans-serif',
        "body_size": "7.6pt",
        "margin_font": "6pt",
        "footer": "counter(page)",
        "hyphens": "auto",
        "align": "justify",
        "columns": "columns: 2; column-gap: 5mm;",
        "h1_size": "14pt",
        "h2_size": "9.5pt",
        "h1_extra": "background: #e6e6e6; padding: 3pt 5pt;",
        "h2_extra": "",
        "bullet": '"• "',
        "list_indent": "1.3em",
        "cover_top": "30mm",
        "cover_title": "19pt",
    },
}


def layout_css(name: str, report_name: str) -> str:
    lay = LAYOUTS[name]
    css = "@page { size: %s; margin: %smm %smm %smm %smm; }\n" % (lay["size"], *lay["margins_mm"])
    css += COMMON_CSS % {**lay, "report_name": report_name.replace('"', '\\"')}
    css += (
        ".chapter-body, .toc { hyphens: %(hyphens)s; text-align: %(align)s; }\n"
        ".chapter-body { %(columns)s }\n"
        "h1, h2, p.label { text-align: left; }\n" % lay
    )
    if lay["hyphens"] == "auto":
        css += '.chapter-body { hyphenate-character: "\\2010"; }\n'
    return css


# ---------------------------------------------------------------------------
# HTML building
# ---------------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_range(start: str, end: str) -> str:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%B} {b.year}"
    if a.year == b.year:
        return f"{a.day} {a:%B} – {b.day} {b:%B} {b.year}"
    return f"{a.day} {a:%B} {a.year} – {b.day} {b:%B} {b.year}"


def label(text: str) -> str:
    return f'<p class="label">{esc(text)}</p>'


def para(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def bullets(items) -> str:
    return "<ul>" + "".join(f"<li>{esc(t)}</li>" for t in items) + "</ul>"


def chapter_heading(session: dict) -> str:
    return f"{session['number']}. {session['title']}"


def render_people(session: dict) -> list[str]:
    out: list[str] = []
    groups: dict[str, list[dict]] = {}
    for person in session["people"]:
        groups.setdefault(person["role"], []).append(person)
    for role, people in groups.items():
        text = PEOPLE_LABEL_OVERRIDES.get((session["number"], role), PEOPLE_LABELS[role])
        sep = ": " if role == "award_winner" else ", "
        out.append(label(text))
        out.append(bullets(p["name"] + (sep + p["affiliation"] if p["affiliation"] else "") for p in people))
    return out


def render_key_messages(messages, label_for) -> list[str]:
    """Key messages in order: a label when the kind changes, a bold group line when the
    (non-empty) group changes, bullets otherwise."""
    out: list[str] = []
    items: list[str] = []
    kind = group = None

    def flush():
        if items:
            out.append(bullets(items))
            items.clear()

    for km in messages:
        if km["kind"] != kind:
            flush()
            kind, group = km["kind"], None
            if label_for(kind):
                out.append(label(label_for(kind)))
        if km["group"] and km["group"] != group:
            flush()
            out.append(label(km["group"]))
        group = km["group"] or group
        items.append(km["text"])
    flush()
    return out


def render_talk(session: dict, talk: dict) -> list[str]:
    name = talk["speaker"]["name"]
    out = [f"<h2>{esc(name)}</h2>"]
    before = talk["paragraphs"][:TALK_PARAGRAPHS_BEFORE]
    after = talk["paragraphs"][TALK_PARAGRAPHS_BEFORE:]
    if talk["title"]:
        out.append(f'<p><b class="label">{esc(TALK_TITLE_LABEL)}</b> {esc(talk["title"])}</p>')
    if talk["topic"]:
        out.append(f'<p><b class="label">{esc(TALK_TOPIC_LABEL)}</b> {esc(talk["topic"])}</p>')
    out += [para(p) for p in before]

    def label_for(kind):
        return KEY_MESSAGE_LABEL_OVERRIDES.get((session["number"], name, kind), KEY_MESSAGE_LABELS[kind])

    out += render_key_messages(talk["key_messages"], label_for)
    out += [para(p) for p in after]
    return out


def render_session_paragraphs(session: dict, paragraphs: list[str], offset: int = 0) -> list[str]:
    out: list[str] = []
    number = session["number"]
    run: list[str] = []

    def flush():
        if run:
            out.append(bullets(run))
            run.clear()

    for i, text in enumerate(paragraphs, start=offset):
        if session["kind"] == "agenda":
            if i == 0:
                out.append(para(text))
            elif text.endswith(":"):
                flush()
                out.append(label(text))
            else:
                run.append(text)
            continue
        if i in BULLET_PARAGRAPHS.get(number, ()):
            run.append(text)
        else:
            flush()
            out.append(para(text))
    flush()
    return out


def render_recommendations(session: dict) -> list[str]:
    out: list[str] = []
    if session["kind"] == "conclusion":
        return [para(r["text"]) for r in session["recommendations"]]
    items: list[str] = []
    current = None
    for rec in session["recommendations"]:
        key = (rec["kind"], rec["lead"])
        if key != current:
            if items:
                out.append(bullets(items))
                items = []
            if rec["kind"] == "perspective":
                out.append(
                    f'<p><b class="label">{esc(PERSPECTIVE_LABEL)}</b>'
                    + (f" {esc(rec['lead'])}" if rec["lead"] else "")
                    + "</p>"
                )
            else:
                if current is None or current[0] != "conclusion":
                    out.append(label(CONCLUSION_LABELS[session["number"]]))
                if rec["lead"]:
                    out.append(para(rec["lead"]))
            current = key
        items.append(rec["text"])
    if items:
        out.append(bullets(items))
    return out


def render_session(session: dict) -> str:
    number = session["number"]
    body: list[str] = []
    paragraphs = session["paragraphs"]
    # Paragraphs printed before the people lists; by default all follow them (chapter III).
    n_after = PARAGRAPHS_AFTER_PEOPLE.get(number)
    split = 0 if n_after is None else len(paragraphs) - n_after
    body += render_session_paragraphs(session, paragraphs[:split])
    body += render_people(session)
    body += render_session_paragraphs(session, paragraphs[split:], offset=split)
    if session["aim"]:
        body.append(label(AIM_LABEL))
        body += [para(p) for p in session["aim"].split("\n\n") if p.strip()]
    for talk in session["talks"]:
        body += render_talk(session, talk)
    body += render_key_messages(session["key_messages"], lambda kind: None)
    body += render_recommendations(session)
    anchor = f"ch-{number}"
    return (
        f'<section class="chapter" id="{anchor}">'
        f"<h1>{esc(chapter_heading(session))}</h1>"
        f'<div class="chapter-body">{"".join(body)}</div></section>'
    )


def build_html(data: dict, layout: str) -> str:
    workshop = f"{ordinal(data['number'])} {data['series']}"  # "5th ICPerMed Workshop"
    report_name = f"{workshop} Report"
    when = f"{data['place']}, {date_range(data['start_date'], data['end_date'])}"
    cover = (
        '<section class="cover">'
        f'<p class="consortium">{esc(CONSORTIUM)}</p>'
        f'<p class="title">{esc(data["title"])}</p>'
        f'<p class="workshop">{esc(workshop)}</p>'
        f'<p class="when">{esc(when)}</p>'
        '<p class="kind">Workshop Report</p>'
        "</section>"
    )
    toc_rows = "".join(f'<li><a href="#ch-{s["number"]}">{esc(chapter_heading(s))}</a></li>' for s in data["sessions"])
    toc = f'<nav class="toc"><h1>{esc(TOC_TITLE)}</h1><ol>{toc_rows}</ol></nav>'
    chapters = "".join(render_session(s) for s in data["sessions"])
    css = layout_css(layout, report_name)
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{esc(data['title'])}</title>"
        '<meta name="author" content="ICPerMed Secretariat">'
        f"<style>{css}</style></head><body>{cover}{toc}{chapters}</body></html>"
    )


# ---------------------------------------------------------------------------
# Verification (needs pymupdf): text, reading order, running headers and footers
# ---------------------------------------------------------------------------

MARKERS = {"letter-one-column": "–", "a5-two-column-hyphenated": "•"}
MAX_BYTES = 400 * 1024


def normalise_extracted(text: str, marker: str) -> str:
    """PDF text -> one line: drop bullet-marker lines, undo hyphenation, collapse spaces."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln.strip() and ln.strip() != marker]
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not out:
            out = ln
        elif out.endswith("\u2010"):  # hyphenation inserted by the layout
            out = out[:-1] + ln
        elif out[-1] in "-/" and len(out) > 1 and not out[-2].isspace():
            out += ln  # break after a hyphen or slash in a word
        else:
            out += " " + ln
    return re.sub(r"\s+", " ", out).strip()


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def expected_blocks(data: dict):
    """(what, text) in the report's reading order."""
    for s in data["sessions"]:
        yield "heading", chapter_heading(s)
        number = s["number"]
        n_after = PARAGRAPHS_AFTER_PEOPLE.get(number)
        split = 0 if n_after is None else len(s["paragraphs"]) - n_after
        yield from (("paragraph", p) for p in s["paragraphs"][:split])
        roles: dict[str, list[dict]] = {}
        for person in s["people"]:
            roles.setdefault(person["role"], []).append(person)
        for role, people in roles.items():
            yield "label", PEOPLE_LABEL_OVERRIDES.get((number, role), PEOPLE_LABELS[role])
            for person in people:
                sep = ": " if role == "award_winner" else ", "
                yield "person", person["name"] + sep + person["affiliation"]
        yield from (("paragraph", p) for p in s["paragraphs"][split:])
        if s["aim"]:
            yield "label", AIM_LABEL
            yield from (("aim", p) for p in s["aim"].split("\n\n") if p.strip())
        for talk in s["talks"]:
            name = talk["speaker"]["name"]
            yield "speaker", name
            if talk["title"]:
                yield "title", f"{TALK_TITLE_LABEL} {talk['title']}"
            if talk["topic"]:
                yield "topic", f"{TALK_TOPIC_LABEL} {talk['topic']}"
            yield from (("paragraph", p) for p in talk["paragraphs"][:TALK_PARAGRAPHS_BEFORE])
            kind = group = None
            for km in talk["key_messages"]:
                if km["kind"] != kind:
                    kind, group = km["kind"], None
                    yield "label", KEY_MESSAGE_LABEL_OVERRIDES.get((number, name, kind), KEY_MESSAGE_LABELS[kind])
                if km["group"] and km["group"] != group:
                    yield "group", km["group"]
                group = km["group"] or group
                yield "key_message", km["text"]
            yield from (("paragraph", p) for p in talk["paragraphs"][TALK_PARAGRAPHS_BEFORE:])
        group = None
        for km in s["key_messages"]:
            if km["group"] and km["group"] != group:
                yield "group", km["group"]
            group = km["group"] or group
            yield "key_message", km["text"]
        current = None
        for rec in s["recommendations"]:
            if s["kind"] != "conclusion" and (rec["kind"], rec["lead"]) != current:
                if rec["kind"] == "perspective":
                    yield "label", PERSPECTIVE_LABEL
                elif current is None or current[0] != "conclusion":
                    yield "label", CONCLUSION_LABELS[number]
                if rec["lead"]:
                    yield "lead", rec["lead"]
                current = (rec["kind"], rec["lead"])
            yield "recommendation", rec["text"]


def verify(pdf: Path, data: dict, layout: str) -> list[str]:
    import pymupdf

    problems: list[str] = []
    marker = MARKERS[layout]
    top, _, bottom, _ = (mm * 72 / 25.4 for mm in LAYOUTS[layout]["margins_mm"])
    doc = pymupdf.open(pdf)
    n = len(doc)
    report_name = f"{ordinal(data['number'])} {data['series']} Report"
    if pdf.stat().st_size > MAX_BYTES:
        problems.append(f"{pdf} is {pdf.stat().st_size} bytes (> {MAX_BYTES})")

    raw_bodies, heads, feet = [], [], []
    for page in doc:
        w, h = page.rect.width, page.rect.height
        # header/footer as their separate text blocks (left box, right box, centre box)
        heads.append([collapse(b[4]) for b in page.get_text("blocks", clip=pymupdf.Rect(0, 0, w, top))])
        feet.append([collapse(b[4]) for b in page.get_text("blocks", clip=pymupdf.Rect(0, h - bottom, w, h))])
        raw_bodies.append(page.get_text(clip=pymupdf.Rect(0, top, w, h - bottom)))
    bodies = [normalise_extracted(b, marker) for b in raw_bodies]
    # joined before normalising: a word hyphenated at the foot of a page goes on overleaf
    body = normalise_extracted("\n".join(raw_bodies[2:]), marker)  # after cover and TOC
    hyphenated = sum(b.count("\u2010\n") for b in raw_bodies)
    if LAYOUTS[layout]["hyphens"] == "auto" and not hyphenated:
        problems.append("no hyphenated line ends although hyphens: auto")
    if LAYOUTS[layout]["hyphens"] != "auto" and hyphenated:
        problems.append(f"{hyphenated} hyphenated line ends although hyphens: manual")

    # Cover and table of contents.
    cover = bodies[0]
    when = f"{data['place']}, {date_range(data['start_date'], data['end_date'])}"
    for text in (CONSORTIUM, data["title"], f"{ordinal(data['number'])} {data['series']}", when, "Workshop Report"):
        if text not in cover:
            problems.append(f"cover lacks {text!r}")
    if heads[0] or feet[0]:
        problems.append(f"cover has header/footer {heads[0]!r} {feet[0]!r}")
    starts = {}
    for s in data["sessions"]:
        heading = chapter_heading(s)
        pages = [i + 1 for i, b in enumerate(bodies) if i > 1 and b.startswith(heading)]
        if len(pages) != 1:
            problems.append(f"chapter {heading!r} starts on pages {pages}")
            continue
        starts[heading] = pages[0]
        row = re.search(re.escape(heading) + r" ?\.{3,} ?(\d+)\b", bodies[1])
        if not row:
            problems.append(f"no TOC row for {heading!r}")
        elif int(row.group(1)) != pages[0]:
            problems.append(f"TOC says {heading!r} is on p.{row.group(1)}, it starts on p.{pages[0]}")

    # Running header and footer on every page but the cover.
    chapter = ""
    for i in range(1, n):
        for heading, start in starts.items():
            if start == i + 1:
                chapter = heading
        # left box then right box; a long chapter name may wrap, so compare sans spaces
        head = " ".join(heads[i])
        if not (head.startswith(report_name) and re.sub(r"\s", "", head) == re.sub(r"\s", "", report_name + chapter)):
            problems.append(f"p.{i + 1} header {heads[i]!r}, expected {report_name!r} + {chapter!r}")
        foot = f"Page {i + 1} of {n}" if layout == "letter-one-column" else str(i + 1)
        if feet[i] != [foot]:
            problems.append(f"p.{i + 1} footer {feet[i]!r} != {foot!r}")

    # Every printed element, in reading order.
    pos = 0
    key_messages = 0
    for what, text in expected_blocks(data):
        needle = collapse(text)
        found = body.find(needle, pos)
        if found < 0:
            anywhere = body.find(needle)
            problems.append(f"{what} {'out of order' if anywhere >= 0 else 'missing'}: {needle[:80]!r}")
            continue
        pos = found + len(needle)
        key_messages += what == "key_message"
    total = sum(len(t["key_messages"]) for s in data["sessions"] for t in s["talks"])
    total += sum(len(s["key_messages"]) for s in data["sessions"])
    if key_messages != total:
        problems.append(f"only {key_messages} of {total} key messages found in order")
    print(
        f"{pdf}: {n} pages, {pdf.stat().st_size} bytes, {key_messages}/{total} key messages "
        f"found in order, {hyphenated} hyphenated line ends, {len(problems)} problem(s)"
    )
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transcription", required=True, type=Path, help="path to transcription.json")
    parser.add_argument("--output", required=True, type=Path, help="PDF file to write")
    parser.add_argument("--layout", required=True, choices=sorted(LAYOUTS))
    parser.add_argument("--html", type=Path, help="also write the intermediate HTML here")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="check the PDF with pymupdf: every printed text in reading "
        "order, TOC page numbers, running headers and footers",
    )
    args = parser.parse_args(argv)

    data = json.loads(args.transcription.read_text(encoding="utf-8"))
    document = build_html(data, args.layout)
    if args.html:
        args.html.write_text(document, encoding="utf-8")

    from weasyprint import HTML  # imported late so --help works without WeasyPrint

    args.output.parent.mkdir(parents=True, exist_ok=True)
    rendered = HTML(string=document, base_url=str(args.transcription.parent)).render()
    rendered.write_pdf(args.output)
    print(f"{args.output}: {len(rendered.pages)} pages, {args.output.stat().st_size} bytes")
    if args.verify:
        problems = verify(args.output, data, args.layout)
        for problem in problems:
            print("  " + problem)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
