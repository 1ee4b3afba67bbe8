"""The envelopes that cross Redis: jobs in, results out. Shared by producers and workers.

A job is plain JSON (schema: `workers/schemas/job.schema.json`). Its content
is the raw page as text, or bytes as `base64` / `gzip+base64` (what
`Job.from_content` picks for binary or large pages). Results are
`CleanedMessage` (the cleaner's document plus the job's pass-through fields)
or `FailedMessage` (a typed `FailReason` and the job itself, for a retry).

Errors, raised by `decode_job` and turned into `FailedMessage`s by the task:

    JobError          base: carries the FailReason a failed result records
    ├── InvalidJob    not JSON, not an object, unknown/missing/malformed fields
    └── JobTooLarge   the message or its decoded content is above its cap

It is also the one module that writes and reads the job ids a Celery task
message carries (`task_args`, `job_ids_of_task`, `job_ids_of_queued`).

This module must not import `cleaner`: producers install only redis + celery.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self, cast

import pybase64
from isal import igzip, isal_zlib
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    TypeAdapter,
    ValidationError,
    field_validator,
)

SCHEMA_VERSION: Final = "1"
SCHEMA_DIR = Path(__file__).with_name("schemas")
JOB_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$"
# `meta` is passed through to every reader of the result (Lua's cjson, other languages'
# parsers): nesting past this is refused at the door rather than break them later.
MAX_META_DEPTH = 32
# Pages above this many bytes travel gzip-compressed: text compresses ~5x and
# a smaller message is a cheaper Redis round trip and less broker memory.
COMPRESS_ABOVE_BYTES = 32 * 1024


class FailReason(StrEnum):
    """Why a job gave no document: the cleaner's RejectReason values plus the worker's own."""

    # from cleaner.RejectReason (a test keeps the two lists in step)
    EMPTY = "empty"
    BINARY = "binary"
    TOO_LARGE = "too_large"  # also: the job message or decoded content is above its cap
    TOO_COMPLEX = "too_complex"
    UNDECODABLE = "undecodable"
    NO_ARTICLE = "no_article"
    INTERNAL_ERROR = "internal_error"
    # worker-side
    INVALID_JOB = "invalid_job"  # not JSON, unknown or missing fields, bad values
    TIMEOUT = "timeout"  # cleaning ran past the soft time limit
    CRASHED = "crashed"  # delivered more than max_deliveries times: killed child, lost worker


# Retrying these can give a different answer; the others are facts about the page.
RETRYABLE_REASONS = frozenset({FailReason.TIMEOUT, FailReason.CRASHED, FailReason.INTERNAL_ERROR})


class ContentEncoding(StrEnum):
    TEXT = "text"
    BASE64 = "base64"
    GZIP_BASE64 = "gzip+base64"


class JobError(Exception):
    """A job that cannot be cleaned; `reason` is what its failed result records."""

    reason = FailReason.INVALID_JOB

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidJob(JobError):
    reason = FailReason.INVALID_JOB


class JobTooLarge(JobError):
    reason = FailReason.TOO_LARGE


class Job(BaseModel):
    """One page to clean. Unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal["1"] = SCHEMA_VERSION
    id: str | None = Field(
        default=None, pattern=JOB_ID_PATTERN,
        description="the caller's id; absent = derived from url + sha256 of the content",
    )
    content: str = Field(description="the raw page, encoded as content_encoding says")
    content_encoding: ContentEncoding = ContentEncoding.TEXT
    url: str | None = Field(default=None, max_length=8192)
    content_type: str | None = Field(default=None, max_length=256, description="e.g. text/html")
    fetched_at: datetime | None = None
    source: str | None = Field(default=None, max_length=256, description="who sent it, free text")
    meta: dict[str, JsonValue] = Field(
        default_factory=dict, description="passed through untouched to the result"
    )

    @field_validator("meta")
    @classmethod
    def _meta_is_shallow(cls, meta: dict[str, JsonValue]) -> dict[str, JsonValue]:
        if _depth(meta) > MAX_META_DEPTH:
            raise ValueError(f"nested deeper than {MAX_META_DEPTH} levels")
        return meta

    @classmethod
    def from_content(cls, content: bytes | str, *, id: str | None = None, **fields: Any) -> Self:
        """A job for `content`: text stays text; large or non-UTF-8 pages are encoded."""
        raw = content.encode() if isinstance(content, str) else content
        if len(raw) > COMPRESS_ABOVE_BYTES:
            # ISA-L level 2: plain gzip, 8x zlib level 5's speed (0.37 vs 2.9 ms for an
            # average 210 KB page) for a 14 % larger job (48 vs 42 KB)
            packed = pybase64.b64encode(igzip.compress(raw, compresslevel=2)).decode("ascii")
            encoding, text = ContentEncoding.GZIP_BASE64, packed
        elif isinstance(content, str) or _is_utf8(raw):
            encoding, text = ContentEncoding.TEXT, raw.decode()
        else:
            encoding, text = ContentEncoding.BASE64, pybase64.b64encode(raw).decode("ascii")
        job_id = id or derive_job_id(fields.get("url"), raw)
        return cls(id=job_id, content=text, content_encoding=encoding, **fields)

    def content_bytes(self, max_bytes: int) -> bytes:
        """The page's bytes; JobTooLarge above `max_bytes`, InvalidJob if mis-encoded."""
        if self.content_encoding is ContentEncoding.TEXT:
            try:
                raw = self.content.encode()
            except UnicodeEncodeError as exc:  # a lone surrogate: JSON allows "\ud800"
                raise InvalidJob(f"content: not encodable as UTF-8 ({exc.reason} at "
                                 f"character {exc.start}); send such bytes as base64") from None
        else:
            try:
                raw = pybase64.b64decode(self.content, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise InvalidJob(f"content: not valid base64 ({exc})") from None
            if self.content_encoding is ContentEncoding.GZIP_BASE64:
                raw = _gunzip(raw, max_bytes)
        if len(raw) > max_bytes:
            raise JobTooLarge(f"content is {len(raw)} bytes, the cap is {max_bytes}")
        return raw

    def version(self, max_bytes: int) -> str:
        """What the page is: its url and content, hashed. Two submissions of one id with
        different versions are different pages (`IdConflict` at the producer).

        Content that does not decode within `max_bytes` (the job will fail) is
        versioned as sent: `raw-<sha256 of url and content>`."""
        try:
            return derive_job_id(self.url, self.content_bytes(max_bytes))
        except JobError:
            sent = f"{self.url or ''}\n{self.content}".encode("utf-8", "surrogatepass")
            return "raw-" + hashlib.sha256(sent).hexdigest()[:24]

    def resolved_id(self, max_bytes: int) -> str:
        return self.id or self.version(max_bytes)

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)


