"""`clean()` on bad and unusual input: every page gets a typed result, never an exception."""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace

import pytest

from cleaner import CleanedDocument, CleanOptions, Mode, Rejected, RejectReason, api, clean

RUSSIAN = (
    "Городской совет во вторник утвердил новый бюджет на ремонт школ и дорог.",
    "После долгих обсуждений депутаты проголосовали большинством голосов, несмотря на критику.",
    "Мэр заявил, что первые работы начнутся уже в следующем месяце с ремонта трёх школ.",
)
FRENCH = (
    "Le conseil municipal a approuvé mardi soir le nouveau budget des écoles et des routes.",
    "Après un long débat, les élus ont voté à une large majorité, malgré les critiques.",
    "Le maire a déclaré que les premiers chantiers commenceraient dès le mois prochain, à l'école.",
)
ENGLISH = (
    "The river rose three metres overnight and flooded the lower town, the fire service said.",
    "Volunteers filled sandbags along the embankment until the early hours, while police waited.",
    "The mayor said the new flood wall had held and that nobody had been hurt in the night.",
)


def tiny_png() -> bytes:
    """A valid 1x1 RGB PNG, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


def html_page(paragraphs: tuple[str, ...] = (), head: str = "") -> str:
    """A small news page: navigation, an article of paragraphs, a footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head>{head}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article>{body}</article><footer>All rights reserved.</footer></body></html>"
    )


def text_dump(paragraphs: tuple[str, ...], nav: str = "Home") -> str:
    """A whole-page text dump: navigation lines, the paragraphs, footer lines."""
    return "\n".join([nav, "News", *paragraphs, "Share", "Copyright 2025 The Journal"])


def rejected(result: CleanedDocument | Rejected) -> Rejected:
    assert isinstance(result, Rejected), result
    return result


def cleaned(result: CleanedDocument | Rejected) -> CleanedDocument:
    assert isinstance(result, CleanedDocument), result
    return result


# ------------------------------------------------------------ rejections


@pytest.mark.parametrize("raw", [b"", ""], ids=["bytes", "str"])
def test_empty_input_is_rejected_as_empty(raw: bytes | str) -> None:
    assert rejected(clean(raw)).reason is RejectReason.EMPTY


@pytest.mark.parametrize("raw", [b" \n\t \r\n ", "\u00a0 \n  ", b"\r\r"])
def test_whitespace_only_is_rejected_as_empty(raw: bytes | str) -> None:
    assert rejected(clean(raw)).reason is RejectReason.EMPTY


def test_png_is_rejected_as_binary() -> None:
    assert rejected(clean(tiny_png())).reason is RejectReason.BINARY


def test_nul_bytes_without_bom_are_rejected_as_binary() -> None:
    raw = "hello world, some text".encode("utf-16-le")
    assert rejected(clean(raw)).reason is RejectReason.BINARY


def test_page_over_the_cap_is_rejected_as_too_large() -> None:
    raw = b"<html><body><p>" + b"word " * (10 * 1024 * 1024) + b"</p></body></html>"
    assert len(raw) > 50 * 1024 * 1024
    result = rejected(clean(raw))
    assert result.reason is RejectReason.TOO_LARGE
    assert str(CleanOptions().max_bytes) in result.detail


def test_cap_follows_the_options() -> None:
    options = replace(CleanOptions(), max_bytes=100)
    assert rejected(clean(b"x" * 101, options=options)).reason is RejectReason.TOO_LARGE


def test_page_without_an_article_is_rejected_as_no_article() -> None:
    raw = html_page(head="<title>Menu</title>")
    result = rejected(clean(raw, url="https://example.com/"))
    assert result.reason is RejectReason.NO_ARTICLE
    assert result.url == "https://example.com/"
    assert result.mode is Mode.HTML


def test_text_dump_of_menu_lines_is_rejected_as_no_article() -> None:
    result = rejected(clean(b"Home\nNews\nSport\nContact us"))
    assert result.reason is RejectReason.NO_ARTICLE
    assert result.mode is Mode.TEXT


def test_html_nested_100000_levels_gets_a_typed_result() -> None:
    raw = "<html><body>" + "<div>" * 100_000 + "<p>Deep text.</p>" + "</div>" * 100_000
    result = clean(raw)
    if isinstance(result, Rejected):  # the parser may keep the text or give up on the depth
        assert result.reason in {RejectReason.NO_ARTICLE, RejectReason.TOO_LARGE}


# ------------------------------------------------------------ encodings


def test_invalid_utf8_gets_a_typed_result() -> None:
    raw = b"\xc3\x28\xa0\xa1 broken \xe2\x28\xa1 bytes \xf0\x28\x8c\xbc" * 50
    result = clean(raw)
    # No encoding is right for these bytes: a legacy codec may still read them as text.
    if isinstance(result, Rejected):
        expected = {RejectReason.UNDECODABLE, RejectReason.BINARY, RejectReason.NO_ARTICLE}
        assert result.reason in expected


def test_utf8_cut_inside_its_last_character_is_read_as_utf8() -> None:
    raw = text_dump(FRENCH).encode() + "é".encode()[:1]
    assert FRENCH[0] in cleaned(clean(raw)).text


def test_utf8_with_one_stray_byte_keeps_its_accents() -> None:
    raw = text_dump(FRENCH, nav="Home \udcff").encode(errors="surrogateescape")  # a lone 0xff
    assert FRENCH[1] in cleaned(clean(raw)).text


