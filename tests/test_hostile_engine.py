"""Hostile cases for the build engine and its outputs (issue 10): odd frame rates, foreign
output folders, damaged caches, tampered dists, garbage JSON, rotated and degenerate masters.

Every case runs the real thing (the CLI in-process, real ffmpeg) on tiny media: 320x180,
about 2 s, draft quality, one rung, no burned-in captions.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from build_helpers import published
from conftest import CUES, make_srt

from pipeline.cli import cli
from pipeline.cli.common import run_guarded
from pipeline.content_names import logical_name
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


@pytest.fixture(scope="session")
def master_of(tiny_master: Callable[..., Path]) -> Callable[..., Path]:
    """A tiny H.264 + AAC master from the session's factory, `SECONDS` long unless told:
    master_of(fps="30", duration=6.0)."""
    return functools.partial(tiny_master, duration=SECONDS)


def tiny_project(root: Path, master: Path, *, pl: bool = False) -> Path:
    """A one-language project (two with `pl`: a Polish subtitle track on the master's audio)."""
    (root / "subtitles").mkdir(parents=True, exist_ok=True)
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
def test_every_common_frame_rate_publishes_a_dist_that_verify_passes(tmp_path, rate, capsys, master_of):
    root = tiny_project(tmp_path / "project", master_of(fps=rate))
    assert build(root) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli_run("verify", str(root / "dist")) == 0, capsys.readouterr().out
    playlist = published(root / "dist", "hls/audio/en/index.m3u8").read_text(encoding="utf-8")
    manifest = json.loads((root / "dist" / "manifest.json").read_text(encoding="utf-8"))
    total = sum(float(line[8:].rstrip(",")) for line in playlist.splitlines() if line.startswith("#EXTINF:"))
    assert abs(total - manifest["film"]["durationSeconds"]) < 0.002  # the film's span, not AAC's overrun


def test_audio_segments_past_six_seconds_add_up_to_the_film(tmp_path, capsys, master_of):
    """6 s at 30 fps: AAC's last packet spills into a second segment (the case found by hand)."""
    root = tiny_project(tmp_path / "project", master_of(fps="30", duration=6.0))
    assert build(root) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli_run("verify", str(root / "dist")) == 0, capsys.readouterr().out


# ---------------------------------------------------------------------------- a built project, copied per test


@pytest.fixture(scope="module")
def built_template(tmp_path_factory, master_of) -> Path:
    """One tiny project (en + pl subtitles) built once; tests work on copies of it."""
    root = tiny_project(tmp_path_factory.mktemp("hostile-built") / "project", master_of(), pl=True)
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
    target = published(built / "dist", "video/pl/pl-180.mp4")
    good = target.read_bytes()
    cached = [p for p in cache_files(built) if p.name == logical_name(target.name)]
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


# ---------------------------------------------------------------------------- JSON read back


GARBAGE = (b"\x00\xffnot json", b"[]", b"null", b'"text"', b'{"artifacts": 5, "meta": [], "key": 7}', b"[" * 100000)


@pytest.mark.parametrize(
    "pattern",
    [
        ".filmpipe-cache/tasks/*/output.json",
        ".filmpipe-cache/stat.json",
        ".filmpipe-cache/state/*.json",
        ".filmpipe-cache/published.json",
        ".filmpipe-cache/validate/*.json",
        ".dist.lock",
    ],
)
def test_garbage_in_any_json_filmpipe_reads_back_is_treated_as_missing(built, pattern, capsys):
    assert cli_run("validate", "-p", str(built)) == 0  # fills the validate cache of this copy
    targets = sorted(built.glob(pattern)) or [built / pattern]
    for i, path in enumerate(targets):
        path.write_bytes(GARBAGE[i % len(GARBAGE)])
    capsys.readouterr()
    assert build(built) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    verify_ok(built, capsys)


@pytest.mark.parametrize("garbage", GARBAGE + (b'{"artifacts": [{"kind": 1}], "meta": {}, "files": {"../x": 1}}',))
def test_garbage_cache_records_read_as_missing_never_raise(tmp_path, garbage):
    from pipeline.engine import stored
    from pipeline.engine.cache import Cache
    from pipeline.engine.job import _published

    cache = Cache(tmp_path / "cache", tmp_path, "filmpipe test")
    cache.check_usable()
    for name in ("stat.json", "published.json", "tasks/k/output.json", "state/ladder.json"):
        (tmp_path / "cache" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "cache" / name).write_bytes(garbage)
    assert cache._load_stats() == {}
    assert _published(cache) == {}
    assert isinstance(cache.trusted("k"), str)
    assert cache._read_state("ladder") is None
    assert not stored.is_state(stored.read_json(tmp_path / "cache" / "state" / "ladder.json"))


# ---------------------------------------------------------------------------- the cache folder itself


def test_a_file_named_like_the_cache_folder_is_one_sentence(tmp_path, capsys, master_of):
    root = tiny_project(tmp_path / "project", master_of())
    (root / ".filmpipe-cache").write_text("not a folder", encoding="utf-8")
    capsys.readouterr()
    assert build(root) == 3
    assert_one_sentence(capsys.readouterr().err, ".filmpipe-cache")
    assert (root / ".filmpipe-cache").read_text(encoding="utf-8") == "not a folder"


def run_as_nobody(*args: str) -> subprocess.CompletedProcess:
    """filmpipe as an ordinary user (root ignores permission bits, so as root run it as nobody)."""
    import os
    import sys

    argv = [sys.executable, "-m", "pipeline", *args]
    if os.geteuid() == 0:
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", "LANG": "C.UTF-8"}
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, cwd="/")