def decode_job(payload: str | bytes, *, max_job_bytes: int) -> Job:
    """Parse and validate one job message; JobError with a readable detail if it is bad."""
    if len(payload) > max_job_bytes:
        raise JobTooLarge(f"job message is {len(payload)} bytes, the cap is {max_job_bytes}")
    try:
        data = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidJob(f"not JSON: {exc}") from None
    except RecursionError:  # "[[[[...": nested past what any job needs
        raise InvalidJob("not a job: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise InvalidJob(f"a job is a JSON object, got {type(data).__name__}")
    try:
        return Job.model_validate(data)
    except ValidationError as exc:
        raise InvalidJob(_describe(exc)) from None


def derive_job_id(url: str | None, content: bytes) -> str:
    """The deterministic id of a page: the same url and bytes always give the same id."""
    content_hash = hashlib.sha256(content).hexdigest()
    return hashlib.sha256(f"{url or ''}\n{content_hash}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Identity:
    """The id a job message is known by, and the version of the page it carries."""

    id: str
    version: str


def identify(payload: str | bytes, *, max_job_bytes: int, max_content_bytes: int) -> Identity:
    """The identity of a raw job message, even a broken one (decompression capped).

    A valid job gives its own or its derived id and its page's version; a
    broken one is versioned by its bytes (`raw-<sha256>`), and keeps the `id`
    it names when that is a valid id.
    """
    try:
        job = decode_job(payload, max_job_bytes=max_job_bytes)
        version = job.version(max_content_bytes)
        return Identity(job.id or version, version)
    except JobError:
        pass
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
    version = "raw-" + hashlib.sha256(raw).hexdigest()[:24]
    return Identity(claimed_id(payload) or version, version)


def claimed_id(payload: str | bytes) -> str | None:
    """The valid `id` a job message names, if any (broken messages included)."""
    try:
        claimed = json.loads(payload).get("id")
    except (ValueError, AttributeError, RecursionError):
        return None
    return claimed if isinstance(claimed, str) and is_job_id(claimed) else None


def is_job_id(text: str) -> bool:
    return re.fullmatch(JOB_ID_PATTERN, text) is not None


# ------------------------------------------------------------------ task messages
# A Celery task message carries job ids only (a claim check): `args = [[id, ...]]`.


def task_args(job_ids: list[str]) -> list[Any]:
    return [list(job_ids)]


def job_ids_of_task(args: object) -> list[str]:
    """The job ids of a task's args; [] if they are not ours."""
    if isinstance(args, list | tuple) and args and isinstance(args[0], list):
        return [job_id for job_id in args[0] if isinstance(job_id, str)]
    return []


def job_ids_of_queued(raw: bytes | str) -> list[str]:
    """The job ids of a task message as kombu queues it in Redis (JSON); [] if not ours."""
    try:
        return job_ids_of_kombu_message(json.loads(raw))
    except ValueError:
        return []


def job_ids_of_kombu_message(message: Any) -> list[str]:
    """The job ids of a decoded kombu message (a queue entry, an `unacked` one's first item)."""
    try:
        body = cast(str, message["body"])
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body).decode()
        return job_ids_of_task(json.loads(body)[0])  # protocol 2: [args, kwargs, embed]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, binascii.Error):
        return []


# ------------------------------------------------------------------ results


class _ResultBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal["1"] = SCHEMA_VERSION
    id: str
    url: str | None = None
    source: str | None = None
    fetched_at: datetime | None = None
    meta: dict[str, JsonValue] = Field(default_factory=dict)
    version: str | None = Field(
        default=None, description="the version of the page (url + content hashed) it answers",
    )
    finished_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    clean_ms: float | None = Field(
        default=None, ge=0,
        description="milliseconds the worker spent in cleaner.clean on this job: the page's "
                    "own cost, apart from the queue and Redis (none if it never got there)",
    )


class CleanedMessage(_ResultBase):
    """A cleaned page: on `cleaner:results` and under `cleaner:doc:<id>`."""

    status: Literal["cleaned"] = "cleaned"
    document: dict[str, JsonValue] = Field(
        description="the cleaner's CleanedDocument (cleaner/schemas/document.schema.json)"
    )


class FailedMessage(_ResultBase):
    """A job that gave no document: on `cleaner:failed` and under `cleaner:doc:<id>`."""

    status: Literal["failed"] = "failed"
    reason: FailReason
    detail: str
    title: str | None = None
    job: str | None = Field(default=None, description="the job message as received, to retry it")


ResultMessage = Annotated[CleanedMessage | FailedMessage, Field(discriminator="status")]
RESULT_ADAPTER: TypeAdapter[CleanedMessage | FailedMessage] = TypeAdapter(ResultMessage)


def decode_result(payload: str | bytes) -> CleanedMessage | FailedMessage:
    return RESULT_ADAPTER.validate_json(payload)


# ------------------------------------------------------------------ schemas


def schemas() -> dict[str, dict[str, Any]]:
    """The published JSON Schemas, by file name."""
    base = "https://pagecleaner.invalid/schemas"
    return {
        "job.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{base}/job-{SCHEMA_VERSION}.json", "title": "Job",
            **Job.model_json_schema(),
        },
        "result.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{base}/result-{SCHEMA_VERSION}.json", "title": "ResultMessage",
            **RESULT_ADAPTER.json_schema(),
        },
    }


