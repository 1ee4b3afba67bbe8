"""Replay each finding of issue 15 against Redis servers and workers this script starts.

    .venv/bin/python bench/edges.py              # every finding, ~5 minutes
    .venv/bin/python bench/edges.py 1 7 9        # some of them

One line per finding: submitted, done, failed (by reason), lost, duplicated,
and the finding's own figure; finding 7 adds one line per pathological page
(`clean()` as a plain library call in a fresh process: seconds and peak RSS).
Duplicated counts a page (id and version) with more than one stream entry: a
page replaced under the same id with `force` is a new version, not a duplicate.
Exit status 1 if anything was lost or duplicated, or a page took over 10 s or
1 GB.

Workers are the docker-compose command (`WorkerProcess`), one pool process
each, with short time limits so the recoveries happen within the run.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import io
import json
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import redis

if __package__ in (None, ""):  # run as `python bench/edges.py`: the repository is the root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.chaos import Tally, article_jobs, tally
from workers.conf import redact_url
from workers.embedded import EmbeddedRedis
from workers.messages import FailedMessage, Job
from workers.process import WorkerProcess
from workers.producer import CleanerClient, IdConflict, InvalidJobId, RedisFull
from workers.results import ResultStore
from workers.runner import RunReport, print_inspection
from workers.settings import WorkerSettings

REPO = Path(__file__).resolve().parents[1]
PAGE_LIMIT_S, PAGE_LIMIT_MB = 10.0, 1024
MARKER = "zqxj-page-content-marker"
LIMITS: dict[str, Any] = {
    "soft_time_limit": 6, "time_limit": 8, "visibility_timeout": 12, "sweep_after_s": 10,
    "sweep_interval_s": 1, "concurrency": 1, "max_deliveries": 5,
}


@dataclass
class Line:
    finding: str
    figures: Tally
    figure: str
    details: list[str] = field(default_factory=list)
    slow: bool = False  # a pathological page past 10 s or 1 GB

    @property
    def ok(self) -> bool:
        return not self.figures.lost and not self.figures.duplicated

    def render(self) -> str:
        f = self.figures
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(f.failed.items())) or "-"
        head = (f"{self.finding:<26} submitted {f.submitted:>4}  done {f.done:>4}  failed "
                f"{sum(f.failed.values()):>3} ({reasons})  lost {len(f.lost)}  duplicated "
                f"{len(f.duplicated)}  | {self.figure}")
        return "\n".join([head, *(f"    {detail}" for detail in self.details)])


class Bench:
    """One Redis server and the workers on it; scenarios that break things start their own."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server = EmbeddedRedis.start(workdir / "redis")
        self.settings = self.settings_for(self.server, key_prefix="edges", queue="edges",
                                          inbox_enabled=True, results_maxlen=200)
        self.workers = [self.worker(self.settings, f"w{n}") for n in range(2)]
        self.client = CleanerClient(self.settings)

    def settings_for(self, server: EmbeddedRedis, **overrides: Any) -> WorkerSettings:
        return WorkerSettings(redis_url=server.url, **{**LIMITS, **overrides})

    def worker(self, settings: WorkerSettings, name: str) -> WorkerProcess:
        return WorkerProcess.start(settings.to_env(), workdir=self.workdir / "logs", name=name)

    def fresh(self) -> None:
        """Empty the streams: each finding tallies its own entries."""
        self.client.redis.delete(self.settings.keys.results, self.settings.keys.failed)

    def wait(self, ids: list[str], settings: WorkerSettings | None = None,
             client: CleanerClient | None = None, timeout_s: float = 180) -> None:
        settings, client = settings or self.settings, client or self.client
        store = ResultStore(client.redis, settings)
        unique = list(dict.fromkeys(ids))
        deadline = time.monotonic() + timeout_s
        while len(store.outcomes(unique)) < len(unique) and time.monotonic() < deadline:
            time.sleep(0.1)

    def tally(self, ids: list[str]) -> Tally:
        return tally(self.client.redis, self.settings, ids)

    def logs(self) -> str:
        return "".join(w.log_path.read_text(errors="replace") for w in self.workers)

    def close(self) -> None:
        self.client.close()
        for worker in self.workers:
            worker.stop()
        self.server.stop()


# ------------------------------------------------------------------ findings


