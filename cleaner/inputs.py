"""What `cleaner clean` and `cleaner enqueue` read: files, folders, stdin, WARC and JSONL.

    for page in read_inputs(["crawl.warc.gz", "pages/", "-"], max_bytes=options.max_bytes):
        page.name, page.source, page.url, page.raw, page.error

An argument is `-` (stdin: one page), a folder (read recursively, in path
order; hidden files and folders are skipped), or a file, read by its suffix:

- pages: `.html .htm .xhtml .shtml .txt .text .md .markdown`, each also `.gz`;
  a file named on the command line with any other suffix is read as a page;
- WARC: `.warc`, `.warc.gz` (fastwarc also detects zstd and lz4 streams):
  one page per `response` record, with its `WARC-Target-URI` as `url`, its
  `WARC-Date` as `fetched_at` and the HTTP `Content-Type`;
- JSONL: `.jsonl`, `.ndjson`, each also `.gz`: one page per line, fields
  mapped as `JSONL_FIELDS` says (docs: README "Batch input").

A folder's files with any other suffix are counted in `Skipped`, not read.
Names are unique within one read: a page's name is its path inside the folder
(or the file's stem) without the page suffix, a WARC record's or JSONL line's
is `<file stem>/<n>` (a JSONL `id` if it gives one), and a name already taken
gets `-2`, `-3`, ... A gzip stream is inflated only up to `max_bytes + 1`
bytes: a bomb stops there and the page is rejected as too large.

An entry that cannot be read (a JSONL line that is not an object, a page
whose base64 is broken) comes out as an `InputPage` with `error` set, so the
caller reports it and goes on. A path that does not exist, or a WARC that is
not one, is an `InputError` for the whole run (a WARC cut short ends at its last whole
record: fastwarc reads no further and says nothing).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".txt", ".text", ".md", ".markdown")
WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
GZIP = ".gz"
STDIN = "-"
# JSONL fields -> page fields. The first of `content`, `html`, `text` present is the page;
# every field not named here goes to `meta`, so nothing a line carries is lost.
JSONL_FIELDS = {
    "content": "the page (with `content_encoding`: text, the default; base64; gzip+base64)",
    "html": "the page, when there is no `content`",
    "text": "the page, when there is no `content` or `html`",
    "url": "url",
    "id": "the page's name (and its job id for `cleaner enqueue`)",
    "fetched_at": "fetched_at (also read from `date`)",
    "content_type": "content_type",
    "meta": "meta (an object; every other field, `source` included, is added to it)",
}
CONTENT_FIELDS = ("content", "html", "text")
JSONL_KNOWN = {*JSONL_FIELDS, "content_encoding", "date"}
NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._@:+=-]+")


class InputError(Exception):
    """An argument that cannot be read at all: a missing path, a broken WARC."""


@dataclass(frozen=True, slots=True)
class InputPage:
    """One page to clean, with where it came from; `error` set if it could not be read."""

    name: str  # unique within the run: the output file's name, the record's `id`
    source: str  # the file, `file#record-n`, `file:line` or `-`
    raw: bytes = b""
    url: str | None = None
    fetched_at: str | None = None  # ISO 8601, as the input gave it
    content_type: str | None = None
    job_id: str | None = None  # an id the input names for the page (JSONL `id`)
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Skipped:
    """Folder files left unread, by suffix: reported in the run's summary."""

    by_suffix: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        return ", ".join(f"{suffix or 'no suffix'} {n}" for suffix, n in
                         self.by_suffix.most_common())

    def __bool__(self) -> bool:
        return bool(self.by_suffix)


def check_paths(args: Iterable[str]) -> None:
    """InputError for the first argument that is neither `-` nor an existing path."""
    for arg in args:
        if arg != STDIN and not Path(arg).exists():
            raise InputError(f"no such file or folder: {arg}")


def is_single_page(arg: str) -> bool:
    """Whether the argument is one page (not a folder, WARC or JSONL): what `--url` can name."""
    return arg == STDIN or (Path(arg).is_file() and _kind(Path(arg)) == "page")


def read_inputs(args: Iterable[str], *, max_bytes: int, stdin: IO[bytes] | None = None,
                skipped: Skipped | None = None) -> Iterator[InputPage]:
    """The pages of every argument, in order, read lazily (one page in memory at a time)."""
    names = _Names()
    for arg in args:
        if arg == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield InputPage(name=names.claim(STDIN), source=STDIN,
                            raw=stream.read(max_bytes + 1))
            continue
        path = Path(arg)
        if not path.exists():
            raise InputError(f"no such file or folder: {arg}")
        if path.is_dir():
            yield from _read_folder(path, names, max_bytes, skipped)
        else:
            yield from _read_file(path, path.name, names, max_bytes)


def _read_folder(folder: Path, names: _Names, max_bytes: int,
                 skipped: Skipped | None) -> Iterator[InputPage]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if _kind(path) is None:
            if skipped is not None:
                skipped.by_suffix["".join(path.suffixes[-2:]).lower()] += 1
            continue
        yield from _read_file(path, relative.as_posix(), names, max_bytes)


