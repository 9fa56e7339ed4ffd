"""The printed passage in the change forms of key messages, recommendations and talks: one image per
page the item is printed on, rendered once and then cached; a note instead when the item has no
boxes or the report's PDF is not stored; staff only; never a 5xx."""

import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from icpermed_kb.ingest import pdf_text
from sessions.models import ReportFile
from tests.admin.conftest import make_rows
from tests.admin.test_editing import change_url

pytestmark = pytest.mark.django_db

# Where poppler prints "The association of AI and PM represents a revolution in modern medicine."
# on page 5 (pdftotext -bbox-layout; see tests/ingest/test_passage_rendering.py), which is also the
# box the parse stores for that key message; and a region at the top of page 6's left column, as if
# an item ran on from one page to the next.
ON_PAGE_5 = {"page": 5, "x0": 309.0, "y0": 119.7, "x1": 541.1, "y1": 145.5}
ON_PAGE_6 = {"page": 6, "x0": 54.2, "y0": 90.0, "x1": 286.2, "y1": 120.0}


def give_boxes(item, boxes) -> None:
    """Store `boxes` as where the item is printed (as the ingestion does)."""
    type(item).objects.filter(pk=item.pk).update(boxes=boxes)


@pytest.fixture
def stored_pdf(report_bytes):
    """make_rows' report with the bundled PDF stored as its file."""
    made = make_rows(1)
    ReportFile.objects.create(report=made["report"], sha256="a" * 64, content=report_bytes)
    cache.clear()
    yield made
    cache.clear()


def passage_url(item, page):
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_passage", args=[item.pk, page])


def test_the_form_shows_one_image_per_page_beside_the_text(editor_client, stored_pdf, django_assert_num_queries):
    message = stored_pdf["message"]
    give_boxes(message, [ON_PAGE_5, ON_PAGE_6])
    editor_client.get(change_url(message))
    with django_assert_num_queries(6):  # as without a passage (tests/admin/test_changelists.py)
        html = editor_client.get(change_url(message)).content.decode()
    slug = message.session.report.slug
    assert re.findall(r'<div class="printed-passage">.*?</div>', html, flags=re.S) == [
        '<div class="printed-passage">'
        + "".join(
            f'<figure><img src="{passage_url(message, page)}" alt="Page {page} of the report as printed, with this '
            f'key message highlighted"><figcaption>Page {page} · <a href="/reports/{slug}/report.pdf#page={page}" '
            f'target="_blank">open the PDF there</a></figcaption></figure>'
            for page in (5, 6)
        )
        + "</div>"
    ]
    # Beside the text: the text field and the passage share one row of the form.
    assert 'class="form-row flex-container form-multiline field-text field-printed_passage"' in html


@pytest.mark.parametrize("item", ["message", "recommendation", "talk"])
def test_the_image_is_the_rendered_passage(editor_client, stored_pdf, report_bytes, item):
    item = stored_pdf[item]
    give_boxes(item, [ON_PAGE_5, ON_PAGE_6])
    response = editor_client.get(passage_url(item, 6))
    assert response.status_code == 200
    assert (response["Content-Type"], response["Cache-Control"]) == ("image/png", "private, max-age=3600")
    assert response.content == pdf_text.render_passage(report_bytes, 6, [ON_PAGE_6])


def test_the_image_is_rendered_once_then_cached_until_the_boxes_change(editor_client, stored_pdf):
    message = stored_pdf["message"]
    with mock.patch.object(pdf_text, "render_passage", wraps=pdf_text.render_passage) as render:
        give_boxes(message, [ON_PAGE_5])
        first = editor_client.get(passage_url(message, 5)).content
        assert editor_client.get(passage_url(message, 5)).content == first
        assert render.call_count == 1
        moved = {**ON_PAGE_5, "y1": 160.0}
        give_boxes(message, [moved])
        assert editor_client.get(passage_url(message, 5)).content != first
        assert render.call_count == 2


def test_an_item_without_boxes_gets_a_note_and_no_image(editor_client, stored_pdf):
    message = stored_pdf["message"]
    html = editor_client.get(change_url(message)).content.decode()
    assert (
        '<p class="passage-note">Where this key message is printed is not recorded (it was added here, or ingested '
        "before positions were kept), so the passage cannot be shown: see "
        f'<a href="/reports/{message.session.report.slug}/report.pdf#page=9" target="_blank">p. 9</a> of the report.</p>'
    ) in html
    assert 'class="printed-passage"' not in html
    assert editor_client.get(passage_url(message, 5)).status_code == 404


def test_a_report_without_its_pdf_gets_a_note_and_no_image(editor_client):
    message = make_rows(1)["message"]  # no ReportFile
    give_boxes(message, [ON_PAGE_5])
    html = editor_client.get(change_url(message)).content.decode()
    image = editor_client.get(passage_url(message, 5))
    assert (
        '<p class="passage-note">The report’s PDF is not stored, so the printed passage cannot be shown: '
        "ingest the report again to store it.</p>"
    ) in html
    assert image.status_code == 404


def test_a_page_the_item_is_not_printed_on_is_not_found(editor_client, stored_pdf):
    message = stored_pdf["message"]
    give_boxes(message, [ON_PAGE_5])
    assert editor_client.get(passage_url(message, 6)).status_code == 404
    assert editor_client.get(passage_url(message, 5).replace(f"/{message.pk}/", "/999999/")).status_code == 404


def test_a_stored_pdf_that_cannot_be_rendered_is_not_found_not_an_error(editor_client, stored_pdf):
    message = stored_pdf["message"]
    ReportFile.objects.filter(report=stored_pdf["report"]).update(content=b"%PDF-1.7 damaged")
    give_boxes(message, [ON_PAGE_5])
    assert editor_client.get(passage_url(message, 5)).status_code == 404


def test_the_image_is_for_staff_only(client, stored_pdf):
    message = stored_pdf["message"]
    give_boxes(message, [ON_PAGE_5])
    response = client.get(passage_url(message, 5))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-test-password"))
    response = client.get(passage_url(message, 5))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
