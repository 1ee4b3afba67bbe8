"""Property tests: whatever bytes, markup or text come in, `clean()` answers with a typed
result, and every document it returns satisfies the model's invariants."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import BlockKind, CleanedDocument, CleanOptions, Rejected, RejectReason, clean
from cleaner.vocab.script import count_words

PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TAGS = (
    "div", "p", "span", "a", "article", "main", "nav", "footer", "h1", "li", "ul", "table",
    "td", "tr", "b", "i", "script", "style", "br", "img", "section", "header", "aside",
)  # fmt: skip
PROSE_WORDS = ("the", "river", "rose", "in", "the", "night", "and", "the", "town", "woke", ".")
JUNK = ("<", ">", "<!--", "-->", "<!doctype", "&amp", "&#", "<![CDATA[")
ATTRIBUTE_NAMES = ("class", "id", "href", "style", "lang", "data-x", "hidden", "role", "onclick")

words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
prose = st.lists(
    st.sampled_from(PROSE_WORDS),
    min_size=1,
    max_size=60,
).map(" ".join)


@st.composite
def attributes(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(ATTRIBUTE_NAMES), max_size=3))
    values = draw(st.lists(st.text(max_size=12), min_size=len(names), max_size=len(names)))
    quotes = draw(st.sampled_from(['"', "'", ""]))
    return "".join(f" {n}={quotes}{v}{quotes}" for n, v in zip(names, values, strict=True))


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    """Random, often malformed markup: unclosed and stray closing tags, junk attributes."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(st.sampled_from(TAGS))
        kind = draw(st.sampled_from(["open", "close", "text", "prose", "junk"]))
        if kind == "open":
            parts.append(f"<{tag}{draw(attributes())}>")
        elif kind == "close":
            parts.append(f"</{tag}>")
        elif kind == "prose":
            parts.append(draw(prose))
        elif kind == "junk":
            parts.append(draw(st.sampled_from(JUNK)))
        else:
            parts.append(draw(words))
    return "".join(parts)


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(TAGS))
    depth = draw(st.integers(1, 3000))
    closed = draw(st.booleans())
    return f"<{tag}>" * depth + draw(prose) + (f"</{tag}>" * depth if closed else "")


def check_result(result: object, raw: bytes | str, content_type: str | None = None) -> None:
    assert isinstance(result, CleanedDocument | Rejected)
    if isinstance(result, Rejected):
        assert result.reason is not RejectReason.INTERNAL_ERROR, result.detail
        return
    assert result.word_count == count_words(result.text)  # per script (cleaner.vocab.script)
    assert result.word_count >= CleanOptions().min_body_words
    assert result.text == result.text.strip()
    assert result.language is None or re.fullmatch(r"[a-z]{2}", result.language)
    removed = result.removed or []
    assert all(block.kind is not BlockKind.BODY for block in removed)
    again = clean(raw, content_type=content_type)
    assert isinstance(again, CleanedDocument)
    assert again.content_hash == result.content_hash


@PROPERTY_SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_get_a_typed_result(raw: bytes) -> None:
    check_result(clean(raw), raw)


@PROPERTY_SETTINGS
@given(tag_soup())
def test_tag_soup_gets_a_typed_result(markup: str) -> None:
    check_result(clean(markup), markup)


@PROPERTY_SETTINGS
@given(tag_soup())
def test_tag_soup_as_bytes_gets_a_typed_result(markup: str) -> None:
    raw = ("<html><body>" + markup).encode()
    check_result(clean(raw), raw)


@settings(max_examples=30, deadline=None)
@given(deep_nesting())
def test_deep_nesting_gets_a_typed_result(markup: str) -> None:
    check_result(clean(markup), markup)


@PROPERTY_SETTINGS
@given(st.lists(st.one_of(prose, words), max_size=40).map("\n".join))
def test_random_text_dumps_get_a_typed_result(dump: str) -> None:
    check_result(clean(dump), dump)


@PROPERTY_SETTINGS
@given(st.text(max_size=3000))
def test_random_unicode_text_gets_a_typed_result(text: str) -> None:
    check_result(clean(text), text)


@PROPERTY_SETTINGS
@given(st.text(st.characters(categories=["Cs"]) | st.sampled_from("ab .\n<>"), max_size=200))
def test_str_with_lone_surrogates_gets_a_typed_result(text: str) -> None:
    check_result(clean(text), text)


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1251", "cp1252", "koi8-r", "shift_jis")
encoded_text = st.tuples(st.text(max_size=500), st.sampled_from(ENCODINGS)).map(
    lambda pair: pair[0].encode(pair[1], errors="replace")
)


@PROPERTY_SETTINGS
@given(encoded_text, st.sampled_from([None, "text/html", "text/plain; charset=utf-8"]))
def test_text_in_any_encoding_gets_a_typed_result(raw: bytes, content_type: str | None) -> None:
    check_result(clean(raw, content_type=content_type), raw, content_type)


MONTHS = ("January", "Mar", "5", "12", "Sept", "mars", "März")
date_like = st.builds(
    "{} {}, {} {}:{:02d} {}".format,
    st.sampled_from(MONTHS), st.integers(0, 40), st.integers(0, 3000), st.integers(0, 30),
    st.integers(0, 70), st.sampled_from(["", "GMT", "UTC", "PST", "+0200", "Z", "CEST"]),
)  # fmt: skip
META_NAMES = ("article:published_time", "date", "author", "og:title", "og:locale", "keywords")


@st.composite
def page_with_metadata(draw: st.DrawFn) -> str:
    """A plain article whose meta tags and JSON-LD carry random, often date-like, values."""
    metas = draw(st.lists(st.tuples(st.sampled_from(META_NAMES), date_like | words), max_size=5))
    head = "".join(f'<meta property="{n}" name="{n}" content="{v}">' for n, v in metas)
    published = json.dumps({"@type": "NewsArticle", "datePublished": draw(date_like | words)})
    head += f'<script type="application/ld+json">{published}</script>'
    body = "".join(f"<p>{draw(prose)}</p>" for _ in range(3))
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


@PROPERTY_SETTINGS
@given(page_with_metadata())
@pytest.mark.filterwarnings("ignore::dateutil.parser.UnknownTimezoneWarning")  # see test_api
def test_random_metadata_gets_a_typed_result(page: str) -> None:
    check_result(clean(page), page)
