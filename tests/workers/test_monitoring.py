"""The compose `monitoring` profile, checked as data: Flower with auth, Prometheus scraping
every worker's /metrics port, and a dashboard and alerts that query only exported metrics."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from tests.workers.conftest import REPO
from workers.metrics import METRIC_NAMES

MONITORING = REPO / "monitoring"
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return data


def test_the_monitoring_profile_scrapes_every_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("flower", "prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
        assert re.search(r":v?\d+\.\d+\.\d+$", services[name]["image"]), "pin an exact version"
        assert all(port.startswith("127.0.0.1:") for port in services[name].get("ports", []))
    assert "FLOWER_BASIC_AUTH" in services["flower"]["environment"]
    assert "GF_SECURITY_ADMIN_PASSWORD" in services["grafana"]["environment"]
    port = int(services["worker"]["environment"]["CLEANER_METRICS_PORT"])
    scrape = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    [job] = scrape["scrape_configs"]
    [discovery] = job["dns_sd_configs"]
    assert (discovery["names"], discovery["port"]) == (["worker"], port)
    mounted = " ".join(services["prometheus"]["volumes"])
    assert "./monitoring/prometheus.yml:" in mounted and "./monitoring/alerts.yml:" in mounted


def _queried_metrics(text: str) -> set[str]:
    names = set()
    for found in re.findall(r"\bcleaner_[a-z_]+", text):
        bases = [found.removesuffix(s) for s in HISTOGRAM_SUFFIXES if found.endswith(s)]
        names.add(next((base for base in bases if base in METRIC_NAMES), found))
    return names


def test_the_dashboard_and_alerts_query_only_exported_metrics() -> None:
    dashboard = json.loads((MONITORING / "grafana" / "dashboards" / "cleaner.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    alerts = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    exprs += [rule["expr"] for group in alerts["groups"] for rule in group["rules"]]
    queried = _queried_metrics("\n".join(exprs))
    assert queried <= set(METRIC_NAMES)
    assert {"cleaner_jobs_total", "cleaner_job_latency_seconds",
            "cleaner_group_behind_seconds"} <= queried
