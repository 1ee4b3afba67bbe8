"""HTML stage select: a second opinion on news articles, and the names of the body's
special blocks.

- `needs_second_opinion`: the page declares itself an article (og:type, JSON-LD
  NewsArticle, BlogPosting...) and the engine kept a block it is unsure of. There
  trafilatura's fast cascade also reads the page;
- `combine`: a block the engine is sure of (score >= SURE_BODY) stays body; a block it
  keeps with less certainty stays only if trafilatura kept its words too. Measured on
  the training sets' out-of-fold scores: readability's declared articles 0.919 -> 0.935,
  wcxb-dev's declared articles 0.948 -> 0.955, wcxb-dev's other declared pages a little
  lower (net +0.001 over the 713 declared pages). On pages that declare no article
  trafilatura costs more than it gives (wcxb-dev forums 0.788 -> 0.775, services
  0.855 -> 0.825), and a confidence-keyed second opinion gained at most 0.003 for
  trafilatura's cost on a third of the pages: neither runs;
- `label_body`: a block near the top that repeats the title is the headline
  (metadata); "enable JavaScript" notices are UI; short promotion inside the article
  that a detector of `cleaner.vocab.detectors` names (share, newsletter, donation,
  related, bio) takes its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from cleaner.html.candidates import Candidate
from cleaner.html.dom_blocks import DomBlocks
from cleaner.html.label import detected_kind, removed_kind
from cleaner.models import Block, BlockKind

_NON_WORD = re.compile(r"\W+")
_WORDS = re.compile(r"\w+")
FRAGMENT_BLOCKS = 8  # as text mode's short dumps (cleaner/text/revise.py)
# On a declared article, a block scored at least this is body whatever trafilatura says.
SURE_BODY = 0.6
# "You need to enable JavaScript to run this app.", "JavaScript is disabled in your browser".
_JS_NOTICE = re.compile(r"\b(?:enable|turn on|activate)\s+javascript\b|\bjavascript\s+"
                        r"(?:is\s+)?(?:required|disabled|must be enabled)\b", re.I)
MAX_NOTICE_CHARS = 200  # a notice is a sentence or two; past that it is prose about JavaScript
# Promotion inside the article that the engines keep: dropped when a detector names it.
# Other kinds (footer, ticker, caption...) misfire on prose and tables.
FURNITURE_KINDS = frozenset({
    BlockKind.SHARE, BlockKind.SOCIAL, BlockKind.NEWSLETTER, BlockKind.DONATION,
    BlockKind.RELATED, BlockKind.COOKIE, BlockKind.READING_TIME, BlockKind.BIO, BlockKind.AD,
})
MAX_FURNITURE_WORDS = 40  # an appeal or a bio is a few sentences; past that it is prose
# The headline sits among the first few body blocks; a later equal heading is a section title.
HEADLINE_WINDOW = 3


@dataclass(frozen=True, slots=True)
class DomReading:
    """The engine's verdict on every block of the page, in page order (body blocks have
    kind BODY), with the scores it came from."""

    segmented: DomBlocks
    blocks: tuple[Block, ...]
    scores: np.ndarray  # each block's body probability

    @property
    def body(self) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.kind is BlockKind.BODY)


def keep_fragment(reading: DomReading) -> DomReading:
    """On a page of fewer than FRAGMENT_BLOCKS blocks (an HTML fragment: an article's
    markup sent alone), a dropped block that nothing names (no markup, no detector, not
    mostly links: kind BOILERPLATE) is body. The model never saw such pages (wcxb-dev's
    few-block pages are script shells, whose lone notice `label_notices` names) and
    rejected a fragment's short paragraphs as no_article."""
    if len(reading.segmented) >= FRAGMENT_BLOCKS:
        return reading
    blocks = tuple(replace(block, kind=BlockKind.BODY) if block.kind is BlockKind.BOILERPLATE
                   else block for block in reading.blocks)
    return DomReading(reading.segmented, blocks, reading.scores)


def needs_second_opinion(reading: DomReading, declares_article: bool) -> bool:
    """On a declared article with a body block the engine is unsure of (elsewhere
    `combine` would change nothing: trafilatura's time is saved)."""
    return declares_article and any(
        block.kind is BlockKind.BODY and score < SURE_BODY
        for block, score in zip(reading.blocks, reading.scores.tolist(), strict=True))


def combine(reading: DomReading, other: Candidate) -> DomReading:
    """The engine's sure blocks, and those of its others that `other` kept too.

    `other`'s verdict is carried onto our own blocks (its words standing in `other`'s
    text), never its text: trafilatura joins some blocks ("Note" + "This is..." ->
    "NoteThis is"), our blocks keep every boundary of the page."""
    if not other.words:
        return reading
    chosen = " " + " ".join(_folded(block.text) for block in other.blocks) + " "
    dom = reading.segmented
    blocks = []
    for block, score, near, mask, links in zip(
            reading.blocks, reading.scores.tolist(), dom.near, dom.masks, dom.link_chars,
            strict=True):
        if block.kind is BlockKind.BODY and score < SURE_BODY and (
                f" {_folded(block.text)} " not in chosen):
            kind = removed_kind(block.text, near, mask, links / len(block.text))
            blocks.append(replace(block, kind=kind, first_kind=kind))
        else:
            blocks.append(block)
    if not any(block.kind is BlockKind.BODY for block in blocks):
        return reading  # the two readings share no block: no evidence against the engine's
    return DomReading(dom, tuple(blocks), reading.scores)


def label_body(reading: DomReading, title: str | None) -> tuple[Block, ...]:
    """Every block, with the body's headline, notices and furniture named."""
    body = label_furniture(label_notices(label_title(reading.body, title)))
    labelled = iter(body)
    return tuple(next(labelled) if block.kind is BlockKind.BODY else block
                 for block in reading.blocks)


def label_furniture(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Mark short body blocks a detector names as promotion (share, newsletter, donation,
    related, bio...) with that kind: engines keep them when they sit inside the article."""
    return tuple(
        replace(block, kind=kind, first_kind=kind)
        if block.kind is BlockKind.BODY and len(block.text.split()) <= MAX_FURNITURE_WORDS
        and (kind := detected_kind(block.text) or BlockKind.BODY) in FURNITURE_KINDS else block
        for block in blocks
    )


def label_notices(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Mark "enable JavaScript" notices as UI: on a script-rendered shell they are all the
    text there is, and they are no article."""
    return tuple(
        replace(block, kind=BlockKind.UI, first_kind=BlockKind.UI)
        if len(block.text) <= MAX_NOTICE_CHARS and _JS_NOTICE.search(block.text) else block
        for block in blocks
    )


def label_title(blocks: tuple[Block, ...], title: str | None) -> tuple[Block, ...]:
    """Mark a block near the top that repeats the title as TITLE, leaving the rest alone."""
    wanted = _squash(title or "")
    if not wanted:
        return blocks
    for index, block in enumerate(blocks[:HEADLINE_WINDOW]):
        if _squash(block.text) == wanted:
            headline = replace(block, kind=BlockKind.TITLE, first_kind=BlockKind.TITLE)
            return (*blocks[:index], headline, *blocks[index + 1:])
    return blocks


def _squash(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def _folded(text: str) -> str:
    """Words only, single-spaced: how readings of different engines are compared."""
    return " ".join(_WORDS.findall(text.casefold()))
