"""A tiny film built end to end through the CLI; outputs checked with ffprobe."""

from __future__ import annotations

import shutil
import time

import pytest
from build_helpers import published, set_output
from conftest import CUES, FILM_TOML, make_srt

from pipeline import ffmpeg
from pipeline.cli import cli
from pipeline.cli.common import run_guarded
from pipeline.content_names import logical_name
from pipeline.render import ladder
from pipeline.render.audio import parse_loudnorm

FRAME = 1 / 25


def build(root, *args: str) -> int:
    return run_guarded(cli, ["build", "-p", str(root), *args])


@pytest.fixture(scope="module")
def built_once(tmp_path_factory, tiny_media):
    """One tiny film (en, pl, ur; rungs 180 and 120) built once for the module's checks."""
    root = tmp_path_factory.mktemp("e2e") / "project"
    (root / "assets" / "audio").mkdir(parents=True)
    (root / "subtitles").mkdir()
    shutil.copy(tiny_media / "master.mp4", root / "assets" / "master.mp4")
    tables = []
    for lang in ("en", "pl", "ur"):
        tables.append(
            f'[languages.{lang}]\nsubtitles = "subtitles/{lang}.srt"\n'
            + (f'audio = "assets/audio/{lang}.m4a"\n' if lang != "en" else "")
        )
        if lang != "en":
            shutil.copy(tiny_media / f"{lang}.m4a", root / "assets" / "audio" / f"{lang}.m4a")
        (root / "subtitles" / f"{lang}.srt").write_text(make_srt(CUES[lang]), encoding="utf-8")
    (root / "film.toml").write_text(FILM_TOML.format(languages="\n".join(tables), extra_output=""), encoding="utf-8")
    # no burned-in captions here (their own tests cover them): this module checks the shared video
    set_output(root, ladder=[180, 120], progressive=[180, 120], open_captions=[])
    assert build(root) == 0
    return root


@pytest.fixture
def tiny_built(built_once):
    return built_once


def plan_rows(text: str) -> dict[str, tuple[str, str]]:
    """--dry-run output -> {task id: ("run"|"skip", reason)}."""
    return {
        line.split()[1]: (line.split()[0], " ".join(line.split()[2:]))
        for line in text.splitlines()
        if line.startswith("  ")
    }


def test_outputs_have_the_masters_duration_streams_tags_and_keyframes(tiny_built):
    dist = tiny_built / "dist"
    master = ffmpeg.probe(tiny_built / "assets" / "master.mp4")
    master_duration = float(next(s for s in master["streams"] if s["codec_type"] == "video")["duration"])
    for lang, tag in (("en", "eng"), ("pl", "pol"), ("ur", "urd")):
        for height, width in ((180, 320), (120, 214)):
            path = published(dist, f"video/{lang}/{lang}-{height}.mp4")
            data = ffmpeg.probe(path)
            video = [s for s in data["streams"] if s["codec_type"] == "video"]
            audio = [s for s in data["streams"] if s["codec_type"] == "audio"]
            assert len(video) == 1 and len(audio) == 1
            v, a = video[0], audio[0]
            assert (v["codec_name"], v["profile"], v["pix_fmt"]) == ("h264", "High", "yuv420p")
            assert (v["width"], v["height"]) == (width, height)
            assert v.get("color_primaries") == v.get("color_transfer") == v.get("color_space") == "bt709"
            assert (a["codec_name"], a["profile"], int(a["sample_rate"]), a["channels"]) == ("aac", "LC", 48000, 2)
            assert a["tags"]["language"] == tag
            assert abs(float(data["format"]["duration"]) - master_duration) <= FRAME
            keyframes = [round(float(p["pts_time"]), 3) for p in ffmpeg.packets(path) if "K" in p["flags"]]
            assert keyframes == ladder.idr_seconds(master_duration)  # 0, 1 (a short first segment), 2
    # the video is shared: every language's file carries the very same video packets
    en = [p["size"] for p in ffmpeg.packets(published(dist, "video/en/en-180.mp4"))]
    assert en == [p["size"] for p in ffmpeg.packets(published(dist, "video/ur/ur-180.mp4"))]
    assert published(dist, "posters/poster-180.jpg").stat().st_size > 0
    assert published(dist, "posters/poster-120.webp").stat().st_size > 0


