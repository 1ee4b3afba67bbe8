"""Authors: a list of names, from what the page declares, then from its byline.

Order of evidence: JSON-LD `author` persons on the article object, author meta
tags, microdata (the first item's authors: a question's, not its answers'), a
forum post's author attribute, then a byline element (rel=author, class/id
naming an author or a byline), a text line starting "By", a "Written by" label
followed by the name; last, an organisation the JSON-LD names as author (the
annotators of wcxb-dev name the person when a byline shows one).
Byline text is cleaned of its prefix ("By", "Written by"), of the date that
often follows it, and split on "and" / commas between names. What the page
declares may be a lower-case handle; a name read from text must look like one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from itertools import islice

from lxml.etree import XPath
from lxml.html import HtmlElement

from cleaner.html.sources import (
    JsonObject,
    PageSources,
    document_elements,
    element_text,
    elements_where,
    jsonld_types,
    marked_in_body,
)
from cleaner.vocab.detectors import labelled_author

AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author",
               "sailthru.author", "byl", "citation_author", "og:article:author")
_WRITTEN_BY_LABELS = frozenset({"written by", "author", "by", "written by:"})
# Byline elements in page order (`_is_marked_byline`); the first one holding a plausible
# name wins. What `//*[@rel='author'] | //body//*[@class or @id][not(self::body or
# self::article or self::main or self::section)][contains(@class,'author') or
# contains(@class,'Author') or contains(@class,'byline') or contains(@id,'byline') or
# contains(@class,'username')]` selects, read lazily (1.3 -> 0.46 ms a page).
_NOT_BYLINE_TAGS = frozenset({"body", "article", "main", "section"})
_BYLINE_CLASS = re.compile("author|Author|byline|username")
# Forum software (XenForo, NodeBB, Discourse) names each post's author in an attribute;
# the first post is the thread's opening one.
_POSTER = XPath("(//body//*[@data-author or @data-username])[1]"
                "/@*[name()='data-author' or name()='data-username']")
# Text bylines: a short element whose own text starts with a byline prefix.
# normalize-space trims "By " before <a>Name</a> to "By": a space is put back to compare.
_BYLINE_PREFIXES = ("By ", "by ", "BY ", "By: ", "by: ", "Written by", "Posted by", "Author:")
# The first-letter test normalises the text once, where the prefix tests do it eight times;
# it is implied by them, so it only turns most elements away sooner (-40%, same matches).
_TEXT_BYLINES = XPath((
    "//body//*[text()][contains('{}', substring(normalize-space(text()), 1, 1))]"
    "[not(self::script or self::style or self::a)][{}]"
).format("".join(sorted({p[0] for p in _BYLINE_PREFIXES})),
         " or ".join(f"starts-with(concat(normalize-space(text()), ' '), '{p}')"
                     for p in _BYLINE_PREFIXES)))
# A label alone in its element ("Written by", "Article by", "Author"), the name in the next.
# Only short leaf elements are tested: normalising every element's text (each subtree read
# again) cost 15% of a page's time; the length test first makes it ~1 ms.
_LABEL_BYLINES = XPath(
    "//body//*[not(*)][string-length() < 40][translate(normalize-space(), "
    "'ABDEINORTWY', 'abdeinortwy') = 'written by' or translate(normalize-space(), "
    "'ABDEINORTWY', 'abdeinortwy') = 'article by' or translate(normalize-space(), "
    "'ABDEINORTWY', 'abdeinortwy') = 'author' or normalize-space() = 'By:']"
    "/following-sibling::*[1]"
)
# How many byline candidates we look at before giving up: past these it is a comment list.
MAX_BYLINE_CANDIDATES = 12
# A name is a few words; anything longer is a bio or a sentence.
MAX_NAME_WORDS = 5
MAX_NAME_CHARS = 60
_PREFIX = re.compile(r"^\s*(?:(?:written|posted|reviewed|published|edited|story|words)\s+)?"
                     r"(?:by|from|author|authors|von|par|por)(?:\s*[:\-–]\s*|\s+)", re.I)
_DATE_TAIL = re.compile(
    r"\s*(?:[|,•·–-]\s*|\s)(?:on\s+)?(?:updated|published|posted|\d{1,2}\s+\w+\s+\d{4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d|\d{4}-\d{2}).*$", re.I)
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b)\s*", re.I)
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d{3}|^(?:admin|staff|author|by|written by|"
                         r"guest|unknown|editor|posted by)$", re.I)
# A date read as a name: "October 17", "Dec 17", "Sat, 20 Dec".
_MONTH_OR_DAY = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                 r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
                 r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|(?:mon|tues|wednes|thurs|fri"
                 r"|satur|sun)day)\.?")
_DATE_LIKE = re.compile(rf"^(?:{_MONTH_OR_DAY})(?:[\s,]+\d|$)|\d\s+(?:{_MONTH_OR_DAY})(?!\w)",
                        re.I)
# Interface words that sit where a byline does: a "name" made of them only is not one.
_UI_WORDS = frozenset({
    "updated", "published", "posted", "written", "sign", "in", "log", "login", "register",
    "topic", "author", "authors", "by", "use", "case", "submitting", "share", "follow",
    "subscribe", "menu", "home", "search", "comments", "reply", "admin",
})
# Lower-case words allowed inside a full name ("Ludwig van Beethoven", "Maria de la Cruz").
_NAME_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du",
                             "la", "le", "bin", "ibn", "al", "y", "e"})
# Forum software marks the thread's opening post (XenForo, NodeBB, phpBB themes).
_THREAD_START = re.compile(r"thread-?start|topic-owner|original-?post|first-?post", re.I)


def find_authors(sources: PageSources, tree: HtmlElement, *, story: bool) -> tuple[str, ...]:
    """The page's authors: declared ones first, then bylines in the page.

    `story`: the page declares an article or a publication date. Elsewhere (products,
    services, listings) a line starting "By " is a filter or a menu ("Shop by Category",
    "Privacy Policy"): on wcxb-dev such pages' text bylines named 55 authors, none right,
    so only marked byline elements are read there.
    """
    persons, organisations = _jsonld_authors(sources)
    for candidates in _declared_authors(persons, sources, tree):
        if names := clean_names(candidates, declared=True):
            return names
    bylines = ((_marked_bylines, _TEXT_BYLINES, _LABEL_BYLINES) if story
               else (_marked_bylines, _LABEL_BYLINES))
    for read in bylines:
        if names := _byline_names(read(tree)):
            return names
    if story and (name := _labelled_author(tree)):
        return (name,)
    return clean_names(organisations, declared=True)


def _labelled_author(tree: HtmlElement) -> str | None:
    """A name after an author label in an element's own text, where bylines are labels
    ("本报记者 葛灵丹", "作者：X", "Автор: X"): the text mode's detector, on the markup."""
    for element in document_elements(tree):
        if element.text and (name := labelled_author(element.text.strip())):
            return name
    return None


