"""Typed values that flow through the pipeline and out of it.

Inside the pipeline: `RawPage` (decoded input) -> `Block`s (one visible unit
of text, with the kind a classifier gave it) + `Metadata` -> `Extraction`.
Out of it: `CleanedDocument` or `Rejected`, both pydantic models whose JSON
Schema is published in `cleaner/schema/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cleaner.dedup import NUM_PERM, SHINGLE

SCHEMA_VERSION = "1.0"  # also the Literal on the result models: bump both together


class Mode(StrEnum):
    """How a page was read: markup, or a whole-page text dump (one block per line)."""

    HTML = "html"
    TEXT = "text"


class BlockKind(StrEnum):
    """What a block is. Everything but BODY is dropped from the body text.

    The names are the boilerplate vocabulary of the seeds' gold labels, so a
    removed block tells the user *why* it went.
    """

    BODY = "body"
    TITLE = "title"  # the headline: goes to metadata, not into the body
    TITLE_REPEAT = "title-repeat"
    BYLINE = "byline"
    DATELINE = "dateline"
    DATE_PREFIX = "date-prefix"
    PAGE_CLOCK = "page-clock"
    TICKER = "ticker"
    SHARE = "share"
    SOCIAL = "social"
    DONATION = "donation"
    NEWSLETTER = "newsletter"
    COOKIE = "cookie"
    AD = "ad"
    BIO = "bio"
    RELATED = "related"
    NAV = "nav"
    SECTION = "section"
    CAPTION = "caption"
    IMAGE_FILE = "image-file"
    COMMENTS = "comments"
    READING_TIME = "reading-time"
    CREDIT = "credit"
    FOOTER = "footer"
    HEADER = "header"  # the site's masthead: logo, tagline, top links
    SIDEBAR = "sidebar"  # a side column's widgets
    METADATA = "metadata"  # tags, categories, post meta around the article
    HIDDEN = "hidden"  # markup the page hides (screen-reader text, closed panels)
    UI = "ui"  # lone widget labels: "Read more", "Show More", "x"
    BOILERPLATE = "boilerplate"  # not body, no more specific kind known


class BlockRole(StrEnum):
    """The structural role of a body block, used to render Markdown."""

    PARAGRAPH = "p"
    HEADING = "h"
    LIST_ITEM = "li"
    QUOTE = "quote"
    CODE = "code"
    TABLE_ROW = "tr"


@dataclass(frozen=True, slots=True)
class RawPage:
    """A page after the decode stage: text plus what we learnt reading its bytes."""

    text: str
    mode: Mode
    encoding: str | None  # None when the caller passed str


@dataclass(frozen=True, slots=True)
class Block:
    """One visible unit of a page.

    `first_kind` is what the context-free pass said, `kind` what the page ends
    with after the pass over neighbours (jusText keeps both the same way); the
    two differ only where revision changed its mind, which is what you debug.
    """

    text: str
    kind: BlockKind = BlockKind.BODY
    role: BlockRole = BlockRole.PARAGRAPH
    first_kind: BlockKind | None = None


@dataclass(frozen=True, slots=True)
class Metadata:
    """Metadata as a mode's extractor found it (before language detection)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date_published: str | None = None  # ISO 8601
    date_modified: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: str | None = None
    language: str | None = None  # declared (html lang, og:locale); detection comes later


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a mode's extractor hands to assembly: every block with its kind, and metadata."""

    blocks: tuple[Block, ...]
    metadata: Metadata = field(default_factory=Metadata)


# ----------------------------------------------------------------- results


class RejectReason(StrEnum):
    """Why a page gave no document. Stable strings: workers publish them."""

    EMPTY = "empty"  # no bytes, or only white space
    BINARY = "binary"  # an image, PDF, archive, or other non-text bytes
    TOO_LARGE = "too_large"  # above CleanOptions.max_bytes
    TOO_COMPLEX = "too_complex"  # markup so deep or pathological that parsing gives up
    UNDECODABLE = "undecodable"  # no text encoding fits the bytes
    NO_ARTICLE = "no_article"  # read fine, but nothing in it is body text
    INTERNAL_ERROR = "internal_error"  # a bug or a library failure: report it


class RemovedBlock(BaseModel):
    """A block dropped from the body, with the kind of boilerplate it was."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: BlockKind
    text: str


class CleanedDocument(BaseModel):
    """A cleaned page: the article body and its metadata."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal["1.0"] = "1.0"
    status: Literal["cleaned"] = "cleaned"
    mode: Mode
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    date_published: str | None = Field(default=None, description="ISO 8601 date or date-time")
    date_modified: str | None = Field(default=None, description="ISO 8601 date or date-time")
    site_name: str | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code detected on the body")
    description: str | None = None
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    image: str | None = None
    text: str = Field(description="The body: paragraphs separated by blank lines, no title")
    markdown: str | None = Field(default=None, description="The body as Markdown, when asked for")
    word_count: int = Field(description=(
        "Words of the body, per script: in Chinese, Japanese (kana and kanji), Thai, Lao, "
        "Khmer and Myanmar every character is a word; in other scripts a word is a run of "
        "letters and digits (punctuation is none). As the benchmarks' word F1 counts them."))
    content_hash: str = Field(description="sha256 of the normalised body text")
    minhash: str = Field(description=(
        f"MinHash signature of the body for near-duplicate detection: base64 of {NUM_PERM} "
        "little-endian uint32 MinHash values, then the count of distinct shingles (uint32); "
        f"shingles are runs of {SHINGLE} words, lower-cased, words as word_count counts them"))
    duplicate_of: str | None = Field(default=None, description=(
        "Id of the earlier document this one nearly repeats; set only by an index (the "
        "service's, or `cleaner clean --dedup`)"))
    similarity: float | None = Field(default=None, description=(
        "Estimated share of the smaller body's shingles found in the other's (containment, "
        "0-1); set with duplicate_of"))
    removed: list[RemovedBlock] | None = Field(
        None, description="Dropped blocks with their kind, when asked for"
    )


class Rejected(BaseModel):
    """A page that gave no document, with a machine-readable reason."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal["1.0"] = "1.0"
    status: Literal["rejected"] = "rejected"
    reason: RejectReason
    detail: str
    url: str | None = None
    mode: Mode | None = None
    title: str | None = None  # a page with no article may still have a title


CleanResult = Annotated[CleanedDocument | Rejected, Field(discriminator="status")]