@pytest.fixture
def readable_only(tmp_path_factory):
    """A world-readable folder an ordinary user may read but not write (pytest's tmp is private)."""
    import os
    import tempfile

    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permission bits cannot be tested")
    top = Path(tempfile.mkdtemp(prefix="filmpipe-readonly-", dir="/tmp"))
    os.chmod(top, 0o755)
    yield top
    for path in [top, *top.rglob("*")]:
        if path.is_dir():
            os.chmod(path, 0o755)
    shutil.rmtree(top, ignore_errors=True)


def test_a_project_folder_nobody_may_write_is_one_sentence_naming_it(readable_only, tiny_media_2s):
    import os

    root = tiny_project(readable_only / "project", tiny_media_2s)
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    if os.geteuid() != 0:
        os.chmod(root, 0o555)
    done = run_as_nobody("build", "-p", str(root), "--draft")
    assert done.returncode == 3, done.stderr
    assert_one_sentence(done.stderr, str(root / ".filmpipe-cache"))
    assert "Permission denied" in done.stderr
    assert not (root / "dist").exists()


def test_an_output_folder_nobody_may_write_beside_is_one_sentence_naming_it(readable_only, tmp_path, tiny_media_2s):
    import os

    shared = readable_only / "shared"
    root = tiny_project(shared / "project", tiny_media_2s)
    os.chmod(shared, 0o777)  # the project (and its cache) writable, its output folder's parent not
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    site = readable_only / "site"
    if os.geteuid() != 0:
        os.chmod(readable_only, 0o555)
    done = run_as_nobody("build", "-p", str(root), "--draft", "-o", str(site))
    assert done.returncode == 3, done.stderr
    assert_one_sentence(done.stderr, str(readable_only))
    assert not site.exists()


@pytest.fixture(scope="module")
def tiny_media_2s(master_of) -> Path:
    return master_of()


# ---------------------------------------------------------------------------- masters validate must catch


def findings_of(root: Path, capsys) -> list[dict]:
    capsys.readouterr()
    assert cli_run("validate", "-p", str(root), "--format", "json") == 1
    return json.loads(capsys.readouterr().out)["findings"]


def test_a_1x1_master_is_a_validate_error_naming_the_file(tmp_path, capsys):
    raw = tmp_path / "frames.yuv"
    raw.write_bytes(bytes(range(150)))
    master = tmp_path / "one-pixel.mp4"
    ffmpeg(
        *("-f", "rawvideo", "-pix_fmt", "yuv444p", "-s", "1x1", "-r", "25", "-i", str(raw)),
        *("-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264", "-preset", "ultrafast"),
        *("-pix_fmt", "yuv444p", "-c:a", "aac", "-shortest", str(master)),
    )
    root = tiny_project(tmp_path / "project", master)
    errors = [f for f in findings_of(root, capsys) if f["severity"] == "error"]
    assert [(f["code"], f["file"]) for f in errors] == [("MASTER_TOO_SMALL", "assets/master.mp4")]
    assert "1x1" in errors[0]["message"]
    assert build(root) == 1
    err = capsys.readouterr().err
    assert "MASTER_TOO_SMALL" in err and "assets/master.mp4" in err and "Traceback" not in err


def test_a_master_whose_picture_ends_before_its_sound_is_a_validate_error(tmp_path, capsys, master_of):
    master = master_of(duration=1, audio_seconds=2.5)
    root = tiny_project(tmp_path / "project", master)
    codes = {(f["code"], f["file"]) for f in findings_of(root, capsys) if f["severity"] == "error"}
    assert ("MASTER_VIDEO_SHORT", "assets/master.mp4") in codes


