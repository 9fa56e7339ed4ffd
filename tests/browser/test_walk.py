"""A new reader's walk through the site in real Chromium, with axe-core on every page type."""

import re

import pytest

from sessions.models import KeyMessage
from tests.browser.helpers import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def test_a_new_reader_walks_from_home_to_a_cited_page(ingested_site, page):
    page.goto("/")
    assert_accessible(page)

    page.get_by_role("link", name="Advancing Personalised Medicine through Technology Development").click()
    assert page.url.endswith("/reports/2023-siena/")
    assert_accessible(page)

    page.get_by_role("link", name="V. Session: Technologies in Personalised Medicine").click()
    assert page.locator("h1").text_content() == "Session: Technologies in Personalised Medicine"
    screenshot(page, "session")
    assert_accessible(page)

    # The session's contents link to the talk's place on the page; its heading links to its own page.
    talk_heading = page.get_by_role("heading", name="A Digital Twin for a proper use of medications.")
    talk_heading.get_by_role("link").click()
    assert page.locator("h1").text_content() == "A Digital Twin for a proper use of medications."
    screenshot(page, "talk")
    assert_accessible(page)

    page.locator("main .byline").get_by_role("link", name="Frédéric Dayan").click()
    assert page.locator("h1").text_content() == "Frédéric Dayan"
    screenshot(page, "speaker")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Key messages").click()
    page.get_by_label("Data sharing, standards & privacy").check()
    page.get_by_label("Regulation & ethics").check()
    page.locator("details.facet summary", has_text="Session").click()  # a closed disclosure, as a reader finds it
    page.get_by_role("checkbox", name=re.compile(r"^VI\. ")).check()
    page.get_by_role("button", name="Apply filters").click()
    expected = KeyMessage.objects.filter(
        session__number="VI", themes__slug="data-sharing-standards-privacy"
    ).filter(themes__slug="regulation-ethics")
    assert re.fullmatch(r"(\d+) results?", page.get_by_role("status").text_content()).group(1) == str(expected.count())
    assert page.url.endswith("/key-messages/?theme=data-sharing-standards-privacy&theme=regulation-ethics&session=2023-siena-vi")
    texts = page.locator(".results-list .item-text").all_text_contents()
    assert texts == list(expected.in_report_order().values_list("text", flat=True))
    screenshot(page, "key-messages-filtered")
    assert_accessible(page)

    first = expected.in_report_order().first()
    link = page.locator(".results-list .page-ref").first
    assert link.text_content() == f"p. {first.page}"
    assert link.get_attribute("href").endswith(f"/reports/2023-siena/report.pdf#page={first.page}")
    with page.expect_response(lambda response: "/report.pdf" in response.url) as pdf:
        link.click()
    assert (pdf.value.status, pdf.value.headers["content-type"]) == (200, "application/pdf")


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/sessions/", "Sessions"),
        ("/speakers/?country=Germany", "Speakers"),
        ("/themes/", "Themes"),
        ("/themes/regulation-ethics/", "Regulation & ethics"),
        ("/recommendations/?kind=perspective", "Recommendations"),
        ("/sessions/ix/", "Conclusion"),
        ("/key-messages/?theme=no-such-theme", "Key messages"),
        ("/search/?q=reimbursement+of+genomic+tests&theme=genomics-omics", "Search"),
        ("/search/?q=pharmacogenomcs", "Search"),
        ("/talks/999999/", "Page not found"),
    ],
)
def test_every_page_type_passes_axe(ingested_site, page, path, heading):
    page.goto(path)
    assert page.locator("h1").first.text_content() == heading
    screenshot(page, "page" + re.sub(r"\W+", "-", path))
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/sessions/v/", "/key-messages/?theme=imaging", "/search/?q=digital+twins", "/speakers/"])
def test_pages_fit_a_phone(ingested_site, phone_page, path):
    phone_page.goto(path)
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    screenshot(phone_page, "phone" + re.sub(r"\W+", "-", path))
    assert overflow <= 0, f"{path} scrolls sideways on a 390 px wide phone ({overflow} px too wide)"
