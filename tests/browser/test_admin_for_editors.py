"""The editors' admin in real Chromium at 1280 px, checked with axe-core: the key-message list fits
(no column cut off, the text column wide enough to read), the change form shows the printed passage
beside the text, and the history shows a text's change word by word."""

import pytest

from sessions.models import KeyMessage, ReportFile
from tests.admin.test_passages import ON_PAGE_5
from tests.browser.helpers import assert_accessible, screenshot
from tests.browser.test_admin import log_in, submit

pytestmark = pytest.mark.browser


def test_the_key_message_list_is_readable_at_1280_px(ingested_site, page):
    log_in(page, "alice")
    page.goto("/admin/workshop_sessions/keymessage/")
    layout = page.evaluate(
        """() => {
            const results = document.querySelector('.results');
            const table = document.querySelector('#result_list');
            const headers = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const themes = [...table.querySelectorAll('td.field-theme_names')].map(td => td.getBoundingClientRect().right);
            const texts = [...table.querySelectorAll('th.field-summary')].map(th => {
                const link = th.querySelector('a');  // inline: one client rectangle per line it takes
                const lines = link.getClientRects().length;
                // the lines but the last are full ones: characters per line as read
                const rects = [...link.getClientRects()];
                const widest = Math.max(...rects.map(r => r.width));
                const share = rects.reduce((sum, r) => sum + r.width / widest, 0);
                return {width: th.getBoundingClientRect().width, lines, charactersPerLine: link.textContent.trim().length / share};
            });
            return {
                overflow: results.scrollWidth - results.clientWidth,
                resultsRight: results.getBoundingClientRect().right,
                headers,
                themesRight: Math.max(...themes),
                textWidth: Math.min(...texts.map(t => t.width)),
                charactersPerLine: texts.filter(t => t.lines > 1).map(t => Math.round(t.charactersPerLine)),
            };
        }"""
    )
    assert layout["headers"] == ["", "Key message", "Kind", "Session", "Speaker", "Links", "Themes", "Edited"]
    assert layout["overflow"] == 0  # nothing hidden behind a horizontal scroll
    assert layout["themesRight"] <= layout["resultsRight"] <= 1280
    assert layout["textWidth"] >= 320
    lines = layout["charactersPerLine"]
    assert len(lines) >= 20  # of the 50 on the page, the texts that take several lines
    assert min(lines) >= 38, lines  # a newspaper column at least (the complaint: three words a line, ~20 characters)
    assert_accessible(page)
    screenshot(page, "admin-key-message-list-1280")


def test_the_change_form_shows_the_printed_passage_beside_the_text(ingested_site, page):
    message = KeyMessage.objects.get(text__startswith="The association of AI and PM")
    assert message.boxes == [ON_PAGE_5]  # the parse's boxes: where poppler prints the block
    assert ReportFile.objects.filter(report=message.session.report).exists()
    log_in(page, "alice")
    page.goto(f"/admin/workshop_sessions/keymessage/{message.pk}/change/")
    image = page.get_by_role("img", name="Page 5 of the report as printed, with this key message highlighted")
    image.wait_for()
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    geometry = page.evaluate(
        """() => {
            const image = document.querySelector('.printed-passage img');
            const text = document.querySelector('#id_text').getBoundingClientRect();
            const box = image.getBoundingClientRect();
            return {loaded: image.naturalWidth, textRight: text.right, textTop: text.top,
                    imageLeft: box.left, imageRight: box.right, imageTop: box.top, imageWidth: box.width};
        }"""
    )
    assert geometry["loaded"] > 0  # the PNG arrived and decoded
    assert geometry["imageLeft"] >= geometry["textRight"]  # beside the text, not under it
    assert abs(geometry["imageTop"] - geometry["textTop"]) < 40
    assert geometry["imageRight"] <= 1280 and geometry["imageWidth"] >= 400
    assert page.get_by_role("heading", level=2).first.text_content() == (
        "Key message 3 of Nicoletta Fabio’s talk — 2023 · Siena, session III, p. 5"
    )
    assert_accessible(page)
    screenshot(page, "admin-key-message-printed-passage")


def test_the_history_shows_a_text_change_word_by_word(ingested_site, page):
    message = KeyMessage.objects.get(talk__speaker__name="Silvio Weber", order=1)
    corrected = message.text.replace("More than 10.000 patients", "More than 10,000 patients")
    assert corrected != message.text
    log_in(page, "alice")
    page.goto(f"/admin/workshop_sessions/keymessage/{message.pk}/change/")
    page.fill("#id_text", corrected)
    submit(page)
    page.goto(f"/admin/workshop_sessions/keymessage/{message.pk}/history/")
    diff = page.locator(".word-diff")
    assert diff.count() == 1
    # What is seen (the hidden words, "removed:" and "added:", are for screen readers).
    seen = diff.evaluate(
        """node => {
            const copy = node.cloneNode(true);
            copy.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
            return {
                removed: [...copy.querySelectorAll('del')].map(del => del.textContent),
                added: [...copy.querySelectorAll('ins')].map(ins => ins.textContent),
                text: copy.textContent,
            };
        }"""
    )
    assert (seen["removed"], seen["added"]) == (["10.000"], ["10,000"])
    assert seen["text"].startswith("More than 10.000 10,000 patients have been treated so far")
    assert diff.locator(".visually-hidden").all_text_contents() == ["removed: ", "added: "]
    assert diff.locator("del").evaluate("node => getComputedStyle(node).textDecorationLine") == "line-through"
    assert not page.locator("#change-history details").first.evaluate("node => node.open")
    assert_accessible(page)
    screenshot(page, "admin-key-message-history-word-diff")
