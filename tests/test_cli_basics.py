from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.cli import cli
from pipeline.project import load_project

COMMANDS = sorted(cli.commands)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd)


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"filmpipe {__version__}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_summary_and_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip().splitlines()[0].endswith(".")
    assert "Example:" in command.help
    result = run(name, "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout


def test_doctor_on_this_machine() -> None:
    result = run("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    for needle in ("encoder libx264", "caption text shaping (HarfBuzz)", "Noto Nastaliq Urdu", "Noto Sans Bengali"):
        assert needle in result.stdout


def test_doctor_reports_missing_font(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from pipeline import doctor, fonts

    real = fonts.find_font
    monkeypatch.setattr(fonts, "find_font", lambda family: None if "Bengali" in family else real(family))
    checks = doctor.check_machine(("en", "bn"))
    bad = [c for c in checks if not c.ok]
    assert [c.name for c in bad] == ["font Noto Sans Bengali (for bn)"]
    assert bad[0].fix == "apt-get install -y fonts-noto-core"


def test_init_then_load(tmp_path: Path) -> None:
    target = tmp_path / "My Film"
    result = run("init", str(target), "--language", "pl", "--language", "ur")
    assert result.returncode == 0, result.stderr
    project = load_project(target)
    assert project.film.id == "my-film"
    assert [l.code for l in project.languages] == ["en", "pl", "ur"]
    assert (target / "subtitles").is_dir() and (target / "README.md").is_file()
    again = run("init", str(target))
    assert again.returncode == 2
    assert again.stderr.startswith("Error: ") and "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_init_rejects_unknown_language(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "x"), "--language", "zz-notreal")
    assert result.returncode == 2
    assert "is not a BCP 47 language tag" in result.stderr
    assert not (tmp_path / "x").exists()


def test_config_error_exit_code_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "film.toml").write_text("[film]\nid = 'x'\n", encoding="utf-8")
    result = run("validate", "-p", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ")


def test_usage_error_is_exit_2() -> None:
    assert run("validate", "--no-such-option").returncode == 2
    assert run("no-such-command").returncode == 2
