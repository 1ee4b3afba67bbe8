"""Stage 3, revise: relabel each line knowing its neighbours (jusText's second pass).

In order (a dump under MIN_CONTEXT_LINES lines keeps the first pass's verdict):
  1. the second-pass model scores each line from its own features and its
     neighbours' first-pass scores (body runs pull a short heading in, a lone
     sentence inside a menu is pushed out);
  2. named detectors that are never wrong about prose veto body (a share
     button or a reading time is boilerplate whatever its neighbours are);
  3. prose the first pass was confident of stays body when it continues a
     body run (the last paragraph before a credit or a share bar);
  4. on a story page (one run of prose dominates), lines outside the story
     need a high score: teaser lists and comment threads look like body;
  5. the article ends at a comment thread under the story, or at the first
     end marker (bio, donation appeal, comments, related-stories heading)
     below most of the body: what follows is the page's tail;
  6. a page left with no body at all keeps its best-scored prose lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cleaner.models import BlockKind
from cleaner.text.classify import BODY_THRESHOLD, LineModel, first_kinds, load_model
from cleaner.text.features import context_features
from cleaner.text.segment import Line
from cleaner.vocab.detectors import comment_header
from cleaner.vocab.script import PARAGRAPH_ENDS

# Kinds a detector only gives to furniture: a line named so is never body.
NEVER_BODY = frozenset({
    BlockKind.TICKER, BlockKind.SHARE, BlockKind.SOCIAL, BlockKind.DONATION,
    BlockKind.NEWSLETTER, BlockKind.COOKIE, BlockKind.BIO, BlockKind.RELATED, BlockKind.NAV,
    BlockKind.SECTION, BlockKind.IMAGE_FILE, BlockKind.COMMENTS, BlockKind.READING_TIME,
    BlockKind.PAGE_CLOCK, BlockKind.DATELINE, BlockKind.DATE_PREFIX, BlockKind.BYLINE,
    BlockKind.FOOTER, BlockKind.UI, BlockKind.CREDIT,
})
# A line the first pass is this sure of on its own stays body when it continues a body
# run, whatever the second pass thinks of the furniture after it (the last paragraph
# before a credit or a share bar).
CONFIDENT_FIRST_PASS = 0.7
CONTINUES_RUN_WITHIN = 2  # lines

# The second pass reads each line through its neighbours, and was trained on whole pages
# (95% of WCXB-dev's dumps have 68 lines or more). A dump of a few lines (an article's
# text alone, a short post) gives it nothing to read, and it drops prose the first pass is
# sure of: WCXB-dev's true bodies cut to 1, 2, 3, 5 and 8 lines keep 0, 19, 68, 89 and
# 92% of their words through it, 64, 93, 94, 96 and 95% through the first pass. There the
# first pass decides, except that a prose line no detector names is body: trained on
# paragraph-sized lines, it doubts a whole article saved as one line (scores 0.01-0.4).
MIN_CONTEXT_LINES = 8

# A page is a story page when one run of prose holds this share of its body words (a
# quarter: teaser lists after a story often outweigh it); outside that run only lines the
# second pass is sure of stay body (teasers and comments look like body to a line model).
STORY_SHARE = 0.25
OUTSIDE_STORY_THRESHOLD = 0.7
MIN_PROSE_WORDS = 10  # a prose line, not a headline or a label
# When nothing is body, prose lines scoring at least this share of the best one are.
FALLBACK_SHARE = 0.5
MAX_STORY_GAP = 6  # lines of furniture (captions, ads, share bars) a story can span

# Kinds that close an article: what follows them is the page's tail, not the story.
# Share bars, credits and newsletter prompts are not among them: they also sit between
# paragraphs ("Subscribe to X and stay smart" in the middle of a story).
END_MARKERS = frozenset({
    BlockKind.BIO, BlockKind.DONATION, BlockKind.COMMENTS, BlockKind.RELATED,
})
# An end marker only ends the article once this share of the body's words is above it:
# "related" boxes and author boxes also sit at the top of pages or between paragraphs.
END_AFTER_BODY_SHARE = 0.6
# ... and only when what would be cut is a tail, not the bulk of a page (listings put
# "related" labels between items): at most this share of the body's words.
MAX_TAIL_SHARE = 0.3
# A comment thread can outweigh the story, so comments end it on other terms: once the
# story has this many body words, and the thread shows at least this many comment headers.
MIN_STORY_WORDS_BEFORE_COMMENTS = 60
MIN_COMMENT_HEADERS = 2




@dataclass(frozen=True, slots=True)
class Revision:
    """The second pass's verdict: a body probability and a kind for every line."""

    scores: np.ndarray
    kinds: tuple[BlockKind, ...]


def revise(
    lines: tuple[Line, ...], own: np.ndarray, first_pass: np.ndarray,
    model: LineModel | None = None,
) -> Revision:
    """Context pass: model score, detector vetoes, then the article's end."""
    if len(lines) < MIN_CONTEXT_LINES:
        return _first_pass_revision(lines, first_pass)
    scores = (model or load_model()).second_pass(context_features(own, first_pass))
    return judge(lines, first_pass, scores)


