"""Jobs and results: encode/decode round trips, typed validation errors, ids, schemas."""

from __future__ import annotations

import base64
import gzip
import json

import jsonschema
import pytest

from cleaner import RejectReason
from workers.messages import (
    COMPRESS_ABOVE_BYTES,
    SCHEMA_DIR,
    CleanedMessage,
    ContentEncoding,
    FailedMessage,
    FailReason,
    InvalidJob,
    Job,
    JobTooLarge,
    decode_job,
    decode_result,
    derive_job_id,
    identify,
    job_ids_of_queued,
    job_ids_of_task,
    schemas,
    task_args,
)

CAP = 1024 * 1024


def test_text_page_round_trips_as_text() -> None:
    job = Job.from_content("<p>hello</p>", url="https://e.com/a", meta={"crawl": 7})
    assert job.content_encoding is ContentEncoding.TEXT
    back = decode_job(job.to_json(), max_job_bytes=CAP)
    assert back == job
    assert back.content_bytes(CAP) == b"<p>hello</p>"


def test_large_page_travels_gzipped_and_comes_back_identical() -> None:
    page = ("<p>" + "word " * COMPRESS_ABOVE_BYTES + "</p>").encode()
    job = Job.from_content(page)
    assert job.content_encoding is ContentEncoding.GZIP_BASE64
    assert len(job.to_json()) < len(page) / 5
    assert decode_job(job.to_json(), max_job_bytes=CAP).content_bytes(CAP) == page


def test_non_utf8_bytes_travel_as_base64() -> None:
    job = Job.from_content(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert job.content_encoding is ContentEncoding.BASE64
    assert job.content_bytes(CAP) == b"\x89PNG\r\n\x1a\n\x00\x00"


def test_id_is_derived_from_url_and_content_deterministically() -> None:
    first = Job.from_content(b"<p>x</p>", url="https://e.com/a")
    assert first.id == Job.from_content(b"<p>x</p>", url="https://e.com/a").id
    assert first.id == derive_job_id("https://e.com/a", b"<p>x</p>")
    assert first.id != Job.from_content(b"<p>x</p>", url="https://e.com/b").id
    assert first.id != Job.from_content(b"<p>y</p>", url="https://e.com/a").id
    assert Job.from_content(b"<p>x</p>", id="mine-1").id == "mine-1"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "a job is a JSON object"),
        ('{"id": "a"}', "content: Field required"),
        ('{"content": "x", "colour": "red"}', "colour: Extra inputs are not permitted"),
        ('{"content": "x", "id": "has space"}', "id: String should match pattern"),
        ('{"content": "x", "fetched_at": "yesterday"}', "fetched_at:"),
        ('{"content": "x", "content_encoding": "zip"}', "content_encoding:"),
    ],
)
def test_malformed_jobs_raise_invalid_job_with_a_readable_detail(
    payload: str, expected: str
) -> None:
    with pytest.raises(InvalidJob) as caught:
        decode_job(payload, max_job_bytes=CAP)
    assert expected in caught.value.detail
    assert caught.value.reason is FailReason.INVALID_JOB


def test_oversized_message_is_too_large_before_parsing() -> None:
    with pytest.raises(JobTooLarge) as caught:
        decode_job("x" * 2048, max_job_bytes=1024)
    assert caught.value.reason is FailReason.TOO_LARGE


def test_gzip_bomb_stops_at_the_content_cap() -> None:
    bomb = base64.b64encode(gzip.compress(b"\0" * (5 * CAP))).decode()
    job = Job(content=bomb, content_encoding=ContentEncoding.GZIP_BASE64)
    with pytest.raises(JobTooLarge):
        job.content_bytes(CAP)


@pytest.mark.parametrize(
    "packed",
    [b"notgzip", b"\x1f\x8b\x08\x00" + b"junk" * 30, gzip.compress(b"<p>page</p>" * 500)[:40]],
    ids=["not-gzip", "bad-deflate", "cut-short"],
)
def test_broken_gzip_is_an_invalid_job(packed: bytes) -> None:
    content = base64.b64encode(packed).decode()
    job = Job(content=content, content_encoding=ContentEncoding.GZIP_BASE64)
    with pytest.raises(InvalidJob, match="not valid gzip"):
        job.content_bytes(CAP)