def same_id_different_content(bench: Bench) -> Line:
    bench.fresh()
    first = [job.model_copy(update={"id": f"https-e.com-page-{n}"})
             for n, job in enumerate(article_jobs(50, tag="crawl-1"))]
    second = [job.model_copy(update={"id": f"https-e.com-page-{n}"})
              for n, job in enumerate(article_jobs(50, tag="crawl-2", seed=8))]
    ids = bench.client.submit_many(first)
    conflicts = 0
    try:
        bench.client.submit_many(second)  # while the first crawl is pending or done
    except IdConflict as error:
        conflicts = len(error.conflicts)
    bench.wait(ids)
    bench.client.submit_many(second, force=True)
    versions = {job.id: job.version(2**24) for job in second}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        outcomes = ResultStore(bench.client.redis, bench.settings).outcomes(ids)
        replaced = sum(outcomes[i].version == versions[i] for i in ids if i in outcomes)
        if replaced == len(ids):
            break
        time.sleep(0.1)
    return Line("1 same id, other page", bench.tally(ids),
                f"IdConflict for {conflicts}/50 second pages; forced: {replaced}/50 outcomes "
                "are the new page (before: first page silently overwritten)")


def lagging_consumer_group(bench: Bench) -> Line:
    bench.fresh()
    results = bench.settings.keys.results
    bench.client.redis.xgroup_create(results, "indexer", id="$", mkstream=True)
    ids = bench.client.submit_many(article_jobs(600, tag="lag"))  # 3x the cap of 200
    bench.wait(ids)
    outcomes = ResultStore(bench.client.redis, bench.settings).outcomes(ids)
    cleaned = {i for i in ids if not isinstance(outcomes.get(i), FailedMessage)}
    read: set[str] = set()
    while entries := bench.client.redis.xreadgroup("indexer", "i1", {results: ">"}, count=500):
        read |= {fields[b"id"].decode() for _entry, fields in entries[0][1]}
    missed = len(cleaned - read)
    line = Line("2 lagging consumer group", bench.tally(ids),
                f"a group that read nothing during the run missed {missed} of {len(cleaned)} "
                f"results (cap 200; before: 2,000 of 3,000 at cap 1,000)")
    bench.client.redis.xgroup_destroy(results, "indexer")
    return line


def full_redis(bench: Bench) -> Line:
    with EmbeddedRedis.start(bench.workdir / "full-redis", maxmemory="40mb") as server:
        settings = bench.settings_for(server, key_prefix="full", queue="full")
        client = CleanerClient(settings)
        worker = bench.worker(settings, "full")
        exits, accepted, refused = 0, [], []
        try:
            accepted = client.submit_many(article_jobs(60, tag="full", paragraphs=(20, 80)))
            filler, junk = redis.Redis(port=server.port), 0
            with contextlib.suppress(redis.ResponseError):
                while True:  # another user of the server fills it to maxmemory
                    filler.set(f"junk:{junk}", b"x" * 100_000)
                    junk += 1
            try:
                client.submit_many(article_jobs(20, tag="refused"))
            except RedisFull as error:
                refused, message = error.refused, str(error)
            for _ in range(100):  # ten seconds at the limit
                if worker.process.poll() is not None:
                    exits += 1
                    worker = bench.worker(settings, "full")
                time.sleep(0.1)
            filler.delete(*[f"junk:{n}" for n in range(junk)])
            bench.wait(accepted, settings, client)
            attempted = [str(job.id) for job in article_jobs(20, tag="refused")]
            ran = sum(client.get(job_id) is not None for job_id in attempted)
            figures = tally(client.redis, settings, accepted)
        finally:
            worker.stop()
            client.close()
    quoted = MARKER in message or "<p>" in message
    return Line("3 full Redis", figures,
                f"20 more submitted: RedisFull ({message.partition(':')[0]!r}, page quoted: "
                f"{quoted}, {len(refused)} refused, none accepted), {ran} of them ran; worker "
                f"exits at the limit: {exits} (before: all, then 42 crash-loop exits in 90 s)")


def poison_inbox_entry(bench: Bench) -> Line:
    bench.fresh()
    inbox = bench.settings.keys.inbox
    deep = ["[" * 100_000 + str(n) for n in range(3)]
    for payload in deep:
        bench.client.redis.xadd(inbox, {"job": payload})
    later = article_jobs(50, tag="after-poison")
    for job in later:
        bench.client.redis.xadd(inbox, {"job": job.to_json()})
    deep_ids = ["raw-" + hashlib.sha256(p.encode()).hexdigest()[:24] for p in deep]
    ids = deep_ids + [str(job.id) for job in later]
    bench.wait(ids)
    alive = sum(w.process.poll() is None for w in bench.workers)
    pending = bench.client.redis.xpending(inbox, bench.settings.keys.inbox_group)["pending"]
    return Line("4 poison inbox entry", bench.tally(ids),
                f"3 deep-JSON entries, then 50 jobs: inbox left {bench.client.redis.xlen(inbox)},"
                f" pending {pending}, workers alive {alive}/2 (before: every drainer died)")


