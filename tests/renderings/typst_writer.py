"""The report printed by Typst (the `typst` PyPI package ships the compiler and its fonts).

Layout "typst-a4-two-column-tight": A4, two justified and hyphenated columns of Libertinus Serif
(Typst's own font, so nothing outside PyPI is needed); paragraphs only ~1.28 line steps apart;
chapter banners across both columns; bold labels, the talk's title and topic on the line *after*
their label; Typst's own list markers: "◦" for key messages, "▪" for people, "–" for
recommendations, "-" for the agenda and the award criteria; contents from Typst's outline.

    from tests.renderings.typst_writer import render
    pdf_bytes = render(transcription)  # a dict shaped like fixtures/transcription.json
"""

from __future__ import annotations

import dataclasses
import json

from tests.renderings import model

MARKERS = {"key_messages": "◦", "people": "▪", "recommendations": "–", "agenda": "-", "criteria": "-"}

TEMPLATE = r"""
#let doc = json(bytes(sys.inputs.document))
#set document(title: doc.title, author: "ICPerMed Secretariat")
#set text(font: "Libertinus Serif", size: 10pt, lang: "en", hyphenate: true)
// Tight: a paragraph break is ~1.28 line steps (leading 0.6em, spacing 0.95em on a 0.65em cap height).
#set par(justify: true, leading: 0.6em, spacing: 0.95em)
#set list(indent: 0.2em, body-indent: 0.5em, spacing: 0.95em)
#show heading.where(level: 2): it => block(above: 1.2em, below: 0.6em, text(size: 11pt, fill: rgb("#1d4f73"), it.body))
#show heading.where(level: 1): it => block(width: 100%, fill: rgb("#dde7ee"), inset: (x: 8pt, y: 7pt),
  text(size: 15pt, weight: "bold", it.body))

#let running = context {
  let here-page = here().page()
  if here-page > 1 {
    let before = query(heading.where(level: 1).before(here())).filter(h => h.outlined)
    let starts = query(heading.where(level: 1).after(here())).filter(h => h.outlined and h.location().page() == here-page)
    let current = if starts.len() > 0 { starts.first().body } else if before.len() > 0 { before.last().body } else { none }
    set text(size: 7.5pt, fill: luma(90))
    [#doc.report_name #h(1fr) #current]
  }
}
#set page(paper: "a4", margin: (x: 18mm, top: 24mm, bottom: 22mm), header: running,
  footer: context if here().page() > 1 { align(center, text(size: 8pt, counter(page).display())) })

// Cover
#align(center)[
  #set par(justify: false)
  #v(30mm)
  #text(size: 13pt, doc.cover.at(0)) \
  #v(18mm)
  #text(size: 24pt, weight: "bold", doc.cover.at(1)) \
  #v(10mm)
  #text(size: 15pt, doc.cover.at(2)) \
  #text(size: 12pt, doc.cover.at(3)) \
  #v(14mm)
  #text(size: 14pt, style: "italic", doc.cover.at(4))
]
#pagebreak()
#outline(title: [Table of contents], indent: 0pt)

#let label-line(t) = block(above: 0.95em, below: 0.5em, sticky: true, strong(t))
#let marker-for(role) = doc.markers.at(role)

#set page(columns: 2)
#for chapter in doc.chapters {
  pagebreak(weak: true)
  place(top, float: true, scope: "parent", clearance: 14pt, heading(level: 1, chapter.heading))
  let i = 0
  let blocks = chapter.blocks
  while i < blocks.len() {
    let b = blocks.at(i)
    if b.kind == "item" {
      let items = ()
      while i < blocks.len() and blocks.at(i).kind == "item" and blocks.at(i).list_id == b.list_id {
        items.push(blocks.at(i).text)
        i += 1
      }
      list(marker: marker-for(b.role), ..items.map(t => [#t]))
      continue
    }
    if b.kind == "speaker" { heading(level: 2, outlined: false, b.text) }
    else if b.kind == "label" { label-line(b.text) }
    else if b.label != "" { block(above: 0.95em, below: 0.95em)[#strong(b.label) \ #b.text] }
    else { par(b.text) }
    i += 1
  }
}
"""


def render(transcription: dict, *, layout: str = "typst-a4-two-column-tight") -> bytes:
    """The report of `transcription` (cover, contents, chapters all from the dict) as PDF bytes."""
    if layout != "typst-a4-two-column-tight":
        raise ValueError(f"unknown Typst layout {layout!r}")
    import typst

    document = model.document(transcription)
    data = {
        "title": document.title,
        "report_name": document.report_name,
        "cover": document.cover_lines,
        "markers": MARKERS,
        "chapters": [
            {"heading": c.heading, "blocks": [dataclasses.asdict(b) for b in c.blocks]} for c in document.chapters
        ],
    }
    # ignore_system_fonts: the same PDF on any machine, from the fonts the package ships
    return typst.compile(
        TEMPLATE.encode(), sys_inputs={"document": json.dumps(data)}, ignore_system_fonts=True, pdf_tags=False
    )
