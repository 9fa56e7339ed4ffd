"""A page per statement: its context, its neighbours in the report, related statements, and citations."""

import json

import pytest

from icpermed_kb.web import citations
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Session
from tests.html import site_html


def printed_order(transcription) -> list[str]:
    """The report's statements in printed order, from the hand-checked transcription (not the database)."""
    texts = []
    for session in transcription["sessions"]:
        for talk in session["talks"]:
            texts += [message["text"] for message in talk["key_messages"]]
        texts += [message["text"] for message in session["key_messages"]]
        texts += [item["text"] for item in session["recommendations"]]
    return texts


def significant_stems(text: str) -> set[str]:
    """The stems of a text's words, stop words left out (as search compares words)."""
    from icpermed_kb.search.text import STOP_WORDS, clean, stem, words

    return {stem(word) for _, _, word in words(clean(text)) if word not in STOP_WORDS and len(word) > 2}


def text_of(kind: str, pk: int) -> str:
    model = KeyMessage if kind == "key_message" else Recommendation
    return model.objects.get(pk=pk).text


def test_the_statement_sequence_is_the_printed_order(kb, transcription):
    assert [text_of(kind, pk) for kind, pk in kb.statements()] == printed_order(transcription)


def test_previous_and_next_follow_the_printed_order(client, kb):
    sequence = kb.statements()
    for position in (0, 1, 120, len(sequence) - 1):
        kind, pk = sequence[position]
        route = "key-messages" if kind == "key_message" else "recommendations"
        data = client.get(f"/{route}/{pk}.json").json()
        expected_previous = sequence[position - 1] if position else None
        expected_next = sequence[position + 1] if position + 1 < len(sequence) else None
        got_previous = (data["previous"]["type"], data["previous"]["id"]) if data["previous"] else None
        got_next = (data["next"]["type"], data["next"]["id"]) if data["next"] else None
        assert (got_previous, got_next) == (expected_previous, expected_next)
        assert data["position"] == {"number": position + 1, "of": len(sequence)}


def test_a_key_message_page_names_its_talk_speaker_session_report_and_page(client, kb):
    message = KeyMessage.objects.select_related("talk__speaker", "session__report").get(
        text__startswith="Digital twins’ technology can help to avoid inappropriate medication"
    )
    data = client.get(f"/key-messages/{message.pk}.json").json()
    speaker = message.talk.speaker
    assert (data["type"], data["id"], data["kind"], data["text"], data["group"]) == (
        "key_message", message.pk, message.kind, message.text, message.group
    )
    assert (data["talk"]["id"], data["speaker"]["slug"], data["speaker"]["organisation"], data["speaker"]["country"]) == (
        message.talk_id, speaker.slug, speaker.organisation, speaker.country
    )
    assert (data["session"]["number"], data["report"]["slug"], data["page"]) == (message.session.number, "2023-siena", message.page)
    assert data["url"] == f"http://testserver/key-messages/{message.pk}/"
    assert data["in_context"] == f"http://testserver/talks/{message.talk_id}/#km-{message.pk}"
    assert data["pdf"] == f"http://testserver/reports/2023-siena/report.pdf#page={message.page}"
    assert sorted(theme["slug"] for theme in data["themes"]) == sorted(message.themes.values_list("slug", flat=True))
    html = site_html(client.get(f"/key-messages/{message.pk}/"))
    assert f'<h1 id="statement-text" class="statement-text">{message.text}</h1>' in html
    assert f'<a href="/talks/{message.talk_id}/#km-{message.pk}">Read it in context</a>' in html
    # the anchor it links to is still there: the fragments in use keep working
    assert f'id="km-{message.pk}"' in client.get(f"/talks/{message.talk_id}/").content.decode()


def test_related_statements_come_from_other_talks_and_share_its_words(client, kb):
    message = KeyMessage.objects.get(text__startswith="Digital twins’ technology can help to avoid inappropriate medication")
    related = client.get(f"/key-messages/{message.pk}.json").json()["related"]
    assert 1 <= len(related) <= 5
    others = [(item["type"], item["id"]) for item in related]
    own_talk = set(KeyMessage.objects.filter(talk=message.talk).values_list("id", flat=True))
    assert not {pk for kind, pk in others if kind == "key_message"} & own_talk
    own_words = significant_stems(message.text)
    assert all(significant_stems(text_of(kind, pk)) & own_words for kind, pk in others)


