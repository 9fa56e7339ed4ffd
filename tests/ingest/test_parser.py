"""The parser on the bundled report: structure, counts and exact text."""

import dataclasses
import datetime
import subprocess
import sys

from tests.conftest import ROOT

# What the parser reads from an affiliation besides the printed text (position, organisation,
# country and their inferred marks) is checked by test_speakers_read_as_a_careful_reader; the
# transcription holds what is printed.
PRINTED_PERSON = ("name", "affiliation", "role")


def printed(report) -> dict:
    """The report as printed: derived people fields, item boxes and the accounting left out."""
    data = dataclasses.asdict(report)
    data["start_date"] = report.start_date.isoformat()
    data["end_date"] = report.end_date.isoformat()
    del data["accounting"], data["problems"]
    for session in data["sessions"]:
        session["people"] = [{key: person[key] for key in PRINTED_PERSON} for person in session["people"]]
        for talk in session["talks"]:
            talk.pop("boxes")
            talk["speaker"] = {key: talk["speaker"][key] for key in PRINTED_PERSON}
            for message in talk["key_messages"]:
                message.pop("boxes")
        for item in session["key_messages"] + session["recommendations"]:
            item.pop("boxes")
    return data


def printed_transcription(transcription: dict) -> dict:
    data = dict(transcription, sessions=[])
    for session in transcription["sessions"]:
        session = dict(session, people=[{key: p[key] for key in PRINTED_PERSON} for p in session["people"]])
        session["talks"] = [
            dict(talk, speaker={key: talk["speaker"][key] for key in PRINTED_PERSON}) for talk in session["talks"]
        ]
        data["sessions"].append(session)
    return data


def test_counts_match_the_report(parsed_report):
    assert parsed_report.counts() == {
        "chapters": 9,
        "talks": 21,
        "people": 26,
        "key messages (presentation)": 107,
        "key messages (discussion)": 59,
        "key messages (overall)": 50,
        "key messages (main_point)": 28,
        "key messages (panel)": 20,
        "recommendations (conclusion)": 23,
        "recommendations (perspective)": 4,
    }


def test_whole_report_equals_the_transcription(parsed_report, transcription):
    # Every chapter, person, talk, paragraph, key message and recommendation, word for word.
    assert printed(parsed_report) == printed_transcription(transcription)


def test_nothing_is_missing_and_every_character_is_accounted_for(parsed_report, report_bytes):
    import pymupdf

    document = pymupdf.open(stream=report_bytes, filetype="pdf")
    flags = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES
    extracted = sum(len("".join(page.get_text("text", flags=flags).split())) for page in document)
    accounting = parsed_report.accounting
    assert parsed_report.problems == []
    assert accounting["read"] == extracted  # every character PyMuPDF extracts, counted independently
    assert accounting["unaccounted"] == 0
    assert sum(count for name, count in accounting.items() if name != "read") == extracted
    # One marker per list item (327 items: 264 key messages, 27 recommendations, 26 people, 10
    # agenda and recognition bullets); headers, footers and contents as printed on 25 and 1 pages.
    assert accounting["list markers"] == 327
    assert accounting["cover"] > 0 and accounting["contents"] > 0 and accounting["running headers and footers"] > 0


