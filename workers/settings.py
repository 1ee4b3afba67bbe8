"""Every knob of the service, read from `CLEANER_*` environment variables in one place.

This module holds the only environment reads in the repository: everything
else receives a `WorkerSettings`. Key names derive from one prefix so that two
deployments (or two test runs) can share a Redis server without seeing each
other's keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class WorkerSettings(BaseSettings):
    """The service's settings; the env var of `field` is `CLEANER_FIELD`."""

    model_config = SettingsConfigDict(env_prefix="CLEANER_", frozen=True, extra="ignore")

    # Redis for broker and results; unset = the embedded server of `cleaner run`
    redis_url: str | None = None
    key_prefix: str = Field(default="cleaner", pattern=r"^[A-Za-z0-9_.-]+$")
    queue: str = "cleaner"  # the Celery queue (a Redis list) of clean tasks
    concurrency: int | None = Field(default=None, ge=1)  # pool processes; unset = CPU count
    # Time limits: soft raises inside the task (-> failed "timeout"), hard kills
    # the child. Both must stay under the visibility timeout, or a slow page is
    # redelivered to a second worker while the first still runs it.
    soft_time_limit: int = Field(default=60, ge=1)
    time_limit: int = Field(default=90, ge=1)
    visibility_timeout: int = Field(default=300, ge=1)
    max_tasks_per_child: int = Field(default=1000, ge=1)  # lxml/trafilatura caches grow
    max_memory_per_child_kib: int = Field(default=512_000, ge=10_000)
    max_deliveries: int = Field(default=3, ge=1)  # task starts before a job fails as crashed
    # Messages each pool process reserves. 1 is the crash-safe default (a dead worker strands
    # the fewest), but each child then idles while its next message is fetched (~2 ms).
    # Reserved messages are unacked, so a crash only delays them to the visibility timeout.
    prefetch_multiplier: int = Field(default=1, ge=1)
    # Jobs per task message (`submit_many` groups them): that ~2 ms wait is paid once per
    # message, not once per page. See `message_budget_s` for the time limits.
    jobs_per_message: int = Field(default=16, ge=1, le=1000)
    task_events: bool = False  # send task events (Flower, exporters)
    # The sweeper resubmits ledger jobs the broker lost (docs/service.md "Reliability"); its
    # deadline must exceed the hard time limit, or it resubmits jobs still running
    sweeper_enabled: bool = True
    sweep_interval_s: int = Field(default=30, ge=1)  # one sweep per interval, fleet-wide
    sweep_after_s: int = Field(default=180, ge=1)  # silence after which a job counts as lost
    # Results
    results_maxlen: int = Field(default=100_000, ge=1)  # approximate MAXLEN of the stream
    failed_maxlen: int = Field(default=100_000, ge=1)
    # Past its maxlen a stream keeps the entries a consumer group has not read, up to this
    # hard ceiling (docs/service.md "Memory"); the sweeper warns by name of the lagging group
    streams_ceiling: int = Field(default=1_000_000, ge=1)
    doc_ttl_seconds: int = Field(default=24 * 3600, ge=1)  # life of cleaner:doc:<id>
    # Producers refuse new jobs once Redis uses this share of its maxmemory: the rest is
    # room for the accepted jobs to finish (outcomes, the broker's bookkeeping)
    submit_memory_share: float = Field(default=0.85, gt=0, le=1)
    # Jobs: caps on one encoded job message, and on its decoded content
    max_job_bytes: int = Field(default=8 * MIB, ge=1024)
    max_content_bytes: int = Field(default=10 * MIB, ge=1024)
    # The inbox stream that plain-Redis producers write to
    inbox_enabled: bool = True
    inbox_batch: int = Field(default=50, ge=1)
    inbox_block_ms: int = Field(default=1000, ge=10)
    inbox_claim_idle_ms: int = Field(default=60_000, ge=1000)
    heartbeat_file: Path | None = None  # touched while the worker talks to Redis
    metrics_port: int | None = Field(default=None, ge=1, le=65535)  # GET /metrics; unset: none
    # Near-duplicates (workers/dedup.py): every document is looked up in, then added to, an
    # index in Redis that remembers a document this long (~3.4 KB each: docs/service.md
    # "Near-duplicates"); unset threshold = the library's DEFAULT_THRESHOLD, resolved in
    # workers/dedup.py: producers and the sweeper read these settings without the library
    dedup_enabled: bool = True
    dedup_threshold: float | None = Field(default=None, gt=0, le=1)
    dedup_window_s: int = Field(default=2 * 24 * 3600, ge=60)
    # How the worker cleans (the CleanOptions it builds)
    clean_mode: Literal["auto", "html", "text"] = "auto"
    include_removed: bool = True
    include_markdown: bool = False
    # The embedded server of `cleaner run` (used only when redis_url is unset)
    embedded_dir: Path = Path(".redis-cleaner")

    @classmethod
    def from_env(cls) -> Self:
        return cls()

    @model_validator(mode="after")
    def _limits_are_ordered(self) -> Self:
        if not self.soft_time_limit < self.time_limit < self.visibility_timeout:
            raise ValueError(
                "need soft_time_limit < time_limit < visibility_timeout, got "
                f"{self.soft_time_limit} / {self.time_limit} / {self.visibility_timeout}"
            )
        return self

    @model_validator(mode="after")
    def _sweep_after_a_healthy_job(self) -> Self:
        if self.sweep_after_s <= self.time_limit:
            raise ValueError(f"need sweep_after_s > time_limit, got {self.sweep_after_s} / "
                             f"{self.time_limit}: the sweeper would resubmit running jobs")
        return self

    @model_validator(mode="after")
    def _ceiling_above_caps(self) -> Self:
        if self.streams_ceiling < max(self.results_maxlen, self.failed_maxlen):
            raise ValueError("need streams_ceiling >= results_maxlen and failed_maxlen")
        return self

    @property
    def message_budget_s(self) -> float:
        """A message stops starting pages after this long and hands the rest back to the queue.

        The time limits are per message: a sixth of the soft limit (10 s of 60)
        leaves every page at least five sixths of it, and the hard limit's
        margin stays what it is for one page.
        """
        return self.soft_time_limit / 6

    @property
    def keys(self) -> Keys:
        return Keys(self.key_prefix)

    def to_env(self) -> dict[str, str]:
        """The CLEANER_* variables that recreate the explicitly set fields in a subprocess."""
        env = {}
        for name in sorted(self.model_fields_set):
            value = getattr(self, name)
            if value is not None:
                text = str(value).lower() if isinstance(value, bool) else str(value)
                env[f"CLEANER_{name.upper()}"] = text
        return env


