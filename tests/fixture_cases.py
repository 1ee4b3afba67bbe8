"""Golden cases: one folder per page under fixtures/cases/ (see fixtures/README.md).

    source.html | source.txt   the page as scraped
    snippets.json              {"with": [...], "without": [...]}: text the body must / must not hold
    expected-metadata.json     the fields known for the page: title, authors, date, language
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cleaner import CleanedDocument, Rejected, clean

CASES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "cases"


@dataclass(frozen=True, slots=True)
class FixtureCase:
    name: str
    source: bytes
    with_: tuple[str, ...]
    without: tuple[str, ...]
    metadata: dict[str, Any]


def case_names() -> list[str]:
    return sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


@cache
def load_case(name: str) -> FixtureCase:
    folder = CASES_DIR / name
    source = next(folder.glob("source.*"))
    snippets = json.loads((folder / "snippets.json").read_text("utf-8"))
    return FixtureCase(
        name=name,
        source=source.read_bytes(),
        with_=tuple(snippets["with"]),
        without=tuple(snippets["without"]),
        metadata=json.loads((folder / "expected-metadata.json").read_text("utf-8")),
    )


@cache
def clean_case(name: str) -> CleanedDocument | Rejected:
    """The case cleaned with default options, once per test session."""
    return clean(load_case(name).source)


def normalise(text: str) -> str:
    """How snippets are compared: NFKC, case-folded, white space folded."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
