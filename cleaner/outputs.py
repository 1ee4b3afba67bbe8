"""Where `cleaner clean` writes: one stream (stdout) or one file per page (`-o DIR`).

Every format keeps one shape whatever the number of pages:

- `jsonl`: one JSON object per line, one line per page;
- `json`: one JSON array of those objects (`[]` for no page);
- `text` / `markdown`: the bodies, pages separated by a line holding a form
  feed (`\\f`, the ASCII page break); with `metadata`, each page starts with a
  front-matter header (`---`, `key: value` lines, `---`).

A record is `{"id": name, "source": ..., "fetched_at": ..., **the document}`;
a page that could not be read is `{"id", "source", "status": "unreadable",
"detail"}`. With `-o DIR`, each page goes to `DIR/<name>.json|.txt|.md` and
`DIR/manifest.jsonl` lists every page: id, source, url, status, reason, output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from cleaner.inputs import InputPage
from cleaner.models import CleanedDocument, Rejected

FORMATS = ("jsonl", "json", "text", "markdown")
SUFFIX = {"jsonl": ".json", "json": ".json", "text": ".txt", "markdown": ".md"}
PAGE_BREAK = "\f"
MANIFEST = "manifest.jsonl"
HEADER_FIELDS = ("id", "url", "title", "authors", "date_published", "language", "fetched_at",
                 "status", "reason", "duplicate_of", "similarity")


@dataclass(frozen=True, slots=True)
class Outcome:
    """A page and what cleaning it gave: a document, a rejection, or None if unreadable."""

    page: InputPage
    result: CleanedDocument | Rejected | None

    @property
    def status(self) -> str:
        return "unreadable" if self.result is None else self.result.status

    @property
    def reason(self) -> str | None:
        if isinstance(self.result, Rejected):
            return self.result.reason.value
        return None

    def record(self) -> dict[str, Any]:
        page = self.page
        head = {"id": page.name, "source": page.source}
        if page.fetched_at:
            head["fetched_at"] = page.fetched_at
        if self.result is None:
            return {**head, "status": "unreadable", "detail": page.error}
        return {**head, **self.result.model_dump(mode="json", exclude_none=True)}


class Writer(Protocol):
    def write(self, outcome: Outcome) -> None: ...


def body(outcome: Outcome, fmt: str, *, metadata: bool) -> str | None:
    """The page in a text format: its header if asked for, then its body (None: no body)."""
    result = outcome.result
    text = None
    if isinstance(result, CleanedDocument):
        text = (result.markdown or result.text) if fmt == "markdown" else result.text
    if not metadata:
        return text
    return front_matter(outcome.record()) + (text or "")


def front_matter(record: dict[str, Any]) -> str:
    lines = ["---"]
    for key in HEADER_FIELDS:
        value = record.get(key)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = "; ".join(map(str, value))
        lines.append(f"{key}: {' '.join(str(value).split())}")
    return "\n".join([*lines, "---", "", ""])


class StreamWriter:
    """All pages to one stream, in the format's one shape."""

    def __init__(self, out: TextIO, fmt: str, *, metadata: bool) -> None:
        self._out, self._fmt, self._metadata = out, fmt, metadata
        self._written = 0

    def write(self, outcome: Outcome) -> None:
        if self._fmt in ("json", "jsonl"):
            line = json.dumps(outcome.record(), ensure_ascii=False)
            if self._fmt == "json":
                line = ("[\n" if self._written == 0 else ",\n") + line
            self._out.write(line if self._fmt == "json" else line + "\n")
            self._written += 1
            return
        if outcome.status != "cleaned":  # no body to show: say why on stderr
            print(f"cleaner: {outcome.page.name}: {outcome.status}"
                  f" ({outcome.reason or outcome.page.error})", file=sys.stderr)
        text = body(outcome, self._fmt, metadata=self._metadata)
        if text is not None:
            separator = PAGE_BREAK + "\n" if self._written else ""
            self._out.write(separator + text.rstrip("\n") + "\n")
            self._written += 1

    def close(self) -> None:
        if self._fmt == "json":
            self._out.write("[]\n" if self._written == 0 else "\n]\n")
        self._out.flush()


class FolderWriter:
    """One file per page under `folder`, named after it, and the manifest."""

    def __init__(self, folder: Path, fmt: str, *, metadata: bool, manifest: TextIO) -> None:
        self._folder, self._fmt, self._metadata = folder, fmt, metadata
        self._manifest = manifest

    def write(self, outcome: Outcome) -> None:
        output = self._write_page(outcome)
        entry = {"id": outcome.page.name, "source": outcome.page.source,
                 "url": outcome.page.url, "status": outcome.status, "reason": outcome.reason,
                 "output": output}
        self._manifest.write(json.dumps({k: v for k, v in entry.items() if v is not None},
                                        ensure_ascii=False) + "\n")

    def _write_page(self, outcome: Outcome) -> str | None:
        if self._fmt in ("json", "jsonl"):
            text: str | None = json.dumps(outcome.record(), ensure_ascii=False, indent=2)
        else:
            text = body(outcome, self._fmt, metadata=self._metadata)
        if text is None:
            return None
        relative = outcome.page.name + SUFFIX[self._fmt]
        path = self._folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        return relative


@contextmanager
def open_writer(fmt: str, *, folder: Path | None, metadata: bool) -> Iterator[Writer]:
    """A writer to `folder` (with its manifest) or to stdout, closed on the way out."""
    if folder is None:
        writer = StreamWriter(sys.stdout, fmt, metadata=metadata)
        yield writer
        writer.close()
        return
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / MANIFEST).open("w", encoding="utf-8") as manifest:
        yield FolderWriter(folder, fmt, metadata=metadata, manifest=manifest)