@dataclass(frozen=True, slots=True)
class Keys:
    """The Redis key names, all under one prefix. docs/service.md lists them."""

    prefix: str

    @property
    def inbox(self) -> str:
        return f"{self.prefix}:inbox"

    @property
    def inbox_group(self) -> str:
        return f"{self.prefix}-inbox"

    @property
    def results(self) -> str:
        return f"{self.prefix}:results"

    @property
    def failed(self) -> str:
        return f"{self.prefix}:failed"

    @property
    def pending(self) -> str:
        return f"{self.prefix}:pending"

    @property
    def deliveries(self) -> str:
        return f"{self.prefix}:deliveries"

    @property
    def stats(self) -> str:
        return f"{self.prefix}:stats"

    @property
    def jobs(self) -> str:
        return f"{self.prefix}:jobs"

    @property
    def versions(self) -> str:
        return f"{self.prefix}:versions"

    @property
    def sweeper_lock(self) -> str:
        return f"{self.prefix}:sweeper"

    def doc(self, job_id: str) -> str:
        return f"{self.prefix}:doc:{job_id}"

    def rate(self, bucket: int) -> str:
        return f"{self.prefix}:rate:{bucket}"

    def lsh(self, bucket: str) -> str:
        """A hash of band keys, `<period>:<bucket>` (workers/dedup.py)."""
        return f"{self.prefix}:lsh:{bucket}"

    def signature(self, job_id: str) -> str:
        return f"{self.prefix}:sig:{job_id}"

    def cluster(self, original: str) -> str:
        return f"{self.prefix}:dups:{original}"

    @property
    def clusters(self) -> str:
        return f"{self.prefix}:clusters"
