"""The parser on the bundled report: structure, counts and exact text."""

import dataclasses
import datetime
import subprocess
import sys

from tests.conftest import ROOT


def as_plain(report) -> dict:
    data = dataclasses.asdict(report)
    data["start_date"] = report.start_date.isoformat()
    data["end_date"] = report.end_date.isoformat()
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
    assert as_plain(parsed_report) == transcription


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
    assert [(p.role, p.name, p.affiliation, p.organisation, p.country) for p in keynotes.people] == [
        (
            "moderator",
            "Monika Frenzel",
            "International Coordinator in the Biology and Health Department of the French National Research Agency, France",
            "French National Research Agency",
            "France",
        ),
        ("speaker", "Kari Stefansson", "deCode genetics, Icelend", "deCode genetics", "Iceland"),
        (
            "speaker",
            "Matthias Schwab",
            "Department of Clinical Pharmacology, University Hospital Tuebingen, Germany",
            "University Hospital Tuebingen",
            "Germany",
        ),
        ("speaker", "Francesco Dotta", "University of Siena, Italy", "University of Siena", "Italy"),
        ("speaker", "Simon Travers", "Hyrax Biosciences, Ireland", "Hyrax Biosciences", "Ireland"),
    ]
    winners = parsed_report.sessions[7].people[1:]
    assert [(p.name, p.organisation, p.country) for p in winners] == [
        ("Mireia Seuma", "Institute for Bioengineering of Catalonia", "Spain"),
        ("Nurulamin Noor", "University of Cambridge", "United Kingdom"),
        ("Laura Valinotto", "Centre for Research in Genodermatosis and Epidermolysis Bullosa (CEDIGEA)", "Argentina"),
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