def enqueue_jsonl(bench: Bench) -> Line:
    bench.fresh()
    lines = [json.dumps({"id": f"line-{n}", "content": f"<p>{MARKER} line {n}</p>"})
             for n in range(20)]
    lines[7] = '{"id": "line-7", "content": '  # cut short
    lines[12] = "[" * 50_000
    path = bench.workdir / "jobs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    env = {**bench.settings.to_env(), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([str(Path(sys.executable).with_name("cleaner")), "enqueue", "--jsonl",
                           str(path)], capture_output=True, text=True, env=env, check=False)
    ids = [row.split("\t")[0] for row in done.stdout.splitlines() if row.strip()]
    bench.wait(ids)
    traceback = "Traceback" in done.stderr
    return Line("5 enqueue --jsonl", bench.tally(ids),
                f"{len(ids)} of 20 lines sent, ids printed, exit {done.returncode}, traceback "
                f"{traceback} (before: 7 sent, no ids, a traceback)")


def content_in_logs(bench: Bench) -> Line:
    bench.fresh()
    before = len(bench.logs())
    page = f"<p>{MARKER} " * 10_000 + "\ud800 scraped text"
    job_id = bench.client.submit_raw(json.dumps({"id": "lone-surrogate", "content": page}))
    bench.wait([job_id])
    env = {**bench.settings.to_env(), "PATH": str(Path(sys.executable).parent)}
    subprocess.run([str(Path(sys.executable).with_name("cleaner")), "results", "retry-failed",
                    "--all"], capture_output=True, env=env, check=False)
    bench.wait([job_id])
    logged = bench.logs()[before:].count(MARKER)
    return Line("6 page content in logs", bench.tally([job_id]),
                f"{len(page) // 1024} KB page with a lone surrogate: {logged} copies of it in "
                "the worker log (before: the whole page, twice with retry-failed)")


def pathological_pages() -> dict[str, bytes]:
    """34 pages built to be slow or large to clean, each under the 10 MiB cap."""
    w = "flood water river town "

    def html(body: str, head: str = "") -> bytes:
        return f"<html><head>{head}</head><body>{body}</body></html>".encode()

    def attrs(count: int) -> str:
        return " ".join(f"a{n}=x" for n in range(count))

    return {
        "100k attributes, 1 element": html(f"<div {attrs(100_000)}>text</div>"),
        "2M <br>": html("<br>" * 2_000_000),
        "x<br> x 1M": html("x<br>" * 1_000_000),
        "100k nested <div>": html("<div>" * 100_000 + "deep" + "</div>" * 100_000),
        "500k empty <div>": html("<div></div>" * 500_000),
        "200k <p>": html(f"<p>{w}</p>" * 200_000),
        "9 MB text node": html("<p>" + w * 400_000 + "</p>"),
        "600k links": html("<a href=#>x</a>" * 600_000),
        "330k table cells": html("<table>" + ("<tr>" + "<td>c</td>" * 10 + "</tr>") * 30_000
                                 + "</table>"),
        "300k <li>": html("<ul>" + "<li>item</li>" * 300_000 + "</ul>"),
        "1M entities": html("<p>" + "&amp;" * 1_000_000 + "</p>"),
        "500k comments": html("<!-- c -->" * 500_000 + "<p>text</p>"),
        "8 MB attribute value": html("<div title='" + "x" * 8_000_000 + "'>text</div>"),
        "300k span/b/i": html("<span><b><i>w</i></b></span>" * 300_000),
        "500k unclosed <b>": html("<b>w " * 500_000),
        "200k <script>": html("<script>var a=1;</script>" * 200_000 + "<p>text</p>"),
        "8 MB <title>": html("<p>x</p>", head="<title>" + w * 350_000 + "</title>"),
        "600k <img>": html("<img src=a.png>" * 600_000),
        "300k <meta>": html("<p>x</p>", head="<meta name=a content=b>" * 300_000),
        "8 MB JSON-LD": html("<p>x</p>", head='<script type="application/ld+json">'
                             '{"@type":"Article","articleBody":"' + w * 350_000 + '"}</script>'),
        "800 x 1,000 attributes": html(f"<div {attrs(1000)}>t</div>" * 800),
        "text: 350k lines": "\n".join(f"{w}{n}" for n in range(350_000)).encode(),
        "text: one 9 MB line": (w * 400_000).encode(),
        "text: 5M empty lines": ("a\n" + "\n" * 5_000_000 + "b\n").encode(),
        "50k nested <span>": html("<p>" + "<span>" * 50_000 + "x" + "</span>" * 50_000 + "</p>"),
        "300k headings": html("<h2>Title</h2>" * 300_000),
        "600k-line <pre>": html("<pre>" + "line of code;\n" * 600_000 + "</pre>"),
        "1M <br/> in one <p>": html("<p>" + "word<br/>" * 1_000_000 + "</p>"),
        "600k <input>": html("<input name=a>" * 600_000),
        "300k <iframe>": html("<iframe src=x></iframe>" * 300_000),
        "250k hidden <p>": html("<p style='display:none'>hidden</p>" * 250_000),
        "1k x 500 classes": html(("<div class='" + " ".join(f"c{n}" for n in range(500))
                                  + "'>t</div>") * 1000),
        "1M tiny <p>": html("<p>a</p>" * 1_000_000),
        "1.6M &nbsp;": html("<p>" + "&nbsp;" * 1_600_000 + "</p>"),
    }


