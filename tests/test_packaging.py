"""Every data file the packages read ships in the wheel: the Docker image installs the wheel,
not the checkout, so a file pyproject's package-data misses only fails in production."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cleaner", "workers")


def _package_data() -> dict[str, list[str]]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["setuptools"]["package-data"]


def _data_files(package: str) -> list[Path]:
    root = ROOT / package
    return [path.relative_to(root) for path in root.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"}
            and "__pycache__" not in path.parts]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_data_file_is_declared_as_package_data(package: str) -> None:
    globs = _package_data()[package]
    undeclared = [str(path) for path in _data_files(package)
                  if not any(path.match(glob) for glob in globs)]
    assert not undeclared, f"add to [tool.setuptools.package-data] {package}: {undeclared}"
