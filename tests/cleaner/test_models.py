"""The result models: frozen, strict, and a CleanResult that parses by its status."""

from __future__ import annotations

import pydantic
import pytest
from pydantic import TypeAdapter

from cleaner import (
    SCHEMA_VERSION,
    CleanedDocument,
    CleanResult,
    Mode,
    Rejected,
    RejectReason,
    clean,
)
from cleaner.errors import CleanerError, PageRejected

RESULT = TypeAdapter(CleanResult)


def document() -> CleanedDocument:
    fields = {"mode": "text", "text": "a b c", "word_count": 3, "content_hash": "0" * 64,
              "minhash": "AAAA"}
    return CleanedDocument.model_validate(fields)


def test_results_are_frozen() -> None:
    with pytest.raises(pydantic.ValidationError):
        document().text = "changed"


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        Rejected(reason=RejectReason.EMPTY, detail="x", extra_field=1)  # type: ignore[call-arg]


def test_status_and_schema_version_are_fixed() -> None:
    assert (document().status, document().schema_version) == ("cleaned", SCHEMA_VERSION)
    assert Rejected(reason=RejectReason.EMPTY, detail="x").status == "rejected"


@pytest.mark.parametrize("raw", [b"", "Home\nNews", "word " * 50 + "."])
def test_json_round_trip_picks_the_type_by_status(raw: bytes | str) -> None:
    result = clean(raw)
    assert RESULT.validate_json(result.model_dump_json()) == result


def test_reject_reasons_are_stable_strings() -> None:
    assert {r.value for r in RejectReason} == {
        "empty", "binary", "too_large", "too_complex", "undecodable", "no_article",
        "internal_error",
    }  # fmt: skip


def test_page_rejected_becomes_a_rejected_result() -> None:
    error = PageRejected(RejectReason.NO_ARTICLE, "3 words", mode=Mode.HTML, title="T")
    assert isinstance(error, CleanerError)
    assert error.to_result("https://x.test") == Rejected(
        reason=RejectReason.NO_ARTICLE, detail="3 words", url="https://x.test", mode=Mode.HTML,
        title="T",
    )  # fmt: skip