def _declared_authors(
    persons: list[str], sources: PageSources, tree: HtmlElement
) -> Iterator[Iterable[str]]:
    """Where a page declares its authors, most trusted first; each read only when the
    ones before it named nobody (the microdata and forum searches each walk the tree)."""
    yield persons
    yield _meta_authors(sources)
    yield _microdata_authors(tree)
    yield _POSTER(tree)


def clean_names(raw: Iterable[str], *, declared: bool = False) -> tuple[str, ...]:
    """Distinct plausible names, byline prefixes and trailing dates removed.

    `declared`: the page states these are authors (metadata), so a lower-case
    full name ("kirstin boatto") is kept; from text it would be prose."""
    names: list[str] = []
    for value in raw:
        text = _DATE_TAIL.sub("", _PREFIX.sub("", html.unescape(value).strip()))
        for part in _SPLIT.split(text):
            name = part.strip(" .:-–|·•")
            if _plausible(name, declared=declared) and (
                name.casefold() not in {n.casefold() for n in names}
            ):
                names.append(name)
    return tuple(names)


def _plausible(name: str, *, declared: bool) -> bool:
    words = name.split()
    if not 0 < len(name) <= MAX_NAME_CHARS or len(words) > MAX_NAME_WORDS:
        return False
    if _NOT_A_NAME.search(name) or _DATE_LIKE.search(name):
        return False
    if all(word.casefold().strip(":") in _UI_WORDS for word in words):
        return False
    # A one-word handle may be lower case ("apblackmd"); a name read from text has
    # mostly capitalised words ("Personal finance" is a section, "the Lavazza Team" a name).
    capitalised = sum(not word[0].isalpha() or word[0].isupper() or word in _NAME_PARTICLES
                      for word in words)
    return declared or len(words) == 1 or capitalised > len(words) / 2


