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
from pipeline.engine.cache import damage, files_from_json

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


# ---------------------------------------------------------------------------- a built project, copied per test


@pytest.fixture(scope="module")
def built_template(tmp_path_factory) -> Path:
    """One tiny project (en + pl subtitles) built once; tests work on copies of it."""
    root = tiny_project(tmp_path_factory.mktemp("hostile-built") / "project", pl=True)
    assert build(root) == 0
    return root


@pytest.fixture
def built(built_template, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built_template, root, symlinks=True)
    shutil.rmtree(root / ".filmpipe-cache" / "validate", ignore_errors=True)
    return root


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".filmpipe-cache" / "tasks").glob("*/out/**/*") if p.is_file())


def verify_ok(root: Path, capsys) -> None:
    capsys.readouterr()
    assert cli_run("verify", str(root / "dist")) == 0, capsys.readouterr().out


# ---------------------------------------------------------------------------- output folder safety


def test_an_output_folder_with_someones_web_files_is_refused_and_left_alone(built, tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    (site / "manifest.json").write_text('{"name": "our web app", "icons": []}', encoding="utf-8")
    (site / "about.html").write_text("<h1>About us</h1>", encoding="utf-8")
    before = snapshot(site)
    capsys.readouterr()
    assert build(built, "-o", str(site)) == 2
    assert_one_sentence(capsys.readouterr().err, str(site))
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]  # no site.staging, no lock left


def test_a_file_added_to_a_published_dist_is_refused_not_deleted(built, capsys):
    dist = built / "dist"
    assert build(built) == 0  # this copy's dist, remembered by the cache
    (dist / "about.html").write_text("<h1>About us</h1>", encoding="utf-8")
    before = snapshot(dist)
    (built / "subtitles" / "pl.srt").write_text(make_srt(("Cześć!", "Do widzenia."), CUE_TIMES), encoding="utf-8")
    capsys.readouterr()
    assert build(built) == 2
    assert_one_sentence(capsys.readouterr().err, "about.html")
    assert snapshot(dist) == before


def test_someones_folder_with_the_name_a_publish_uses_beside_dist_is_not_deleted(built, capsys):
    old = built / "dist.old"
    old.mkdir()
    (old / "notes.txt").write_text("keep me", encoding="utf-8")
    capsys.readouterr()
    assert build(built) == 2
    assert_one_sentence(capsys.readouterr().err, "dist.old")
    assert (old / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_an_empty_output_folder_and_a_previous_dist_are_accepted(built, tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    assert build(built, "-o", str(site)) == 0
    shutil.rmtree(built / ".filmpipe-cache")  # the cache forgets it: the manifest still says filmpipe wrote it
    assert build(built, "-o", str(site)) == 0
    capsys.readouterr()
    assert cli_run("verify", str(site)) == 0, capsys.readouterr().out


# ---------------------------------------------------------------------------- cache trust


def test_truncated_cache_outputs_are_made_again_not_published(built, capsys):
    for path in cache_files(built):
        with path.open("r+b") as fh:
            fh.truncate(path.stat().st_size // 2)
    (built / "subtitles" / "pl.srt").write_text(make_srt(("Cześć!", "Do widzenia."), CUE_TIMES), encoding="utf-8")
    capsys.readouterr()
    assert build(built) == 0
    out = capsys.readouterr().out
    assert "cached output damaged" in out and "has changed size" in out
    verify_ok(built, capsys)


def test_garbage_of_the_same_size_in_the_cache_is_noticed_by_its_hash(built, capsys):
    for path in cache_files(built):
        path.write_bytes(b"\0" * path.stat().st_size)
    capsys.readouterr()
    assert cli_run("build", "-p", str(built), "--draft", "--dry-run") == 0
    assert "has changed): made again" in capsys.readouterr().out
    assert build(built) == 0
    verify_ok(built, capsys)


def test_build_force_repairs_a_cache_of_garbage(built, capsys):
    for path in cache_files(built):
        path.write_bytes(b"garbage")
    assert build(built, "--force") == 0
    verify_ok(built, capsys)
    for entry in (built / ".filmpipe-cache" / "tasks").iterdir():  # the entries the next build reads are sound
        data = json.loads((entry / "output.json").read_text(encoding="utf-8"))
        assert damage(entry / "out", files_from_json(data)) is None


def test_bytes_appended_to_a_dist_file_are_replaced_by_the_next_build(built, capsys):
    assert build(built) == 0
    target = built / "dist" / "video" / "pl" / "pl-180.mp4"
    good = target.read_bytes()
    cached = [p for p in cache_files(built) if p.name == "pl-180.mp4"]
    assert cached and all(p.stat().st_ino != target.stat().st_ino for p in cached)  # a copy, not a hard link
    with target.open("ab") as fh:
        fh.write(b"tampered")
    assert all(p.read_bytes() == good for p in cached)  # editing dist did not edit the cache
    assert build(built) == 0
    assert target.read_bytes() == good
    verify_ok(built, capsys)


def test_no_published_file_shares_an_inode_with_the_cache(built):
    assert build(built) == 0
    cached = {(p.stat().st_dev, p.stat().st_ino) for p in cache_files(built)}
    published = {(p.stat().st_dev, p.stat().st_ino) for p in (built / "dist").rglob("*") if p.is_file()}
    assert not cached & published
