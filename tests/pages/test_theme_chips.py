"""Every item a page shows carries its theme chips (read from the one-query theme prefetch)."""

import re

import pytest

from tests.factories import build_knowledge_base
from tests.html import site_html

CHIPS = re.compile(r'<ul class="chips" aria-label="Themes">(.*?)</ul>', re.S)
CHIP_NAME = re.compile(r"<li><a href=\"/themes/[^\"]+/\">([^<]+)</a></li>")


def chip_lists(html: str) -> list[list[str]]:
    return [CHIP_NAME.findall(chips) for chips in CHIPS.findall(html)]


@pytest.fixture
def built(db):
    return build_knowledge_base(2)  # every talk, key message and recommendation carries both themes


def pages(built) -> dict[str, tuple[str, int]]:
    """URL, and how many items with themes it shows."""
    session, talk, speaker, theme = built.sessions[0], built.talks[0], built.speakers[0], built.themes[0]
    return {
        # 2 talks, their 2 × 2 key messages, 2 panel items, 2 recommendations
        "session": (session.get_absolute_url(), 2 + 4 + 2 + 2),
        "talk": (talk.get_absolute_url(), 1 + 2),  # the talk and its 2 key messages
        "speaker": (speaker.get_absolute_url(), 1 + 2),  # their talk and its 2 key messages
        "key messages": ("/key-messages/", 2 * (4 + 2)),  # 2 sessions of 4 talk messages and 2 panel items
        "recommendations": ("/recommendations/", 2 * 2),
        "theme": (theme.get_absolute_url(), 4 + 12 + 4),  # its talks, key messages and recommendations
        "search": ("/search/?q=key+message", 8),  # the talks' key messages say "Key message"
    }


@pytest.mark.parametrize("page", ["session", "talk", "speaker", "key messages", "recommendations", "theme", "search"])
def test_each_item_shows_its_themes(client, built, page):
    url, items = pages(built)[page]
    names = [theme.name for theme in built.themes]
    assert chip_lists(site_html(client.get(url))) == [names] * items


def themes_in(data) -> list[list[str]]:
    """The `themes` of every item in a JSON document, depth first."""
    found = []
    if isinstance(data, dict):
        if isinstance(data.get("themes"), list) and all(isinstance(theme, dict) for theme in data["themes"]):
            found.append([theme["slug"] for theme in data["themes"]])
        for value in data.values():
            found += themes_in(value)
    elif isinstance(data, list):
        for value in data:
            found += themes_in(value)
    return found


@pytest.mark.parametrize("page", ["session", "talk", "speaker", "key messages", "recommendations", "theme", "search"])
def test_each_item_of_a_json_twin_has_its_themes(client, built, page):
    url, _ = pages(built)[page]
    path, _, query = url.partition("?")
    twin = path.rstrip("/") + ".json" + (f"?{query}" if query else "")
    items = 4 + 12 + 4 if page == "theme" else pages(built)[page][1]  # the theme's twin lists its talks, messages, recommendations
    data = client.get(twin).json()
    if page == "search":
        data.pop("themes")  # the themes the query names, not an item's
    assert themes_in(data) == [[theme.slug for theme in built.themes]] * items
