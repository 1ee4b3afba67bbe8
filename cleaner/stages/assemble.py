"""Last stage, assemble: classified blocks + metadata -> `CleanedDocument`.

The final gate lives here: a page whose body is (nearly) empty is rejected
as `no_article`, still carrying the title it had.
"""

from __future__ import annotations

import hashlib
import unicodedata

from pydantic import TypeAdapter

from cleaner.dedup import signature
from cleaner.errors import PageRejected
from cleaner.models import (
    Block,
    BlockKind,
    BlockRole,
    CleanedDocument,
    Extraction,
    RawPage,
    RejectReason,
    RemovedBlock,
)
from cleaner.options import CleanOptions
from cleaner.stages.language import detect_language
from cleaner.vocab.script import count_words  # the document's word_count, per script

_REMOVED_BLOCKS = TypeAdapter(list[RemovedBlock])
MIN_PHRASE_WORDS = 4  # a removed block this long that the body holds is a repeat, not news
_MARKDOWN_PREFIX = {
    BlockRole.PARAGRAPH: "",
    BlockRole.HEADING: "## ",
    BlockRole.LIST_ITEM: "- ",
    BlockRole.QUOTE: "> ",
    BlockRole.CODE: "    ",
    BlockRole.TABLE_ROW: "",
}


def assemble(
    extraction: Extraction, page: RawPage, *, url: str | None, options: CleanOptions
) -> CleanedDocument:
    """Build the document, or raise `PageRejected(no_article)`."""
    body = [b for b in extraction.blocks if b.kind is BlockKind.BODY and b.text.strip()]
    text = "\n\n".join(b.text.strip() for b in body)
    meta = extraction.metadata
    word_count = count_words(text)
    if word_count < options.min_body_words:
        raise PageRejected(
            RejectReason.NO_ARTICLE,
            f"{word_count} words of body text",
            mode=page.mode,
            title=meta.title,
        )
    language = detect_language(text, meta.language) if options.detect_language else None
    return CleanedDocument(
        mode=page.mode,
        url=url,
        canonical_url=meta.canonical_url,
        title=meta.title,
        authors=list(meta.authors),
        date_published=meta.date_published,
        date_modified=meta.date_modified,
        site_name=meta.site_name,
        language=language,
        description=meta.description,
        categories=list(meta.categories),
        tags=list(meta.tags),
        image=meta.image,
        text=text,
        markdown=to_markdown(body) if options.include_markdown else None,
        word_count=word_count,
        content_hash=content_hash(text),
        minhash=signature(text).encode(),
        removed=_removed(extraction.blocks, text) if options.include_removed else None,
    )


def content_hash(text: str) -> str:
    """sha256 of the body after NFC and white-space folding: stable across re-runs and
    across trivial re-renderings of the same article."""
    # split/join folds the same white space as re's \s+ (both use str.isspace), in a
    # third of the time.
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def to_markdown(body: list[Block]) -> str:
    return "\n\n".join(_MARKDOWN_PREFIX[b.role] + b.text.strip() for b in body)


def _removed(blocks: tuple[Block, ...], body: str) -> list[RemovedBlock]:
    """Each dropped block once, except a phrase the body still holds word for word (a
    teaser that repeats the article's first sentence): "removed" never names kept text.
    Labels shorter than a phrase ("Share", "Menu") are listed even when the body uses
    the word."""
    listed: set[str] = set()
    removed = []
    for block in blocks:
        text = block.text.strip()
        if block.kind is BlockKind.BODY or not text or text in listed or (
                text.count(" ") >= MIN_PHRASE_WORDS - 1 and text in body):
            continue
        listed.add(text)
        removed.append({"kind": block.kind, "text": block.text})
    # A page drops hundreds of blocks: one validation call builds them all in pydantic's
    # core, a third cheaper than a Python-level RemovedBlock(...) call per block.
    return _REMOVED_BLOCKS.validate_python(removed)

