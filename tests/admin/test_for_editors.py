"""The admin as editors read it: the index's order, whole headings, grouped themes, and a changed
text's history word by word."""

import re

import pytest
from django.urls import reverse

from icpermed_kb.editing.word_diff import word_diff, words_of
from icpermed_kb.models import Theme
from icpermed_kb.models.editable import shorten
from tests.admin.conftest import make_rows
from tests.admin.test_editing import change_url, edit

pytestmark = pytest.mark.django_db


def test_the_index_leads_with_the_knowledge_base_and_ends_with_login_security(editor_client):
    response = editor_client.get(reverse("admin:index"))
    listed = [(app["name"], [model["name"] for model in app["models"]]) for app in response.context["app_list"]]
    assert listed == [
        ("Sessions, talks and key messages", ["Sessions", "Talks", "Key messages", "Reports"]),
        ("Recommendations", ["Recommendations"]),
        ("Speakers", ["Speakers", "Session roles"]),
        ("Themes and deleted items", ["Themes", "Deleted items"]),
        ("Authentication and Authorization", ["Users", "Groups"]),
        ("Login security (django-axes)", ["Access attempts", "Access failures", "Access logs"]),
    ]
    html = response.content.decode()
    assert 'id="nav-sidebar"' not in html  # the lists and forms get the whole width


def test_an_app_index_lists_its_models_in_the_same_order(editor_client):
    response = editor_client.get(reverse("admin:app_list", args=["workshop_sessions"]))
    (app,) = response.context["app_list"]
    assert [model["name"] for model in app["models"]] == ["Sessions", "Talks", "Key messages", "Reports"]


def heading(client, obj) -> str:
    html = client.get(change_url(obj)).content.decode()
    (subtitle,) = re.findall(r"<h2>(.*?)</h2>", html, flags=re.S)[:1]
    return subtitle


def test_change_form_headings_are_whole(editor_client):
    made = make_rows(1)
    message, talk, recommendation = made["message"], made["talk"], made["recommendation"]
    message.text = "A key message long enough that the old heading, its first eighty characters, cut it in mid-word."
    message.save()
    panel_item = message.session.key_messages.get(talk=None)
    assert heading(editor_client, message) == "Key message 1 of Person 1’s talk — 2021 · Siena, session IV, p. 9"
    assert heading(editor_client, panel_item) == "Panel-discussion item 1 — 2021 · Siena, session IV, p. 10"
    assert heading(editor_client, recommendation) == "Recommendation 1 (conclusion) — 2021 · Siena, session IV, p. 11"
    assert heading(editor_client, talk) == "Talk 1 by Person 1: “Talk 1.0” — 2021 · Siena, session IV, p. 9"
    assert heading(editor_client, made["session"]) == "IV. Session 1"


def test_an_items_name_is_shortened_at_a_word():
    text = "A key message long enough that the old heading, its first eighty characters, cut it in mid-word."
    assert text[:80] == "A key message long enough that the old heading, its first eighty characters, cut"
    assert shorten(text) == "A key message long enough that the old heading, its first eighty characters…"
    assert all(len(shorten(text, limit)) <= limit for limit in range(2, len(text) + 2))
    assert shorten("Short enough.") == "Short enough."
    assert shorten("exactly  ten", 11) == "exactly ten"  # whitespace folded before measuring
    assert shorten("one two three", 8) == "one two…"  # the cut falls on a space: the words before it stay
    assert shorten("one two three", 7) == "one…"
    assert shorten("Supercalifragilistic expialidocious", 10) == "Supercali…"  # a word longer than the limit


def test_themes_in_the_form_are_grouped_topics_then_disease_areas(editor_client):
    message = make_rows(1)["message"]
    Theme.objects.create(name="Cancer", slug="cancer", group=Theme.DISEASE, order=30)
    Theme.objects.create(name="Rare diseases", slug="rare-diseases", group=Theme.DISEASE, order=31)
    Theme.objects.create(name="Imaging", slug="imaging", group=Theme.TOPIC, order=5)
    html = editor_client.get(change_url(message)).content.decode()
    block = html[html.index('<div id="id_themes" class="themes-by-group">') :]
    block = block[: block.index("</div>")]
    groups = re.findall(r"<legend>(.*?)</legend>(.*?)</fieldset>", block, flags=re.S)
    assert [(legend, re.findall(r"</?input[^>]*>\s*(.*?)</label>", body)) for legend, body in groups] == [
        ("Topics", ["Theme 1.0", "Imaging"]),
        ("Disease areas", ["Cancer", "Rare diseases"]),
    ]
    assert re.search(r'<input type="checkbox" name="themes" value="\d+" id="id_themes_0_0" checked>', block)


def test_ticking_a_grouped_theme_saves_it(editor_client):
    message = make_rows(1)["message"]
    cancer = Theme.objects.create(name="Cancer", slug="cancer", group=Theme.DISEASE, order=30)
    response = edit(editor_client, message, themes=[str(cancer.pk)])
    assert response.status_code == 302
    assert list(message.themes.values_list("slug", flat=True)) == ["cancer"]


# --- the history, word by word


def test_word_diff_marks_removed_and_added_words():
    assert words_of(["One two.", "Three"]) == ["One", "two.", "¶", "Three"]
    diff = word_diff(
        "More than 8,000 patients have been treated with proton therapy at PSI.",
        "More than 10,000 patients have been treated with proton therapy at PSI since 1984.",
    )
    assert diff == (
        'More than <del><span class="visually-hidden">removed: </span>8,000</del> '
        '<ins><span class="visually-hidden">added: </span>10,000</ins> patients have been treated with proton '
        'therapy at <del><span class="visually-hidden">removed: </span>PSI.</del> '
        '<ins><span class="visually-hidden">added: </span>PSI since 1984.</ins>'
    )


def test_word_diff_escapes_the_texts():
    assert word_diff("a <b> & c", "a <i> & c") == (
        'a <del><span class="visually-hidden">removed: </span>&lt;b&gt;</del> '
        '<ins><span class="visually-hidden">added: </span>&lt;i&gt;</ins> &amp; c'
    )


def test_word_diff_of_paragraphs_marks_a_new_paragraph():
    assert word_diff(["First paragraph."], ["First paragraph.", "Second one."]) == (
        'First paragraph. <ins><span class="visually-hidden">added: </span>¶ Second one.</ins>'
    )


def test_the_history_page_shows_a_text_change_word_by_word(editor_client):
    message = make_rows(1)["message"]
    edit(editor_client, message, text="Message 1.0.0, corrected by an editor.", page="12")
    html = editor_client.get(reverse("admin:workshop_sessions_keymessage_history", args=[message.pk])).content.decode()
    (words,) = re.findall(r'<span class="word-diff">(.*?)</span>\s*<details>', html, flags=re.S)
    assert words == (
        'Message <del><span class="visually-hidden">removed: </span>1.0.0</del> '
        '<ins><span class="visually-hidden">added: </span>1.0.0, corrected by an editor.</ins>'
    )
    # A number is no text: shown old → new, as before.
    assert re.search(r"<strong>Page:</strong>\s*9\s*&nbsp;&rarr;&nbsp;&nbsp;12", html)
    # The whole old and new texts stay one click away.
    assert re.search(
        r"<summary>Old and new text</summary>\s*Message 1.0.0 &nbsp;&rarr;&nbsp;&nbsp;Message 1.0.0, corrected by an editor.",
        html,
    )