def test_bad_base64_is_an_invalid_job() -> None:
    with pytest.raises(InvalidJob, match="base64"):
        Job(content="!!!", content_encoding=ContentEncoding.BASE64).content_bytes(CAP)


def identity_of(payload: str) -> tuple[str, str]:
    identity = identify(payload, max_job_bytes=CAP, max_content_bytes=CAP)
    return identity.id, identity.version


def test_broken_payloads_still_get_a_stable_id() -> None:
    keep_id, keep_version = identity_of('{"id": "keep-me", "colour": 1}')
    assert keep_id == "keep-me" and keep_version.startswith("raw-")
    raw_id, _ = identity_of("{not json")
    assert raw_id.startswith("raw-")
    assert raw_id == identity_of("{not json")[0]
    assert identity_of("[" * 100_000)[0].startswith("raw-")  # deeper than json can parse
    valid = Job.from_content(b"<p>x</p>", url="u")
    no_id = json.dumps({"content": "<p>x</p>", "url": "u"})
    assert identity_of(no_id) == (valid.id, valid.id)


def test_the_version_is_the_page_whatever_its_encoding_or_fields() -> None:
    page = b"<p>" + b"words " * 10_000 + b"</p>"
    plain = Job.from_content(page, id="a", url="u", source="one")
    packed = Job(id="a", url="u", content=base64.b64encode(gzip.compress(page)).decode(),
                 content_encoding=ContentEncoding.GZIP_BASE64, meta={"k": 1})
    assert plain.version(CAP) == packed.version(CAP)
    assert plain.version(CAP) != Job.from_content(page + b" ", id="a", url="u").version(CAP)


def test_a_gzip_bomb_is_inflated_only_to_the_cap_to_identify_it() -> None:
    bomb = base64.b64encode(gzip.compress(b"\0" * (64 * CAP))).decode()
    payload = json.dumps({"content": bomb, "content_encoding": "gzip+base64"})
    job_id, version = identity_of(payload)  # finding 8: capped, so ~1 MB, not 64 MB
    assert job_id == version and version.startswith("raw-")


def test_task_messages_carry_job_ids_written_and_read_in_one_place() -> None:
    assert job_ids_of_task(task_args(["a", "b"])) == ["a", "b"]
    assert job_ids_of_task(["a", "{}"]) == []  # not ours
    assert job_ids_of_queued(b"{not json") == []
    body = base64.b64encode(json.dumps([task_args(["x"]), {}, {}]).encode()).decode()
    queued = json.dumps({"body": body, "properties": {"body_encoding": "base64"}})
    assert job_ids_of_queued(queued) == ["x"]


def test_results_round_trip_through_their_discriminator() -> None:
    cleaned = CleanedMessage(id="a", document={"text": "t", "word_count": 1}, meta={"k": [1]})
    failed = FailedMessage(id="b", reason=FailReason.BINARY, detail="png", job="{}")
    assert decode_result(cleaned.model_dump_json()) == cleaned
    assert decode_result(failed.model_dump_json()) == failed


def test_fail_reasons_include_every_cleaner_reject_reason() -> None:
    assert {r.value for r in RejectReason} <= {r.value for r in FailReason}


@pytest.mark.parametrize("name", sorted(schemas()))
def test_published_schema_files_match_the_models(name: str) -> None:
    on_disk = json.loads((SCHEMA_DIR / name).read_text())
    assert on_disk == schemas()[name], "regenerate: python -m workers.messages"


def test_job_schema_accepts_a_plain_job_and_rejects_unknown_fields() -> None:
    schema = schemas()["job.schema.json"]
    jsonschema.validate({"id": "a1", "content": "<p>x</p>", "meta": {"k": 1}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"content": "x", "colour": "red"}, schema)
