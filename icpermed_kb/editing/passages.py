"""The printed passage beside an item's form: the region of the report page where the item is printed,
the item highlighted, so that an editor checks the text against the print without opening the PDF.

The ingestion keeps where each key message, recommendation and talk is printed in its `boxes`
([{"page", "x0", "y0", "x1", "y1"}, …], PDF points, origin top left; one box per column, so an
item that runs across columns or pages has several). The change form shows one image per page the
item is printed on; each is rendered by PyMuPDF (`icpermed_kb.ingest.pdf_text.render_passage`, the
only module that imports it) from the report's stored PDF (`ReportFile`), on first request, and
then kept in the cache, keyed on the PDF's sha256 and the boxes, so a re-ingested file or a moved
item gets a new image. An item with no boxes, or a report whose PDF is not stored, gets a note
instead of an image.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

NO_STORED_FILE = mark_safe(
    '<p class="passage-note">The report’s PDF is not stored, so the printed passage cannot be shown: '
    "ingest the report again to store it.</p>"
)
PASSAGE_CACHE_SECONDS = 7 * 24 * 3600  # the key changes with the PDF and the boxes: never stale


def printed_boxes(obj) -> list[dict]:
    """The item's boxes that say a page and four coordinates, in the order stored."""
    boxes = obj.boxes or []
    coordinates = ("x0", "y0", "x1", "y1")
    return [
        box
        for box in boxes
        if isinstance(box, dict)
        and isinstance(box.get("page"), int)
        and all(isinstance(box.get(name), int | float) for name in coordinates)
        and box["x1"] > box["x0"]
        and box["y1"] > box["y0"]
    ]


def pages_of(boxes: list[dict]) -> list[int]:
    """The pages the boxes lie on, in reading order, each once."""
    return list(dict.fromkeys(box["page"] for box in boxes))


def has_stored_file(report) -> bool:
    """Whether the report's PDF is stored (select_related("…report__file") spares the query)."""
    return hasattr(report, "file")


class PrintedPassageMixin:
    """For an EditableAdmin of items with boxes: the read-only field `printed_passage` and its image view."""

    # The report's PDF joined to the item, without its content: the form can say whether the
    # passage can be shown without a query of its own.
    passage_select_related = ("session__report__file",)
    passage_defer = ("session__report__file__content",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.passage_select_related).defer(*self.passage_defer)

    @property
    def passage_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_passage"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/passage/<int:page>.png",
                self.admin_site.admin_view(self.passage_view, cacheable=True),  # the browser may keep it
                name=self.passage_url_name,
            ),
            *super().get_urls(),
        ]

    @admin.display(description="as printed")
    def printed_passage(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        name = obj._meta.verbose_name
        boxes = printed_boxes(obj)
        report = self.report_of(obj)
        if not boxes:
            return format_html(
                '<p class="passage-note">Where this {} is printed is not recorded (it was added here, or '
                "ingested before positions were kept), so the passage cannot be shown: see {} of the report.</p>",
                name,
                self.report_page(obj),
            )
        if not has_stored_file(report):
            return NO_STORED_FILE
        pdf = reverse("report-pdf", args=[report.slug])
        figures = format_html_join(
            "",
            '<figure><img src="{}" alt="Page {} of the report as printed, with this {} highlighted">'
            '<figcaption>Page {} · <a href="{}#page={}" target="_blank">open the PDF there</a></figcaption></figure>',
            (
                (reverse(f"admin:{self.passage_url_name}", args=[obj.pk, page]), page, name, page, pdf, page)
                for page in pages_of(boxes)
            ),
        )
        return format_html('<div class="printed-passage">{}</div>', figures)

    def passage_view(self, request, object_id, page: int):
        """The PNG of the item's printed passage on `page` (staff only; 404 when there is none)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        boxes = [box for box in printed_boxes(obj) if box["page"] == page]
        if not boxes:
            raise Http404(f"This {self.opts.verbose_name} is not printed on page {page}")
        report = self.report_of(obj)
        sha256 = report.stored_pdf_sha256()
        if sha256 is None:
            raise Http404("The report's PDF is not stored")
        from icpermed_kb.ingest import pdf_text  # PyMuPDF: loaded only once an editor asks for a passage

        digest = hashlib.sha256(json.dumps([sha256, page, boxes, pdf_text.PASSAGE_ZOOM], sort_keys=True).encode())
        key = f"printed-passage:{digest.hexdigest()}"
        png = cache.get(key)
        if png is None:
            content = report.file.content  # the stored PDF itself, read only when the image is not cached
            try:
                png = pdf_text.render_passage(bytes(content), page, boxes)
            except pdf_text.RefusedDocument as exc:
                raise Http404(f"The passage cannot be shown: {exc}") from None
            cache.set(key, png, PASSAGE_CACHE_SECONDS)
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response