# ---------------------------------------------------------------------------- display matrix


def test_a_master_with_a_90_degree_display_matrix_is_published_upright(tmp_path, capsys, master_of):
    stored, master = master_of(), master_of(rotation=90)  # the same picture, stored and turned
    root = tiny_project(tmp_path / "project", master)
    toml = root / "film.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("ladder = [180]", "ladder = [320]").replace("[180]", "[320]"),
        encoding="utf-8",
    )
    assert build(root) == 0, capsys.readouterr().err
    verify_ok(root, capsys)
    manifest = json.loads((root / "dist" / "manifest.json").read_text(encoding="utf-8"))
    sizes = {(r["width"], r["height"]) for lang in manifest["languages"] for r in lang["renditions"]}
    assert sizes == {(180, 320)}
    assert (manifest["poster"]["width"], manifest["poster"]["height"]) == (180, 320)
    assert "RESOLUTION=180x320" in (root / "dist" / "hls" / "master.m3u8").read_text(encoding="utf-8")
    # The picture is the stored frame turned as ffmpeg's own player turns it (not squeezed, not sideways).
    rendition = root / "dist" / manifest["languages"][0]["renditions"][0]["url"]

    def psnr(turn: str) -> float:
        out = subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(rendition), "-i", str(stored), "-filter_complex",
             f"[1:v]{turn},scale=180:320,setsar=1[ref];[0:v]setsar=1[got];[got][ref]psnr", "-f", "null", "-"],
            capture_output=True, text=True, check=True,
        ).stderr  # fmt: skip
        return float(out.rsplit("average:", 1)[1].split()[0])

    upright, sideways = psnr("transpose=cclock"), psnr("transpose=clock")
    assert upright > 20 and sideways < 12, (upright, sideways)


# ---------------------------------------------------------------------------- interruptions


@pytest.mark.parametrize("delay", [0.4, 1.5])
def test_kill_9_mid_build_leaves_dist_and_a_cache_the_next_build_trusts(built, delay, capsys, master_of):
    import os
    import signal
    import sys
    import time

    assert build(built) == 0
    before = snapshot(built / "dist")
    (built / "subtitles" / "pl.srt").write_text(make_srt(("Cześć!", "Do widzenia."), CUE_TIMES), encoding="utf-8")
    shutil.copy(master_of(fps="30"), built / "assets" / "master.mp4")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "-p", str(built), "--draft", "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"Building")
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before the kill")
    assert snapshot(built / "dist") == before
    capsys.readouterr()
    assert cli_run("build", "-p", str(built), "--draft", "--dry-run") == 0
    plan = capsys.readouterr().out
    assert "damaged" not in plan  # what the killed build finished is whole; what it had not, it never committed
    assert build(built) == 0
    assert snapshot(built / "dist") != before
    verify_ok(built, capsys)


def test_an_output_folder_that_is_a_symlink_is_published_where_it_points(built, tmp_path, capsys):
    web = tmp_path / "www" / "film"
    web.parent.mkdir()
    assert build(built, "-o", str(web)) == 0
    link = tmp_path / "site"
    link.symlink_to(web, target_is_directory=True)
    (built / "subtitles" / "pl.srt").write_text(make_srt(("Cześć!", "Do widzenia."), CUE_TIMES), encoding="utf-8")
    assert build(built, "-o", str(link)) == 0
    assert build(built, "-o", str(link)) == 0  # and again, with nothing left behind by the first
    assert link.is_symlink() and link.resolve() == web.resolve()
    assert "Do widzenia." in published(web, "subtitles/pl.vtt").read_text(encoding="utf-8")
    # nothing left behind (no film.old, no staging): only the site and its QC folder beside it
    assert sorted(p.name for p in web.parent.iterdir()) == ["film", "film-qc"]
    capsys.readouterr()
    assert cli_run("verify", str(link)) == 0, capsys.readouterr().out


def test_a_cache_folder_nobody_may_write_is_one_sentence_naming_it(readable_only, tiny_media_2s):
    import os

    shared = readable_only / "shared"
    root = tiny_project(shared / "project", tiny_media_2s)
    (root / ".filmpipe-cache").mkdir()  # made by another user (root here), not writable by this one
    for path in [shared, *shared.rglob("*")]:
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    os.chmod(root / ".filmpipe-cache", 0o555)
    done = run_as_nobody("build", "-p", str(root), "--draft")
    assert done.returncode == 3, done.stderr
    assert_one_sentence(done.stderr, str(root / ".filmpipe-cache"))
    assert not (root / "dist").exists()
