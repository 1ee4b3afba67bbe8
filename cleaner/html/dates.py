"""Dates: when the page was first published, and last modified, as ISO 8601.

Declared dates first, in order of how reliably they mean "published":
JSON-LD on the article object, then article meta tags, then JSON-LD on other
objects (the WebPage, an image), then microdata, then the first <time datetime>.
Then dates written for readers, which crawls without <script> still keep: in an
element whose class names a date, in the page's URL, just after the <h1> (read
by text mode's `find_dates`: month names in English, French, German, Spanish, Italian,
Portuguese and Dutch).
No guess past these: htmldate's, once the last resort, was right on 14 of the 178
wcxb-dev pages it decided (152 of them have no date at all: products, services,
listings), against 58-75% for each source above.
A date in the future of the crawl is a widget's clock or a typo: refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from itertools import islice

from lxml.html import HtmlElement

from cleaner.html.sources import (
    ARTICLE_TYPES,
    PageSources,
    elements_where,
    jsonld_types,
    marked_in_body,
)
from cleaner.vocab.dates import MIN_YEAR, find_dates

_PUBLISHED_JSONLD = ("datePublished", "dateCreated", "uploadDate")
_MODIFIED_JSONLD = ("dateModified",)
# Meta names that mean "published", most specific first.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "datepublished", "og:published_time", "published_time", "publishdate", "pubdate",
    "publish-date", "publication_date", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
    "dc.date.created", "date", "article.published", "citation_publication_date",
    "citation_date", "original-publish-date", "datecreated",
)
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "article:modified",
    "dcterms.modified", "dc.date.modified", "last-modified", "lastmod",
)
# Before this year a "date" on a web page is a product number or an epoch mistake.
# Elements whose class or id says they hold a date, in page order (`_is_dated_element`):
# what `//body//*[@class or @id][not(self::script or self::style)][contains(@class,'date')
# or contains(@class,'Date') or contains(@class,'publish') or contains(@class,'posted') or
# contains(@class,'byline') or contains(@class,'meta') or contains(@class,'time') or
# contains(@id,'date')]` selects, read lazily up to the first date.
_DATE_CLASS = re.compile("date|Date|publish|posted|byline|meta|time")
_NOT_DATED_TAGS = frozenset({"script", "style"})
MAX_DATED_ELEMENTS = 20  # past the first few, these are comment or teaser dates
MAX_DATED_TEXT = 200  # a date label is short; a long element is a container
# The byline sits within the first text nodes after the headline; later dates are the body's.
AFTER_HEADLINE_XPATH = "(//h1)[1]/following::text()[normalize-space()][position() <= 25]"
_URL_DATE = re.compile(r"[/_-](\d{4})[/_-](\d{2})[/_-](\d{2})(?:[/_.-]|$)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)"
                  r"(Z|[+-]\d{2}:?\d{2})?)?")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{4,6})?$")
_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})\b")


def published_date(sources: PageSources, tree: HtmlElement, today: date) -> str | None:
    declared = _declared(sources, _PUBLISHED_JSONLD, PUBLISHED_META, "datepublished", today)
    if declared:
        return declared
    for value in sources.times:
        if normalised := normalise_date(value, today):
            return normalised
    return (_dated_element(tree, today) or _url_date(sources, today)
            or _after_headline(tree, today))


def modified_date(sources: PageSources, today: date) -> str | None:
    return _declared(sources, _MODIFIED_JSONLD, MODIFIED_META, "datemodified", today)


def normalise_date(value: object, today: date) -> str | None:
    """An ISO 8601 date (or date-time, as given) from a declared value, or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    iso = _ISO.search(value)
    if iso:
        day = _valid_day(int(iso[1]), int(iso[2]), int(iso[3]), today)
        if day is None:
            return None
        return f"{day}T{iso[4]}{iso[5] or ''}" if iso[4] else day
    other = _COMPACT.match(value) or _SLASHED.match(value)
    if other:
        return _valid_day(int(other[1]), int(other[2]), int(other[3]), today)
    return _textual(value, today)


def _declared(sources: PageSources, jsonld_keys: tuple[str, ...], meta_keys: tuple[str, ...],
              itemprop: str, today: date) -> str | None:
    articles = [obj for obj in sources.jsonld if jsonld_types(obj) & ARTICLE_TYPES]
    others = [obj for obj in sources.jsonld if not jsonld_types(obj) & ARTICLE_TYPES]
    in_order = (
        (obj.get(key) for key in jsonld_keys for obj in articles),
        (value for key in meta_keys for value in sources.meta.get(key, ())),
        (obj.get(key) for key in jsonld_keys for obj in others),  # a WebPage's, an image's...
        iter(sources.itemprops.get(itemprop, ())),
    )
    for values in in_order:
        for value in values:
            if normalised := normalise_date(value, today):
                return normalised
    return None


def _textual(value: str, today: date) -> str | None:
    """'March 5, 2024', '5 Mar 2024 10:00 GMT': left to dateutil, in a bounded string."""
    from dateutil import parser as dateutil_parser  # noqa: PLC0415 - rare path, slow import

    if len(value) > 64 or not re.search(r"\d{4}", value):
        return None
    try:
        parsed = dateutil_parser.parse(value, fuzzy=False, ignoretz=True)  # the day is enough
    except (ValueError, OverflowError, TypeError):
        return None
    return _valid_day(parsed.year, parsed.month, parsed.day, today)


def _valid_day(year: int, month: int, day: int, today: date) -> str | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found.isoformat() if year >= MIN_YEAR and found <= today else None


def _url_date(sources: PageSources, today: date) -> str | None:
    """/2024/03/05/ or -2024-03-05- in the page's own URL: how blogs and newspapers file posts."""
    url = sources.canonical_url or sources.first_meta("og:url") or ""
    match = _URL_DATE.search(url)
    return _valid_day(int(match[1]), int(match[2]), int(match[3]), today) if match else None


def _dated_element(tree: HtmlElement, today: date) -> str | None:
    """The first date written in an element whose class names a date ("post-date", "meta")."""
    elements = islice(elements_where(tree, _is_dated_element), MAX_DATED_ELEMENTS)
    return _first_written_date((" ".join(element.itertext()) for element in elements), today)


def _is_dated_element(element: HtmlElement, tag: str) -> bool:
    return marked_in_body(element, tag, _DATE_CLASS, "date", _NOT_DATED_TAGS)


def _after_headline(tree: HtmlElement, today: date) -> str | None:
    """The first date written in the few lines after the <h1>: an unmarked byline."""
    return _first_written_date(map(str, tree.xpath(AFTER_HEADLINE_XPATH)), today)


def _first_written_date(texts: Iterable[str], today: date) -> str | None:
    """The first past date written in these short texts, in any language text mode reads."""
    for text in texts:
        for found in find_dates(text[:MAX_DATED_TEXT]):
            if found.date <= today:
                return found.iso
    return None
