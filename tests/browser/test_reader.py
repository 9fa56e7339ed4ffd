"""What a reader does in real Chromium at 1280 and 390 px: statement pages, several values of a facet,
the search's theme pointer and corrections, and a phone that shows results first."""

import re

import pytest

from recommendations.models import Recommendation
from sessions.models import KeyMessage
from tests.browser.helpers import assert_accessible, screenshot

pytestmark = pytest.mark.browser

STATEMENT = "Digital twins’ technology can help to avoid inappropriate medication"
PHONE_HEIGHT = 844


def test_a_statement_page_from_its_talk(ingested_site, page):
    message = KeyMessage.objects.get(text__startswith=STATEMENT)
    page.goto(message.talk.get_absolute_url())
    page.locator(f"#km-{message.pk}").get_by_role("link", name="Permalink").click()
    assert page.url.endswith(f"/key-messages/{message.pk}/")
    assert page.locator("h1").text_content() == message.text
    assert page.locator(".facts").get_by_role("link", name="Frédéric Dayan").is_visible()
    citation = page.locator(".citation").text_content()
    assert citation.startswith("ICPerMed (2023). Advancing Personalised Medicine through Technology Development.")
    assert citation.endswith(f"/key-messages/{message.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="BibTeX").click()
    assert download.value.suggested_filename == f"icpermed-2023-key-message-{message.pk}.bib"
    screenshot(page, "statement")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Next →")).click()
    following = KeyMessage.objects.filter(talk=message.talk, order=message.order + 1).first()
    assert page.url.endswith(f"/key-messages/{following.pk}/")
    page.get_by_role("link", name="Read it in context").click()
    assert page.url.endswith(f"/talks/{message.talk_id}/#km-{following.pk}")


def test_a_statement_page_on_a_phone(ingested_site, phone_page):
    item = Recommendation.objects.filter(session__number="IX").order_by("order").first()
    phone_page.goto(item.get_absolute_url())
    assert phone_page.locator("h1").text_content() == item.text
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    screenshot(phone_page, "statement-phone")
    assert overflow <= 0
    # The citation ends with the permalink, one unbreakable word that grows with the site's address and
    # the id (PostgreSQL's ids run on across tests): a long one must wrap, not widen the page.
    phone_page.evaluate(
        "() => { const c = document.querySelector('.citation');"
        " c.textContent += ' https://knowledge-base.example.org/recommendations/1234567890/'; }"
    )
    assert phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(phone_page)


def test_two_sessions_widen_the_list(ingested_site, page):
    page.goto("/key-messages/")
    page.locator("details.facet summary", has_text="Session").click()
    page.get_by_role("checkbox", name=re.compile(r"^V\. ")).check()
    page.get_by_role("checkbox", name=re.compile(r"^VI\. ")).check()
    page.get_by_role("button", name="Apply filters").click()
    expected = KeyMessage.objects.filter(session__number__in=["V", "VI"]).count()
    assert page.get_by_role("status").text_content().startswith(f"{expected} results")
    assert page.url.endswith("/key-messages/?session=2023-siena-v&session=2023-siena-vi")
    assert page.get_by_role("checkbox", name=re.compile(r"^V\. ")).is_checked()
    screenshot(page, "key-messages-two-sessions")
    assert_accessible(page)


def test_search_points_to_the_theme_and_corrects_a_word(ingested_site, page):
    page.goto("/search/?q=data+sharing")
    hint = page.locator(".theme-hint")
    assert "Data sharing, standards & privacy" in hint.text_content()
    assert_accessible(page)
    hint.get_by_role("link", name="Data sharing, standards & privacy").click()
    assert page.locator("h1").text_content() == "Data sharing, standards & privacy"

    page.goto("/search/?q=digitl+twins")
    page.locator(".suggestion").get_by_role("link", name="digital twins").click()
    assert page.get_by_role("status").text_content().endswith("for “digital twins”")
    screenshot(page, "search-corrected")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/key-messages/", "/search/?q=data", "/recommendations/", "/speakers/"])
def test_a_phone_shows_the_first_result_on_the_first_screen(ingested_site, phone_page, path):
    phone_page.goto(path)
    first = phone_page.locator(".results-list > li, .people-list > li").first
    top = first.bounding_box()["y"]
    screenshot(phone_page, "phone-first" + re.sub(r"\W+", "-", path))
    assert top < PHONE_HEIGHT, f"the first result of {path} starts {top:.0f} px down"
    nav = phone_page.get_by_role("navigation", name="Main").bounding_box()
    assert nav["height"] < 50, f"the navigation takes {nav['height']:.0f} px"
    assert_accessible(phone_page)


def test_the_session_page_opens_with_its_contents(ingested_site, page):
    page.goto("/reports/2023-siena/sessions/v/")
    contents = page.get_by_role("navigation", name="In this session")
    assert contents.get_by_role("link").all_text_contents()[:2] == ["People", "A Digital Twin for a proper use of medications."]
    contents.get_by_role("link", name="Conclusions").click()
    assert page.url.endswith("#conclusion-heading")
    assert_accessible(page)
