from __future__ import annotations

from cleaner.html.parse import parse_html

DEPTH = 100_000


def test_deep_nesting_parses_without_recursion() -> None:
    html = "<html><body>" + "<div>" * DEPTH + "<p>deep</p>" + "</div>" * DEPTH + "</body></html>"
    tree = parse_html(html)
    assert tree.tag == "html"
    assert sum(1 for _ in tree.iter()) < 1000  # libxml2 stops at its depth limit


def test_xml_declaration_with_encoding_is_accepted() -> None:
    declaration = '<?xml version="1.0" encoding="iso-8859-1"?>'
    tree = parse_html(declaration + "<html><body><p>é</p></body></html>")
    assert tree.findtext(".//p") == "é"


def test_unparsable_input_gives_an_empty_document() -> None:
    tree = parse_html("   ")
    assert tree.tag == "html"
    assert tree.find("body") is not None
