"""A chosen body tree (trafilatura's XML vocabulary) -> body `Block`s with Markdown roles.

The vocabulary: <p>, <head>, <list><item>, <quote>, <code>, <table><row><cell>,
<lb/> for a line break; anything else is read as a paragraph. The walk is flat
(top-level children, then items and rows), so a deep tree cannot recurse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.etree import _Element, iterwalk

from cleaner.models import Block, BlockRole

_ROLE_OF_TAG = {"p": BlockRole.PARAGRAPH, "head": BlockRole.HEADING, "quote": BlockRole.QUOTE,
                "code": BlockRole.CODE}
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def body_blocks(body: _Element) -> tuple[Block, ...]:
    """One block per paragraph, heading, list item, quote, code block or table row."""
    return tuple(block for block in _walk(body) if block.text)


def _walk(body: _Element) -> Iterator[Block]:
    if body.text and body.text.strip():
        yield _block(body.text, BlockRole.PARAGRAPH)
    for child in body:
        if child.tag == "list":
            yield from _items(child)
        elif child.tag == "table":
            yield from (_block(_row_text(row), BlockRole.TABLE_ROW) for row in child.iter("row"))
        else:
            role = _ROLE_OF_TAG.get(str(child.tag), BlockRole.PARAGRAPH)
            yield _block(_text(child), role)
        if child.tail and child.tail.strip():
            yield _block(child.tail, BlockRole.PARAGRAPH)


def _items(listing: _Element) -> Iterator[Block]:
    """Each <item> of a list and of its nested lists, its own text only, in document order."""
    for item in listing.iter("item"):
        parts = [item.text or ""]
        for child in item:
            if child.tag != "list":
                parts.append(_text(child))
            parts.append(child.tail or "")
        yield _block(" ".join(parts), BlockRole.LIST_ITEM)


def _row_text(row: _Element) -> str:
    return " | ".join(_text(cell) for cell in row.iter("cell"))


def _text(element: _Element) -> str:
    """Text of an element in document order; <lb/> is a line break (iterwalk: no recursion)."""
    parts: list[str] = []
    for event, node in iterwalk(element, events=("start", "end")):
        if event == "start":
            if node.tag == "lb":
                parts.append("\n")
            parts.append(node.text or "")
        elif node is not element:
            parts.append(node.tail or "")
    return "".join(parts)


def _block(text: str, role: BlockRole) -> Block:
    if role is BlockRole.CODE:
        cleaned = _BLANK_LINES.sub("\n", text.strip("\n"))
    else:
        lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
        cleaned = "\n".join(line for line in lines if line)
    return Block(text=cleaned, role=role)
