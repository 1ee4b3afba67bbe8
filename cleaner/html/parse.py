"""HTML stage parse: page text -> one lxml tree, shared by the body and metadata stages.

libxml2 stops descending at a fixed depth (256 without `huge_tree`), so markup
nested 100,000 levels deep yields a truncated tree rather than a RecursionError
further down: we deliberately leave `huge_tree` off.

Before anything is parsed, `check_complexity` counts what makes the later
stages slow or large (elements, line breaks, attributes on one element) with
regular expressions over the text, in tens of milliseconds for 10 MB, and
refuses a page past any cap as `too_complex`. The caps sit 10x above the
largest of 3,781 real pages (wcxb-dev, aeb, readability, dragnet, l3s-gn1,
chinese-wce: at most 15,793 elements, 2,069 `<br>`, 39,102 attributes); past
them the engines took minutes and gigabytes (2 million `<br>`: 89 s and 1.7 GB; 100,000
attributes on one element: 62 s, quadratic).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import islice

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    document_fromstring,
)

from cleaner.errors import PageRejected
from cleaner.models import RejectReason

# An XML declaration with an encoding makes lxml refuse a str; we hand it bytes
# anyway, but the declaration may name a charset the text is no longer in.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_EMPTY_DOCUMENT = "<html><head></head><body></body></html>"
# Every element an `HtmlElement`, chosen in C: lxml.html's own lookup calls back into
# Python for each element proxy (to make <form>, <input>... special classes nothing here
# uses), and the walks create hundreds of thousands of proxies per second.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity)


MAX_ELEMENTS = 200_000
MAX_BREAKS = 20_000
MAX_ATTRIBUTES = 400_000
MAX_ATTRIBUTES_PER_ELEMENT = 2_000
_START_TAG = re.compile(r"<[a-zA-Z]")
_BREAK = re.compile(r"<br\b", re.IGNORECASE)
# Only a start tag this long can hold MAX_ATTRIBUTES_PER_ELEMENT attributes (2+ chars each)
_LONG_TAG = re.compile(r"<[a-zA-Z][^>]{" + str(2 * MAX_ATTRIBUTES_PER_ELEMENT) + ",}>")
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
_ATTRIBUTE = re.compile(r"""\s+[^\s"'=<>/]+""")
# The last <script>/<style> open or close tag before a position: group 1 is "/" if closing
_CODE_TAG = re.compile(r"<(/)?(?:script|style)(?=[\s>/])", re.IGNORECASE)
_ASSIGNED_ATTRIBUTE = re.compile(r"\s[a-zA-Z_:][-\w:.]*\s*=")


def check_complexity(text: str) -> None:
    """PageRejected(too_complex) for markup past the caps (module docstring); cheap."""
    markup = text.count("<")  # an upper bound of both counts, at memory speed
    if markup > MAX_ELEMENTS and _more_than(MAX_ELEMENTS, _START_TAG, text):
        raise PageRejected(RejectReason.TOO_COMPLEX, f"over {MAX_ELEMENTS} elements")
    if markup > MAX_BREAKS and _more_than(MAX_BREAKS, _BREAK, text):
        raise PageRejected(RejectReason.TOO_COMPLEX, f"over {MAX_BREAKS} line breaks")
    if text.count("=") > MAX_ATTRIBUTES and _more_than(MAX_ATTRIBUTES, _ASSIGNED_ATTRIBUTE, text):
        raise PageRejected(RejectReason.TOO_COMPLEX, f"over {MAX_ATTRIBUTES} attributes")
    code_tags: list[tuple[int, bool]] | None = None  # read once, if a long tag needs them
    for tag in _LONG_TAG.finditer(text):
        attributes = len(_ATTRIBUTE.findall(_QUOTED.sub("", tag.group())))
        if attributes <= MAX_ATTRIBUTES_PER_ELEMENT:
            continue
        if code_tags is None:
            code_tags = [(m.start(), m.group(1) is None) for m in _CODE_TAG.finditer(text)]
        if not _inside_code(code_tags, tag.start()):
            raise PageRejected(RejectReason.TOO_COMPLEX, f"{attributes} attributes on one "
                               f"element, the cap is {MAX_ATTRIBUTES_PER_ELEMENT}")


def _inside_code(code_tags: list[tuple[int, bool]], position: int) -> bool:
    """Whether `position` falls inside a <script> or <style>, whose code ("i<items.length;
    ...") reads like a long tag: two wcxb-dev product pages were refused for their JS.

    `code_tags`: every real <script>/<style> tag of the page as (offset, opens), in
    order; a `<scriptx` before an attribute bomb is no such tag and hides nothing."""
    last = bisect_left(code_tags, (position,)) - 1
    return last >= 0 and code_tags[last][1]


def _more_than(cap: int, pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` matches over `cap` times; stops counting there."""
    return sum(1 for _ in islice(pattern.finditer(text), cap + 1)) > cap


def parse_html(text: str) -> HtmlElement:
    """Parse markup into a tree; never returns None (an unparsable page is an empty tree).

    PageRejected(too_complex) for a page past the complexity caps."""
    check_complexity(text)
    data = _XML_DECLARATION.sub("", text, count=1).encode("utf-8", "surrogatepass")
    # One parser per call: lxml parsers keep state and are not shared across threads.
    parser = HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8",
        remove_comments=True, remove_pis=True,
    )
    parser.set_element_class_lookup(_HTML_CLASSES)
    try:
        tree = document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):  # nothing parsable: no elements at all
        tree = None
    if tree is None:
        tree = document_fromstring(_EMPTY_DOCUMENT)
    return tree
