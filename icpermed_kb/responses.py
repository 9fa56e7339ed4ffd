"""The twins of a page: the same data as JSON or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from icpermed_kb import representations
from icpermed_kb.listing import FacetedListing

# Like Django's json_script: <, > and & become \u escapes, so no JSON body can be read as markup.
JSON_MARKUP_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_response(data: dict, *, status: int = 200) -> HttpResponse:
    """JSON with non-ASCII text kept readable (the report is full of accents) and markup characters escaped."""
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).translate(JSON_MARKUP_ESCAPES)
    return HttpResponse(body, status=status, content_type="application/json")


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    """A UTF-8 CSV download (with a byte-order mark, so spreadsheet programs read the accents)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def listing_payload(request, listing: FacetedListing, page, results: list[dict], facets) -> dict:
    """A list page as JSON: the count, the page, the applied filters, the results and the facets."""

    def link(number):
        return request.build_absolute_uri("?" + listing.query_string(page=number))

    return {
        "count": listing.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "filters": {facet.name: [value.value for value in facet.selected] for facet in facets},
        "results": results,
        "facets": representations.facets(facets),
    }


def invalid_filters_payload(listing: FacetedListing) -> dict:
    return {"error": "invalid filter values", "errors": listing.errors}


def invalid_filters_text(listing: FacetedListing) -> HttpResponseBadRequest:
    """A CSV request with filter values that mean nothing: say which, in one line."""
    problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in listing.errors.items())
    return HttpResponseBadRequest(f"Invalid filter values: {problems}\n", content_type="text/plain; charset=utf-8")


def listing_response(request, listing: FacetedListing, format: str, *, template: str, serialize, twins) -> HttpResponse:
    """A list page as HTML, or as its JSON twin: one page of results, the facets and the filters."""
    page = listing.page(request.GET.get("page"))
    facets = listing.facets()
    if format == "json":
        if not listing.is_valid:
            return json_response(invalid_filters_payload(listing), status=400)
        results = [serialize(item, request.build_absolute_uri) for item in page.object_list]
        return json_response(listing_payload(request, listing, page, results, facets))
    context = {
        "listing": listing,
        "page": page,
        "facets": facets,
        "active_filters": listing.active_filters(facets),
        "twins": twins,
    }
    return render(request, template, context, status=200 if listing.is_valid else 400)
