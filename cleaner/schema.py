"""The published JSON Schema of what `clean()` returns.

`cleaner/schemas/document.schema.json` is generated from the models by
`cleaner schema > cleaner/schemas/document.schema.json`; a test keeps the two equal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from cleaner.models import SCHEMA_VERSION, CleanResult

SCHEMA_FILE = Path(__file__).with_name("schemas") / "document.schema.json"


def document_schema() -> dict[str, Any]:
    schema = TypeAdapter(CleanResult).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://pagecleaner.invalid/schemas/document-{SCHEMA_VERSION}.json",
        "title": "CleanResult",
        **schema,
    }
