"""Named boilerplate detectors: one line of text in, a `BlockKind` or None out.

Each detector names one category of page furniture (share buttons, donation
appeals, reading times, ...) and knows it by a multilingual phrase lexicon
(English, French, German, Spanish, plus Italian/Portuguese/Dutch where the
phrase is common). They look at plain text only, so both the text-dump and
the HTML pipelines can call them; context (where the line sits, what the
title is) is the caller's business, passed in explicitly where needed.

`detect(text)` tries them most specific first and returns the first hit,
cheaply: whole-line lexicons are one dict lookup, phrase rules are gated by
word stems before their regex runs. A detector answers None for anything it
does not recognise: a miss is normal, a false hit on prose is the bug to
avoid, so most lexicons match a whole short line or its start.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cleaner.models import BlockKind
from cleaner.vocab.dates import TIME_OF_DAY, FoundDate, find_dates, strip_dates
from cleaner.vocab.lexicons import (
    AGE,
    AUTHOR_LABEL,
    BIO_LABELS,
    BIO_SENTENCE,
    BYLINE_PREFIX,
    CAPTION_PATTERNS,
    COMMENT_HEADER_PATTERNS,
    COMMENT_LABELS,
    COMMENT_SECTION_PATTERNS,
    COOKIE_PATTERNS,
    CREDIT_PATTERNS,
    DATE_FILLERS,
    DONATION_PATTERNS,
    FOOTER_LABELS,
    FOOTER_PATTERNS,
    IMAGE_FILE_NAME,
    MAX_LABELLED_BYLINE_CHARS,
    NAV_LABELS,
    NEWSLETTER_PATTERNS,
    READING_TIME_PATTERNS,
    RELATED_LABELS,
    RELATED_PATTERNS,
    SECTION_LABELS,
    SHARE_LABELS,
    SHARE_PATTERNS,
    SOCIAL_LABELS,
    UI_LABELS,
    norm,
)
from cleaner.vocab.phrases import PatternRule, folded_stems
from cleaner.vocab.script import count_line_words as count_words
from cleaner.vocab.script import has_unspaced

Detector = Callable[[str], BlockKind | None]

# Furniture is short: a label, a button, a prompt. Past this many words a line
# is prose unless a detector for long furniture (bio, appeal) says otherwise.
MAX_LABEL_WORDS = 6
MAX_PROMPT_WORDS = 40  # a cookie or newsletter prompt is a sentence or two
MAX_BYLINE_WORDS = 12  # "By Jane Doe and John Roe, Staff Writers | March 3, 2025"


_UPDATED_EMPTY = re.compile(r"^\(?\s*(?:updated|mis à jour|aktualisiert|actualizado)\s*:?\s*\)?$",
                            re.I)
_TICKER_SEPARATOR = re.compile(r"\s[|•·]\s")
_CRUMB_SEPARATOR = re.compile(r"\s[>»›/]\s")
_LEADING_COUNT = re.compile(r"^\d+\s+")
MIN_TICKER_ITEMS = 3  # two separators can be a title with a site name; three is a ticker
MIN_TICKER_ITEM_WORDS = 3  # headlines, not a "Home | About | Contact" menu
# The longest ticker line in the dumps we have holds 182 words; past this a line with bars
# is a table saved as text or a whole page saved as one line, not a row of headlines.
MAX_TICKER_WORDS = 250


SHARE = PatternRule(BlockKind.SHARE, MAX_LABEL_WORDS, SHARE_PATTERNS)
DONATION = PatternRule(BlockKind.DONATION, MAX_PROMPT_WORDS, DONATION_PATTERNS)
NEWSLETTER = PatternRule(BlockKind.NEWSLETTER, MAX_PROMPT_WORDS, NEWSLETTER_PATTERNS)
COOKIE = PatternRule(BlockKind.COOKIE, MAX_PROMPT_WORDS, COOKIE_PATTERNS)
RELATED = PatternRule(BlockKind.RELATED, MAX_LABEL_WORDS, RELATED_PATTERNS)
CAPTION = PatternRule(BlockKind.CAPTION, MAX_PROMPT_WORDS, CAPTION_PATTERNS)
READING_TIME = PatternRule(BlockKind.READING_TIME, MAX_LABEL_WORDS, READING_TIME_PATTERNS,
                           marks="0123456789")
FOOTER = PatternRule(BlockKind.FOOTER, MAX_PROMPT_WORDS, FOOTER_PATTERNS, marks="©")
COMMENT_HEADER = PatternRule(BlockKind.COMMENTS, MAX_BYLINE_WORDS, COMMENT_HEADER_PATTERNS)
COMMENT_SECTION = PatternRule(BlockKind.COMMENTS, MAX_BYLINE_WORDS, COMMENT_SECTION_PATTERNS,
                              marks="0123456789")
CREDIT = PatternRule(BlockKind.CREDIT, MAX_LABEL_WORDS, CREDIT_PATTERNS, marks="(")
# Most specific first: a "Share on Facebook" button is SHARE, not a footer link.
PATTERN_RULES = (READING_TIME, SHARE, COMMENT_HEADER, COMMENT_SECTION, RELATED, CREDIT, CAPTION,
                 COOKIE, NEWSLETTER, DONATION, FOOTER)

# Whole-line lexicons, most specific first; the first set that holds a label names it.
LABEL_LEXICONS: tuple[tuple[BlockKind, frozenset[str]], ...] = (
    (BlockKind.SHARE, SHARE_LABELS),
    (BlockKind.RELATED, RELATED_LABELS),
    (BlockKind.FOOTER, FOOTER_LABELS),
    (BlockKind.COMMENTS, COMMENT_LABELS),
    (BlockKind.SOCIAL, SOCIAL_LABELS - {"x"}),
    (BlockKind.NAV, NAV_LABELS),
    (BlockKind.SECTION, SECTION_LABELS),
    (BlockKind.BIO, BIO_LABELS),
    (BlockKind.UI, UI_LABELS),
)


def ticker(text: str) -> BlockKind | None:
    """A headline ticker: several multi-word headlines on one line, split by bars or bullets."""
    if count_words(text) > MAX_TICKER_WORDS:
        return None
    items = [item for item in _TICKER_SEPARATOR.split(text) if item.strip()]
    if len(items) < MIN_TICKER_ITEMS:
        return None
    long_items = sum(count_words(item) >= MIN_TICKER_ITEM_WORDS for item in items)
    return BlockKind.TICKER if long_items >= MIN_TICKER_ITEMS else None


def share(text: str) -> BlockKind | None:
    """Share buttons and their alt texts, copy-link widgets, a bare URL of the page."""
    return SHARE(text)


def social(text: str) -> BlockKind | None:
    """"Follow us" prompts and lone social-network names."""
    key = norm(text)
    return BlockKind.SOCIAL if key in SOCIAL_LABELS and key != "x" else None


def donation(text: str) -> BlockKind | None:
    """Appeals for money: "Support our journalism", "Faire un don", "Jetzt unterstützen"."""
    return DONATION(text)


def newsletter(text: str) -> BlockKind | None:
    """Newsletter sign-up prompts and e-mail fields."""
    return NEWSLETTER(text)


def cookie(text: str) -> BlockKind | None:
    """Cookie and consent banners."""
    return COOKIE(text)


def author_bio(text: str) -> BlockKind | None:
    """An author box: "Avatar", a lone role word, or "<Name> is a reporter for ..."."""
    if norm(text) in BIO_LABELS or BIO_SENTENCE.match(text.strip()):
        return BlockKind.BIO
    return None


def bio_name(text: str) -> str | None:
    """The author named by a bio sentence ("Jane Doe is a reporter for ..."), else None."""
    match = BIO_SENTENCE.match(text.strip())
    return match.group("name") if match else None


def related(text: str) -> BlockKind | None:
    """Headings of related-story blocks: "Related articles", "Lire aussi", "Mehr zum Thema"."""
    return RELATED(text)


def navigation(text: str) -> BlockKind | None:
    """Menu entries and breadcrumbs ("Home > World > Europe")."""
    if norm(text) in NAV_LABELS:
        return BlockKind.NAV
    return _breadcrumb(text)


def _breadcrumb(text: str) -> BlockKind | None:
    crumbs = _CRUMB_SEPARATOR.split(text.strip())
    return BlockKind.NAV if len(crumbs) >= 3 and all(count_words(c) <= 3 for c in crumbs) else None


def section_label(text: str) -> BlockKind | None:
    """A lone section or category name above the story: "International", "Politik"."""
    return BlockKind.SECTION if norm(text) in SECTION_LABELS else None


def caption(text: str) -> BlockKind | None:
    """Photo captions recognised by their credit: "Photo: ...", "(Jane Doe/Getty Images)"."""
    return CAPTION(text)


def image_file(text: str) -> BlockKind | None:
    """An image's file name shown as its alt text: "gkypr0fwaaaociq-92093.jpg"."""
    return BlockKind.IMAGE_FILE if IMAGE_FILE_NAME.match(text.strip()) else None


