"""HTML stage parse: page text -> one lxml tree, shared by the body and metadata stages.

libxml2 stops descending at a fixed depth (256 without `huge_tree`), so markup
nested 100,000 levels deep yields a truncated tree rather than a RecursionError
further down: we deliberately leave `huge_tree` off.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

# An XML declaration with an encoding makes lxml refuse a str; we hand it bytes
# anyway, but the declaration may name a charset the text is no longer in.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_EMPTY_DOCUMENT = "<html><head></head><body></body></html>"
# Real pages nest 20-40 levels; past this depth a page is pathological, and engines
# whose cost grows with depth (resiliparse's main-content pass is quadratic) skip it.
PATHOLOGICAL_DEPTH = 200
_DEEPER_THAN_PATHOLOGICAL = etree.XPath("boolean(/*" + "/*" * PATHOLOGICAL_DEPTH + ")")


def parse_html(text: str) -> HtmlElement:
    """Parse markup into a tree; never returns None (an unparsable page is an empty tree)."""
    data = _XML_DECLARATION.sub("", text, count=1).encode("utf-8", "surrogatepass")
    # One parser per call: lxml parsers keep state and are not shared across threads.
    parser = HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8",
        remove_comments=True, remove_pis=True,
    )
    try:
        tree = document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):  # nothing parsable: no elements at all
        tree = None
    if tree is None:
        tree = document_fromstring(_EMPTY_DOCUMENT)
    return tree


def is_pathologically_deep(tree: HtmlElement) -> bool:
    """True if the tree nests PATHOLOGICAL_DEPTH levels (one XPath pass, no Python recursion)."""
    return bool(_DEEPER_THAN_PATHOLOGICAL(tree))
