"""`filmpipe validate` as a user runs it: exit codes, the JSON contract on stdout, text layout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_validate_corpus import write_project

LANGS = ("en", "pl", "ro", "ur")  # enough for every case here; fewer dubs to decode per run

OVERLAP = (
    "1\n00:00:00,200 --> 00:00:01,400\nCześć, sąsiedzi!\n\n2\n00:00:01,300 --> 00:00:02,900\nPoznaj swój zespół.\n"
)
UNTRANSLATED = (
    "1\n00:00:00,200 --> 00:00:01,400\nHello, neighbours.\n\n2\n00:00:01,600 --> 00:00:02,900\nPoznaj swój zespół.\n"
)


def filmpipe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory, tiny_media: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli-films")
    return {
        "clean": write_project(root / "clean", tiny_media, languages=LANGS),
        "error": write_project(root / "error", tiny_media, subs={"pl": ("pl.srt", OVERLAP)}, languages=LANGS),
        "warning": write_project(root / "warning", tiny_media, subs={"pl": ("pl.srt", UNTRANSLATED)}, languages=LANGS),
    }


def test_clean_film_exits_0(films: dict[str, Path]) -> None:
    result = filmpipe("validate", "-p", str(films["clean"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "No problems found in 4 languages: ready to build."
    assert "\x1b[" not in result.stdout  # no colour when stdout is not a terminal


def test_error_exits_1_with_place_code_and_hint(films: dict[str, Path]) -> None:
    result = filmpipe("validate", "-p", str(films["error"]))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "Polish (pl)" in lines
    at = next(i for i, line in enumerate(lines) if "SUB_OVERLAP" in line)
    assert "subtitles/pl.srt:6  cue 2  00:00:01.300  SUB_OVERLAP  cue 2 starts 0.10 s before cue 1 ends" in lines[at]
    assert lines[at].split()[0] == "error"
    assert "shorten cue 1 or start cue 2 later" in lines[at + 1]
    assert lines[-1].startswith("1 error, 0 warnings in 4 languages")
    assert "Traceback" not in result.stdout + result.stderr


def test_json_is_the_contract_and_alone_on_stdout(films: dict[str, Path]) -> None:
    result = filmpipe("validate", "-p", str(films["error"]), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "counts", "findings"}
    assert data["ok"] is False
    assert data["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert data["findings"] == [
        {
            "code": "SUB_OVERLAP",
            "severity": "error",
            "language": "pl",
            "file": "subtitles/pl.srt",
            "line": 6,
            "cue": 2,
            "time": 1.3,
            "message": "cue 2 starts 0.10 s before cue 1 ends",
            "hint": "shorten cue 1 or start cue 2 later",
        }
    ]


def test_warnings_pass_unless_strict(films: dict[str, Path]) -> None:
    relaxed = filmpipe("validate", "-p", str(films["warning"]), "--format", "json")
    assert relaxed.returncode == 0
    data = json.loads(relaxed.stdout)
    assert data["ok"] is True and [f["code"] for f in data["findings"]] == ["SUB_UNTRANSLATED"]
    strict = filmpipe("validate", "-p", str(films["warning"]), "--format", "json", "--strict")
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["ok"] is False
    text = filmpipe("validate", "-p", str(films["warning"]), "--strict")
    assert text.returncode == 1 and "--strict" in text.stdout.splitlines()[-1]


def test_lang_limits_the_languages(films: dict[str, Path]) -> None:
    only_ro = filmpipe("validate", "-p", str(films["error"]), "--lang", "ro", "--format", "json")
    assert only_ro.returncode == 0 and json.loads(only_ro.stdout)["findings"] == []
    with_pl = filmpipe("validate", "-p", str(films["error"]), "--lang", "ro,pl")
    assert with_pl.returncode == 1 and "in 3 languages" in with_pl.stdout.splitlines()[-1]


def test_usage_and_config_errors_exit_2(films: dict[str, Path], tmp_path: Path) -> None:
    unknown = filmpipe("validate", "-p", str(films["clean"]), "--lang", "de")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("Error: --lang names 'de'") and unknown.stdout == ""
    assert filmpipe("validate", "-p", str(films["clean"]), "--format", "xml").returncode == 2
    assert filmpipe("validate", "-p", str(tmp_path / "nowhere")).returncode == 2
    (tmp_path / "film.toml").write_text('[film]\nid = "x"\ntitel = "typo"\n', encoding="utf-8")
    typo = filmpipe("validate", "-p", str(tmp_path))
    assert typo.returncode == 2 and "titel" in typo.stderr and "Traceback" not in typo.stderr


def test_unexpected_failure_is_one_sentence(
    films: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import importlib

    from pipeline.cli import cli
    from pipeline.cli.common import run_guarded

    validate_cli = importlib.import_module("pipeline.cli.validate")  # the module, not the command

    def boom(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(validate_cli, "validate_project", boom)
    assert run_guarded(cli, ["validate", "-p", str(films["clean"])]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: validation stopped on an unexpected problem (KeyError")
    assert "Traceback" not in err
