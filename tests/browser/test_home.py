"""The home page in real Chromium: what a reader sees, at desktop and phone widths, and axe-core."""

import pytest

from sessions.models import Report
from tests.browser.helpers import assert_accessible, screenshot

pytestmark = pytest.mark.browser

TITLE = "Advancing Personalised Medicine through Technology Development"


def test_home_shows_the_series_and_the_report(ingested_site, page):
    assert Report.objects.get().title == TITLE

    response = page.goto("/")

    assert response.status == 200
    assert page.locator("h1").text_content() == "What the ICPerMed workshops said"
    assert page.locator(".report-card h3").all_text_contents() == [TITLE]
    assert page.title() == "ICPerMed workshop knowledge base"
    screenshot(page, "home")
    assert_accessible(page)


def test_home_fits_a_phone(ingested_site, phone_page):
    phone_page.goto("/")

    assert phone_page.locator(".report-card h3").text_content() == TITLE
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    screenshot(phone_page, "home-phone")
    assert overflow <= 0, f"the home page scrolls sideways on a 390 px wide phone ({overflow} px too wide)"