def comments(text: str) -> BlockKind | None:
    """Comment-widget labels ("No comments:", "12 Comments") and comment headers
    ("Jane on May 3, 2019 at 4:47 pm said:")."""
    key = _LEADING_COUNT.sub("", norm(text))
    if key in COMMENT_LABELS:
        return BlockKind.COMMENTS
    return COMMENT_SECTION(text) or COMMENT_HEADER(text)


def comment_header(text: str) -> bool:
    """True for the header of one comment ("Jane on May 3 at 4:47 pm said:"), as opposed
    to the label of a comment section ("12 Comments"): forums have headers, no section."""
    return COMMENT_HEADER(text) is not None


def reading_time(text: str) -> BlockKind | None:
    """Reading-time badges: "2 min read", "Lesezeit: 3 Min.", "5 minutes de lecture"."""
    return READING_TIME(norm(text))


def footer(text: str) -> BlockKind | None:
    """Copyright lines, CMS credits ("Powered by ...") and legal links."""
    return FOOTER(text)


def credit(text: str) -> BlockKind | None:
    """A wire or source credit closing a story: "(Voice of America/IBNS)", "Selon x.vn"."""
    return CREDIT(text)


def ui_label(text: str) -> BlockKind | None:
    """Lone widget labels ("Read more", "Show More", "x") and empty fields ("(Updated: )")."""
    key = norm(text)
    if key in UI_LABELS or _UPDATED_EMPTY.match(text.strip()):
        return BlockKind.UI
    return BlockKind.UI if len(key) <= 1 and not key.isalnum() else None


