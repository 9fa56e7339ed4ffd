"""The admin in real Chromium: log in through the login form, edit a key message's text and
themes, re-ingest the report, and the edit is still there, in the history and on the public page;
a deleted item stays deleted; a second editor's stale save is refused with a clear message."""

import pytest
from django.contrib.auth import get_user_model

from icpermed_kb.ingest.pipeline import ingest
from sessions.models import KeyMessage
from tests.browser.helpers import screenshot
from tests.conftest import REPORT_PDF

pytestmark = pytest.mark.browser

PASSWORD = "a-long-browser-test-password"
EDITED = "More than 10,000 patients have been treated with proton therapy at PSI, editorially verified."


def log_in(page, username: str) -> None:
    get_user_model().objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    page.goto("/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    submit(page, "input[type=submit]")
    page.wait_for_selector("#site-name")


def submit(page, selector: str = "input[name=_save]") -> None:
    with page.expect_navigation():
        page.click(selector)


def change_url(message) -> str:
    return f"/admin/workshop_sessions/keymessage/{message.pk}/change/"


def test_an_edit_survives_reingestion(ingested_site, page):
    message = KeyMessage.objects.get(talk__speaker__name="Silvio Weber", order=1)
    doomed = KeyMessage.objects.get(talk__speaker__name="Silvio Weber", order=2)
    log_in(page, "alice")

    page.goto(change_url(message))
    page.fill("#id_text", EDITED)
    for box in page.locator("#id_themes input[type=checkbox]").all():
        box.uncheck()
    page.get_by_label("Imaging", exact=True).check()
    screenshot(page, "admin-key-message-edit")
    submit(page)
    assert "was changed successfully" in page.locator(".messagelist").text_content()

    page.goto(f"/admin/workshop_sessions/keymessage/{doomed.pk}/delete/")
    submit(page, "input[type=submit]")
    assert "was deleted successfully" in page.locator(".messagelist").text_content()

    summary = ingest(REPORT_PDF).summary
    assert summary.kept_edited == 1 and summary.not_restored == 1

    page.goto(change_url(message))
    assert page.input_value("#id_text") == EDITED
    assert page.get_by_label("Imaging", exact=True).is_checked()
    assert page.locator("#id_themes input[type=checkbox]:checked").count() == 1
    assert "text, themes — alice" in page.locator(".field-edit_marks .readonly").text_content()
    assert not KeyMessage.objects.filter(pk=doomed.pk).exists()
    assert not KeyMessage.objects.filter(talk=message.talk, order=2).exists()

    page.click("a.historylink")
    history = page.locator("#change-history").text_content()
    assert "alice" in history and EDITED in history and "Themes: +Imaging" in history
    screenshot(page, "admin-key-message-history")

    page.goto(message.in_context_url())  # the talk page, where the statement is printed
    assert page.get_by_text(EDITED).is_visible()
    assert page.locator(f"#{message.anchor}").get_by_role("link", name="Imaging").count() == 1
    screenshot(page, "admin-edit-on-public-page")

    page.goto("/search/?q=editorially+verified")
    result = page.locator(f"a[href$='{message.get_absolute_url()}']")
    assert result.count() >= 1, page.locator("main").inner_text()[:2000]
    assert "editorially verified" in page.locator("main").inner_text()
    screenshot(page, "admin-edit-found-by-search")


def test_a_stale_save_is_refused(ingested_site, page, browser, live_server):
    message = KeyMessage.objects.get(talk__speaker__name="Silvio Weber", order=1)
    log_in(page, "alice")
    other = browser.new_context(base_url=live_server.url)
    bob = other.new_page()
    try:
        log_in(bob, "bob")
        page.goto(change_url(message))
        bob.goto(change_url(message))  # both opened the same version

        page.fill("#id_text", "Alice's correction.")
        submit(page)
        bob.fill("#id_text", "Bob's correction.")
        submit(bob)

        error = bob.locator(".errornote, .errorlist.nonfield").all_text_contents()
        assert any("was changed by alice on" in text and "since you opened it" in text for text in error), error
        screenshot(bob, "admin-stale-save-refused")
    finally:
        other.close()
    message.refresh_from_db()
    assert message.text == "Alice's correction."