def _jsonld_authors(sources: PageSources) -> tuple[list[str], list[str]]:
    """The persons and the organisations named as authors of the first object that names
    any: the article or the thread's opening post, not the answers nested below it."""
    by_id = {obj["@id"]: obj for obj in sources.jsonld if isinstance(obj.get("@id"), str)}
    for obj in sources.jsonld:
        author = obj.get("author") or obj.get("creator")
        items = [_resolve(item, by_id) for item in (author if isinstance(author, list)
                                                     else [author])]
        persons = [name for item in items if not _is_organisation(item)
                   if (name := _name_of(item))]
        organisations = [name for item in items if _is_organisation(item)
                         if (name := _name_of(item))]
        if persons or organisations:
            return persons, organisations
    return [], []


def _resolve(item: object, by_id: dict[str, JsonObject]) -> object:
    """A reference ({"@id": ...}, as Yoast writes authors) -> the object it names."""
    if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
        return by_id.get(item["@id"], item)
    return item


def _is_organisation(item: object) -> bool:
    return isinstance(item, dict) and bool(
        jsonld_types(item) & {"organization", "newsmediaorganization", "corporation"}
    )


def _name_of(item: object) -> str | None:
    name = item.get("name") if isinstance(item, dict) else item
    return name if isinstance(name, str) else None


def _microdata_authors(tree: HtmlElement) -> list[str]:
    """The authors of the thread's opening post if marked, else of the first microdata
    item that names any. A Person item gives its `name` property, not its whole text
    (a forum card adds reputation and badges)."""
    owners: dict[HtmlElement | None, list[str]] = {}
    for element in tree.xpath("//body//*[@itemprop='author']")[:MAX_BYLINE_CANDIDATES]:
        owner = next(element.iterancestors("*"), None)
        while owner is not None and owner.get("itemscope") is None:
            owner = owner.getparent()
        if name := _microdata_name(element):
            owners.setdefault(owner, []).append(name)
    opening = [names for owner, names in owners.items()
               if owner is not None and _THREAD_START.search(owner.get("class") or "")]
    return next(iter(opening or owners.values()), [])


def _microdata_name(element: HtmlElement) -> str:
    if element.get("itemscope") is not None:
        for prop in element.xpath(".//*[@itemprop='name']"):
            if value := (prop.get("content") or element_text(prop)):
                return value
    return element.get("content") or element_text(element)


def _meta_authors(sources: PageSources) -> Iterator[str]:
    # Slack/Twitter unfurl labels: twitter:label1 "Written by" + twitter:data1 "Jane Doe".
    for index in ("1", "2"):
        label = (sources.first_meta(f"twitter:label{index}") or "").casefold()
        if label in _WRITTEN_BY_LABELS and (name := sources.first_meta(f"twitter:data{index}")):
            yield name
            return
    for key in AUTHOR_META:
        values = sources.meta.get(key, [])
        if key == "citation_author":  # one author per tag, as "Last, First"
            values = [" ".join(reversed(v.split(", ", 1))) for v in values]
        if values:
            yield from values
            return


def _marked_bylines(tree: HtmlElement) -> Iterator[HtmlElement]:
    return elements_where(tree, _is_marked_byline)


def _is_marked_byline(element: HtmlElement, tag: str) -> bool:
    """rel=author anywhere, or a class or id naming an author or a byline inside <body>."""
    return element.get("rel") == "author" or marked_in_body(
        element, tag, _BYLINE_CLASS, "byline", _NOT_BYLINE_TAGS)


def _byline_names(candidates: Iterable[HtmlElement]) -> tuple[str, ...]:
    """The names in the first byline element that holds any (an avatar's is empty)."""
    for element in islice(candidates, MAX_BYLINE_CANDIDATES):
        text = element_text(element)
        if len(text) <= 2 * MAX_NAME_CHARS and (names := clean_names([text])):
            return names
    return ()