def judge(lines: tuple[Line, ...], first_pass: np.ndarray, scores: np.ndarray) -> Revision:
    """Steps 2-5 on the second pass's `scores` (training reads them out of fold)."""
    if len(lines) < MIN_CONTEXT_LINES:
        return _first_pass_revision(lines, first_pass)
    body = [score >= BODY_THRESHOLD and line.detected not in NEVER_BODY
            for line, score in zip(lines, scores.tolist(), strict=True)]
    _keep_confident_continuations(lines, body, first_pass)
    _confine_to_story(lines, body, scores)
    tail = _tail_start(lines, body)
    kinds = tuple(
        _kind(line, is_body and index < tail, after_end=index >= tail)
        for index, (line, is_body) in enumerate(zip(lines, body, strict=True))
    )
    if BlockKind.BODY not in kinds:
        kinds = _best_prose(lines, scores, kinds)
    return Revision(scores, kinds)


def _best_prose(
    lines: tuple[Line, ...], scores: np.ndarray, kinds: tuple[BlockKind, ...]
) -> tuple[BlockKind, ...]:
    """A page the model keeps nothing of: its prose lines scored near the best of them.

    Whole-page dumps of old news sites (a menu of hundreds of lines around a short
    story) score every line low; an empty body scores 0, while these lines reach word
    F1 0.57-0.62 on such pages of text-l3s-gn1 and text-dragnet."""
    prose = [i for i, line in enumerate(lines)
             if line.words >= MIN_PROSE_WORDS and line.detected is None]
    if not prose:
        return kinds
    bar = FALLBACK_SHARE * max(float(scores[i]) for i in prose)
    chosen = {i for i in prose if scores[i] >= bar}
    return tuple(BlockKind.BODY if i in chosen else kind for i, kind in enumerate(kinds))


def _first_pass_revision(lines: tuple[Line, ...], first_pass: np.ndarray) -> Revision:
    """A short dump: the first pass's verdict, every prose line no detector names as body."""
    kinds = tuple(
        BlockKind.BODY if line.words >= MIN_PROSE_WORDS and line.detected is None else kind
        for line, kind in zip(lines, first_kinds(lines, first_pass), strict=True)
    )
    return Revision(first_pass, kinds)


def _keep_confident_continuations(
    lines: tuple[Line, ...], body: list[bool], first_pass: np.ndarray
) -> None:
    """Re-admit confident first-pass prose that directly follows body (in place)."""
    for index, score in enumerate(first_pass.tolist()):
        if body[index] or score < CONFIDENT_FIRST_PASS or lines[index].detected is not None:
            continue
        body[index] = any(body[max(index - CONTINUES_RUN_WITHIN, 0) : index])


def _confine_to_story(lines: tuple[Line, ...], body: list[bool], scores: np.ndarray) -> None:
    """On a story page, drop body lines outside the story's span unless sure (in place)."""
    span = _story_span(lines, body)
    if span is None:
        return
    first, last = span
    for index, score in enumerate(scores.tolist()):
        if body[index] and not first <= index <= last:
            body[index] = score >= OUTSIDE_STORY_THRESHOLD


def _story_span(lines: tuple[Line, ...], body: list[bool]) -> tuple[int, int] | None:
    """First and last line of the run of prose holding most body words, if it dominates."""
    runs: list[tuple[int, int, int]] = []  # first, last, words
    total = 0
    for index, line in enumerate(lines):
        if not body[index]:
            continue
        words = line.words
        total += words
        if words < MIN_PROSE_WORDS or line.text[-1] not in PARAGRAPH_ENDS:
            continue
        if runs and index - runs[-1][1] <= MAX_STORY_GAP:
            first, _, run_words = runs[-1]
            runs[-1] = (first, index, run_words + words)
        else:
            runs.append((index, index, words))
    if not runs:
        return None
    first, last, words = max(runs, key=lambda run: run[2])
    return (first, last) if words >= STORY_SHARE * total else None


def _kind(line: Line, is_body: bool, *, after_end: bool) -> BlockKind:
    if is_body:
        return BlockKind.BODY
    if line.detected is not None:
        return line.detected
    return BlockKind.RELATED if after_end else BlockKind.BOILERPLATE


def _tail_start(lines: tuple[Line, ...], body: list[bool]) -> int:
    """Index of the first line after the article's end marker, or len(lines) if none."""
    words = [line.words if keep else 0 for line, keep in zip(lines, body, strict=True)]
    total = sum(words) or 1
    thread = _comment_thread_start(lines, words)
    seen = 0
    for index, line in enumerate(lines[:thread]):
        seen += words[index]
        is_end = line.detected in END_MARKERS and seen >= END_AFTER_BODY_SHARE * total
        if is_end and total - seen <= MAX_TAIL_SHARE * total:
            return index
    return thread


def _comment_thread_start(lines: tuple[Line, ...], words: list[int]) -> int:
    """Where a comment thread under a story starts, or len(lines).

    A thread is a comment-section label ("12 Comments") followed by comment headers
    ("Jane said:"), after a story of some length. Forums show headers without a section
    label, Q&A sites labels without headers: their posts are the body.
    """
    comments = [i for i, line in enumerate(lines) if line.detected is BlockKind.COMMENTS]
    headers = [i for i in comments if comment_header(lines[i].text)]
    header_set = set(headers)
    sections = [i for i in comments if i not in header_set]
    if len(headers) < MIN_COMMENT_HEADERS or not sections or sections[0] > headers[-1]:
        return len(lines)
    seen = sum(words[: sections[0] + 1])
    return sections[0] if seen >= MIN_STORY_WORDS_BEFORE_COMMENTS else len(lines)
