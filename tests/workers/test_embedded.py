"""The embedded redis-server: starts from the wheel, persists with AOF, attaches only to its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.embedded import EmbeddedRedis

pytestmark = pytest.mark.integration


def test_data_survives_a_restart_on_the_same_dir(tmp_path: Path) -> None:
    with EmbeddedRedis.start(tmp_path / "data") as server:
        client = server.client()
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        client.set("k", "v")
    assert EmbeddedRedis.running(tmp_path / "data") is None
    with EmbeddedRedis.open(tmp_path / "data") as again:
        assert again.owned
        assert again.client().get("k") == b"v"


def test_open_attaches_to_a_running_server_without_owning_it(tmp_path: Path) -> None:
    with EmbeddedRedis.start(tmp_path / "data") as server:
        attached = EmbeddedRedis.open(tmp_path / "data")
        assert (attached.port, attached.owned) == (server.port, False)
        attached.stop()  # a no-op: it is not ours
        assert server.client().ping()


def test_running_ignores_a_server_of_another_data_dir(
    tmp_path: Path, redis_server: EmbeddedRedis
) -> None:
    (tmp_path / "server.json").write_text(f'{{"port": {redis_server.port}, "pid": 1}}')
    assert EmbeddedRedis.running(tmp_path) is None
