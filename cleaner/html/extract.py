"""HTML mode: one lxml tree through the engine's stages.

1. parse, and read the metadata (title, authors, dates, the kind of page the
   page declares) from the tree as parsed;
2. segment the tree into DOM blocks (`dom_blocks`);
3. classify each block on its own features, then
4. revise it with its neighbours' and containers' scores (`dom_classify`); a page
   of a few blocks (an HTML fragment) keeps its prose (`select.keep_fragment`);
5. assemble: the blocks kept are the body, each dropped block gets its kind
   (`label`); the headline, "enable JavaScript" notices and promotion inside the
   article are named by `select`.
On a page that declares itself an article (`select.needs_second_opinion`, a measured
rule), trafilatura reads it too, and `select.combine` drops the blocks the engine was
unsure of and trafilatura left out.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from cleaner.html.candidates import trafilatura_candidate
from cleaner.html.dom_blocks import DomBlocks, dom_blocks, role_of
from cleaner.html.dom_classify import BODY_THRESHOLD, block_scores, load_model
from cleaner.html.dom_features import PageHints, vocabulary
from cleaner.html.label import removed_kind
from cleaner.html.metadata import build_metadata
from cleaner.html.parse import parse_html
from cleaner.html.select import (
    DomReading,
    combine,
    keep_fragment,
    label_body,
    needs_second_opinion,
)
from cleaner.html.sources import PageSources, read_sources
from cleaner.models import Block, Extraction, Metadata, RawPage
from cleaner.options import CleanOptions


def extract_html(page: RawPage, url: str | None, options: CleanOptions) -> Extraction:
    tree = parse_html(page.text)
    sources = read_sources(tree)
    metadata = build_metadata(sources, tree, url, datetime.now(UTC).date())
    blocks = dom_blocks(tree)
    hints = page_hints(sources, metadata)
    reading = read_blocks(blocks, block_scores(blocks, hints, load_model(options.model_dir)))
    reading = keep_fragment(reading)
    if needs_second_opinion(reading, hints.article):
        reading = combine(reading, trafilatura_candidate(tree, url, fast=True))
    return Extraction(blocks=label_body(reading, metadata.title), metadata=metadata)


def page_hints(sources: PageSources, metadata: Metadata) -> PageHints:
    return PageHints(title=metadata.title, article=sources.declares_article(),
                     product=sources.declares_product(),
                     discussion=sources.declares_discussion(),
                     dated=metadata.date_published is not None,
                     declared_body=vocabulary(sources.declared_body()),
                     description=vocabulary(sources.descriptions()))


def read_blocks(blocks: DomBlocks, scores: np.ndarray) -> DomReading:
    """Every block in page order: body at BODY_THRESHOLD, else with its removed kind."""
    out = []
    for text, owner, mask, near, links, score in zip(
            blocks.texts, blocks.owners, blocks.masks, blocks.near, blocks.link_chars,
            scores.tolist(), strict=True):
        role = role_of(owner, mask)
        if score >= BODY_THRESHOLD:
            out.append(Block(text, role=role))
        else:
            kind = removed_kind(text, near, mask, links / len(text))
            out.append(Block(text, kind=kind, role=role, first_kind=kind))
    return DomReading(blocks, tuple(out), scores)