# The speakers as a careful reader files them, from each affiliation as printed (read off the page
# images, not from the parser): position, organisation, country, and whether organisation and
# country are inferred rather than printed as such.
SPEAKERS = {
    "Nicoletta Fabio": ("Mayor of Siena", "", False, "Italy", True),
    "Elisa Nannicini": ("Director of health investments", "Tuscany Region", False, "Italy", True),
    "Fabrizio Landi": ("President", "Toscana Life Sciences (TLS)", True, "Italy", True),
    "Indridi Benediktsson": ("Policy Officer on Health Research", "European Commission", False, "International", True),
    "Ejner Moltzen": ("Chair of ICPerMed", "Innovation Fund Denmark", False, "Denmark", False),
    "Monika Frenzel": (
        "International Coordinator in the Biology and Health Department",
        "French National Research Agency",
        False,
        "France",
        False,
    ),
    "Kari Stefansson": ("", "deCode genetics", False, "Iceland", True),  # printed "Icelend"
    "Matthias Schwab": ("", "University Hospital Tuebingen", False, "Germany", False),
    "Francesco Dotta": ("", "University of Siena", False, "Italy", False),
    "Simon Travers": ("", "Hyrax Biosciences", False, "Ireland", False),
    "Frédéric Dayan": ("", "ExactCure", False, "France", False),
    "Carlotta Masciocchi": ("", "Gemelli", False, "Italy", False),
    "Silvio Weber": ("", "Miltenyi Biotec", False, "Germany", False),
    "Hemma Bauer": (
        "Head of Unit for Life Sciences",
        "Australian Ministry of Education, Science and Research",
        False,
        "Australia",  # as printed ("Australian"), though the ministry's name is Austria's
        True,
    ),
    "Johannes Haubold": ("", "University of Duisburg-Essen", False, "Germany", False),
    "Marlene Thomas": ("", "Roche", False, "Switzerland", False),
    "Saheli Datta Burton": ("", "University College London-STS", False, "United Kingdom", False),
    "Gianni D’Errico": ("Head of Project Management Office", "Toscana Life Sciences (TLS)", False, "Italy", True),
    "Jean-François Mangin": ("", "CEA", False, "France", False),
    "Hermann Nabi": ("", "Université Laval", False, "Canada", False),
    "Robert Doczi": ("", "Genomate Health", False, "Hungary", False),
    "Chiara Ciccarelli": ("", "Italian Ministry of Health", False, "Italy", True),
    "Mireia Seuma": ("", "Institute for Bioengineering of Catalonia", False, "Spain", False),
    "Nurulamin Noor": ("", "University of Cambridge", False, "United Kingdom", False),
    "Laura Valinotto": (
        "",
        "Centre for Research in Genodermatosis and Epidermolysis Bullosa (CEDIGEA)",
        False,
        "Argentina",
        False,
    ),
}


def test_speakers_read_as_a_careful_reader(parsed_report):
    read = {
        p.name: (p.position, p.organisation, p.organisation_inferred, p.country, p.country_inferred)
        for s in parsed_report.sessions
        for p in s.people
    }
    assert read == SPEAKERS
    assert sorted(name for name, fields in read.items() if fields[3] == "Italy") == [
        "Carlotta Masciocchi",
        "Chiara Ciccarelli",
        "Elisa Nannicini",
        "Fabrizio Landi",
        "Francesco Dotta",
        "Gianni D’Errico",
        "Nicoletta Fabio",
    ]
    # A talk's speaker carries the details of their listing.
    assert {t.speaker.name: t.speaker.organisation for t in parsed_report.talks()}["Fabrizio Landi"] == (
        "Toscana Life Sciences (TLS)"
    )


def test_report_identity(parsed_report):
    assert (parsed_report.title, parsed_report.series, parsed_report.number, parsed_report.place) == (
        "Advancing Personalised Medicine through Technology Development",
        "ICPerMed Workshop",
        5,
        "Siena, Italy",
    )
    assert (parsed_report.start_date, parsed_report.end_date) == (
        datetime.date(2023, 11, 14),
        datetime.date(2023, 11, 15),
    )
    assert parsed_report.page_count == 27


def test_chapters_numbers_titles_kinds_and_pages(parsed_report):
    assert [(s.number, s.title, s.kind, s.page) for s in parsed_report.sessions] == [
        ("I", "Executive Summary", "summary", 3),
        ("II", "Workshop Agenda", "agenda", 4),
        ("III", "Welcome & Introduction", "opening", 5),
        ("IV", "Keynote Lectures", "keynotes", 8),
        ("V", "Session: Technologies in Personalised Medicine", "panel_session", 12),
        ("VI", "Session: Research and regulatory perspective for technology development", "panel_session", 16),
        (
            "VII",
            "Sessions: Collaboration of research and healthcare providers to foster innovations",
            "panel_session",
            20,
        ),
        ("VIII", "Session: ICPerMed ‘Best Practice in Personalised Medicine’ Recognition 2022-2023", "recognition", 24),
        ("IX", "Conclusion", "conclusion", 27),
    ]


