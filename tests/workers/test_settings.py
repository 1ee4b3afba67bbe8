"""WorkerSettings: the only env reads; limits that must stay ordered; key names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from workers.conf import celery_conf
from workers.settings import WorkerSettings


def test_settings_come_from_cleaner_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANER_REDIS_URL", "redis://h:1/2")
    monkeypatch.setenv("CLEANER_CONCURRENCY", "3")
    monkeypatch.setenv("CLEANER_KEY_PREFIX", "pc")
    settings = WorkerSettings.from_env()
    assert (settings.redis_url, settings.concurrency) == ("redis://h:1/2", 3)
    assert settings.keys.results == "pc:results"
    assert settings.keys.doc("x") == "pc:doc:x"
    assert WorkerSettings(**{k.removeprefix("CLEANER_").lower(): v
                             for k, v in settings.to_env().items()}) == settings


def test_time_limits_must_stay_below_the_visibility_timeout() -> None:
    with pytest.raises(ValidationError, match="visibility_timeout"):
        WorkerSettings(time_limit=400, visibility_timeout=300)


def test_celery_conf_is_json_only_late_ack_and_consistent() -> None:
    conf = celery_conf(WorkerSettings(redis_url="redis://h/0"))
    assert conf["accept_content"] == ["json"]
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["task_ignore_result"] and conf["result_backend"] is None
    visibility = conf["broker_transport_options"]["visibility_timeout"]
    assert visibility == conf["visibility_timeout"]
    assert conf["task_soft_time_limit"] < conf["task_time_limit"] < visibility


def test_celery_conf_refuses_a_missing_redis_url() -> None:
    with pytest.raises(ValueError, match="CLEANER_REDIS_URL"):
        celery_conf(WorkerSettings(redis_url=None))
