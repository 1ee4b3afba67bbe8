"""HTML stage select: pick one candidate by a documented rule, then label its blocks.

The cascade (numbered as `extract_html` runs it):
1. precise: trafilatura's fast cascade, on every page;
2. recall: resiliparse's main content, on every page (a few milliseconds);
3. escalation, when the precise reading is empty, or on a page that declares
   itself an article when the recall reading holds ESCALATE_GAIN times its
   words: trafilatura's full cascade (its readability/justext comparison)
   replaces the fast one;
4. choice: an article keeps a non-empty precise reading (resiliparse keeps
   comments and teasers around news articles); any other page takes the recall
   reading when it holds RECALL_GAIN times the words, the precise engine having
   cut a page not laid out as an article (forum thread, service page, grid).
Before all this, a page that neither declares itself an article nor carries a date is
read by the DOM block model (`dom_candidate`); when its confidence reaches
DOM_CONFIDENCE and it found a body, that reading is chosen and the cascade above never
runs (its dropped blocks are the removed ones). News skips it: on news pages the model
keeps teasers and comments trafilatura drops (aeb shingle F1 0.88 alone vs 0.965).
Labelling: a leading block that repeats the title is the headline (metadata);
"enable JavaScript" notices are UI; short promotion blocks that a detector of
`cleaner.vocab.detectors` names (share, newsletter, donation, related, bio) take its
kind; the lines the other reading had and the chosen one dropped are returned
as removed blocks, with the detector's kind where one knows them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cleaner.html.candidates import Candidate, DomCandidate
from cleaner.models import Block, BlockKind
from cleaner.vocab.detectors import detect

_NON_WORD = re.compile(r"\W+")
# Non-article pages: the recall reading wins past this many times the precise one's words.
# 1.5 was best on wcxb-dev among 1.2-4 (below, product pages' review widgets come in).
RECALL_GAIN = 1.5
# Articles: past this ratio the fast cascade has lost the article; 3 escalates ~5% of
# wcxb-dev articles (+0.015 word F1 on them) and 2% of aeb's (neutral there).
ESCALATE_GAIN = 3.0
# "You need to enable JavaScript to run this app.", "JavaScript is disabled in your browser".
_JS_NOTICE = re.compile(r"\b(?:enable|turn on|activate)\s+javascript\b|\bjavascript\s+"
                        r"(?:is\s+)?(?:required|disabled|must be enabled)\b", re.I)
MAX_NOTICE_CHARS = 200  # a notice is a sentence or two; past that it is prose about JavaScript
# Promotion inside the article that the engines keep: dropped when a detector names it.
# Other kinds (footer, ticker, caption...) misfire on prose and tables: -0.004 on wcxb-dev.
FURNITURE_KINDS = frozenset({
    BlockKind.SHARE, BlockKind.SOCIAL, BlockKind.NEWSLETTER, BlockKind.DONATION,
    BlockKind.RELATED, BlockKind.COOKIE, BlockKind.READING_TIME, BlockKind.BIO, BlockKind.AD,
})
MAX_FURNITURE_WORDS = 40  # an appeal or a bio is a few sentences; past that it is prose
# The DOM reading of a non-article page is taken at this word-weighted mean certainty
# (0.5-1). Domain-CV on wcxb-dev (out-of-fold scores, vs the cascade's 0.8345):
# 0.95 -> 0.8338 (12% of pages), 0.9 -> 0.8383 (31%), 0.85 -> 0.8408 (43%),
# 0.8 -> 0.8381 (49%). On undated pages only (extract_html's gate), at 0.9: full pipeline
# wcxb-dev word F1 0.843 vs 0.835 (in-sample for the model), aeb unchanged at 0.965.
DOM_CONFIDENCE = 0.9
# The headline sits among the first few blocks; a later equal heading is a section title.
HEADLINE_WINDOW = 3


def dom_is_sure(dom: DomCandidate) -> bool:
    """True when the DOM model's reading of a non-article page can stand alone."""
    return bool(dom.kept.words) and dom.confidence >= DOM_CONFIDENCE


def select_dom(
    dom: DomCandidate, *, title: str | None, with_removed: bool = True
) -> tuple[Block, ...]:
    """The DOM reading, labelled like a cascade's choice; its dropped blocks are the removed."""
    removed = dropped_blocks(dom.kept, dom.rejected, title) if with_removed else ()
    return (*label_furniture(label_notices(label_title(dom.kept.blocks, title))), *removed)


def should_escalate(precise: Candidate, recall: Candidate, *, is_article: bool) -> bool:
    if not precise.words:  # the fast cascade found nothing: the full one often does
        return True
    return is_article and recall.words > ESCALATE_GAIN * precise.words


def select(
    precise: Candidate,
    recall: Candidate,
    *,
    is_article: bool,
    title: str | None,
    with_removed: bool = True,
) -> tuple[Block, ...]:
    fuller = (not is_article or not precise.words) and recall.words > RECALL_GAIN * precise.words
    chosen, other = (recall, precise) if fuller else (precise, recall)
    removed = dropped_blocks(chosen, other, title) if with_removed else ()
    return (*label_furniture(label_notices(label_title(chosen.blocks, title))), *removed)


def label_furniture(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Mark short body blocks a detector names as promotion (share, newsletter, donation,
    related, bio...) with that kind: engines keep them when they sit inside the article."""
    return tuple(
        replace(block, kind=kind, first_kind=kind)
        if block.kind is BlockKind.BODY and len(block.text.split()) <= MAX_FURNITURE_WORDS
        and (kind := detect(block.text) or BlockKind.BODY) in FURNITURE_KINDS else block
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


def dropped_blocks(
    chosen: Candidate, other: Candidate, title: str | None = None
) -> tuple[Block, ...]:
    """Blocks of the other reading that the chosen one left out, each with its kind."""
    kept = {_squash(block.text) for block in chosen.blocks}
    headline = _squash(title or "")
    dropped: list[Block] = []
    for block in other.blocks:
        key = _squash(block.text)
        if key in kept:
            continue
        kind = BlockKind.TITLE if key == headline else detect(block.text) or BlockKind.BOILERPLATE
        dropped.append(Block(text=block.text, kind=kind, role=block.role, first_kind=kind))
    return tuple(dropped)


def label_title(blocks: tuple[Block, ...], title: str | None) -> tuple[Block, ...]:
    """Mark a block near the top that repeats the title as TITLE, leaving the rest alone
    (any role: resiliparse's reading has no headings)."""
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

