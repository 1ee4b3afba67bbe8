"""HTML mode: parse -> metadata -> candidates -> select, over one shared lxml tree.

Metadata is read first: the body engines work on their own copies, so the
tree the metadata stage sees is the page as parsed. A page that neither
declares itself an article nor shows a date (declared, written, or any htmldate
finds: a product, a listing, a service or docs page) is read by the DOM block
model first; when it is sure (see `select.DOM_CONFIDENCE`) neither trafilatura
nor resiliparse runs. Dated pages are news and posts, where trafilatura is the
stronger reader: the DOM model on aeb's undeclared news pages cost 0.008 shingle
F1 (0.007 when only the published date, without htmldate's finds, was asked).
A pathologically deep page (libxml2 truncates it at its depth cap) gets only
the precise engine.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cleaner.html.candidates import (
    Candidate,
    Engine,
    dom_candidate,
    resiliparse_candidate,
    trafilatura_candidate,
)
from cleaner.html.dates import shows_a_date
from cleaner.html.metadata import build_metadata
from cleaner.html.parse import is_pathologically_deep, parse_html
from cleaner.html.select import dom_is_sure, select, select_dom, should_escalate
from cleaner.html.sources import read_sources
from cleaner.models import Extraction, RawPage
from cleaner.options import CleanOptions


def extract_html(page: RawPage, url: str | None, options: CleanOptions) -> Extraction:
    tree = parse_html(page.text)
    sources = read_sources(tree)
    today = datetime.now(UTC).date()
    metadata = build_metadata(sources, tree, url, today)
    is_article = sources.declares_article()
    deep = is_pathologically_deep(tree)
    if (not is_article and metadata.date_published is None and not deep
            and not shows_a_date(tree, today)):
        dom = dom_candidate(tree)
        if dom_is_sure(dom):
            blocks = select_dom(dom, title=metadata.title, with_removed=options.include_removed)
            return Extraction(blocks=blocks, metadata=metadata)
    precise = trafilatura_candidate(tree, url, fast=True)
    recall = (Candidate.of(Engine.RESILIPARSE, ()) if deep
              else resiliparse_candidate(page.text))
    if should_escalate(precise, recall, is_article=is_article):
        precise = trafilatura_candidate(tree, url, fast=False)
    blocks = select(precise, recall, is_article=is_article, title=metadata.title,
                    with_removed=options.include_removed)
    return Extraction(blocks=blocks, metadata=metadata)