def test_cp1251_without_declared_charset_decodes_to_cyrillic() -> None:
    raw = html_page(RUSSIAN, head="<title>Новости</title>")
    document = cleaned(clean(raw.encode("cp1251")))
    assert RUSSIAN[0] in document.text
    assert document.language == "ru"


def test_cp1251_text_dump_decodes_to_cyrillic() -> None:
    document = cleaned(clean(text_dump(RUSSIAN, nav="Главная").encode("cp1251")))
    assert RUSSIAN[1] in document.text


def test_utf16_with_bom_is_decoded() -> None:
    raw = html_page(FRENCH).encode("utf-16")  # Python writes the BOM
    assert FRENCH[2] in cleaned(clean(raw)).text


def test_charset_declared_in_content_type_is_used() -> None:
    raw = html_page(RUSSIAN).encode("koi8-r")
    document = cleaned(clean(raw, content_type="text/html; charset=KOI8-R"))
    assert RUSSIAN[2] in document.text


def test_utf16_declared_in_content_type_needs_no_bom() -> None:
    raw = text_dump(FRENCH).encode("utf-16-le")
    document = cleaned(clean(raw, content_type="text/plain; charset=utf-16le"))
    assert FRENCH[0] in document.text


def test_meta_charset_windows_1252_is_used() -> None:
    head = '<meta charset="windows-1252"><title>Caf\xe9</title>'
    quoted = "The caf\xe9 serves \u201cgood\u201d coffee for \u20ac2 a cup, the owner said."
    document = cleaned(clean(html_page((quoted, *ENGLISH), head=head).encode("cp1252")))
    assert quoted in document.text


def test_utf8_page_with_a_stale_legacy_meta_charset_stays_utf8() -> None:
    head = '<meta charset="windows-1252">'
    document = cleaned(clean(html_page(FRENCH, head=head).encode()))
    assert FRENCH[0] in document.text


def test_str_with_lone_surrogates_is_cleaned() -> None:
    document = cleaned(clean(text_dump(ENGLISH, nav="Home \ud800")))
    assert ENGLISH[1] in document.text


def test_str_input_is_cleaned_like_bytes(article_html: bytes) -> None:
    from_str = cleaned(clean(article_html.decode()))
    from_bytes = cleaned(clean(article_html))
    assert from_str.text == from_bytes.text
    assert from_str.content_hash == from_bytes.content_hash


def test_a_date_with_a_timezone_name_is_not_an_internal_error() -> None:
    head = '<meta property="article:published_time" content="March 5, 2024 10:00 EST">'
    result = clean(html_page(ENGLISH, head=head))
    assert not (isinstance(result, Rejected) and result.reason is RejectReason.INTERNAL_ERROR)


# ------------------------------------------------------------ mode


def test_markup_is_sniffed_as_html(article_html: bytes) -> None:
    assert cleaned(clean(article_html)).mode is Mode.HTML


def test_a_dump_is_sniffed_as_text(article_text: bytes) -> None:
    assert cleaned(clean(article_text)).mode is Mode.TEXT


def test_a_dump_quoting_one_tag_is_still_text() -> None:
    raw = text_dump(("Use the <div> element to group the content of a page.", *ENGLISH))
    assert clean(raw).mode is Mode.TEXT


@pytest.mark.parametrize(
    ("content_type", "mode"),
    [("text/html; charset=utf-8", Mode.HTML), ("text/plain", Mode.TEXT)],
)
def test_content_type_decides_the_mode(
    article_text: bytes, content_type: str, mode: Mode
) -> None:
    assert clean(article_text, content_type=content_type).mode is mode


@pytest.mark.parametrize("mode", ["html", "text"])
def test_mode_option_overrides_sniffing(article_html: bytes, mode: str) -> None:
    result = clean(article_html, options=CleanOptions(mode=mode))  # type: ignore[arg-type]
    assert result.mode is Mode(mode)


# ------------------------------------------------------------ results


def test_cleaned_document_carries_url_and_a_body(article_html: bytes) -> None:
    document = cleaned(clean(article_html, url="https://example.com/flood"))
    assert document.url == "https://example.com/flood"
    assert "flood wall had held" in document.text
    assert "All rights reserved" not in document.text


def test_recursion_in_an_extractor_is_a_rejection_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, article_html: bytes
) -> None:
    def too_deep(*_args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(api.EXTRACTORS, Mode.HTML, too_deep)
    assert rejected(clean(article_html)).detail == "RecursionError"


def test_unexpected_extractor_failure_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, article_html: bytes
) -> None:
    def broken(*_args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setitem(api.EXTRACTORS, Mode.HTML, broken)
    result = rejected(clean(article_html))
    assert result.reason is RejectReason.INTERNAL_ERROR
    assert "KeyError" in result.detail


def test_a_callers_stop_exception_passes_through_when_asked(
    monkeypatch: pytest.MonkeyPatch, article_html: bytes
) -> None:
    class Stop(Exception):  # like billiard's SoftTimeLimitExceeded: an Exception subclass
        pass

    def stopped(*_args: object) -> None:
        raise Stop

    monkeypatch.setitem(api.EXTRACTORS, Mode.HTML, stopped)
    assert rejected(clean(article_html)).reason is RejectReason.INTERNAL_ERROR
    with pytest.raises(Stop):
        clean(article_html, propagate=(Stop,))
