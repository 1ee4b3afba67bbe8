"""Provisional HTML extractor: trafilatura's body, one block per paragraph.

To be replaced by the full HTML pipeline (parse -> segment -> classify -> metadata).
"""

from __future__ import annotations

import trafilatura

from cleaner.models import Block, Extraction, Metadata, RawPage
from cleaner.options import CleanOptions


def extract_html(page: RawPage, url: str | None, options: CleanOptions) -> Extraction:
    doc = trafilatura.bare_extraction(
        page.text, url=url, include_comments=False, with_metadata=True, deduplicate=False
    )
    if doc is None:
        return Extraction(blocks=())
    text = doc.text or ""
    blocks = tuple(Block(text=line) for line in text.split("\n") if line.strip())
    meta = Metadata(
        title=doc.title,
        authors=tuple(a.strip() for a in (doc.author or "").split(";") if a.strip()),
        date_published=doc.date,
        site_name=doc.sitename,
        canonical_url=doc.url,
        description=doc.description,
        categories=tuple(doc.categories or ()),
        tags=tuple(doc.tags or ()),
        image=doc.image,
        language=doc.language,
    )
    return Extraction(blocks=blocks, metadata=meta)