def write_schemas(directory: Path = SCHEMA_DIR) -> None:
    for name, schema in schemas().items():
        (directory / name).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ helpers

def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return b"\x00" not in raw


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress at most max_bytes + 1 bytes: a gzip bomb stops at the cap.

    ISA-L's inflate reads the same gzip as zlib's in under half the time (0.18 vs
    0.42 ms for an average 210 KB page): a worker pays it on every job."""
    inflater = isal_zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        raw = inflater.decompress(data, max_bytes + 1)
    except isal_zlib.error as exc:
        raise InvalidJob(f"content: not valid gzip ({exc})") from None
    if len(raw) > max_bytes:
        raise JobTooLarge(f"content inflates past the cap of {max_bytes} bytes")
    if not inflater.eof:  # cut short in transit: a part of a page is not the page
        raise InvalidJob("content: not valid gzip (the stream ends early)")
    return raw


def _depth(value: object, level: int = 0) -> int:
    """How deep containers nest in a JSON value; stops counting just past the cap."""
    if level > MAX_META_DEPTH or not isinstance(value, dict | list):
        return level
    children = value.values() if isinstance(value, dict) else value
    return max((_depth(child, level + 1) for child in children), default=level + 1)


def _describe(error: ValidationError) -> str:
    """One line per problem: `content: Field required; colour: Extra inputs are not permitted`."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in item["loc"]) or "job"
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)


if __name__ == "__main__":  # python -m workers.messages: rewrite workers/schemas/*.json
    write_schemas()
