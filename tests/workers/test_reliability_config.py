"""Security and crash-safety settings as built: TLS and passwords reach every client, no pickle,
kombu's restore sweep follows the visibility timeout, and `clean` never touches the network."""

from __future__ import annotations

import socket
import ssl
from typing import Any

import pytest
import redis

from cleaner import CleanedDocument, Rejected, clean
from tests.workers.conftest import REPO
from workers.conf import celery_conf
from workers.producer import make_producer_app
from workers.publisher import connect
from workers.settings import WorkerSettings


def broker_and_results(url: str) -> tuple[Any, redis.Redis]:
    """The kombu connection a producer or worker opens, and the results client, unconnected."""
    app = make_producer_app(WorkerSettings(redis_url=url))
    return app.connection_for_write(), connect(url)


def test_a_rediss_url_verifies_the_certificate_in_broker_and_results_client() -> None:
    broker, results = broker_and_results("rediss://:pw@cache.internal:6380/0")
    assert broker.transport_cls == "workers.conf:RedisTransport"  # kombu's, OOM tolerant
    assert broker.ssl == {"ssl_cert_reqs": ssl.CERT_REQUIRED}  # kombu alone would use CERT_NONE
    assert broker.password == "pw"
    connection = results.connection_pool.make_connection()
    assert isinstance(connection, redis.SSLConnection)
    assert connection.cert_reqs == ssl.CERT_REQUIRED
    assert connection.password == "pw"


def test_tls_options_in_the_url_reach_both_clients() -> None:
    url = "rediss://:pw@cache.internal:6380/0?ssl_cert_reqs=optional&ssl_ca_certs=/etc/ca.pem"
    assert celery_conf(WorkerSettings(redis_url=url))["broker_use_ssl"] == {
        "ssl_cert_reqs": ssl.CERT_OPTIONAL, "ssl_ca_certs": "/etc/ca.pem"}
    _broker, results = broker_and_results(url)
    connection = results.connection_pool.make_connection()
    assert isinstance(connection, redis.SSLConnection)
    assert (connection.cert_reqs, connection.ca_certs) == (ssl.CERT_OPTIONAL, "/etc/ca.pem")


def test_a_bad_tls_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="ssl_cert_reqs"):
        celery_conf(WorkerSettings(redis_url="rediss://h/0?ssl_cert_reqs=maybe"))


def test_a_plain_url_with_a_password_reaches_both_clients_without_tls() -> None:
    assert "broker_use_ssl" not in celery_conf(WorkerSettings(redis_url="redis://:pw@h/0"))
    broker, results = broker_and_results("redis://:pw@h:6379/0")
    assert (broker.password, broker.ssl) == ("pw", False)
    assert results.connection_pool.connection_kwargs["password"] == "pw"


def test_no_pickle_anywhere() -> None:
    conf = celery_conf(WorkerSettings(redis_url="redis://h/0"))
    assert conf["accept_content"] == ["json"]
    assert {conf[name] for name in ("task_serializer", "result_serializer",
                                    "event_serializer")} == {"json"}
    for path in sorted((REPO / "workers").glob("*.py")):  # "pickle" only in comments
        for line in path.read_text().splitlines():
            assert "#" in line.split("pickle")[0] if "pickle" in line else True, (path, line)


def test_kombus_restore_sweep_and_the_limits_follow_the_settings() -> None:
    settings = WorkerSettings(redis_url="redis://h/0", soft_time_limit=3, time_limit=5,
                              visibility_timeout=10, sweep_after_s=8)
    conf = celery_conf(settings)
    transport = conf["broker_transport_options"]
    assert transport["visibility_timeout"] == conf["visibility_timeout"] == 10
    assert conf["result_backend_transport_options"]["visibility_timeout"] == 10
    # an unacked message of a dead worker is back within ~visibility + 1 s, not +100 s
    assert transport["unacked_restore_interval"] * transport["unacked_restore_throttle"] == 1
    assert conf["task_soft_time_limit"] < conf["task_time_limit"] < 10
    assert conf["worker_max_tasks_per_child"] and conf["worker_max_memory_per_child"]
    assert conf["worker_cancel_long_running_tasks_on_connection_loss"] is True


PAGE_WITH_REMOTE_THINGS = b"""<html><head><title>Remote</title>
<link rel="stylesheet" href="https://cdn.example.com/a.css">
<script src="https://cdn.example.com/a.js"></script>
<script>fetch("https://example.com/x"); document.write("<p>written</p>")</script>
<meta http-equiv="refresh" content="0; url=https://example.com/elsewhere">
<base href="https://example.com/"></head><body>
<iframe src="https://example.com/frame"></iframe><img src="https://example.com/i.png">
<article><h1>Remote</h1><p>The council said the river rose again during the night and the
volunteers filled sandbags until morning, while the road stayed closed.</p></article>
<object data="https://example.com/o.swf"></object></body></html>"""


def test_clean_fetches_and_executes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []

    def refuse(*args: object, **_kwargs: object) -> None:
        opened.append(args)
        raise OSError("no network in clean()")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = clean(PAGE_WITH_REMOTE_THINGS, url="https://example.com/story")
    assert isinstance(result, CleanedDocument | Rejected)
    assert opened == []
    if isinstance(result, CleanedDocument):
        assert "written" not in result.text  # the script's output never exists