def test_a_recommendation_page_excludes_its_own_sessions_recommendations_from_related(client, kb):
    item = Recommendation.objects.filter(session__number="VI").order_by("order").first()
    data = client.get(f"/recommendations/{item.pk}.json").json()
    assert (data["type"], data["lead"], data["text"], data["session"]["number"]) == ("recommendation", item.lead, item.text, "VI")
    same_session = set(Recommendation.objects.filter(session=item.session).values_list("id", flat=True))
    assert not {entry["id"] for entry in data["related"] if entry["type"] == "recommendation"} & same_session


def test_cite_this_in_every_form(client, kb):
    item = Recommendation.objects.get(session__number="IX", order=1)
    base = f"/recommendations/{item.pk}"
    quoted = citations.quoted(item.text)
    expected_text = (
        "ICPerMed (2023). Advancing Personalised Medicine through Technology Development. Report of the 5th "
        f"ICPerMed Workshop, Siena, Italy, 14–15 November 2023, p. {item.page}. Recommendation: “{quoted}” "
        f"http://testserver{base}/"
    )
    data = client.get(f"{base}.json").json()
    assert data["cite"]["text"] == expected_text
    assert f'<p class="citation">{expected_text}</p>' in client.get(f"{base}/").content.decode().replace("&#x27;", "'")

    bib = client.get(f"{base}.bib")
    assert (bib["Content-Type"], bib["Content-Disposition"]) == (
        "application/x-bibtex; charset=utf-8",
        f'attachment; filename="icpermed-2023-recommendation-{item.pk}.bib"',
    )
    assert bib.content.decode() == (
        f"@techreport{{icpermed-2023-recommendation-{item.pk},\n"
        "  author = {{ICPerMed}},\n"
        "  title = {Advancing Personalised Medicine through Technology Development},\n"
        "  type = {Report of the 5th ICPerMed Workshop},\n"
        "  institution = {ICPerMed},\n"
        "  address = {Siena, Italy},\n"
        "  year = {2023},\n"
        f"  pages = {{{item.page}}},\n"
        f"  url = {{http://testserver{base}/}},\n"
        f"  note = {{Recommendation: “{citations.bibtex_value(quoted)}”}},\n"
        "  month = nov,\n"
        "}\n"
    )
    ris = client.get(f"{base}.ris").content.decode()
    assert ris.split("\r\n") == [
        "TY  - RPRT",
        "AU  - ICPerMed",
        "TI  - Advancing Personalised Medicine through Technology Development",
        "T3  - Report of the 5th ICPerMed Workshop",
        "PB  - ICPerMed",
        "CY  - Siena, Italy",
        "PY  - 2023",
        "DA  - 2023/11",
        f"SP  - {item.page}",
        f"UR  - http://testserver{base}/",
        f"N1  - Recommendation: “{quoted}”",
        "ER  - ",
        "",
    ]
    csl = json.loads(client.get(f"{base}.csl.json").content)
    assert csl == [data["cite"]["csl"]]
    assert (csl[0]["type"], csl[0]["author"], csl[0]["issued"], csl[0]["page"]) == (
        "report", [{"literal": "ICPerMed"}], {"date-parts": [[2023, 11]]}, str(item.page)
    )


def test_bibtex_escapes_what_latex_would_read_as_commands():
    assert citations.bibtex_value("R&D 50% of $5 #1 a_b {x} ~ ^ \\") == (
        r"R\&D 50\% of \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )


def test_quoted_cuts_long_statements():
    assert citations.quoted("one two three", limit=2) == "one two…"
    assert citations.quoted("one two", limit=2) == "one two"


@pytest.mark.parametrize("suffix", ["/", ".json", ".bib", ".ris", ".csl.json"])
def test_unknown_statements_are_404(client, kb, suffix):
    assert client.get(f"/key-messages/999999{suffix}").status_code == 404
    assert client.get(f"/recommendations/999999{suffix}").status_code == 404


def test_every_session_recommendation_links_to_its_own_page(client, kb):
    session = Session.objects.select_related("report").get(report=kb, number="V")
    html = site_html(client.get(session.get_absolute_url()))
    for item in session.recommendations.all():
        assert f'<a class="permalink" href="/recommendations/{item.pk}/">Permalink</a>' in html