def title_repeat(text: str, title: str | None) -> BlockKind | None:
    """The headline again, after the title line itself (needs the title as context)."""
    if title and norm(text) == norm(title):
        return BlockKind.TITLE_REPEAT
    return None


# ------------------------------------------------------------ dates and bylines

_DIGIT = re.compile(r"\d")
_UTC_OFFSET = re.compile(r"^\(?(?:gmt|utc)[+-]\d{1,4}\)?$", re.I)  # "(GMT+0400)"
_NAME_WORD = re.compile(r"^(?:@\w+|\(?[A-ZÀ-Ý][\w'’.-]*\)?)$")
MAX_UNSPACED_LABEL_CHARS = 8  # the longest Chinese or Japanese label we list
# A label heading a short list on its line ("相关文章：A · B"); one character is a word there.
MAX_UNSPACED_LABEL_LINE = 20
_LABEL_END = " :：·|-"
MAX_NAME_WORDS = 5  # "Jean-Noël de La Fontaine Dupont" is about the longest name we expect


def labelled_author(text: str) -> str | None:
    """The name after an author label inside a short line ("本报记者 葛灵丹", "作者：X")."""
    if len(text) > MAX_LABELLED_BYLINE_CHARS:
        return None
    found = AUTHOR_LABEL.search(text)
    return found.group("name") if found else None


