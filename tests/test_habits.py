"""The habits that keep the code clean are wired in: `make test` runs `make check` first."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_targets() -> dict[str, tuple[list[str], list[str]]]:
    """target -> (prerequisites, recipe lines) from the Makefile."""
    targets: dict[str, tuple[list[str], list[str]]] = {}
    current = None
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z][\w-]*):(?!=)\s*(.*)$", line)
        if match:
            current = match.group(1)
            targets[current] = (match.group(2).split(), [])
        elif line.startswith("\t") and current:
            targets[current][1].append(line.strip())
    return targets


def test_make_test_runs_check_first() -> None:
    targets = make_targets()
    assert "check" in targets["test"][0], "make test must depend on make check"


def test_check_runs_ruff_lint_format_and_mypy() -> None:
    recipe = " ".join(make_targets()["check"][1])
    for command in ("ruff check .", "ruff format --check .", "mypy"):
        assert command in recipe, f"make check does not run '{command}'"


def test_mypy_checks_the_whole_package() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[tool.mypy]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'files\s*=\s*\[\s*"pipeline"\s*\]', section), section
