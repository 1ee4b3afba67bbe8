"""Stage 1, decode: raw bytes or str -> `RawPage` (text + html/text mode).

Gates, cheapest first: size cap, emptiness, binary signatures, then the
encoding: BOM, a UTF-16/32 the caller declared, strict UTF-8, the charset the
caller declared (Content-Type), a `<meta charset>` in the first bytes, UTF-8
with a few broken bytes, and only then statistical detection with
charset-normalizer. Each failure is a `PageRejected` with its
reason, so a worker can tell "a PNG" from "a cp1251 page we could not read".
Last, text that was UTF-8-encoded twice upstream ("â€™" for "’", "Ã©" for "é";
2% of wcxb-dev) is repaired with ftfy, on pages whose bytes show the pattern,
word by word: ftfy over a whole 5 MB page takes seconds, over its damaged words
milliseconds.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from ftfy import fix_encoding

from cleaner.errors import PageRejected
from cleaner.models import Mode, RawPage, RejectReason
from cleaner.options import CleanOptions

# Leading bytes of formats that are never a page. Checked before any decoding.
BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",  # zip, docx, epub
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"RIFF",  # webp, wav, avi
    b"\x00\x00\x01\x00",  # ico
    b"OggS",
    b"ID3",
    b"\x7fELF",
    b"MZ",
    b"wOFF",
    b"wOF2",
    b"\x00asm",
)
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# How much of the start of a page we look at for signatures, meta charsets and markup.
SNIFF_BYTES = 4096
# A text page has almost no control characters; more than this share of them
# in the sniffed window means bytes that merely happen to decode.
MAX_CONTROL_SHARE = 0.02
# Lines past this make the line-level stages of either mode take tens of seconds (600,000
# lines: 20 s); the longest of 14,798 real pages and dumps has 65,025.
MAX_LINES = 300_000
# Detection is statistical: on a huge page a 256 KB sample decides as well.
DETECT_SAMPLE = 256 * 1024

# UTF-16/32 need their NUL bytes: a declared one is honoured before the binary check.
WIDE_CODECS = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
# Bytes that fail strict UTF-8 are still UTF-8 when valid non-ASCII characters outnumber
# the broken bytes by this much; a cp1251 or cp1252 page has almost no valid sequences.
UTF8_VALID_PER_BROKEN = 10

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_.:-]+)""", re.I)
# UTF-8 read as Latin-1/cp1252 and encoded again: "Â", "Ã" or "â" then a byte that was
# a continuation byte. Searched in the bytes (fast); ftfy decides what to fix.
_DOUBLE_UTF8 = re.compile(rb"\xc3[\x82\x83\xa2](?:\xc2[\x80-\xbf]|\xe2[\x80-\x84]"
                          rb"|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c])")
# In the decoded text: a damaged character, or a C1 control (a cp1252 byte read as Latin-1).
_DOUBLE_UTF8_TEXT = re.compile(
    "[\u00c2\u00c3\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac"
    "\u2122]|[\u0080-\u009f]"
)
_WORD_BREAK = re.compile(r"[ \t\n\r\f<>\"']")  # ASCII only: a damaged "à" ends in U+00A0
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_STRUCTURE = re.compile(r"<(?:!doctype|html|head|body)\b", re.I)  # a document, not a quote
_LEADING_TAG = re.compile(r"[\ufeff\s]*<[a-zA-Z!?/]")  # "<div", "<!--", "<?xml"; not "<3"


def decode(
    raw: bytes | str, *, content_type: str | None, options: CleanOptions
) -> RawPage:
    """Turn the caller's input into text, or raise `PageRejected`."""
    if isinstance(raw, str):
        _check_size(len(raw), options)  # chars, not bytes: a cheap, honest bound
        # Lone surrogates (JSON allows "\ud800") cannot be encoded: hashing would crash.
        text, encoding = _SURROGATE.sub("\ufffd", raw), None
    else:
        _check_size(len(raw), options)
        _check_not_binary(raw)
        text, encoding = _to_text(raw, content_type)
        if encoding.startswith("utf-8") and _DOUBLE_UTF8.search(raw):
            text = _repair_double_utf8(text)
    if "\r" in text:  # a one-character test first: most pages hold neither
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.strip():
        raise PageRejected(RejectReason.EMPTY, "the page has no visible characters")
    if (lines := text.count("\n")) > MAX_LINES:
        raise PageRejected(RejectReason.TOO_COMPLEX, f"{lines} lines, the cap is {MAX_LINES}")
    _check_text_is_text(text)
    return RawPage(text=text, mode=_sniff_mode(text, content_type, options), encoding=encoding)


def _repair_double_utf8(text: str) -> str:
    """ftfy on each damaged word (a run between ASCII spaces, quotes and tag brackets)."""
    parts: list[str] = []
    done = 0
    for damage in _DOUBLE_UTF8_TEXT.finditer(text):
        if damage.start() < done:  # inside the word just repaired
            continue
        start = max(done, *(text.rfind(c, done, damage.start()) + 1 for c in " \t\n\r\f<>\"'"))
        end_at = _WORD_BREAK.search(text, damage.end())
        end = end_at.start() if end_at else len(text)
        parts += [text[done:start], fix_encoding(text[start:end])]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _check_size(size: int, options: CleanOptions) -> None:
    if size == 0:
        raise PageRejected(RejectReason.EMPTY, "the page is empty")
    if size > options.max_bytes:
        raise PageRejected(
            RejectReason.TOO_LARGE, f"{size} bytes is over the cap of {options.max_bytes}"
        )


