"""HTML second opinion: trafilatura's reading of the body, as a typed `Candidate`.

trafilatura is given our already-parsed tree (it copies it before cleaning), no
metadata (ours is read from the same tree), and never its `deduplicate` option,
whose cache is per process and drops repeated pages. It is asked for its XML
output: the body tree we read, without the plain-text rendering of it that the
"python" format adds (a twentieth of its time). It runs only where
`select.needs_second_opinion` says the engine is unsure of a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement

from cleaner.html.blocks import body_blocks
from cleaner.models import Block

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A second engine's reading of the body."""

    blocks: tuple[Block, ...]
    words: int  # the selection rules compare readings by their word counts

    @classmethod
    def of(cls, blocks: tuple[Block, ...]) -> Candidate:
        return cls(blocks, sum(len(_WORD.findall(block.text)) for block in blocks))


def trafilatura_candidate(tree: HtmlElement, url: str | None, *, fast: bool) -> Candidate:
    """trafilatura's fast or full cascade, comments left out (they are not the article)."""
    document = trafilatura.bare_extraction(
        tree, url=url, fast=fast, include_comments=False, with_metadata=False, deduplicate=False,
        output_format="xml",
    )
    body: _Element | None = getattr(document, "body", None)
    blocks = body_blocks(body) if body is not None else ()
    return Candidate.of(blocks)
