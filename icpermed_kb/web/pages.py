"""Pages as data: a public view returns a `Page`, and one renderer per format turns it into a response.

As in Datasette, a page's JSON twin *is* its data: the HTML template reads the same dict (plus
the page's chrome — breadcrumbs, filter controls, links to the twins — which only a browser
needs), so what the page shows is what the twin says. The CSV twin of a list is a table declared
once over the same item dicts. A new format is a new renderer, never a new branch in a view.

    @page_view("html", "json")
    def talk_detail(request, pk):
        talk = get_object_or_404(Talk.objects.for_display(), pk=pk)
        return Page(representations.talk(talk, request.build_absolute_uri, ...), "sessions/talk_detail.html")

The URL configuration passes `format` ("json", "csv") to the twins; `page_view` serves each page
through the page cache (icpermed_kb/web/page_cache.py).
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from icpermed_kb.web import citations
from icpermed_kb.web.page_cache import cached_page

# Like Django's json_script: <, > and & become \u escapes, so no JSON body can be read as markup.
JSON_MARKUP_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))
FORMAT_LABELS = {"json": "JSON", "csv": "CSV", "bib": "BibTeX", "ris": "RIS", "csl": "CSL-JSON"}
# OWASP's CSV-injection rule: a cell starting with one of these is read as a formula by spreadsheets.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One CSV column: its header and the value it takes from an item's dict."""

    name: str
    value: Callable[[dict], object]


def column(name: str, path: str | None = None) -> Column:
    """A column reading `path` ("session.number") from the item dict; a missing step gives ""."""
    steps = (path or name).split(".")

    def value(item: dict):
        for step in steps:
            if item is None:
                return ""
            item = item.get(step)
        return "" if item is None else item

    return Column(name, value)


def joined(name: str, path: str, key: str = "name") -> Column:
    """A column joining one key of a list of dicts ("; "), e.g. the names of an item's themes."""
    return Column(name, lambda item: "; ".join(str(entry[key]) for entry in item.get(path) or []))


@dataclass
class Table:
    """A list's CSV twin: the columns, and every item of the list (not one page) as its dict."""

    filename: str
    columns: Sequence[Column]
    rows: Iterable[dict]


@dataclass
class Page:
    """What a public view returns: its data, the template that shows it, and what only HTML needs."""

    data: dict
    template: str
    status: int = 200
    chrome: dict = field(default_factory=dict)
    table: Table | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


# --- renderers ---------------------------------------------------------------------------------


def escape_markup(text: str) -> str:
    """JSON text with <, > and & as \\u escapes (str.replace: a translate table walks a 100 kB body char by char)."""
    for character, escape in JSON_MARKUP_ESCAPES:
        text = text.replace(character, escape)
    return text


def json_response(data: dict, *, status: int = 200) -> HttpResponse:
    """JSON with non-ASCII text kept readable (the report is full of accents) and markup characters escaped.

    Not indented: only then does the json module use its C encoder (ten times faster on a search's
    100 kB answer); browsers and `jq` indent it for reading.
    """
    body = escape_markup(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    return HttpResponse(body, status=status, content_type="application/json")


def render_html(request, page: Page, formats: Sequence[str]) -> HttpResponse:
    """The page's template over its data and chrome (the two never share a key), with links to its twins."""
    chrome = {**page.chrome, "twins": twin_links(request, formats)}
    shared = page.data.keys() & chrome.keys()
    if shared:
        raise ValueError(f"chrome hides data: {sorted(shared)}")
    return render(request, page.template, {**page.data, **chrome}, status=page.status)


def render_json(request, page: Page, formats: Sequence[str]) -> HttpResponse:
    return json_response(page.data, status=page.status)


def render_csv(request, page: Page, formats: Sequence[str]) -> HttpResponse:
    """A UTF-8 CSV download (with a byte-order mark, so spreadsheet programs read the accents), formula-safe."""
    if page.errors:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in page.errors.items())
        return HttpResponseBadRequest(f"Invalid filter values: {problems}\n", content_type="text/plain; charset=utf-8")
    table = page.table
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    # Every cell, headers too, through the formula rule: the text is the editors', and a stored
    # "=HYPERLINK(...)" must not run when someone opens the download in a spreadsheet.
    writer.writerow([neutralise_formula(col.name) for col in table.columns])
    writer.writerows([neutralise_formula(col.value(row)) for col in table.columns] for row in table.rows)
    return response


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula, with a leading apostrophe; anything else as it is.

    Numbers (ids, pages) are left numbers: a spreadsheet reads them as values, never as formulas.
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def citation_renderer(write, content_type: str, extension: str):
    """A renderer of a statement page's citation (data["cite"]["csl"]) as a download."""

    def render_citation(request, page: Page, formats: Sequence[str]) -> HttpResponse:
        csl = page.data["cite"]["csl"]
        response = HttpResponse(write(csl), content_type=content_type, status=page.status)
        response["Content-Disposition"] = f'attachment; filename="{csl["id"]}.{extension}"'
        return response

    return render_citation


RENDERERS = {
    "html": render_html,
    "json": render_json,
    "csv": render_csv,
    "bib": citation_renderer(citations.bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": citation_renderer(citations.ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl": citation_renderer(
        lambda csl: escape_markup(citations.csl_json(csl)),  # JSON, so escaped as every JSON twin
        "application/vnd.citationstyles.csl+json; charset=utf-8",
        "csl.json",
    ),
}


def twin_links(request, formats: Sequence[str]) -> list[tuple[str, str]]:
    """(label, URL) of the page's other formats: its URL name plus "-json"/"-csv", same arguments and query."""
    match = request.resolver_match
    kwargs = {name: value for name, value in match.kwargs.items() if name != "format"}
    query = request.GET.copy()
    query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    links = []
    for format in formats:
        if format == "html":
            continue
        try:
            links.append((FORMAT_LABELS[format], reverse(f"{match.url_name}-{format}", kwargs=kwargs) + suffix))
        except NoReverseMatch:  # a twin the URL configuration does not route
            continue
    return links


def page_view(*formats: str):
    """Serve a view that returns a Page in these formats (the URL's `format`, "html" by default), cached."""
    formats = formats or ("html", "json")

    def decorator(view):
        @cached_page
        @functools.wraps(view)
        def wrapper(request, *args, format: str = "html", **kwargs):
            if format not in formats:
                raise Http404(f"no {format} twin of this page")
            page = view(request, *args, **kwargs)
            return RENDERERS[format](request, page, formats)

        wrapper.formats = formats
        return wrapper

    return decorator
