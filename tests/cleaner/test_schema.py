"""The published JSON Schema equals the models', and real results validate against it."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from cleaner import CleanOptions, clean
from cleaner.schema import SCHEMA_FILE, document_schema


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_schema_file_is_generated_from_the_models() -> None:
    published = json.loads(SCHEMA_FILE.read_text("utf-8"))
    assert published == document_schema(), (
        "regenerate it: python -m cleaner schema > cleaner/schemas/document.schema.json"
    )


@pytest.mark.parametrize(
    "options",
    [CleanOptions(), CleanOptions(include_markdown=True), CleanOptions(include_removed=False)],
    ids=["default", "markdown", "no-removed"],
)
def test_cleaned_documents_validate(
    validator: Draft202012Validator, article_html: bytes, options: CleanOptions
) -> None:
    result = clean(article_html, url="https://example.com/a", options=options)
    assert result.status == "cleaned"
    validator.validate(result.model_dump(mode="json"))
    validator.validate(result.model_dump(mode="json", exclude_none=True))


@pytest.mark.parametrize("raw", [b"", b"\x89PNG\r\n", b"Home\nNews"], ids=["empty", "png", "menu"])
def test_rejections_validate(validator: Draft202012Validator, raw: bytes) -> None:
    result = clean(raw)
    assert result.status == "rejected"
    validator.validate(result.model_dump(mode="json"))


def test_an_unknown_field_is_invalid(validator: Draft202012Validator, article_text: bytes) -> None:
    record = clean(article_text).model_dump(mode="json") | {"surprise": 1}
    assert not validator.is_valid(record)