def name_words(text: str, dates: list[FoundDate] | None = None) -> list[str]:
    """Words of a date-bearing line once dates, times and filler words are gone."""
    words = strip_dates(text, dates).replace("|", " ").replace(",", " ").split()
    return [w for w in words
            if w.casefold().strip("():：") not in DATE_FILLERS and w.strip("():：")
            and not _UTC_OFFSET.match(w)]


def dateline(text: str) -> BlockKind | None:
    """A line that is only a date ("Monday, November 25, 2024", "Published 2025-03-06") or
    an age ("32M ago", "il y a 3 heures", "vor 2 Stunden"); with a time of day it is a
    page clock (see `page_clock`)."""
    return _dated_line(text.strip(), count_words(text), allow_names=False)


def page_clock(text: str) -> BlockKind | None:
    """A date with a time of day and nothing else: "December 25, 2025 08:58 pm (IST)".

    Sites print the visit's date and time at the top of every page; whether such a
    line is the story's date is for the metadata stage to judge by where it sits.
    """
    kind = dateline(text)
    return kind if kind is BlockKind.PAGE_CLOCK else None


def byline(text: str) -> BlockKind | None:
    """ "By Jane Doe", "Par Jean Dupont", or a name (or @handle) beside a date."""
    kind = _dated_line(text.strip(), count_words(text), allow_names=True)
    return kind if kind is BlockKind.BYLINE else None


def _dated_line(text: str, n_words: int, *, allow_names: bool) -> BlockKind | None:
    """Dateline, page clock or byline: the dates of a short line are read only once."""
    if n_words > MAX_BYLINE_WORDS or not ((allow_names and BYLINE_PREFIX.match(text))
                                          or _DIGIT.search(text)):
        return None
    if allow_names and BYLINE_PREFIX.match(text):
        return BlockKind.BYLINE
    if AGE.match(text):
        return BlockKind.DATELINE
    dates = find_dates(text)
    if not dates:
        return None
    rest = name_words(text, dates)
    if not rest:
        undated = strip_dates_only(text, dates)
        return BlockKind.PAGE_CLOCK if TIME_OF_DAY.search(undated) else BlockKind.DATELINE
    is_name = len(rest) <= MAX_NAME_WORDS and all(_NAME_WORD.match(w) for w in rest)
    return BlockKind.BYLINE if allow_names and is_name else None


def strip_dates_only(text: str, dates: list[FoundDate]) -> str:
    for found in reversed(dates):
        text = text[: found.start] + " " + text[found.end :]
    return text


# Every single-line detector, for callers that want to run or list them one by one.
DETECTORS: tuple[Detector, ...] = (
    image_file, reading_time, dateline, byline, ticker, share, social, comments, related,
    navigation, section_label, author_bio, credit, caption, cookie, newsletter, donation,
    footer, ui_label,
)

# ------------------------------------------------------------------ all at once

_LABEL_KINDS: dict[str, BlockKind] = {
    label: kind for kind, labels in reversed(LABEL_LEXICONS) for label in labels
}


# Labels that also name a line they start, in unspaced scripts: section headings whose
# items follow on the same line. Menu and UI words ("新闻", "更多") start prose too.
_PREFIX_KINDS: dict[str, BlockKind] = {
    label: kind for kind, labels in ((BlockKind.RELATED, RELATED_LABELS),
                                     (BlockKind.COMMENTS, COMMENT_LABELS),
                                     (BlockKind.SHARE, SHARE_LABELS))
    for label in labels if has_unspaced(label)
}


def detect(text: str) -> BlockKind | None:
    """The kind of boilerplate `text` is, by the most specific detector that knows it."""
    stripped = text.strip()
    return detect_stripped(stripped, count_words(stripped))


