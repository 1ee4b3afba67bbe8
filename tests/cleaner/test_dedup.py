"""Near-duplicates: the signature is fixed across processes and releases, an HTML page and its
text dump match, distinct pages and the seeds do not, the index never matches a document
with itself, and `cleaner clean --dedup` links a copy to its original."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cleaner import CleanedDocument, clean
from cleaner.cli import EXIT_OK, EXIT_USAGE, main
from cleaner.dedup import (
    DEFAULT_THRESHOLD,
    NUM_PERM,
    MemoryIndex,
    Signature,
    SignatureError,
    find_duplicate,
    mark_duplicate,
    signature,
)

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "fixtures" / "cases"
SEEDS = REPO / "seeds"
FIXED_TEXT = "The river rose three metres overnight and flooded the lower town. 東京の洪水"


def cleaned(path: Path) -> CleanedDocument:
    result = clean(path.read_bytes())
    assert isinstance(result, CleanedDocument), result
    return result


def sig(document: CleanedDocument) -> Signature:
    return Signature.decode(document.minhash)


def test_the_signature_of_a_text_is_fixed() -> None:
    """Pinned values: any process, any PYTHONHASHSEED, any release must give these (the
    service compares signatures that other workers computed, possibly days ago)."""
    values = signature(FIXED_TEXT)
    assert values.values[:4].tolist() == [61766260, 93894736, 64497396, 11250480]
    assert int(values.values.sum(dtype=np.uint64)) == 34670056808
    assert values.size == 14  # 11 English words and 5 CJK characters: 14 three-word shingles


def test_case_punctuation_and_spacing_do_not_change_the_signature() -> None:
    a = signature("The river flooded the town, on Monday.")
    b = signature("the river  flooded\nthe town on monday")
    assert a.similarity(b) == 1.0


@pytest.mark.parametrize("case", ["entermedia-ko", "gto-normativy-ru"])
def test_a_page_and_its_text_dump_are_near_duplicates(case: str) -> None:
    html = sig(cleaned(CASES / f"aeb-{case}" / "source.html"))
    dump = sig(cleaned(CASES / f"text-aeb-{case}" / "source.txt"))
    assert html.similarity(dump) >= DEFAULT_THRESHOLD
    index = MemoryIndex()
    assert find_duplicate("html", html, index) is None
    match = find_duplicate("dump", dump, index)
    assert match is not None and match.duplicate_of == "html"


def test_distinct_pages_are_not() -> None:
    names = ["aeb-sciencealert", "aeb-thespacereview", "wcxb-0412-article-bearblog"]
    index = MemoryIndex()
    for name in names:
        assert find_duplicate(name, sig(cleaned(CASES / name / "source.html")), index) is None


def test_no_seed_repeats_another() -> None:
    """Two seeds retell one Le Monde report in their own words: that is not a copy."""
    index = MemoryIndex()
    for path in sorted(SEEDS.glob("*.txt")):
        assert find_duplicate(path.name, sig(cleaned(path)), index) is None, path.name


def test_a_body_kept_with_more_around_it_still_matches() -> None:
    """Containment: one extraction kept the comments too; its shingles hold the other's."""
    article = " ".join(f"Sentence number {n} of the article says something new." for n in range(40))
    comments = " ".join(f"Reader {n} wrote a comment of their own here." for n in range(200))
    short, long = signature(article), signature(article + " " + comments)
    assert float(np.mean(short.values == long.values)) < DEFAULT_THRESHOLD  # Jaccard: no
    assert short.similarity(long) >= 0.8


def test_the_index_never_matches_a_document_with_itself() -> None:
    index = MemoryIndex()
    page = signature(FIXED_TEXT)
    assert find_duplicate("a", page, index) is None
    assert find_duplicate("a", page, index) is None  # redelivered: not its own duplicate
    assert len(index.signatures) == 1
    match = find_duplicate("b", page, index)
    assert match is not None and (match.duplicate_of, match.similarity) == ("a", 1.0)


def test_mark_duplicate_sets_the_link_and_keeps_the_document() -> None:
    index = MemoryIndex()
    document = cleaned(CASES / "aeb-entermedia-ko" / "source.html")
    assert mark_duplicate("first", document, index) is document
    copy = mark_duplicate("second", document, index)
    assert (copy.duplicate_of, copy.similarity) == ("first", 1.0)
    assert copy.text == document.text


def test_encode_decode_round_trip() -> None:
    original = signature(FIXED_TEXT)
    text = original.encode()
    again = Signature.decode(text)
    assert np.array_equal(again.values, original.values) and again.size == original.size
    assert Signature.from_bytes(original.to_bytes()).similarity(original) == 1.0
    assert len(original.to_bytes()) == Signature.BYTES == NUM_PERM * 4 + 4


@pytest.mark.parametrize("text", ["not base64!", "AAAA", "é", ""])
def test_a_bad_signature_is_a_typed_error(text: str) -> None:
    with pytest.raises(SignatureError):
        Signature.decode(text)
    with pytest.raises(ValueError):  # SignatureError is a ValueError: callers may catch either
        Signature.decode(text)


def test_clean_dedup_marks_a_copied_page(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         article_html: bytes, article_text: bytes) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a-original.html").write_bytes(article_html)
    (folder / "b-copy.html").write_bytes(article_html)
    (folder / "c-dump.txt").write_bytes(article_text)
    (folder / "d-other.txt").write_text(
        "The council approved the new library budget after a long debate on Tuesday.\n"
        "Construction of the reading rooms is expected to begin next spring.\n")
    assert main(["clean", str(folder), "--dedup", "--no-removed"]) == EXIT_OK
    records = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert "duplicate_of" not in records["a-original"]  # nulls are left out of the output
    assert records["b-copy"]["duplicate_of"] == "a-original"
    assert records["b-copy"]["similarity"] == 1.0
    assert records["c-dump"]["duplicate_of"] == "a-original"
    assert "duplicate_of" not in records["d-other"]


def test_without_dedup_nothing_is_marked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         article_html: bytes) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_bytes(article_html)
    assert main(["clean", str(tmp_path)]) == EXIT_OK
    assert all("duplicate_of" not in json.loads(line)
               for line in capsys.readouterr().out.splitlines())


@pytest.mark.parametrize("threshold", ["0", "1.5", "x"])
def test_a_threshold_outside_0_1_is_a_usage_error(tmp_path: Path, threshold: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", str(tmp_path), "--dedup", "--dedup-threshold", threshold])
    assert exit_info.value.code == EXIT_USAGE


def test_text_output_names_the_original_in_its_header(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], article_html: bytes) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_bytes(article_html)
    assert main(["clean", str(tmp_path), "--dedup", "--format", "text", "--metadata"]) == EXIT_OK
    first, second = capsys.readouterr().out.split("\f\n")
    assert "duplicate_of" not in first
    assert "duplicate_of: a\nsimilarity: 1.0\n" in second
