"""Hostile cases for the build engine and its outputs (issue 10): odd frame rates, foreign
output folders, damaged caches, tampered dists, garbage JSON, rotated and degenerate masters.

Every case runs the real thing (the CLI in-process, real ffmpeg) on tiny media: 320x180,
about 2 s, draft quality, one rung, no burned-in captions.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CUES, make_srt

from pipeline.cli import cli
from pipeline.cli.common import run_guarded

SECONDS = 2.0
TINY_TOML = """\
[film]
id = "hostile"
title = "Meet your neighbourhood policing team"
source_language = "en"
master = "assets/master.mp4"

[languages.en]
subtitles = "subtitles/en.srt"
{more}
[output]
ladder = [180]
progressive = [180]
open_captions = []
"""
CUE_TIMES = ((0.1, 0.9), (1.0, 1.9))


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_master(path: Path, *, rate: str = "25", size: str = "320x180", seconds: float = SECONDS, extra=()) -> Path:
    """A tiny H.264 + AAC master: testsrc2 and a sine, both `seconds` long."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={size}:rate={rate}:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        *extra,
        str(path),
    )
    return path


def tiny_project(root: Path, master: Path | None = None, *, pl: bool = False, **master_args) -> Path:
    """A one-language project (two with `pl`: a Polish subtitle track on the master's audio)."""
    (root / "subtitles").mkdir(parents=True, exist_ok=True)
    if master is None:
        make_master(root / "assets" / "master.mp4", **master_args)
    else:
        (root / "assets").mkdir(parents=True, exist_ok=True)
        shutil.copy(master, root / "assets" / "master.mp4")
    more = ""
    for lang in ("en", "pl") if pl else ("en",):
        (root / "subtitles" / f"{lang}.srt").write_text(make_srt(CUES[lang], CUE_TIMES), encoding="utf-8")
        if lang != "en":
            more += f'\n[languages.{lang}]\nsubtitles = "subtitles/{lang}.srt"\n'
    (root / "film.toml").write_text(TINY_TOML.format(more=more), encoding="utf-8")
    return root


def cli_run(*args: str) -> int:
    return run_guarded(cli, list(args))


def build(root: Path, *args: str) -> int:
    return cli_run("build", "-p", str(root), "--draft", *args)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_one_sentence(err: str, *names: str) -> None:
    assert "Traceback" not in err
    first = next(line for line in err.splitlines() if line.startswith("Error: "))
    for name in names:
        assert name in first, (name, err)


# ---------------------------------------------------------------------------- frame rates


@pytest.mark.parametrize("rate", ["24000/1001", "24", "25", "30000/1001", "30", "50", "60000/1001", "60"])
def test_every_common_frame_rate_publishes_a_dist_that_verify_passes(tmp_path, rate, capsys):
    root = tiny_project(tmp_path / "project", rate=rate)
    assert build(root) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli_run("verify", str(root / "dist")) == 0, capsys.readouterr().out
    playlist = (root / "dist" / "hls" / "audio" / "en" / "index.m3u8").read_text(encoding="utf-8")
    manifest = json.loads((root / "dist" / "manifest.json").read_text(encoding="utf-8"))
    total = sum(float(line[8:].rstrip(",")) for line in playlist.splitlines() if line.startswith("#EXTINF:"))
    assert abs(total - manifest["film"]["durationSeconds"]) < 0.002  # the film's span, not AAC's overrun


def test_audio_segments_past_six_seconds_add_up_to_the_film(tmp_path, capsys):
    """6 s at 30 fps: AAC's last packet spills into a second segment (the case found by hand)."""
    root = tiny_project(tmp_path / "project", rate="30", seconds=6.0)
    assert build(root) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli_run("verify", str(root / "dist")) == 0, capsys.readouterr().out