def test_audio_is_normalised_to_the_target(tiny_built):
    _, stderr = ffmpeg.capture(
        [
            "-i",
            str(published(tiny_built / "dist", "video/pl/pl-180.mp4")),
            "-map",
            "0:a",
            "-af",
            "loudnorm=print_format=json",
            "-f",
            "null",
            "-",
        ]
    )
    assert parse_loudnorm(stderr).integrated == pytest.approx(-16.0, abs=1.0)


def test_rebuilds_redo_only_what_changed(tiny_built, capsys):
    assert build(tiny_built, "--dry-run") == 0
    total = len(plan_rows(capsys.readouterr().out))
    start = time.monotonic()
    assert build(tiny_built) == 0
    out = capsys.readouterr().out
    assert f"0 of {total} tasks to run" in out and "already up to date" in out
    assert time.monotonic() - start < 5

    shutil.copy(tiny_built / "assets" / "audio" / "ur.m4a", tiny_built / "assets" / "audio" / "pl.m4a")
    assert build(tiny_built, "--dry-run") == 0
    plan = capsys.readouterr().out
    rows = plan_rows(plan)
    assert rows["audio/pl"] == ("run", "input changed: assets/audio/pl.m4a")
    assert rows["progressive/pl/120"] == ("run", "input changed: assets/audio/pl.m4a (via audio/pl)")
    running = [task_id for task_id, (verb, _) in rows.items() if verb == "run"]
    assert {"audio/pl", "progressive/pl/180", "progressive/pl/120"} <= set(running)
    # only Polish work and the packaging that bundles every language (HLS) re-run
    assert all("/pl" in task_id or task_id == "hls" for task_id in running), running
    assert rows["ladder"] == ("skip", "up to date")

    assert build(tiny_built) == 0
    out = capsys.readouterr().out
    assert f"{len(running)} of {total} tasks to run" in out
    assert build(tiny_built, "--dry-run") == 0
    assert f"{total} tasks: 0 would run, {total} up to date." in capsys.readouterr().out


def test_lang_and_draft_with_awkward_file_names(make_project, capsys):
    root = make_project(languages=("en", "pl", "ur"))
    set_output(root, ladder=[180, 120, 90], progressive=[120], open_captions=[])
    # names that would break a shell or a filter graph if they ever reached one
    awkward = "mäster [v2]; it's,=:x.mp4"
    (root / "assets" / "master.mp4").rename(root / "assets" / awkward)
    (root / "assets" / "audio" / "pl.m4a").rename(root / "assets" / "audio" / "-pl $(x).m4a")
    toml = root / "film.toml"
    text = toml.read_text(encoding="utf-8").replace('"assets/master.mp4"', f'"assets/{awkward}"')
    toml.write_text(text.replace('"assets/audio/pl.m4a"', '"assets/audio/-pl $(x).m4a"'), encoding="utf-8")
    assert build(root, "--lang", "pl", "--draft", "-j", "1") == 0, capsys.readouterr()
    files = sorted(p.relative_to(root / "dist").as_posix() for p in (root / "dist" / "video").rglob("*-120.*.mp4"))
    assert [logical_name(f) for f in files] == ["video/en/en-120.mp4", "video/pl/pl-120.mp4"]
    assert not (root / "dist" / "video" / "ur").exists()
    assert not list((root / "dist").rglob("*-90*"))
    assert build(root, "--lang", "xx") == 2
    assert "--lang names 'xx'" in capsys.readouterr().err


def test_validation_errors_stop_the_build_before_anything_is_written(make_project, capsys):
    broken = "1\n00:00:02,000 --> 00:00:01,000\nCześć!\n"  # ends before it starts
    root = make_project(languages=("en", "pl"), subtitles={"pl": broken})
    assert build(root) == 1
    err = capsys.readouterr().err
    assert "subtitles/pl.srt" in err and "nothing was written" in err
    assert not (root / "dist").exists()
    assert not (root / ".filmpipe-cache" / "tasks").exists()


def test_inputs_are_never_modified(tiny_built, tiny_media):
    """After the module's builds, every input still equals what the project was made from."""
    assert (tiny_built / "assets" / "master.mp4").read_bytes() == (tiny_media / "master.mp4").read_bytes()
    assert (tiny_built / "assets" / "audio" / "ur.m4a").read_bytes() == (tiny_media / "ur.m4a").read_bytes()
    for lang in ("en", "pl", "ur"):
        assert (tiny_built / "subtitles" / f"{lang}.srt").read_text(encoding="utf-8") == make_srt(CUES[lang])
