"""The report as HTML printed to PDF by Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skia draws `list-style: disc` and `square` markers as small filled vector shapes: no glyph, no
text. Chromium on Linux has no hyphenation dictionaries, so it breaks lines at spaces, after real
hyphens and after "/", never inside a word — except at soft hyphens.

- "chromium-a4-two-column-disc": A4, two justified columns of Liberation Serif, disc markers;
  each chapter on a new page; chapter and speaker headings span both columns, cutting pages into
  bands; the running header prints the report's name, the footer "N / M".
- "chromium-a4-landscape-three-column-square": A4 landscape, three ragged columns of DejaVu
  Sans, square markers; chapters run on (no page break) under full-width banners; soft hyphens
  (U+00AD) in every long word, which Chromium keeps in the text layer (and at a break adds "‐");
  labels not bold, on a line of their own; the footer prints the page number alone.

Never runs `playwright install`: the browser is the system's (CHROMIUM_PATH to use another).
"""

from __future__ import annotations

import html
import os
import re

from tests.renderings import model
from tests.renderings.verify import chapter_starts

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

LAYOUTS = {
    "chromium-a4-two-column-disc": {
        "landscape": False,
        "columns": 2,
        "marker": "disc",
        "font": '"Liberation Serif", serif',
        "size": "10.5pt",
        "align": "justify",
        "chapter_break": "page",
        "label_weight": "bold",
        "soft_hyphens": False,
        "footer": '<span class="pageNumber"></span> / <span class="totalPages"></span>',
    },
    "chromium-a4-landscape-three-column-square": {
        "landscape": True,
        "columns": 3,
        "marker": "square",
        "font": '"DejaVu Sans", sans-serif',
        "size": "8.6pt",
        "align": "left",
        "chapter_break": "auto",
        "label_weight": "normal",
        "soft_hyphens": True,
        "footer": '<span class="pageNumber"></span>',
    },
}

CSS = """
html { font-family: %(font)s; font-size: %(size)s; line-height: 1.32; color: #161616; }
body { margin: 0; }
p { margin: 0 0 0.5em 0; text-align: %(align)s; }
.cover { break-after: page; text-align: center; padding-top: 30mm; }
.cover p { text-align: center; margin-bottom: 1.4em; }
.cover .title { font-size: 2.3em; font-weight: bold; line-height: 1.2; }
.contents { break-after: page; }
.contents h1 { background: none; color: #111; }
.contents div { display: flex; margin-bottom: 0.45em; }
.contents div span.fill { flex: 1; border-bottom: 1px dotted #777; margin: 0 0.3em 0.3em; }
.chapter { break-before: %(chapter_break)s; columns: %(columns)s; column-gap: 7mm; column-fill: auto; }
.chapter + .chapter { margin-top: 6mm; }
h1 { column-span: all; font-size: 1.55em; margin: 0 0 0.8em 0; padding: 0.35em 0.5em;
     background: #24476b; color: white; break-after: avoid; }
h2 { column-span: all; font-size: 1.15em; margin: 0.7em 0 0.4em 0; padding-bottom: 0.15em;
     border-bottom: 0.6pt solid #9bb; color: #24476b; break-after: avoid; }
.label { font-weight: %(label_weight)s; margin: 0.6em 0 0.25em 0; break-after: avoid; text-align: left; }
.inline b { font-weight: %(label_weight)s; }
ul { list-style: %(marker)s; margin: 0 0 0.5em 0; padding-left: 1.3em; }
li { margin: 0 0 0.25em 0; text-align: %(align)s; }
"""


def _text(text: str, soft_hyphens) -> str:
    return html.escape(soft_hyphens(text) if soft_hyphens else text, quote=False)


def page_html(document: model.Document, layout: str, contents_pages: dict[str, int]) -> str:
    """The report as one HTML page in the given layout."""
    lay = LAYOUTS[layout]
    shy = None
    if lay["soft_hyphens"]:
        import pyphen

        dic = pyphen.Pyphen(lang="en_GB")

        def shy(text):
            return re.sub(r"[^\W\d_]{7,}", lambda m: dic.inserted(m.group(0), hyphen="\u00ad"), text)

    out = ['<section class="cover">']
    out += [
        f'<p class="{"title" if i == 1 else "line"}">{html.escape(t)}</p>' for i, t in enumerate(document.cover_lines)
    ]
    out.append('</section><section class="contents">')
    out.append(f"<h1>{html.escape(model.TOC_TITLE)}</h1>")
    for chapter in document.chapters:
        out.append(
            f'<div><span>{html.escape(chapter.heading)}</span><span class="fill"></span>'
            f"<span>{contents_pages.get(chapter.heading, 0)}</span></div>"
        )
    out.append("</section>")
    for chapter in document.chapters:
        out.append(f'<section class="chapter"><h1>{html.escape(chapter.heading)}</h1>')
        open_list = None
        for block in chapter.blocks:
            if block.kind == "item":
                if open_list != block.list_id:
                    if open_list is not None:
                        out.append("</ul>")
                    out.append("<ul>")
                    open_list = block.list_id
                out.append(f"<li>{_text(block.text, shy)}</li>")
                continue
            if open_list is not None:
                out.append("</ul>")
                open_list = None
            if block.kind == "speaker":
                out.append(f"<h2>{html.escape(block.text)}</h2>")
            elif block.kind == "label":
                out.append(f'<p class="label">{html.escape(block.text)}</p>')
            elif block.label:
                out.append(f'<p class="inline"><b>{html.escape(block.label)}</b> {_text(block.text, shy)}</p>')
            else:
                out.append(f"<p>{_text(block.text, shy)}</p>")
        if open_list is not None:
            out.append("</ul>")
        out.append("</section>")
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(document.title)}</title><style>{CSS % lay}</style></head>"
        f"<body>{''.join(out)}</body></html>"
    )


def print_pdf(page_source: str, layout: str, report_name: str) -> bytes:
    """PDF bytes of the HTML page, printed by headless Chromium."""
    from playwright.sync_api import sync_playwright

    lay = LAYOUTS[layout]
    small = 'style="font-size: 7.5px; color: #555; width: 100%; margin: 0 14mm;'
    header = f'<div {small} text-align: left;">{html.escape(report_name)}</div>'
    footer = f'<div {small} text-align: center;">{lay["footer"]}</div>'
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.set_content(page_source, wait_until="load")
            return page.pdf(
                format="A4",
                landscape=lay["landscape"],
                print_background=True,
                display_header_footer=True,
                header_template=header,
                footer_template=footer,
                margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
            )
        finally:
            browser.close()


def render(transcription: dict, *, layout: str = "chromium-a4-two-column-disc") -> bytes:
    """The report of `transcription` as PDF bytes (needs Chromium; contents from a first pass)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown Chromium layout {layout!r}")
    document = model.document(transcription)
    first = print_pdf(page_html(document, layout, {}), layout, document.report_name)
    return print_pdf(page_html(document, layout, chapter_starts(first, document)), layout, document.report_name)
