"""cleaner/inputs.py: what `clean` and `enqueue` read, entry by entry."""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
from pathlib import Path

import pytest

from cleaner.inputs import InputError, Skipped, is_single_page, read_inputs

REPO = Path(__file__).resolve().parents[2]


def test_a_gzip_bomb_is_inflated_only_past_the_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * 5_000_000))
    [page] = read_inputs([str(bomb)], max_bytes=1000)
    assert (page.name, len(page.raw)) == ("bomb", 1001)  # the cap + 1: clean() says too_large


def test_jsonl_encodings_ids_and_broken_lines(tmp_path: Path) -> None:
    html = b"<html><body><p>Hello</p></body></html>"
    lines = [
        {"id": "../../etc/passwd", "content": base64.b64encode(html).decode(),
         "content_encoding": "base64"},
        {"content": base64.b64encode(gzip.compress(html)).decode(),
         "content_encoding": "gzip+base64", "source": "crawler", "lang": "en"},
        {"content": "x", "content_encoding": "rot13"},
        {"url": "https://x.test/"},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n" + "[" * 100_000 + "\n"
    (tmp_path / "in.jsonl").write_text(text)
    pages = list(read_inputs([str(tmp_path / "in.jsonl")], max_bytes=10_000))
    assert [p.name for p in pages] == ["etc/passwd", "in/00002", "in/00003", "in/00004",
                                       "in/00005"]
    assert pages[0].raw == pages[1].raw == html and pages[0].job_id == "../../etc/passwd"
    assert pages[1].meta == {"lang": "en", "source": "crawler"}
    assert "content_encoding" in (pages[2].error or "")
    assert "no page" in (pages[3].error or "")
    assert pages[4].error  # nested past what json can parse: reported, the run goes on


def test_stdin_folders_and_what_url_can_name(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>a</p>")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    skipped = Skipped()
    pages = list(read_inputs(["-", str(tmp_path), "-"], max_bytes=100,
                             stdin=io.BytesIO(b"<p>in</p>"), skipped=skipped))
    assert [p.name for p in pages] == ["-", "a", "--2"]
    assert pages[0].raw == b"<p>in</p>"
    assert str(skipped) == ".pdf 1"
    assert is_single_page(str(tmp_path / "a.html")) and is_single_page("-")
    assert not is_single_page(str(tmp_path))
    assert not is_single_page(str(REPO / "fixtures" / "warc" / "crawl.warc.gz"))


def test_a_file_that_is_not_a_warc_is_an_input_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.warc"
    text.write_text("hello, not a WARC\n" * 10)
    with pytest.raises(InputError, match="not a readable WARC"):
        list(read_inputs([str(text)], max_bytes=10_000_000))
    cut = tmp_path / "cut.warc.gz"  # a crawl cut short ends at its last whole record
    cut.write_bytes((REPO / "fixtures" / "warc" / "crawl.warc.gz").read_bytes()[:20_000])
    assert len(list(read_inputs([str(cut)], max_bytes=10_000_000))) < 3
    with pytest.raises(InputError, match="no such file"):
        list(read_inputs([str(tmp_path / "nope")], max_bytes=10))


def test_a_file_name_that_is_not_utf8_is_shown_not_fatal(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path / "d")
    os.mkdir(folder)
    with open(folder + b"/\xff.html", "wb") as page:
        page.write(b"<p>x</p>")
    [page] = read_inputs([str(tmp_path / "d")], max_bytes=100)
    assert page.name == "\ufffd" and page.source.endswith("/\ufffd.html")
    page.source.encode()  # any UTF-8 output (the manifest, JSON lines) can take it
