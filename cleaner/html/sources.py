"""Metadata evidence, read once from the tree: meta tags, JSON-LD, <title>, <h1>s, <time>s.

Every later metadata rule reads a `PageSources`; none walks the tree again.
JSON-LD is one source among several: some crawls strip <script> elements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

# How many <h1>s we keep: the headline is among the first few, later ones are widgets.
MAX_H1 = 3
# JSON-LD nests objects (publisher.logo, author.image...); past this depth it is not metadata.
MAX_JSONLD_DEPTH = 6
# A script larger than this is an app state dump, not schema.org metadata.
MAX_JSONLD_CHARS = 500_000
_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")  # soft hyphen, zero-width marks
_JSONLD_WRAPPER = re.compile(r"^\s*(?:<!\[CDATA\[|<!--)|(?:\]\]>|-->)\s*$")

JsonObject = dict[str, Any]
# schema.org types that say "this page is an article".
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportage", "scholarlyarticle", "techarticle",
    "report", "analysisnewsarticle", "opinionnewsarticle",
})
PRODUCT_TYPES = frozenset({"product", "productgroup", "individualproduct", "productmodel"})
BODY_KEYS = ("articleBody", "text", "reviewBody")
DESCRIPTION_METAS = ("description", "og:description", "twitter:description")
DISCUSSION_TYPES = frozenset({"discussionforumposting", "qapage", "question",
                              "socialmediaposting"})



@dataclass(frozen=True, slots=True)
class PageSources:
    """What the page declares about itself, before any choice between sources."""

    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property -> values
    jsonld: tuple[JsonObject, ...] = ()  # every object, @graph and nested ones flattened
    title_tag: str = ""
    h1s: tuple[str, ...] = ()
    canonical_url: str | None = None
    html_lang: str | None = None
    times: tuple[str, ...] = ()  # <time datetime> values, in page order
    itemprops: dict[str, list[str]] = field(default_factory=dict)  # microdata outside <meta>

    def declares_article(self) -> bool:
        """The page says it is an article (og:type, or a JSON-LD article type)."""
        return self.declares("article", ARTICLE_TYPES)

    def declares_product(self) -> bool:
        return self.declares("product", PRODUCT_TYPES)

    def declares_discussion(self) -> bool:
        """A forum thread or a question with its answers."""
        return self.declares("", DISCUSSION_TYPES)

    def declares(self, og_type: str, types: frozenset[str]) -> bool:
        """The page's og:type is `og_type`, or a JSON-LD object has one of `types`."""
        if og_type and (self.first_meta("og:type") or "").lower() == og_type:
            return True
        return any(jsonld_types(obj) & types for obj in self.jsonld)

    def declared_body(self) -> str:
        """The body text the page declares in JSON-LD (an article's `articleBody`, a
        post's `text`, a review's `reviewBody`), "" when it declares none."""
        return " ".join(value for obj in self.jsonld for key in BODY_KEYS
                        if isinstance(value := obj.get(key), str))

    def descriptions(self) -> str:
        """The page's own summaries: meta descriptions and JSON-LD `description`s."""
        metas = (value for key in DESCRIPTION_METAS for value in self.meta.get(key, ()))
        declared = (value for obj in self.jsonld
                    if isinstance(value := obj.get("description"), str))
        return " ".join((*metas, *declared))

    def first_meta(self, *keys: str) -> str | None:
        """The first non-empty value among `keys`, in the order given."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value
        return None


def jsonld_types(obj: JsonObject) -> set[str]:
    """The lower-cased @type names of a JSON-LD object."""
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def top_elements(tree: HtmlElement) -> list[HtmlElement]:
    """The root and the top-level elements beside it, in document order: libxml2 leaves a
    second <html> beside the root on a few pages (one l3s-gn1 page), which an XPath's `//`
    reaches and a walk from the root does not."""
    return [*reversed(list(tree.itersiblings(preceding=True))), tree, *tree.itersiblings()]


def document_elements(tree: HtmlElement, *tags: str) -> Iterator[HtmlElement]:
    """Every element of the document (of these tags), in document order, as `//*` reads:
    no comment, processing instruction or entity."""
    for top in top_elements(tree):
        yield from top.iter(*tags) if tags else top.iter(etree.Element)


def elements_where(
    tree: HtmlElement, wanted: Callable[[HtmlElement, str], bool]
) -> Iterator[HtmlElement]:
    """The elements `wanted(element, tag)` accepts, in document order, lazily: callers that
    stop at the first good candidate skip the rest of the walk, where an XPath (whose
    attribute tests each copy the attribute's text) evaluates every element first."""
    for element in document_elements(tree):
        if wanted(element, element.tag):
            yield element


def marked_in_body(element: HtmlElement, tag: str, class_words: re.Pattern[str], id_word: str,
                   skip_tags: frozenset[str]) -> bool:
    """An element inside <body> whose class matches `class_words` or whose id holds
    `id_word` (a byline, a date), tested cheapest first: most elements have neither."""
    classes, identifier = element.get("class"), element.get("id")
    if (classes is None and identifier is None) or tag in skip_tags:
        return False
    return ((class_words.search(classes or "") is not None or id_word in (identifier or ""))
            and in_body(element))


def in_body(element: HtmlElement) -> bool:
    """Whether the element sits inside <body> (XPath's `//body//*`)."""
    return next(element.iterancestors("body"), None) is not None


def element_text(element: HtmlElement) -> str:
    """Visible text of an element, white space folded; a <br> or a child block is a space."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", " ".join(element.itertext()))).strip()


# The tags the sources read, collected in one walk of the tree (a walk per tag or XPath
# cost ~0.2 ms each). <meta> and <h1> are read under the root only, the others in the
# whole document (as the walks and XPaths this one replaced: two pages in 3,781 tell).
_SOURCE_TAGS = ("meta", "script", "title", "h1", "link", "time")
_ROOT_ONLY_TAGS = frozenset({"meta", "h1"})


def read_sources(tree: HtmlElement) -> PageSources:
    found: dict[str, list[HtmlElement]] = {tag: [] for tag in _SOURCE_TAGS}
    for top in top_elements(tree):
        for element in top.iter(*_SOURCE_TAGS):
            if top is tree or element.tag not in _ROOT_ONLY_TAGS:
                found[element.tag].append(element)
    meta: dict[str, list[str]] = {}
    itemprops: dict[str, list[str]] = {}
    for element in found["meta"]:
        _read_meta(element, meta)
    for element in tree.xpath("//body//*[@itemprop][not(self::meta)]"):
        value = element.get("content") or element.get("datetime") or element_text(element)
        itemprops.setdefault(element.get("itemprop", "").strip().lower(), []).append(value)
    titles = found["title"]
    h1s = islice(filter(None, map(element_text, found["h1"])), MAX_H1)
    canonical = [href for link in found["link"]
                 if link.get("rel") == "canonical" and (href := link.get("href")) is not None]
    scripts = [script for script in found["script"]
               if script.get("type") == "application/ld+json"]
    return PageSources(
        meta=meta,
        jsonld=tuple(_jsonld_objects(scripts)),
        title_tag=element_text(titles[0]) if titles else "",
        h1s=tuple(h1s),
        canonical_url=canonical[0].strip() if canonical else None,
        html_lang=tree.get("lang") or tree.get("xml:lang"),
        times=tuple(moment for element in found["time"]
                    if (moment := element.get("datetime")) is not None),
        itemprops=itemprops,
    )


def _read_meta(element: HtmlElement, meta: dict[str, list[str]]) -> None:
    content = _SPACE.sub(" ", element.get("content") or "").strip()
    if not content:
        return
    for attribute in ("property", "name", "itemprop", "http-equiv"):
        key = (element.get(attribute) or "").strip().lower()
        if key:
            meta.setdefault(key, []).append(content)


def _jsonld_objects(scripts: list[HtmlElement]) -> Iterator[JsonObject]:
    for script in scripts:
        raw = _JSONLD_WRAPPER.sub("", script.text or "")
        if not raw or len(raw) > MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(raw, strict=False)  # raw tabs/newlines in strings are common
        except (ValueError, RecursionError):  # broken or hostile JSON: skip this script only
            continue
        yield from _flatten(data)


def _flatten(data: Any) -> Iterator[JsonObject]:
    """Every JSON object down to MAX_JSONLD_DEPTH, parents before children (iterative)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSONLD_DEPTH:
            continue
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in reversed(value))
        elif isinstance(value, dict):
            yield value
            stack.extend((item, depth + 1) for item in reversed(list(value.values()))
                         if isinstance(item, list | dict))