def measure_page(name: str) -> dict[str, Any]:
    """`clean()` of one page in this process (fresh: started for it): seconds, peak RSS."""
    import resource  # noqa: PLC0415

    from cleaner import CleanedDocument, clean  # noqa: PLC0415
    from cleaner.api import warm_up  # noqa: PLC0415

    page = pathological_pages()[name]
    warm_up()
    started = time.perf_counter()
    result = clean(page)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    answer = "cleaned" if isinstance(result, CleanedDocument) else result.reason.value
    return {"name": name, "seconds": round(seconds, 2), "rss_mb": round(peak_mb),
            "answer": answer}


def pathological(bench: Bench) -> Line:
    bench.fresh()
    pages = pathological_pages()
    details, worst_s, worst_mb = [], 0.0, 0
    for name in pages:
        done = subprocess.run([sys.executable, __file__, "--measure-page", name],
                              capture_output=True, text=True, check=False, cwd=REPO)
        try:
            figures = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            figures = {"name": name, "seconds": float("nan"), "rss_mb": 0, "answer": "crashed"}
        worst_s, worst_mb = max(worst_s, figures["seconds"]), max(worst_mb, figures["rss_mb"])
        details.append(f"{name:<28} {figures['seconds']:>6.2f} s  {figures['rss_mb']:>5} MB  "
                       f"{figures['answer']}")
    jobs = [Job.from_content(page, id=f"patho-{n}") for n, page in enumerate(pages.values())]
    ids = bench.client.submit_many(jobs)
    bench.wait(ids)
    return Line("7 pathological pages", bench.tally(ids),
                f"clean() as a library call: slowest {worst_s:.2f} s, peak RSS {worst_mb} MB "
                f"(before: 9 of 34 over 10 s, up to 2.9 GB)", details,
                slow=worst_s > PAGE_LIMIT_S or worst_mb > PAGE_LIMIT_MB)


def gzip_bomb(bench: Bench) -> Line:
    bench.fresh()
    packer, bomb = zlib.compressobj(9, zlib.DEFLATED, 31), io.BytesIO()
    zeros = b"\0" * (1 << 20)
    for _ in range(1400):  # 1.4 GB of zeros
        bomb.write(packer.compress(zeros))
    bomb.write(packer.flush())
    payload = json.dumps({"content": base64.b64encode(bomb.getvalue()).decode(),
                          "content_encoding": "gzip+base64"})
    mains = [psutil.Process(w.process.pid) for w in bench.workers]
    before = max(p.memory_info().rss for p in mains)
    bench.client.redis.xadd(bench.settings.keys.inbox, {"job": payload})
    producer_before = psutil.Process().memory_info().rss
    job_id = bench.client.submit_raw(payload)  # and through the producer, with no id either
    producer_growth = (psutil.Process().memory_info().rss - producer_before) >> 20
    bench.wait([job_id])
    time.sleep(1)  # the inbox entry too
    growth = (max(p.memory_info().rss for p in mains) - before) >> 20
    return Line("8 gzip bomb, no id", bench.tally([job_id]),
                f"{len(bomb.getvalue()) >> 20} MB inflating to 1.4 GB: worker main process "
                f"+{growth} MB, producer +{producer_growth} MB (before: +1,097 MB)")


