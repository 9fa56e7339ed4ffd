"""Citing a statement: the report it is printed in, the page, and the statement's permalink.

`citation()` builds the one description (CSL-JSON, the form citation managers exchange) from a
statement page's data; the plain text and the BibTeX and RIS downloads are written from it, so
every form says the same. Pure functions over JSON-ready dicts.
"""

from __future__ import annotations

import datetime
import json
import re

AUTHOR = "ICPerMed"  # the International Consortium for Personalised Medicine publishes the reports
QUOTED_WORDS = 30  # the statement, quoted in the note, is cut after this many words

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def quoted(text: str, limit: int = QUOTED_WORDS) -> str:
    """The statement's words, cut with an ellipsis after `limit` words."""
    words = text.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


def dates(start: datetime.date, end: datetime.date) -> str:
    """"14–15 November 2023", "30 November – 1 December 2023"."""
    if start.month == end.month and start.year == end.year:
        return f"{start.day}–{end.day} {end:%B %Y}" if start != end else f"{end.day} {end:%B %Y}"
    return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"


def citation(statement: dict, report: dict) -> dict:
    """The statement as CSL-JSON: the report (author, title, place, date, edition), its page, the permalink."""
    start = datetime.date.fromisoformat(report["start_date"])
    end = datetime.date.fromisoformat(report["end_date"])
    label = "Key message" if statement["type"] == "key_message" else "Recommendation"
    return {
        "id": f"icpermed-{start.year}-{statement['type'].replace('_', '-')}-{statement['id']}",
        "type": "report",
        "author": [{"literal": AUTHOR}],
        "title": report["title"],
        "genre": f"Report of the {report['edition']} {report['series']}",
        "event-title": report["series"],
        "event-place": report["place"],
        "event-date": dates(start, end),
        "publisher": AUTHOR,
        "publisher-place": report["place"],
        "issued": {"date-parts": [[start.year, start.month]]},
        "page": str(statement["page"]),
        "URL": statement["url"],
        "note": f"{label}: “{quoted(statement['text'])}”",
    }


def plain_text(csl: dict) -> str:
    """The citation as a reader copies it into a document."""
    year = csl["issued"]["date-parts"][0][0]
    return (
        f"{AUTHOR} ({year}). {csl['title']}. {csl['genre']}, {csl['event-place']}, {csl['event-date']}, "
        f"p. {csl['page']}. {csl['note']} {csl['URL']}"
    )


# BibTeX's special characters, each written so that LaTeX prints it as it is.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_value(text: str) -> str:
    return re.sub(r"[\\{}&%$#_~^]", lambda match: BIBTEX_ESCAPES[match.group()], " ".join(str(text).split()))


def bibtex(csl: dict) -> str:
    """A @techreport entry (UTF-8, as biber and modern BibTeX read it)."""
    year, month = csl["issued"]["date-parts"][0]
    fields = [
        ("author", f"{{{AUTHOR}}}"),  # braced: an organisation, not a first and last name
        ("title", csl["title"]),
        ("type", csl["genre"]),
        ("institution", csl["publisher"]),
        ("address", csl["publisher-place"]),
        ("year", str(year)),
        ("pages", csl["page"]),
        ("url", csl["URL"]),
        ("note", csl["note"]),
    ]
    lines = [f"@techreport{{{csl['id']},"]
    for name, value in fields:
        value = value if name == "author" else bibtex_value(value)
        lines.append(f"  {name} = {{{value}}},")
    lines.append(f"  month = {MONTHS[month - 1]},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ris(csl: dict) -> str:
    """An RIS record (RPRT), one tag a line, ended by ER."""
    year, month = csl["issued"]["date-parts"][0]
    tags = [
        ("TY", "RPRT"),
        ("AU", AUTHOR),
        ("TI", csl["title"]),
        ("T3", csl["genre"]),
        ("PB", csl["publisher"]),
        ("CY", csl["publisher-place"]),
        ("PY", str(year)),
        ("DA", f"{year}/{month:02d}"),
        ("SP", csl["page"]),
        ("UR", csl["URL"]),
        ("N1", csl["note"]),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in tags)


def csl_json(csl: dict) -> str:
    """CSL-JSON: a list of one item."""
    return json.dumps([csl], ensure_ascii=False, indent=2)