def test_talks_per_chapter_and_speakers(parsed_report):
    talks = {s.number: [t.speaker.name for t in s.talks] for s in parsed_report.sessions if s.talks}
    assert talks == {
        "III": ["Nicoletta Fabio", "Elisa Nannicini", "Fabrizio Landi", "Indridi Benediktsson", "Ejner Moltzen"],
        "IV": ["Kari Stefansson", "Matthias Schwab", "Francesco Dotta", "Simon Travers"],
        "V": ["Frédéric Dayan", "Carlotta Masciocchi", "Silvio Weber"],
        "VI": ["Johannes Haubold", "Marlene Thomas", "Saheli Datta Burton"],
        "VII": ["Jean-François Mangin", "Hermann Nabi", "Robert Doczi"],
        "VIII": ["Mireia Seuma", "Nurulamin Noor", "Laura Valinotto"],
    }


def test_people_with_roles_and_affiliations(parsed_report):
    keynotes = parsed_report.sessions[3]
    assert [(p.role, p.name, p.affiliation) for p in keynotes.people] == [
        (
            "moderator",
            "Monika Frenzel",
            "International Coordinator in the Biology and Health Department of the French National Research Agency, France",
        ),
        ("speaker", "Kari Stefansson", "deCode genetics, Icelend"),
        ("speaker", "Matthias Schwab", "Department of Clinical Pharmacology, University Hospital Tuebingen, Germany"),
        ("speaker", "Francesco Dotta", "University of Siena, Italy"),
        ("speaker", "Simon Travers", "Hyrax Biosciences, Ireland"),
    ]
    winners = parsed_report.sessions[7].people[1:]
    assert [(p.role, p.name, p.affiliation) for p in winners] == [
        ("award_winner", "Mireia Seuma", "Institute for Bioengineering of Catalonia, Spain"),
        ("award_winner", "Nurulamin Noor", "University of Cambridge, United Kingdom"),
        (
            "award_winner",
            "Laura Valinotto",
            "Centre for Research in Genodermatosis and Epidermolysis Bullosa (CEDIGEA) Argentina",
        ),
    ]


def _all_texts(report) -> list[str]:
    texts = []
    for session in report.sessions:
        texts += session.paragraphs + [session.aim]
        texts += [p.affiliation for p in session.people]
        texts += [m.text for m in session.key_messages] + [r.text for r in session.recommendations]
        for talk in session.talks:
            texts += [talk.title, talk.topic, *talk.paragraphs, *(m.text for m in talk.key_messages)]
    return texts


def _containing(report, fragment: str) -> list[str]:
    return [text for text in _all_texts(report) if fragment in text]


def test_real_compounds_keep_their_hyphen_at_a_line_end(parsed_report):
    # Each of these is printed across a line break in the bundled PDF.
    assert _containing(parsed_report, "field-specific") == [
        "Its mission is the support of clinical research to develop personalised/precision medicine leveraging real "
        "world evidence and data sciences methods, through scientific research, industrial cooperation, deployment in "
        "clinical practice and field-specific education. They aim to maximise the use of data, that clinicians daily "
        "integrate in the electronic health record in order to perform scientific research and industrial cooperation."
    ]
    assert len(_containing(parsed_report, "non-small-cell")) == 1
    assert (
        len(_containing(parsed_report, "Ospedaliero-Universitaria"))
        + len(_containing(parsed_report, "ospedaliero-universitaria"))
        == 1
    )
    assert _containing(parsed_report, "realworld") == []
    assert _containing(parsed_report, "fieldspecific") == []


def test_line_break_hyphens_are_joined(parsed_report):
    texts = " ".join(_all_texts(parsed_report))
    for broken in ("import-ance", "Medi-cine", "inform-ation", "know-ledge", "Genoder-matosis", "microR-NA"):
        assert broken not in texts
    assert "importance of genetic tests" in texts
    assert "microRNA" in texts


def test_spaced_dash_at_line_end_is_not_hyphenation(parsed_report):
    agenda = parsed_report.sessions[1].paragraphs
    assert (
        "Keynote Lecture: European Regional perspective - Presentation of activities concerning PM development and implementation."
        in agenda
    )


def test_typos_quotes_and_accents_are_kept(parsed_report):
    texts = " ".join(_all_texts(parsed_report))
    assert "Preference to start by sérobiotic study, then genetic information." in texts
    assert "The technology provider ś dilemma – When new developments put great biotechnology platforms at risk." in [
        t.title for s in parsed_report.sessions for t in s.talks
    ]