def healthy_pages(bench: Bench) -> Line:
    """A worker frozen past the visibility timeout; Redis frozen past the soft limit."""
    bench.fresh()
    frozen_id = stalled_id = ""
    frozen = bench.worker(bench.settings.model_copy(update={"inbox_enabled": False}), "frozen")
    for worker in bench.workers:  # only the worker to freeze takes the job
        _signal_tree(worker, signal.SIGSTOP)
    try:
        frozen_id = bench.client.submit(Job.from_content(_slow_page(18_000), id="frozen-page"))
        _wait_for_delivery(bench.client, bench.settings, frozen_id, 1)
        _signal_tree(frozen, signal.SIGSTOP)
        for worker in bench.workers:
            _signal_tree(worker, signal.SIGCONT)
        _wait_for_delivery(bench.client, bench.settings, frozen_id, 2)
        _signal_tree(frozen, signal.SIGCONT)  # resumes past its soft and hard limits
        bench.wait([frozen_id])
    finally:
        for worker in [*bench.workers, frozen]:
            _signal_tree(worker, signal.SIGCONT)
        frozen.stop()
    figures = bench.tally([frozen_id])
    with EmbeddedRedis.start(bench.workdir / "stall-redis") as server:
        settings = bench.settings_for(server, key_prefix="stall", queue="stall",
                                      soft_time_limit=4, time_limit=8)
        client = CleanerClient(settings)
        worker = bench.worker(settings, "stall")
        try:
            stalled_id = client.submit(Job.from_content(_slow_page(4000), id="stalled-page"))
            _wait_for_delivery(client, settings, stalled_id, 1)
            assert server.process is not None
            server.process.send_signal(signal.SIGSTOP)
            time.sleep(7)  # past the soft limit while the worker waits on Redis
            server.process.send_signal(signal.SIGCONT)
            bench.wait([stalled_id], settings, client)
            stalled = tally(client.redis, settings, [stalled_id])
        finally:
            worker.stop()
            client.close()
    both = _merge(figures, stalled)
    return Line("9 healthy pages", both,
                "frozen past the visibility timeout, and Redis frozen 7 s past a 4 s soft "
                f"limit: {both.done} of 2 cleaned (before: timeout, internal_error); a full "
                "Redis: line 3")


def unreadable_results(bench: Bench) -> Line:
    bench.fresh()
    nested: Any = "leaf"
    for _ in range(200):
        nested = {"k": nested}
    job_id = bench.client.submit_raw(json.dumps({"id": "deep-meta", "content": "<p>x</p>",
                                                 "meta": nested}))
    bench.wait([job_id])
    store = ResultStore(bench.client.redis, bench.settings)
    readers = []
    for reader, call in (("get", lambda: bench.client.get(job_id)),
                         ("tail", lambda: store.tail(5, failed=True))):
        try:
            call()
            readers.append(f"{reader} ok")
        except Exception as error:  # the figure: which reader breaks
            readers.append(f"{reader} {type(error).__name__}")
    outcome = bench.client.get(job_id)
    reason = getattr(outcome, "reason", None)
    return Line("10 unreadable results", bench.tally([job_id]),
                f"meta nested 200 deep: {getattr(reason, 'value', reason)}; "
                f"{', '.join(readers)} (before: accepted, then every reader failed)")


def run_deletes_data(bench: Bench) -> Line:
    from cleaner import CleanOptions  # noqa: PLC0415
    from workers.runner import run_pages  # noqa: PLC0415

    store = bench.workdir / "kept-store"
    server = EmbeddedRedis.start(store, detached=True)  # `cleaner run --keep` left it up
    try:
        settings = WorkerSettings(embedded_dir=store, concurrency=1)
        attached = bench.settings_for(server)
        client = CleanerClient(attached)
        worker = bench.worker(attached, "kept-store")  # others clean pages on it meanwhile
        try:
            ids = client.submit_many(article_jobs(80, tag="from-enqueue"))
            for job in article_jobs(9, tag="from-inbox"):
                client.redis.xadd(attached.keys.inbox, {"job": job.to_json()})
                ids.append(str(job.id))
            bench.wait(ids, attached, client)
        finally:
            worker.stop()
        page = bench.workdir / "page.html"
        page.write_bytes(_slow_page(40))
        with contextlib.redirect_stderr(io.StringIO()):
            report = run_pages([page], settings, CleanOptions(), keep=True, timeout_s=180)
        kept = sum(client.get(job_id) is not None for job_id in ids)
        figures = tally(client.redis, attached, [*ids, *report.ids])
        client.close()
    finally:
        server.stop()
    return Line("11 cleaner run on --keep", figures,
                f"others' results kept: {kept} of {len(ids)} (before: 89 submitted, 10 left)")


