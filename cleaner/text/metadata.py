"""Stage 4, metadata: title, authors and publication date, read from the dump itself.

Everything is found relative to where the article starts (its first body
line): the title is the headline-shaped line just above it, the date and
author come from the byline/dateline zone around the title. A page clock
(the date and time of the visit, printed at the top of every page) is the
last resort, never preferred over a dated byline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from cleaner.models import BlockKind, Metadata
from cleaner.text.revise import Revision
from cleaner.text.segment import Line
from cleaner.text.title import find_title
from cleaner.vocab.dates import find_dates, strip_dates
from cleaner.vocab.detectors import BYLINE_PREFIX, bio_name, labelled_author, name_words
from cleaner.vocab.script import PARAGRAPH_ENDS
from cleaner.vocab.trees import Forest

# Dates and bylines are searched this many lines around the title/article start.
DATE_LOOKBACK = 25
MAX_DATE_LINE_WORDS = 14  # "Published on Monday, March 3, 2025 at 10:04 am GMT by Jane Doe"
# The article starts at the first body line with this many words (a heading-sized
# body line before the text is not yet the story).
MIN_START_WORDS = 8
MAX_AUTHORS = 4
MIN_NAME_WORDS = 2  # a lone capitalised word beside a date is as often a section name
MAX_NAME_WORDS = 4

_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*")
_NAME_TOKEN = re.compile(
    r"^(?:@\w+|\(?[A-ZÀ-Ý][\w'’.-]*\)?|(?:de|van|von|der|da|di|le|la|del))$"
)
# What follows a name in a byline: a role, a date, an outlet ("Jane Doe | Staff", "⋅").
_BYLINE_SEPARATOR = re.compile(r"\s[|⋅·•–—]\s|\s-\s")
_TRAILING_ROLE = re.compile(r"\s*[,|–—-]\s*(?:staff|senior|chief|special|reporter|editor|"
                            r"correspondent|writer|contributor).*$", re.I)
_DATE_KINDS = frozenset({BlockKind.DATELINE, BlockKind.BYLINE, BlockKind.DATE_PREFIX})


@dataclass(frozen=True, slots=True)
class FoundMetadata:
    """Metadata and the line the title was read from (None: the page shows no title)."""

    metadata: Metadata
    title_line: int | None


def find_metadata(
    lines: tuple[Line, ...], own: np.ndarray, revision: Revision, title_model: Forest | None = None,
    *, title_hint: str | None = None,
) -> FoundMetadata:
    """Title, authors and date of the page, found around where its article starts.
    `title_hint` is the text of a line the page marks as its title (a Markdown H1)."""
    start = article_start(lines, revision.kinds)
    title_line = _line_of(lines, title_hint)
    if title_line is None:
        title_line = find_title(lines, own, revision.scores, start, title_model)
    anchor = start if title_line is None else title_line
    zone = _zone(anchor, start, len(lines))
    metadata = Metadata(
        title=lines[title_line].text if title_line is not None else None,
        authors=_authors(lines, zone) or _bio_authors(lines, start),
        date_published=_publication_date(lines, zone) or _any_dateline(lines, start),
    )
    return FoundMetadata(metadata, title_line)


def _line_of(lines: tuple[Line, ...], text: str | None) -> int | None:
    """The first line reading `text`, if any."""
    if text:
        for index, line in enumerate(lines):
            if line.text == text:
                return index
    return None


def article_start(lines: tuple[Line, ...], kinds: tuple[BlockKind, ...]) -> int:
    """Index of the first body paragraph: long enough and closed by punctuation, since a
    headline the second pass pulled into the body is neither (len(lines) if no body)."""
    body = [i for i, kind in enumerate(kinds) if kind is BlockKind.BODY]
    for index in body:
        line = lines[index]
        if line.words >= MIN_START_WORDS and line.text[-1] in PARAGRAPH_ENDS:
            return index
    return body[0] if body else len(lines)


def _zone(anchor: int, start: int, n_lines: int) -> list[int]:
    """Lines to search for a byline/date: title -> article start, then upwards, then down."""
    below = list(range(anchor + 1, min(start, anchor + DATE_LOOKBACK) + 1))
    above = list(range(anchor, max(anchor - DATE_LOOKBACK, 0) - 1, -1))
    after = list(range(start + 1, min(start + 3, n_lines)))
    return [i for i in below + above + after if i < n_lines]


def _publication_date(lines: tuple[Line, ...], zone: list[int]) -> str | None:
    clock = None
    for index in zone:
        line = lines[index]
        if line.words > MAX_DATE_LINE_WORDS and line.detected not in _DATE_KINDS:
            continue
        dates = find_dates(line.text)
        if not dates:
            continue
        if line.detected is not BlockKind.PAGE_CLOCK:
            return dates[0].iso
        clock = clock or dates[0].iso
    return clock


def _any_dateline(lines: tuple[Line, ...], start: int) -> str | None:
    """Fallback: the dateline or byline nearest above the article, else the first below it."""
    order = [*range(start - 1, -1, -1), *range(start, len(lines))]
    for index in order:
        if lines[index].detected in _DATE_KINDS and (dates := find_dates(lines[index].text)):
            return dates[0].iso
    return None


def _authors(lines: tuple[Line, ...], zone: list[int]) -> tuple[str, ...]:
    """Names from the nearest byline in the zone, else from a name line beside a date,
    else from any "By ..." line on the page (some put the byline under the story)."""
    for index in zone:
        if lines[index].detected is BlockKind.BYLINE and (names := byline_names(lines[index].text)):
            return names
    for index in zone:
        if lines[index].detected in _DATE_KINDS and (name := _name_beside(lines, index)):
            return (name,)
    for line in lines:
        if BYLINE_PREFIX.match(line.text) and (names := byline_names(line.text)):
            return names
    for index in dict.fromkeys([*zone, *range(len(lines))]):  # the zone first, each once
        if name := labelled_author(lines[index].text):
            return (name,)
    return ()


def _name_beside(lines: tuple[Line, ...], index: int) -> str | None:
    """A lone name on the line just above or below a date ("Jane Doe" / "March 3, 2025")."""
    for neighbour in (index - 1, index + 1):
        if not 0 <= neighbour < len(lines) or lines[neighbour].detected is not None:
            continue
        words = lines[neighbour].text.split()
        if MIN_NAME_WORDS <= len(words) <= MAX_NAME_WORDS and all(
            _NAME_TOKEN.match(word) for word in words
        ):
            return lines[neighbour].text
    return None


def byline_names(text: str) -> tuple[str, ...]:
    """Names in a byline: "By Jane Doe and John Roe | March 3" -> ("Jane Doe", "John Roe")."""
    text = _BYLINE_SEPARATOR.split(BYLINE_PREFIX.sub("", text.strip()), maxsplit=1)[0]
    parts = _NAME_SPLIT.split(_TRAILING_ROLE.sub("", strip_dates(text)))
    names = [" ".join(name_words(part)) for part in parts]
    names = [n for n in names if n and all(_NAME_TOKEN.match(w) for w in n.split())]
    return tuple(names[:MAX_AUTHORS])


def _bio_authors(lines: tuple[Line, ...], start: int) -> tuple[str, ...]:
    for line in lines[start:]:
        if line.detected is BlockKind.BIO and (name := bio_name(line.text)):
            return (name,)
    return ()
