"""The report printed by WeasyPrint, in a layout of its own (the two older WeasyPrint printings
come from render_report.py).

Layout "weasyprint-b5-numbered-marker-lines": B5, one column of Liberation Sans, hyphenated by
WeasyPrint (Pyphen, en-GB) with an ordinary "-" at the break; key messages numbered "1.", "2." …
and recommendations lettered "a.", "b." … with each number or letter on a line of its own above
its item; people and the agenda with "-" markers, the criteria with "–"; chapter titles and the
contents from CSS (target-counter); the footer "Page N of M", the header the current chapter.
"""

from __future__ import annotations

import html

from tests.renderings import model

CSS = """
@page { size: B5; margin: 20mm 17mm 19mm 17mm;
  @top-left { content: "%(report)s"; font-size: 7pt; color: #555; vertical-align: bottom; padding-bottom: 3mm; }
  @top-right { content: string(chapter); font-size: 7pt; color: #555; vertical-align: bottom; padding-bottom: 3mm; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 7pt; color: #555;
                   vertical-align: top; padding-top: 3mm; } }
@page :first { @top-left { content: none; } @top-right { content: none; } @bottom-center { content: none; } }
html { font-family: "Liberation Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; }
body { margin: 0; hyphens: auto; hyphenate-character: "-"; }
p { margin: 0 0 0.6em 0; }
.cover { break-after: page; padding-top: 25mm; }
.cover p { font-size: 1.3em; margin-bottom: 1.2em; hyphens: manual; }
.cover .title { font-size: 2.2em; font-weight: bold; line-height: 1.15; }
.contents { break-after: page; hyphens: manual; }
.contents a { color: inherit; text-decoration: none; display: block; margin-bottom: 0.5em; }
.contents a::after { content: "\\2060" leader(' . ') target-counter(attr(href), page); }
h1 { font-size: 15pt; margin: 0 0 1em 0; hyphens: manual; border-top: 2.5pt solid #6b3b8c; padding-top: 5pt;
     string-set: chapter content(); }
.contents h1 { string-set: none; }
.chapter { break-before: page; }
h2 { font-size: 11pt; color: #6b3b8c; margin: 1.1em 0 0.3em 0; hyphens: manual; break-after: avoid; }
.label { font-weight: bold; margin: 0.8em 0 0.3em 0; break-after: avoid; hyphens: manual; }
.inline b { font-weight: bold; }
ol, ul { margin: 0 0 0.7em 0; padding-left: 1.4em; }
ol.numbers { list-style: none; counter-reset: item; }
ol.letters { list-style: none; counter-reset: item; }
ol li { counter-increment: item; margin-bottom: 0.35em; }
/* the number or letter on a line of its own, above its item */
ol.numbers li::before { content: counter(item) "."; display: block; font-weight: bold; margin-left: -1.4em; }
ol.letters li::before { content: counter(item, lower-alpha) "."; display: block; font-weight: bold;
                        margin-left: -1.4em; }
ul.hyphen { list-style-type: "- "; }
ul.endash { list-style-type: "– "; }
ul li { margin-bottom: 0.3em; }
"""

LISTS = {
    "key_messages": ("ol", "numbers"),
    "recommendations": ("ol", "letters"),
    "people": ("ul", "hyphen"),
    "agenda": ("ul", "hyphen"),
    "criteria": ("ul", "endash"),
}


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def page_html(document: model.Document) -> str:
    """The report as HTML for WeasyPrint."""
    out = ['<section class="cover">']
    out += [f'<p class="{"title" if i == 1 else "line"}">{esc(t)}</p>' for i, t in enumerate(document.cover_lines)]
    out.append(f'</section><nav class="contents"><h1>{esc(model.TOC_TITLE)}</h1>')
    out += [f'<a href="#ch-{c.number}">{esc(c.heading)}</a>' for c in document.chapters]
    out.append("</nav>")
    for chapter in document.chapters:
        out.append(f'<section class="chapter" id="ch-{chapter.number}"><h1>{esc(chapter.heading)}</h1>')
        open_list, closing = None, ""
        for block in chapter.blocks:
            if block.kind == "item":
                tag, cls = LISTS[block.role]
                if open_list != block.list_id:
                    if open_list is not None:
                        out.append(f"</{closing}>")
                    out.append(f'<{tag} class="{cls}">')
                    open_list, closing = block.list_id, tag
                out.append(f"<li>{esc(block.text)}</li>")
                continue
            if open_list is not None:
                out.append(f"</{closing}>")
                open_list = None
            if block.kind == "speaker":
                out.append(f"<h2>{esc(block.text)}</h2>")
            elif block.kind == "label":
                out.append(f'<p class="label">{esc(block.text)}</p>')
            elif block.label:
                out.append(f'<p class="inline"><b>{esc(block.label)}</b> {esc(block.text)}</p>')
            else:
                out.append(f"<p>{esc(block.text)}</p>")
        if open_list is not None:
            out.append(f"</{closing}>")
        out.append("</section>")
    css = CSS % {"report": document.report_name.replace('"', '\\"')}
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{esc(document.title)}</title>'
        f'<meta name="author" content="ICPerMed Secretariat"><style>{css}</style></head>'
        f"<body>{''.join(out)}</body></html>"
    )


def render(transcription: dict, *, layout: str = "weasyprint-b5-numbered-marker-lines") -> bytes:
    """The report of `transcription` as PDF bytes."""
    if layout != "weasyprint-b5-numbered-marker-lines":
        raise ValueError(f"unknown WeasyPrint layout {layout!r}")
    from weasyprint import HTML

    return HTML(string=page_html(model.document(transcription))).write_pdf()