def detect_stripped(stripped: str, n_words: int) -> BlockKind | None:
    """`detect` for a caller that has already stripped the line and counted its words."""
    kind = _short_line(stripped) if n_words <= MAX_LABEL_WORDS else None
    if kind is None and n_words <= MAX_UNSPACED_LABEL_LINE and has_unspaced(stripped):
        kind = _unspaced_label_prefix(norm(stripped))
    if kind is None:
        kind = _dated_line(stripped, n_words, allow_names=True)
    if kind is None and ("|" in stripped or "•" in stripped or "·" in stripped):
        kind = ticker(stripped)
    if kind is None and n_words > MAX_LABEL_WORDS:
        kind = BlockKind.BIO if BIO_SENTENCE.match(stripped) else None
    return kind or _first_pattern_rule(stripped, n_words)


def _short_line(text: str) -> BlockKind | None:
    key = norm(text)
    kind = _LABEL_KINDS.get(key)
    if kind is None and key[:1].isdigit():
        kind = _LABEL_KINDS.get(_LEADING_COUNT.sub("", key))
    if kind is None and ((len(key) <= 1 and not key.isalnum()) or _UPDATED_EMPTY.match(text)):
        kind = BlockKind.UI
    if kind is None and "." in text:
        kind = image_file(text)
    if kind is None and (">" in text or "»" in text or "›" in text or "/" in text):
        kind = _breadcrumb(text)
    return kind


def _unspaced_label_prefix(key: str) -> BlockKind | None:
    """A label that starts a line of a script without spaces ("相关文章：...", "関連記事一覧"):
    no word boundary tells where the label ends, so its prefixes are looked up."""
    for length in range(min(len(key), MAX_UNSPACED_LABEL_CHARS), 1, -1):
        kind = _PREFIX_KINDS.get(key[:length].rstrip(_LABEL_END))
        if kind is not None:
            return kind
    return None


def _rules_by_stem() -> dict[str, tuple[int, ...]]:
    stems = {stem for rule in PATTERN_RULES for stem in rule.stems}
    return {stem: tuple(i for i, rule in enumerate(PATTERN_RULES) if stem in rule.stems)
            for stem in stems}


_RULES_BY_STEM = _rules_by_stem()
# Set operations against a frozenset cost the smaller side; against the dict itself
# `set.intersection` walks all of the dict's keys for every line.
_GATE_STEMS = frozenset(_RULES_BY_STEM)
_MARKED_RULES = tuple((index, rule) for index, rule in enumerate(PATTERN_RULES) if rule.marks)
_MARKS = "".join(sorted({mark for _, rule in _MARKED_RULES for mark in rule.marks}))
_ANY_MARK = re.compile(f"[{re.escape(_MARKS)}]")  # one scan before any rule's own mark test


def _first_pattern_rule(text: str, n_words: int) -> BlockKind | None:
    """The first rule (in `PATTERN_RULES` order) whose gate opens and whose regex matches."""
    if n_words > MAX_PROMPT_WORDS:
        return None
    folded = text.casefold()
    gated = _open_gates(text, folded)
    if not gated:  # most lines: no rule shares a stem or a mark with them
        return None
    for index in sorted(gated):
        rule = PATTERN_RULES[index]
        if n_words <= rule.max_words and rule.search(text, folded):
            return rule.kind
    return None


def _open_gates(text: str, folded: str) -> set[int]:
    """Indexes of the rules whose gate `text` opens: a shared word stem, or a mark."""
    stems = folded_stems(folded)
    gated: set[int] = set()
    if not _GATE_STEMS.isdisjoint(stems):  # most lines share none: no set to build for them
        gated = {i for stem in _GATE_STEMS.intersection(stems) for i in _RULES_BY_STEM[stem]}
    if _ANY_MARK.search(text):
        gated.update(index for index, rule in _MARKED_RULES if rule.marked(text))
    return gated
