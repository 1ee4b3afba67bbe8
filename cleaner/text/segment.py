"""Stage 1, segment: a text dump -> `Line`s, one per non-empty line.

A line keeps what the later stages need and cannot get back from the text
alone: whether a blank line stood before/after it (the renderer puts blank
lines around paragraphs and headings, never inside menus), and what the named
detectors say about it. A date glued in front of the first paragraph
(" date 2025-03-06 Ukraine said ...") is split off into a line of its own.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cleaner.models import BlockKind
from cleaner.vocab.dates import MONTHS, find_dates
from cleaner.vocab.detectors import detect_stripped
from cleaner.vocab.script import count_line_words, words_per_line

# A glued date prefix is only split off when real prose follows it: at least this many words.
MIN_PROSE_AFTER_PREFIX = 5
# A date prefix sits at the very start of the line: a label and the date, nothing more.
MAX_PREFIX_CHARS = 40

_PREFIX_LABEL = re.compile(
    r"^\s*(?:date|dated|published|posted|updated|publié(?: le)?|mis à jour|veröffentlicht(?: am)?|"
    r"publicado(?: el)?|pubblicato(?: il)?)?\s*:?\s*$",
    re.I,
)
_DIGIT = re.compile(r"\d")
# How a glued prefix can begin: a label, a digit, or a month name ("March 3, 2025 ...").
_PREFIX_START = re.compile(
    r"^(?:date|dated|published|posted|updated|publié|mis à jour|veröffentlicht|publicado|"
    r"pubblicato|\d|(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b)",
    re.I,
)
_TIME_AFTER = re.compile(r"^[\s,|-]*(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)?[\s,|:—–-]*", re.I)


class Line(NamedTuple):
    """One non-empty line of the dump and the facts about it that need the raw page,
    or that every later stage asks for (`words`: counted once, read by all).

    A named tuple, not a frozen dataclass: a page has hundreds of lines, and a frozen
    dataclass pays a Python-level `object.__setattr__` per field for each of them."""

    text: str
    blank_before: bool
    blank_after: bool
    detected: BlockKind | None
    words: int  # `cleaner.vocab.script.count_line_words`: a character in unspaced scripts


def segment(text: str) -> tuple[Line, ...]:
    """Split a dump into `Line`s, running the detectors once per distinct line."""
    raw = [line.strip() for line in text.split("\n")]  # stripped once, read three times
    parts: list[tuple[str, bool, bool, BlockKind | None]] = []
    for number, stripped in enumerate(raw):
        if not stripped:
            continue
        before = number == 0 or not raw[number - 1]
        after = number + 1 == len(raw) or not raw[number + 1]
        parts += [(part, before, after, kind) for part, kind in _split_date_prefix(stripped)]
    words = words_per_line([part[0] for part in parts])  # the page at once
    lines: list[Line] = []
    memo: dict[str, BlockKind | None] = {}
    for (part, before, after, prefix_kind), count in zip(parts, words, strict=True):
        kind = prefix_kind
        if kind is None:
            kind = memo[part] if part in memo else memo.setdefault(
                part, detect_stripped(part, count))
        lines.append(Line(part, before, after, kind, count))
    return tuple(lines)


def _split_date_prefix(text: str) -> list[tuple[str, BlockKind | None]]:
    """`[(text, None)]`, or `[(prefix, DATE_PREFIX), (prose, None)]` for a glued date."""
    # The digit test first: it is a third of the cost of the month alternation, and
    # most lines have no digit near their start.
    if not _DIGIT.search(text, 0, MAX_PREFIX_CHARS) or not _PREFIX_START.match(text):
        return [(text, None)]
    dates = find_dates(text[:MAX_PREFIX_CHARS])
    if not dates or not _PREFIX_LABEL.match(text[: dates[0].start]):
        return [(text, None)]
    end = dates[0].end
    end += _TIME_AFTER.match(text[end:]).end()  # type: ignore[union-attr]  # always matches
    prose = text[end:].strip()
    if count_line_words(prose) < MIN_PROSE_AFTER_PREFIX or not prose[:1].isupper():
        return [(text, None)]
    return [(text[:end].strip(" ,|-—–:"), BlockKind.DATE_PREFIX), (prose, None)]
