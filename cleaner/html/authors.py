"""Authors: a list of names, from what the page declares, then from its byline.

Order of evidence: JSON-LD `author` on the article object, author meta tags,
microdata, a forum post's author attribute, then a byline element (rel=author,
class/id naming an author or a byline), then a text line starting "By".
Byline text is cleaned of its prefix ("By", "Written by"), of the date that
often follows it, and split on "and" / commas between names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

from cleaner.html.sources import PageSources, element_text

AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author",
               "sailthru.author", "byl", "citation_author", "og:article:author")
_WRITTEN_BY_LABELS = frozenset({"written by", "author", "by", "written by:"})
# Byline elements in page order; the first one holding a plausible name wins.
BYLINE_XPATH = (
    "//*[@rel='author']"
    "|//body//*[not(self::body or self::article or self::main or self::section)]"
    "[contains(@class,'author') or contains(@class,'Author') or contains(@class,'byline')"
    " or contains(@id,'byline') or contains(@class,'username')]"
)
# Forum software (XenForo, NodeBB, Discourse) names each post's author in an attribute;
# the first post is the thread's opening one.
POSTER_XPATH = ("(//body//*[@data-author or @data-username])[1]"
                "/@*[name()='data-author' or name()='data-username']")
# Text bylines: a short element whose own text starts with a byline prefix.
_BYLINE_PREFIXES = ("By ", "by ", "BY ", "Written by", "Posted by", "Author:")
BYLINE_TEXT_XPATH = "//body//*[not(self::script or self::style or self::a)][{}]".format(
    " or ".join(f"starts-with(normalize-space(text()), '{p}')" for p in _BYLINE_PREFIXES)
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


def find_authors(sources: PageSources, tree: HtmlElement) -> tuple[str, ...]:
    for candidates in (_jsonld_authors(sources), _meta_authors(sources),
                       sources.itemprops.get("author", ()), tree.xpath(POSTER_XPATH)):
        if names := clean_names(candidates):
            return names
    return _byline_names(tree, BYLINE_XPATH) or _byline_names(tree, BYLINE_TEXT_XPATH)


def clean_names(raw: Iterable[str]) -> tuple[str, ...]:
    """Distinct plausible names, byline prefixes and trailing dates removed."""
    names: list[str] = []
    for value in raw:
        text = _DATE_TAIL.sub("", _PREFIX.sub("", value.strip()))
        for part in _SPLIT.split(text):
            name = part.strip(" .:-–|·•")
            if _plausible(name) and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    return tuple(names)


def _plausible(name: str) -> bool:
    words = name.split()
    if not 0 < len(name) <= MAX_NAME_CHARS or len(words) > MAX_NAME_WORDS:
        return False
    # A one-word handle may be lower case ("apblackmd"); a full name has a capital.
    return (len(words) == 1 or name != name.lower()) and not _NOT_A_NAME.search(name)


def _jsonld_authors(sources: PageSources) -> Iterator[str]:
    """The authors of the first object that names any: the article or the thread's opening
    post, not the answers and comments nested below it."""
    for obj in sources.jsonld:
        author = obj.get("author") or obj.get("creator")
        names = [_name_of(item) for item in (author if isinstance(author, list) else [author])]
        if any(names):
            yield from (name for name in names if name)
            return


def _name_of(item: object) -> str | None:
    name = item.get("name") if isinstance(item, dict) else item
    return name if isinstance(name, str) else None


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


def _byline_names(tree: HtmlElement, xpath: str) -> tuple[str, ...]:
    """The names in the first byline element that holds any (an avatar's is empty)."""
    for element in tree.xpath(xpath)[:MAX_BYLINE_CANDIDATES]:
        text = element_text(element)
        if len(text) <= 2 * MAX_NAME_CHARS and (names := clean_names([text])):
            return names
    return ()
