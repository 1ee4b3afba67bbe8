from __future__ import annotations

from lxml import etree

from cleaner.html.blocks import body_blocks
from cleaner.models import BlockRole


def _blocks(xml: str) -> list[tuple[BlockRole, str]]:
    return [(b.role, b.text) for b in body_blocks(etree.fromstring(f"<body>{xml}</body>"))]


def test_roles_of_each_element() -> None:
    xml = ("<head rend='h2'>Section</head><p>One <hi>bold</hi> word.</p>"
           "<quote>Quoted.</quote><code>x = 1\ny = 2</code>")
    assert _blocks(xml) == [
        (BlockRole.HEADING, "Section"),
        (BlockRole.PARAGRAPH, "One bold word."),
        (BlockRole.QUOTE, "Quoted."),
        (BlockRole.CODE, "x = 1\ny = 2"),
    ]


def test_nested_list_items_are_not_repeated() -> None:
    xml = ("<list><item>a <hi>b</hi><list><item>nested</item></list> tail</item>"
           "<item>c</item></list>")
    assert _blocks(xml) == [
        (BlockRole.LIST_ITEM, "a b tail"),
        (BlockRole.LIST_ITEM, "nested"),
        (BlockRole.LIST_ITEM, "c"),
    ]


def test_table_rows_join_cells() -> None:
    xml = "<table><row><cell>a</cell><cell>b</cell></row><row><cell>c</cell></row></table>"
    assert _blocks(xml) == [(BlockRole.TABLE_ROW, "a | b"), (BlockRole.TABLE_ROW, "c")]


def test_line_breaks_and_order_of_tails() -> None:
    xml = "<p>a <hi>b <ref>c</ref> d</hi> e<lb/>f</p>"
    assert _blocks(xml) == [(BlockRole.PARAGRAPH, "a b c d e\nf")]


def test_empty_elements_give_no_block() -> None:
    assert _blocks("<p>  </p><p/>") == []