def _check_not_binary(raw: bytes) -> None:
    head = raw[:SNIFF_BYTES]
    for signature in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise PageRejected(RejectReason.BINARY, f"starts with the signature {signature!r}")


def _to_text(raw: bytes, content_type: str | None) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return _decode_as(raw, encoding), encoding
    declared = _declared_charset(content_type)
    if declared in WIDE_CODECS and (text := _try_decode(raw, declared)) is not None:
        return text, declared  # UTF-16/32 the caller declared: NUL bytes are expected
    if b"\x00" in raw[:SNIFF_BYTES]:
        # NUL bytes with no BOM: not UTF-8 text, and UTF-16 without a BOM is rare enough
        # that calling it binary is the honest answer.
        raise PageRejected(RejectReason.BINARY, "NUL bytes in the first 4 KB and no BOM")
    # Strict UTF-8 before any label: bytes that decode as UTF-8 are UTF-8 in practice, while
    # a single-byte label decodes anything, so a stale one (the scraper re-encoded the page)
    # would silently turn every accent into mojibake.
    if (text := _try_decode(raw, "utf-8")) is not None:
        return text, "utf-8"
    for label in (declared, _meta_charset(raw)):
        if label and (text := _try_decode(raw, label)) is not None:
            return text, label
    if (text := _damaged_utf8(raw)) is not None:
        return text, "utf-8"
    return _detect(raw)


def _damaged_utf8(raw: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a page cut mid-character, one stray byte), or None.

    Legacy single-byte text almost never forms valid multi-byte sequences, so many
    valid non-ASCII characters per broken one mean UTF-8 that was damaged in transit.
    """
    for cut in range(1, 4):  # a page truncated inside its last character
        if (text := _try_decode(raw[:-cut], "utf-8")) is not None:
            return text
    sample = raw[:DETECT_SAMPLE]
    text = sample.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - sample.count("\ufffd".encode())
    valid = len(_NON_ASCII.findall(text)) - text.count("\ufffd")
    if broken and valid >= UTF8_VALID_PER_BROKEN * broken:
        return raw.decode("utf-8", errors="replace")
    return None


def _declared_charset(content_type: str | None) -> str | None:
    match = _CT_CHARSET.search(content_type or "")
    return _known_codec(match.group(1)) if match else None


def _meta_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:SNIFF_BYTES])
    return _known_codec(match.group(1).decode("ascii", "ignore")) if match else None


def _known_codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Pages that say latin-1 are cp1252 in practice (the WHATWG encoding rule).
    return "cp1252" if codec in {"latin-1", "iso8859-1", "ascii"} else codec


def _try_decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_as(raw: bytes, encoding: str) -> str:
    text = _try_decode(raw, encoding)
    if text is None:
        raise PageRejected(RejectReason.UNDECODABLE, f"the {encoding} BOM does not match the bytes")
    return text


def _detect(raw: bytes) -> tuple[str, str]:
    best = from_bytes(raw[:DETECT_SAMPLE]).best()
    if best is None or best.encoding is None:
        raise PageRejected(RejectReason.UNDECODABLE, "no text encoding fits these bytes")
    # The sample may end mid-character; decode the whole page leniently with the winner.
    return raw.decode(best.encoding, errors="replace"), best.encoding


def _check_text_is_text(text: str) -> None:
    window = text[:SNIFF_BYTES]
    controls = len(_CONTROL.findall(window))
    replacements = window.count("\ufffd")
    if (controls + replacements) > MAX_CONTROL_SHARE * len(window) + 1:
        raise PageRejected(
            RejectReason.BINARY, f"{controls + replacements} control characters in the first 4 KB"
        )


def _sniff_mode(text: str, content_type: str | None, options: CleanOptions) -> Mode:
    if options.mode != "auto":
        return Mode(options.mode)
    ctype = (content_type or "").lower()
    if "html" in ctype or "xml" in ctype:
        return Mode.HTML
    if ctype.startswith(("text/plain", "text/markdown", "text/x-markdown")):
        return Mode.TEXT  # a Markdown dump is a text dump (cleaner/text/markdown.py)
    head = text[:SNIFF_BYTES]
    # A page starts with markup or carries its document structure; a dump may quote tags
    # (a code sample, a forum post about HTML) but neither starts with one nor holds a
    # <body>. Over the 3,781 pages of every dataset and their 3,781 dumps this misroutes
    # 0 pages and 6 dumps (a tracking pixel's <img> that render.py left on the first
    # line); counting three tags anywhere in the head misrouted 6 pages and 27 dumps.
    starts_with_markup = _LEADING_TAG.match(head) is not None
    return Mode.HTML if starts_with_markup or _STRUCTURE.search(head) else Mode.TEXT