def smaller_ones(bench: Bench) -> Line:
    bench.fresh()
    refused = 0
    for bad in ("with space", "new\nline", "*", "x" * 1_000_000):
        try:
            bench.client.submit_raw('{"content": "<p>x</p>"}', bad)
        except InvalidJobId:
            refused += 1
    big = json.dumps({"id": "big-failure", "content": " " * 7_300_000})
    job_id = bench.client.submit_raw(big)
    bench.wait([job_id])
    keys = bench.settings.keys
    [(entry_id, _fields)] = bench.client.redis.xrange(keys.failed, count=1)
    kept = (bench.client.redis.memory_usage(keys.doc(job_id)) or 0)
    kept += len(bench.client.redis.xrange(keys.failed, entry_id, entry_id)[0][1][b"data"])
    printed = io.StringIO()
    url = "redis://:s3cret-pw@cache.internal:6379/0"
    report = RunReport(names=[], ids=[], outcomes={}, seconds=0, url=url, embedded=None)
    print_inspection(report, bench.settings, keep=False, out=printed)
    compose = (REPO / "docker-compose.yml").read_text()
    secured = ("--requirepass" in compose and "FLOWER_BASIC_AUTH" in compose
               and "--maxmemory" in compose and "mem_limit" in compose)
    return Line("12 smaller ones", bench.tally([job_id]),
                f"bad ids refused {refused}/4; a failed 7.3 MB job keeps {kept:,} bytes "
                f"(before 29.4 MB); password printed: {'s3cret' in printed.getvalue()} "
                f"({redact_url(url)}); compose password, maxmemory, Flower auth, worker "
                f"memory limit: {secured}")


FINDINGS: dict[str, Callable[[Bench], Line]] = {
    "1": same_id_different_content, "2": lagging_consumer_group, "3": full_redis,
    "4": poison_inbox_entry, "5": enqueue_jsonl, "6": content_in_logs, "7": pathological,
    "8": gzip_bomb, "9": healthy_pages, "10": unreadable_results, "11": run_deletes_data,
    "12": smaller_ones,
}


# ------------------------------------------------------------------ helpers


def _slow_page(paragraphs: int) -> bytes:
    words = "the council said water levels in the river rose again during the night"
    body = "".join(f"<p>{words} {n}.</p>" for n in range(paragraphs))
    return f"<html><body><article><h1>Flood</h1>{body}</article></body></html>".encode()


def _signal_tree(worker: WorkerProcess, signum: signal.Signals) -> None:
    with contextlib.suppress(psutil.NoSuchProcess):
        main = psutil.Process(worker.process.pid)
        for process in [main, *main.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(signum)


def _wait_for_delivery(client: CleanerClient, settings: WorkerSettings, job_id: str,
                       count: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while int(client.redis.hget(settings.keys.deliveries, job_id) or 0) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{job_id} never reached delivery {count}")
        time.sleep(0.02)


def _merge(first: Tally, second: Tally) -> Tally:
    return Tally(submitted=first.submitted + second.submitted, done=first.done + second.done,
                 failed=Counter(first.failed) + Counter(second.failed),
                 lost=first.lost + second.lost, duplicated=first.duplicated + second.duplicated)


@contextlib.contextmanager
def _bench() -> Iterator[Bench]:
    with tempfile.TemporaryDirectory(prefix="cleaner-edges-") as workdir:
        bench = Bench(Path(workdir))
        try:
            yield bench
        finally:
            bench.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/edges.py", description=__doc__.split("\n")[0])
    parser.add_argument("findings", nargs="*", metavar="FINDING",
                        help=f"some of {', '.join(FINDINGS)} (default: all)")
    parser.add_argument("--measure-page", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_page:
        print(json.dumps(measure_page(args.measure_page)))
        return 0
    unknown = set(args.findings) - set(FINDINGS)
    if unknown:
        parser.error(f"no finding {', '.join(sorted(unknown))}")
    status = 0
    with _bench() as bench:
        for finding in args.findings or list(FINDINGS):
            line = FINDINGS[finding](bench)
            print(line.render(), flush=True)
            if not line.ok or line.slow:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
