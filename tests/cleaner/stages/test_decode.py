"""The decode stage, one rule per test: gates, encodings, mode sniffing."""

from __future__ import annotations

import codecs

import pytest

from cleaner.errors import PageRejected
from cleaner.models import Mode, RawPage, RejectReason
from cleaner.options import CleanOptions
from cleaner.stages.decode import (
    BINARY_SIGNATURES,
    MAX_CONTROL_SHARE,
    SNIFF_BYTES,
    UTF8_VALID_PER_BROKEN,
    decode,
)

OPTIONS = CleanOptions()
ACCENTED = "Déjà vu à la crème brûlée, naïve façade. "


def read(raw: bytes | str, content_type: str | None = None, **options: object) -> RawPage:
    return decode(raw, content_type=content_type, options=CleanOptions(**options))  # type: ignore[arg-type]


def reason(raw: bytes | str, content_type: str | None = None, **options: object) -> RejectReason:
    with pytest.raises(PageRejected) as caught:
        read(raw, content_type, **options)
    return caught.value.reason


# ------------------------------------------------------------ gates


def test_size_cap_is_inclusive() -> None:
    assert read(b"abc", max_bytes=3).text == "abc"
    assert reason(b"abcd", max_bytes=3) is RejectReason.TOO_LARGE


def test_size_cap_counts_characters_of_str_input() -> None:
    assert reason("é" * 4, max_bytes=3) is RejectReason.TOO_LARGE


@pytest.mark.parametrize("signature", BINARY_SIGNATURES)
def test_every_binary_signature_is_rejected(signature: bytes) -> None:
    assert reason(signature + b" then some ascii text") is RejectReason.BINARY


def test_control_characters_above_the_share_are_binary() -> None:
    controls = int(MAX_CONTROL_SHARE * 1000) + 5
    assert reason(b"\x01" * controls + b"a" * 1000) is RejectReason.BINARY


def test_a_few_control_characters_are_tolerated() -> None:
    assert read(b"\x0c" + b"plain text " * 100).mode is Mode.TEXT


def test_nul_bytes_are_dropped_from_str_input() -> None:
    assert read("ab\x00cd").text == "abcd"


@pytest.mark.parametrize("raw", [b"a\r\nb\rc", "a\r\nb\rc"])
def test_line_endings_become_newlines(raw: bytes | str) -> None:
    assert read(raw).text == "a\nb\nc"


# ------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
    ],
)
def test_byte_order_marks_decide_the_encoding(codec: str, bom: bytes) -> None:
    assert read(bom + ACCENTED.encode(codec)).text.lstrip("\ufeff") == ACCENTED


def test_a_bom_that_does_not_fit_is_undecodable() -> None:
    assert reason(codecs.BOM_UTF8 + b"\xff\xfe\xfd text") is RejectReason.UNDECODABLE


def test_utf8_wins_over_a_stale_declared_charset() -> None:
    page = read(ACCENTED.encode(), content_type="text/plain; charset=iso-8859-1")
    assert (page.text, page.encoding) == (ACCENTED, "utf-8")


def test_declared_charset_reads_legacy_bytes() -> None:
    page = read(ACCENTED.encode("cp1252"), content_type="text/plain; charset=windows-1252")
    assert (page.text, page.encoding) == (ACCENTED, "cp1252")


def test_latin1_labels_are_read_as_cp1252() -> None:
    page = read("“quoted”".encode("cp1252"), content_type="text/plain; charset=latin-1")
    assert page.text == "“quoted”"


def test_unknown_declared_charset_is_ignored() -> None:
    page = read(b"plain words", content_type="text/plain; charset=no-such-codec")
    assert page.encoding == "utf-8"


def test_meta_charset_is_read_from_the_first_bytes() -> None:
    raw = b'<html><head><meta charset="windows-1251"></head><body>' + "Привет".encode("cp1251")
    assert read(raw).text.endswith("Привет")


def test_meta_http_equiv_charset_is_read() -> None:
    head = b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    assert read(head + "Привет".encode("koi8-r")).text.endswith("Привет")


def test_utf8_truncated_inside_a_character_is_utf8() -> None:
    page = read(ACCENTED.encode() + "é".encode()[:1])
    assert (page.text, page.encoding) == (ACCENTED, "utf-8")


def test_utf8_with_few_broken_bytes_is_utf8_with_replacements() -> None:
    raw = ACCENTED.encode() * UTF8_VALID_PER_BROKEN + b"\xff"
    page = read(raw + b" end")
    assert page.encoding == "utf-8"
    assert page.text.endswith("\ufffd end")


def test_undeclared_cp1251_is_detected() -> None:
    text = "Москва — столица России, крупнейший по численности населения город страны."
    assert read(text.encode("cp1251")).text == text


def test_declared_utf16_without_bom_is_not_binary() -> None:
    raw = ACCENTED.encode("utf-16-le")
    assert read(raw, content_type="text/html; charset=UTF-16LE").text == ACCENTED


def test_str_input_has_no_encoding() -> None:
    assert read("some words").encoding is None


# ------------------------------------------------------------ mode


def test_a_page_starting_with_markup_is_html() -> None:
    assert read("<!doctype html><p>Hi</p>").mode is Mode.HTML


def test_markup_later_in_the_page_needs_document_structure() -> None:
    assert read("Intro line\n<html><body><p>a</p></body></html>").mode is Mode.HTML
    assert read("Intro line\n<div><p>a</p><span>b</span></div>").mode is Mode.TEXT  # quoted
    assert read("Intro line\nthe <p> tag is a paragraph").mode is Mode.TEXT


def test_a_leading_angle_bracket_without_tags_is_text() -> None:
    assert read("<3 this recipe\nso good").mode is Mode.TEXT


def test_only_the_sniff_window_decides() -> None:
    assert read("x" * SNIFF_BYTES + "<div><p><span>").mode is Mode.TEXT


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/xhtml+xml"])
def test_a_markup_content_type_means_html(content_type: str) -> None:
    assert read("plain words", content_type).mode is Mode.HTML


@pytest.mark.parametrize("content_type", ["text/plain", "text/markdown; charset=utf-8"])
def test_a_text_content_type_means_text_even_for_markup(content_type: str) -> None:
    assert read("<p>a</p><div>b</div><span>c</span>", content_type).mode is Mode.TEXT


def test_mode_option_beats_content_type() -> None:
    assert read("plain words", "text/plain", mode="html").mode is Mode.HTML



@pytest.mark.parametrize("wrong", ["latin-1", "cp1252"])
def test_text_encoded_twice_upstream_is_repaired(wrong: str) -> None:
    original = "It’s the café’s — naïve menu, déjà vu. " * 5
    twice = original.encode("utf-8").decode(wrong, errors="ignore").encode("utf-8")
    assert read(twice).text.strip() == original.strip()


def test_legitimate_capital_a_tilde_is_left_alone() -> None:
    text = "SÃO PAULO — A prefeitura anunciou. Ação rápida, São Paulo. " * 5
    assert read(text.encode()).text == text
