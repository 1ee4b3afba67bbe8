"""HTML stage candidates: body extractions of the page, each a typed `Candidate`.

The engines sit behind this one module:
- trafilatura (precise on articles) is given our already-parsed tree (it copies
  it before cleaning), no metadata (ours is read from the same tree), and never
  its `deduplicate` option, whose cache is per process and drops repeated pages;
  its fast cascade runs first, the full one (2.5x the time) only on escalation;
- resiliparse (recall on forums, services, listings) parses the text itself:
  its lexbor parser costs a few milliseconds and lxml trees cannot be shared;
- our DOM block model (`cleaner.html.dom_classify`: one walk of the shared tree,
  two small numpy MLPs) reads pages that are not articles first, at under a
  third of trafilatura's cost; its confidence decides whether the other two still run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from cleaner.html.blocks import body_blocks
from cleaner.html.dom_classify import dom_reading
from cleaner.models import Block, BlockRole

_BULLET = "\u2022 "  # how resiliparse marks a list item
_WORD = re.compile(r"\w+")


class Engine(StrEnum):
    TRAFILATURA = "trafilatura"
    RESILIPARSE = "resiliparse"
    DOM = "dom"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One engine's reading of the body."""

    engine: Engine
    blocks: tuple[Block, ...]
    words: int  # the selection rules compare readings by their word counts

    @classmethod
    def of(cls, engine: Engine, blocks: tuple[Block, ...]) -> Candidate:
        return cls(engine, blocks, sum(len(_WORD.findall(block.text)) for block in blocks))


def trafilatura_candidate(tree: HtmlElement, url: str | None, *, fast: bool) -> Candidate:
    """trafilatura's fast or full cascade, comments left out (they are not the article)."""
    document = trafilatura.bare_extraction(
        tree, url=url, fast=fast, include_comments=False, with_metadata=False, deduplicate=False
    )
    body: _Element | None = getattr(document, "body", None)
    blocks = body_blocks(body) if body is not None else ()
    return Candidate.of(Engine.TRAFILATURA, blocks)


@dataclass(frozen=True, slots=True)
class DomCandidate:
    """The DOM model's reading: the kept blocks as a candidate, the blocks it dropped
    (as the reading to list removed blocks from), and its confidence in the page."""

    kept: Candidate
    rejected: Candidate
    confidence: float


def dom_candidate(tree: HtmlElement) -> DomCandidate:
    reading = dom_reading(tree)
    return DomCandidate(Candidate.of(Engine.DOM, reading.blocks),
                        Candidate.of(Engine.DOM, reading.rejected), reading.confidence)


def resiliparse_candidate(text: str) -> Candidate:
    """resiliparse's main-content text, one block per line ("• " marks a list item)."""
    body = extract_plain_text(
        HTMLTree.parse(text), main_content=True, list_bullets=True, alt_texts=False, links=False
    )
    blocks = tuple(_line_block(line) for line in body.split("\n") if line.strip())
    return Candidate.of(Engine.RESILIPARSE, blocks)


def _line_block(line: str) -> Block:
    text = " ".join(line.replace("\t", " | ").split())
    if text.startswith(_BULLET):
        return Block(text=text[len(_BULLET):], role=BlockRole.LIST_ITEM)
    return Block(text=text)