def test_bullet_continued_across_a_page_is_one_item_on_its_first_page(parsed_report):
    weber = parsed_report.sessions[4].talks[2]
    item = weber.key_messages[0]
    assert (item.kind, item.page) == ("presentation", 13)
    assert item.text.startswith("More than 10.000 patients have been treated so far with the CAR-T therapy.")
    assert item.text.endswith("beginning of the disease.")


def test_bullet_continued_across_a_column(parsed_report):
    masciocchi = parsed_report.sessions[4].talks[1]
    example = [m for m in masciocchi.key_messages if m.text.startswith("Example: Azimuth")]
    assert [(m.page, m.kind) for m in example] == [(13, "presentation")]
    assert example[0].text.endswith("(environmental data, pharmacological prescription).")


def test_group_labels_of_sub_headed_lists(parsed_report):
    schwab = parsed_report.sessions[3].talks[1]
    groups = [(m.kind, m.group) for m in schwab.key_messages if m.kind == "discussion"]
    assert (
        groups
        == [("discussion", "")] * 2
        + [("discussion", "How to bring PM to the patient and to clinical practice:")] * 4
        + [("discussion", "Remaining challenges for bringing approaches in practice:")] * 2
    )


def test_recommendations_with_their_lead_ins(parsed_report):
    by_session = {s.number: s.recommendations for s in parsed_report.sessions}
    assert [(r.kind, r.lead) for r in by_session["V"][:4]] == [
        ("perspective", "The most important next step towards implementation of PM are:")
    ] * 4
    assert len({r.lead for r in by_session["VI"]}) == 1
    assert by_session["VI"][0].lead.startswith("Knowledge and expertise on the legal requirements are key")
    assert [r.text[:40] for r in by_session["IX"]][:2] == [
        "Technology developments within genetic s",
        "Advanced technologies support PM and the",
    ]
    assert [len(by_session[n]) for n in ("V", "VI", "VII", "IX")] == [10, 6, 3, 8]


def test_panel_discussion_items_carry_their_label(parsed_report):
    panel = parsed_report.sessions[4].key_messages
    assert {m.group for m in panel} == {"Panel Discussion of the session Technologies in Personalised Medicine:"}
    assert [m.page for m in panel] == [14, 14, 15]


def test_headers_footers_and_page_numbers_are_not_text(parsed_report):
    texts = _all_texts(parsed_report)
    assert [t for t in texts if "5th ICPerMed Workshop Report" in t] == []


def test_parser_imports_without_django():
    code = (
        "import sys; import icpermed_kb.ingest.parser, icpermed_kb.ingest.layout, icpermed_kb.ingest.text; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'; "
        "assert 'pymupdf' not in sys.modules, 'pymupdf imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")


def _letters(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def test_every_item_carries_the_regions_it_is_printed_in(parsed_report, report_bytes):
    import pymupdf

    document = pymupdf.open(stream=report_bytes, filetype="pdf")
    items = [*parsed_report.key_messages(), *parsed_report.recommendations()]
    for item in items:
        # What PyMuPDF prints inside the boxes holds the item's text from its first letter to its last.
        clipped = "".join(
            document[box["page"] - 1].get_text("text", clip=pymupdf.Rect(box["x0"], box["y0"], box["x1"], box["y1"]))
            for box in item.boxes
        )
        letters, found = _letters(item.text), _letters(clipped)
        assert letters[:30] in found and letters[-30:] in found, (item.text[:60], item.boxes)
        assert item.boxes[0]["page"] == item.page
    weber = parsed_report.sessions[4].talks[2]
    # A key message that runs from the foot of p. 13 to the top of p. 14; one that runs across columns.
    assert [box["page"] for box in weber.key_messages[0].boxes] == [13, 14]
    azimuth = next(m for m in parsed_report.sessions[4].talks[1].key_messages if m.text.startswith("Example: Azimuth"))
    assert [(box["page"], box["x0"] < 300) for box in azimuth.boxes] == [(13, True), (13, False)]
    # A talk's region runs from its speaker heading to its last item.
    for talk in parsed_report.talks():
        assert talk.boxes[0]["page"] == talk.page
        assert {box["page"] for m in talk.key_messages for box in m.boxes} <= {box["page"] for box in talk.boxes}
