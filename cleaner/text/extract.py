"""Provisional text-dump extractor: keeps lines that read like prose.

To be replaced by the full text pipeline (segment -> classify -> revise -> metadata).
"""

from __future__ import annotations

from cleaner.models import Block, BlockKind, Extraction, RawPage
from cleaner.options import CleanOptions

MIN_PROSE_WORDS = 8


def extract_text(page: RawPage, url: str | None, options: CleanOptions) -> Extraction:
    blocks = tuple(
        Block(
            text=line.strip(),
            kind=BlockKind.BODY
            if len(line.split()) >= MIN_PROSE_WORDS and line.rstrip()[-1:] in ".!?\"'”’»"
            else BlockKind.BOILERPLATE,
        )
        for line in page.text.split("\n")
        if line.strip()
    )
    return Extraction(blocks=blocks)
