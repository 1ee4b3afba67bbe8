"""A browser's `innerText` of a whole page, from an html5lib tree (what Selenium or
Playwright page text gives a scraper), following the HTML spec's rendered-text rules.

The spec's algorithm ("the innerText getter"), with the default style sheet standing in
for CSS, since a scraper that never lays a page out still gets what the browser shows:
  * elements the default style sheet does not render (head, script, style, template,
    noscript with scripting on, `hidden`, inline `display:none`) give nothing;
  * images, videos and other replaced elements give nothing: no alt text;
  * a block-level box asks for 1 required line break before and after, a `<p>` for 2;
    runs of required breaks collapse to their largest count, and vanish at the edges;
  * headings, list items and divs are plain blocks: no blank line around them (unlike
    the training renderer, which blank-lines headings);
  * a table cell is followed by a tab unless it is its row's last; a row ends a line;
  * `<br>` is a newline; white space collapses as CSS `white-space: normal` does,
    except in `<pre>` and `<textarea>`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import html5lib

NOT_RENDERED = frozenset("""
head title meta link base script style template noscript svg iframe frame frameset
noframes object embed param applet canvas video audio source track map area datalist
img picture input
""".split())  # noqa: SIM905 (a word list reads better as text)
BLOCK = frozenset("""
html body address article aside blockquote center dd details dialog dir div dl dt fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li listing main
menu nav ol p plaintext pre section summary ul xmp search table caption option
""".split())  # noqa: SIM905
ROW = frozenset({"tr"})
CELL = frozenset({"td", "th"})
PRESERVE = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"[ \t\n\r\f]+")

Item = str | int  # text, or a required line-break count


def render(html: str) -> str:
    """The page's innerText."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    body = document.find("body")
    items = list(_items(body if body is not None else document, preserve=False))
    return _join(items)


def _tag(element: Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _items(element: Element, *, preserve: bool) -> Iterator[Item]:
    tag = _tag(element)
    if not tag or tag in NOT_RENDERED or "hidden" in element.attrib or _HIDDEN_STYLE.search(
            element.get("style", "")):
        return
    if tag == "br":
        yield "\n"
        return
    preserve = preserve or tag in PRESERVE
    breaks = 2 if tag == "p" else 1 if tag in BLOCK or tag in ROW else 0
    if breaks:
        yield breaks
    if element.text:
        yield _text(element.text, preserve)
    for child in element:
        yield from _items(child, preserve=preserve)
        if child.tail:
            yield _text(child.tail, preserve)
    if tag in CELL:
        yield "\t"  # the cell separator; a row's last one is dropped in `_join`
    if breaks:
        yield breaks


def _text(text: str, preserve: bool) -> str:
    return text if preserve else _WS.sub(" ", text)


def _join(items: list[Item]) -> str:
    """Collapse required line breaks, then tidy each line's white space."""
    out: list[str] = []
    pending = 0
    for item in items:
        if isinstance(item, int):
            pending = max(pending, item)
            continue
        if pending and out:
            out.append("\n" * pending)
        pending = 0
        out.append(item)
    lines = []
    for raw in "".join(out).split("\n"):
        line = raw.rstrip("\t ").lstrip(" ")
        lines.append(re.sub(r" *\t *", "\t", re.sub(r"  +", " ", line)))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
