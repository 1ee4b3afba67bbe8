"""Markdown dumps -> the plain dump shape the text stages read.

Scrapers that save pages as Markdown (whole-page converters, reader APIs) wrap
the same visible blocks in syntax: `[text](url)`, `# headings`, `**bold**`,
`![alt](src)`. Read as plain text, every link's URL turns into body words (on
WCXB-dev pages converted with html2text: word F1 0.630, precision 0.531). So a
Markdown dump is parsed (markdown-it-py, CommonMark with tables) and written
back as the renderer of the training dumps writes HTML: one line per block (a
paragraph, a heading, a list item, a table cell), the alt text of an image on
a line of its own, a blank line after each paragraph-like block, link targets
and emphasis marks gone.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

# A dump is Markdown when its start holds MIN_LINKS link targets ("](url)", which plain
# dumps do not show), or one beside an ATX heading ("# " alone is also a code comment in
# documentation dumps). Of the 1,683 plain dumps we have, the 2 that quote Markdown source
# pass; all 375 html2text conversions of WCXB-dev pages do (the fewest links: 1, p10: 31).
MIN_LINKS = 3
SNIFF_CHARS = 20_000
_LINK = re.compile(r"\]\([^)\s]+\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
# Blocks after which the renderer of the training dumps leaves a blank line.
# (A paragraph too, unless it is a tight list's item, which markdown-it marks hidden.)
_PARAGRAPH_LIKE = frozenset({
    "heading_close", "bullet_list_close", "ordered_list_close",
    "blockquote_close", "table_close", "fence", "code_block", "hr", "html_block",
})
_TAG = re.compile(r"<[^>]*>")


def looks_like_markdown(text: str) -> bool:
    sample = text[:SNIFF_CHARS]
    links = len(_LINK.findall(sample))
    return links >= MIN_LINKS or (links > 0 and _HEADING.search(sample) is not None)


class MarkdownDump(NamedTuple):
    """A Markdown page in the plain dump shape, and the text of its first `# H1`: the
    one heading Markdown marks as the page's title, which the dump shape loses."""

    text: str
    h1: str | None


def markdown_to_dump(text: str) -> str:
    """The Markdown page's visible text, one block per line, blank lines between
    paragraph-like blocks."""
    return read_markdown(text).text


def read_markdown(text: str) -> MarkdownDump:
    """`markdown_to_dump`, and the page's first H1 as its dump line reads."""
    lines: list[str] = []
    h1: str | None = None
    in_h1 = False
    for token in _parser().parse(text):
        if token.type == "heading_open":
            in_h1 = token.tag == "h1" and h1 is None
        elif token.type == "inline":
            inline = _inline_lines(token)
            if in_h1 and inline:
                h1 = " ".join(inline[0].split())
            in_h1 = False
            lines += inline
        elif token.type in ("fence", "code_block"):
            lines += token.content.splitlines()
        elif token.type == "html_block":
            lines += _TAG.sub(" ", token.content).splitlines()
        ends_paragraph = token.type == "paragraph_close" and not token.hidden
        if (token.type in _PARAGRAPH_LIKE or ends_paragraph) and lines and lines[-1]:
            lines.append("")  # never two blank lines in a row, as in the training dumps
    return MarkdownDump("\n".join(" ".join(line.split()) for line in lines), h1)


def _inline_lines(token: Token) -> list[str]:
    """An inline run's text; a hard break ends a line and an image's alt text is one."""
    lines: list[str] = []
    current: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            current.append(child.content)
        elif child.type == "softbreak":
            current.append(" ")
        elif child.type == "hardbreak":
            lines.append("".join(current))
            current = []
        elif child.type == "image":
            lines += ["".join(current), child.content]
            current = []
    lines.append("".join(current))
    return [line for line in lines if line.strip()]


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")
