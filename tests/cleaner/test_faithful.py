"""On every fixture page: the body is made of the page's own words, and the removed list
never names what the body kept (issue: "Removed blocks that are right", "A faithful body").

"The page's words" are the words of its blocks as the elements split them (every block
element, <br> and table cell is a boundary): a body word that is not among them was
glued together across two blocks ("unrestNovember").
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import pytest

from cleaner import CleanedDocument, CleanOptions, clean
from cleaner.html.dom_blocks import dom_blocks
from cleaner.html.parse import parse_html
from cleaner.models import Mode
from cleaner.stages.assemble import MIN_PHRASE_WORDS
from cleaner.stages.decode import decode
from cleaner.vocab.script import tokens
from tests.fixture_cases import CASES_DIR, case_names, load_case

PAGES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
OPTIONS = CleanOptions(include_removed=True)


def _sources() -> dict[str, bytes]:
    pages = {f"case:{name}": load_case(name).source for name in case_names()}
    pages |= {f"page:{path.name}": gzip.decompress(path.read_bytes())
              for path in sorted(PAGES_DIR.glob("*.html.gz"))}
    return pages


SOURCES = _sources()


@cache
def _cleaned(name: str) -> CleanedDocument:
    result = clean(SOURCES[name], options=OPTIONS)
    if not isinstance(result, CleanedDocument):
        pytest.skip(f"{name}: {result.reason}")
    return result


def _page_words(raw: bytes) -> set[str]:
    page = decode(raw, content_type=None, options=OPTIONS)
    if page.mode is Mode.HTML:
        texts = dom_blocks(parse_html(page.text)).texts
    else:
        texts = page.text.splitlines()
    return {token for text in texts for token in tokens(text.casefold())}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_body_word_is_a_word_of_the_page(name: str) -> None:
    glued = set(tokens(_cleaned(name).text.casefold())) - _page_words(SOURCES[name])
    assert not glued, f"words glued across blocks: {sorted(glued)[:10]}"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_no_removed_phrase_stands_in_the_body(name: str) -> None:
    document = _cleaned(name)
    assert document.removed is not None
    texts = [block.text.strip() for block in document.removed]
    assert len(texts) == len(set(texts)), "a removed block is listed twice"
    repeated = [text for text in texts
                if len(text.split()) >= MIN_PHRASE_WORDS and text in document.text]
    assert not repeated


def test_the_fixture_folders_are_there() -> None:
    assert CASES_DIR.is_dir() and len(SOURCES) > 50