def _read_file(path: Path, relative: str, names: _Names, max_bytes: int) -> Iterator[InputPage]:
    kind = _kind(path) or "page"  # named on the command line: read as a page
    base = _strip_suffix(relative)
    if kind == "warc":
        yield from _read_warc(path, base, names, max_bytes)
    elif kind == "jsonl":
        yield from _read_jsonl(path, base, names, max_bytes)
    else:
        yield InputPage(name=names.claim(base), source=shown(path),
                        raw=_read_bytes(path, max_bytes))


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.removesuffix(GZIP).endswith(PAGE_SUFFIXES):
        return "page"
    return None


def _strip_suffix(name: str) -> str:
    """`sub/a.html.gz` -> `sub/a`; a suffix we do not read stays (`page.php`)."""
    lower = name.lower()
    for suffix in (*WARC_SUFFIXES, *JSONL_SUFFIXES):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    stem = name[: -len(GZIP)] if lower.endswith(GZIP) else name
    for suffix in PAGE_SUFFIXES:
        if stem.lower().endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped for `.gz`; at most `max_bytes + 1` (the cap decides)."""
    if path.name.lower().endswith(GZIP):
        try:
            with gzip.open(path, "rb") as stream:
                return stream.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error):
            return path.read_bytes()[: max_bytes + 1]  # not gzip after all: the bytes as they are
    with path.open("rb") as stream:
        return stream.read(max_bytes + 1)


# ------------------------------------------------------------------ WARC


def _read_warc(path: Path, base: str, names: _Names, max_bytes: int) -> Iterator[InputPage]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType  # noqa: PLC0415  # WARC runs only

    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream, record_types=WarcRecordType.response,
                                      parse_http=True, auto_decode="all")
            for n, record in enumerate(records, start=1):
                headers = record.headers
                yield InputPage(
                    name=names.claim(f"{base}/{n:05d}"), source=f"{shown(path)}#{n}",
                    raw=record.reader.read(max_bytes + 1),
                    url=headers.get("WARC-Target-URI") or None,
                    fetched_at=headers.get("WARC-Date") or None,
                    content_type=record.http_headers.get("Content-Type") or None,
                    meta={"warc_record_id": headers.get("WARC-Record-ID", "")},
                )
    except OSError as exc:  # fastwarc: not a WARC, or cut short
        raise InputError(f"{path}: not a readable WARC file ({exc})") from None


# ------------------------------------------------------------------ JSONL


def _read_jsonl(path: Path, base: str, names: _Names, max_bytes: int) -> Iterator[InputPage]:
    opener = gzip.open if path.name.lower().endswith(GZIP) else open
    with opener(path, "rb") as stream:
        for line_number, line in enumerate(stream, start=1):
            if line.strip():
                yield _jsonl_page(line, f"{shown(path)}:{line_number}",
                                  f"{base}/{line_number:05d}",
                                  names, max_bytes)


def _jsonl_page(line: bytes, source: str, default_name: str, names: _Names,
                max_bytes: int) -> InputPage:
    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError(f"a line is a JSON object, got {type(record).__name__}")
        raw = _jsonl_content(record, max_bytes)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeError included
        return InputPage(name=names.claim(default_name), source=source, error=str(exc)[:200])
    given_id = record.get("id")
    job_id = given_id if isinstance(given_id, str) and given_id else None
    given_meta = record.get("meta")
    meta: dict[str, Any] = given_meta if isinstance(given_meta, dict) else {}
    extra = {key: value for key, value in record.items() if key not in JSONL_KNOWN}
    return InputPage(
        name=names.claim(_safe_name(job_id) if job_id else default_name), source=source,
        raw=raw, url=_text(record, "url"), fetched_at=_text(record, "fetched_at", "date"),
        content_type=_text(record, "content_type"), job_id=job_id,
        meta={**meta, **extra},
    )


def _jsonl_content(record: dict[str, Any], max_bytes: int) -> bytes:
    field_name = next((name for name in CONTENT_FIELDS if name in record), None)
    if field_name is None:
        raise ValueError("no page: give `content`, `html` or `text`")
    content = record[field_name]
    if not isinstance(content, str):
        raise ValueError(f"{field_name}: a string, got {type(content).__name__}")
    encoding = record.get("content_encoding", "text")
    if encoding == "text":
        return content.encode("utf-8", errors="replace")  # a lone surrogate
    if encoding not in ("base64", "gzip+base64"):
        raise ValueError(f"content_encoding: text, base64 or gzip+base64, got {encoding!r}")
    try:
        raw = base64.b64decode(content, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"content: not valid base64 ({exc})") from None
    if encoding == "base64":
        return raw
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        return inflater.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise ValueError(f"content: not valid gzip ({exc})") from None


def _text(record: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    return None


# ------------------------------------------------------------------ names


def shown(path: Path | str) -> str:
    """A path as text any output can carry: bytes that are not UTF-8 (a file name from
    another system) become U+FFFD instead of surrogates that no UTF-8 file can take."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _safe_name(text: str) -> str:
    """A name usable as a relative file path: no `..`, no absolute path, plain characters."""
    parts = [NAME_UNSAFE.sub("_", part) for part in text.split("/")]
    return "/".join(part for part in parts if part not in ("", ".", "..")) or "_"


class _Names:
    """Hands out unique names: the second `a` is `a-2`."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        wanted = shown(wanted)
        name, n = wanted, 1
        while name in self._taken:
            n += 1
            name = f"{wanted}-{n}"
        self._taken.add(name)
        return name
