"""Media checks: each MASTER_*/AUDIO_*/INPUT_MISSING/LOCALE_* code fires on a file made to
have that problem (tiny lavfi media), the clean film fires none, and the cache works."""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CUES, ffmpeg, make_srt
from test_validate_corpus import shared_cache, write_project  # noqa: F401 - fixture

from pipeline import ffmpeg as ffmpeg_module
from pipeline.errors import FfmpegError
from pipeline.findings import Report
from pipeline.project import load_project
from pipeline.validate.cache import MeasureCache
from pipeline.validate.run import validate_project

MEDIA_CODES = (
    "MASTER_UNREADABLE",
    "MASTER_DECODE",
    "MASTER_RESOLUTION",
    "MASTER_FRAME_RATE",
    "AUDIO_UNREADABLE",
    "AUDIO_DURATION",
    "AUDIO_SILENCE",
    "AUDIO_CLIPPING",
)


@pytest.fixture(scope="session")
def bad_media(
    tmp_path_factory: pytest.TempPathFactory,
    tiny_media: Path,
    tiny_master: Callable[..., Path],
    tiny_tone: Callable[..., Path],
) -> Path:
    """One file per media problem, made once."""
    root = tmp_path_factory.mktemp("bad-media")
    master = tiny_media / "master.mp4"
    ffmpeg("-i", str(master), "-c", "copy", "-movflags", "+faststart", str(root / "faststart.mp4"))
    data = (root / "faststart.mp4").read_bytes()
    (root / "truncated.mp4").write_bytes(data[: len(data) * 2 // 5])  # moov intact, media cut off
    (root / "garbage.mp4").write_bytes(b"this is not a video file\n" * 40)
    os.link(tiny_master(fps=12), root / "fps12.mp4")
    os.link(tiny_master(video_filter="select='not(between(n,10,40))'", vfr=True), root / "vfr.mp4")
    ffmpeg("-i", str(master), "-an", "-c", "copy", str(root / "silent-film.mp4"))
    os.link(tiny_tone(500, 2.0), root / "short.m4a")
    os.link(tiny_tone(500, 2.88), root / "slightly-short.m4a")
    os.link(tiny_tone(duration=3, silent=True), root / "silent.m4a")
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=if(lt(t\\,1)\\,0.3*sin(2*PI*440*t)\\,0):s=48000:d=3",
        "-c:a",
        "pcm_s16le",
        str(root / "mostly-silent.wav"),
    )
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=0.99*sgn(sin(2*PI*440*t)):s=48000:d=3",
        "-c:a",
        "pcm_s16le",
        str(root / "clipped.wav"),
    )
    (root / "not-audio.m4a").write_bytes(b"\x00\x01 definitely not audio" * 20)
    ffmpeg("-i", str(master), "-an", "-c", "copy", str(root / "video-only.mp4"))
    return root


def run(tmp_path: Path, media: Path, cache: MeasureCache, **kw) -> Report:
    return validate_project(load_project(write_project(tmp_path / "film", media, **kw)), cache=cache)


def codes(report: Report) -> list[tuple[str, str | None]]:
    return [(f.code, f.language) for f in report.findings]


def test_clean_film_has_no_findings(tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache) -> None:
    report = run(tmp_path, tiny_media, shared_cache)
    assert report.findings == ()
    assert report.ok(strict=True)


@pytest.mark.parametrize(
    ("master", "ladder", "expected"),
    [
        ("truncated.mp4", "[180]", [("MASTER_DECODE", None)]),
        ("garbage.mp4", "[180]", [("MASTER_UNREADABLE", None)]),
        ("fps12.mp4", "[180]", [("MASTER_FRAME_RATE", None)]),
        ("vfr.mp4", "[180]", [("MASTER_FRAME_RATE", None)]),
        ("faststart.mp4", "[360, 180]", [("MASTER_RESOLUTION", None)]),
        ("silent-film.mp4", "[180]", [("AUDIO_UNREADABLE", "en")]),
    ],
)
def test_master_problem(
    master: str,
    ladder: str,
    expected: list,
    tmp_path: Path,
    tiny_media: Path,
    bad_media: Path,
    shared_cache: MeasureCache,
) -> None:
    report = run(tmp_path, tiny_media, shared_cache, master=bad_media / master, ladder=ladder)
    assert codes(report) == expected, [f.message for f in report.findings]
    finding = report.findings[0]
    assert finding.file == "assets/master.mp4" and finding.hint


def test_truncated_master_says_where_decoding_stops(
    tmp_path: Path, tiny_media: Path, bad_media: Path, shared_cache: MeasureCache
) -> None:
    report = run(tmp_path, tiny_media, shared_cache, master=bad_media / "truncated.mp4")
    assert "decoding stops at 00:00:0" in report.findings[0].message
    assert not report.ok()


def test_unreadable_master_still_checks_subtitles_at_25_fps(
    tmp_path: Path, tiny_media: Path, bad_media: Path, shared_cache: MeasureCache
) -> None:
    gap = (
        "1\n00:00:00,200 --> 00:00:01,400\nCześć, sąsiedzi!\n\n2\n00:00:01,460 --> 00:00:02,900\nPoznaj swój zespół.\n"
    )
    report = run(tmp_path, tiny_media, shared_cache, master=bad_media / "garbage.mp4", subs={"pl": ("pl.srt", gap)})
    assert codes(report) == [("MASTER_UNREADABLE", None), ("SUB_GAP", "pl")]
    assert "at 25 fps" in report.findings[1].message


@pytest.mark.parametrize(
    ("dub", "expected"),
    [
        ("short.m4a", [("AUDIO_DURATION", "error")]),
        ("slightly-short.m4a", [("AUDIO_DURATION", "warning")]),
        ("silent.m4a", [("AUDIO_SILENCE", "warning")]),
        ("mostly-silent.wav", [("AUDIO_SILENCE", "warning")]),
        ("clipped.wav", [("AUDIO_CLIPPING", "warning")]),
        ("not-audio.m4a", [("AUDIO_UNREADABLE", "error")]),
        ("video-only.mp4", [("AUDIO_UNREADABLE", "error")]),
    ],
)
def test_dub_problem(
    dub: str, expected: list, tmp_path: Path, tiny_media: Path, bad_media: Path, shared_cache: MeasureCache
) -> None:
    report = run(tmp_path, tiny_media, shared_cache, audio={"ro": bad_media / dub})
    assert [(f.code, f.severity) for f in report.findings] == expected, [f.message for f in report.findings]
    finding = report.findings[0]
    assert finding.language == "ro" and finding.file == f"assets/audio/{dub}"


def test_short_dub_names_both_durations(
    tmp_path: Path, tiny_media: Path, bad_media: Path, shared_cache: MeasureCache
) -> None:
    report = run(tmp_path, tiny_media, shared_cache, audio={"pl": bad_media / "short.m4a"})
    message = report.findings[0].message
    assert "2.00 s" in message and "1.00 s shorter" in message and "3.00 s" in message


def test_missing_inputs_name_their_film_toml_key(tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache) -> None:
    root = write_project(tmp_path / "film", tiny_media, audio={"bn": "gone.m4a"})
    (root / "assets" / "master.mp4").unlink()
    (root / "subtitles" / "gu.srt").unlink()
    report = validate_project(load_project(root), cache=shared_cache)
    assert [(f.code, f.language, f.file) for f in report.findings] == [
        ("INPUT_MISSING", None, "assets/master.mp4"),
        ("INPUT_MISSING", "bn", "assets/audio/gone.m4a"),
        ("INPUT_MISSING", "gu", "subtitles/gu.srt"),
    ]
    messages = [f.message for f in report.findings]
    assert "master in [film]" in messages[0]
    assert "audio in [languages.bn]" in messages[1]
    assert "subtitles in [languages.gu]" in messages[2]


def test_locale_missing(tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache) -> None:
    report = run(tmp_path, tiny_media, shared_cache, locales=False)
    assert codes(report) == [("LOCALE_MISSING", code) for code in ("pl", "ro", "ur", "bn", "gu")]
    assert all(f.severity == "warning" for f in report.findings)
    assert report.ok() and not report.ok(strict=True)


def test_warm_run_measures_nothing(tmp_path: Path, tiny_media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "film", tiny_media, audio={"pl": tiny_media / "ro.m4a"})
    cold = validate_project(load_project(root))
    assert (root / ".filmpipe-cache" / "validate" / "hashes.json").is_file()

    def refuse(*args, **kwargs):
        raise AssertionError("ffmpeg was run on a warm cache")

    monkeypatch.setattr(ffmpeg_module, "capture", refuse)
    warm = validate_project(load_project(root))
    assert warm == cold


def test_changed_media_is_measured_again(tmp_path: Path, tiny_media: Path, bad_media: Path) -> None:
    root = write_project(tmp_path / "film", tiny_media)
    assert validate_project(load_project(root)).findings == ()
    shutil.copy(bad_media / "short.m4a", root / "assets" / "audio" / "pl.m4a")
    assert [f.code for f in validate_project(load_project(root)).findings] == ["AUDIO_DURATION"]


def test_unwritable_cache_is_not_an_error(tmp_path: Path, tiny_media: Path) -> None:
    root = write_project(tmp_path / "film", tiny_media)
    (root / ".filmpipe-cache").write_text("a file where the cache folder would go", encoding="utf-8")
    assert validate_project(load_project(root)).findings == ()


def test_ffmpeg_failure_is_a_finding_not_a_crash(
    tmp_path: Path, tiny_media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "film", tiny_media, languages=("en", "pl"))

    def broken(args, **kwargs):
        raise FfmpegError(["ffmpeg", *map(str, args)], 1, "Conversion failed!")

    monkeypatch.setattr(ffmpeg_module, "capture", broken)
    report = validate_project(load_project(root), cache=MeasureCache(None))
    assert [f.code for f in report.findings] == ["MASTER_UNREADABLE", "AUDIO_UNREADABLE"]


def test_progress_reaches_one_and_warm_runs_report_only_completion(tmp_path: Path, tiny_media: Path) -> None:
    root = write_project(tmp_path / "film", tiny_media, languages=("en", "pl", "ro"))
    seen: list[float] = []
    validate_project(load_project(root), on_progress=seen.append)
    assert seen and seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)
    assert any(0.0 < f < 1.0 for f in seen)  # decoding reported along the way
    warm: list[float] = []
    validate_project(load_project(root), on_progress=warm.append)
    assert warm and warm[-1] == 1.0


def test_unreadable_media_messages_name_no_absolute_path(
    tmp_path: Path, tiny_media: Path, bad_media: Path, shared_cache: MeasureCache
) -> None:
    """ffprobe starts its reason with the absolute path, and the cache (keyed by content) may
    hold another copy's: the message names the file as film.toml does, then the reason."""
    empty = tmp_path / "empty.m4a"
    empty.write_bytes(b"")
    report = run(
        tmp_path,
        tiny_media,
        shared_cache,
        master=bad_media / "garbage.mp4",
        audio={"ro": bad_media / "not-audio.m4a", "pl": empty},
    )
    by_code = {(f.code, f.language): f.message for f in report.findings}
    assert (
        by_code[("MASTER_UNREADABLE", None)]
        == "the master assets/master.mp4 cannot be read: Invalid data found when processing input"
    )
    assert (
        by_code[("AUDIO_UNREADABLE", "ro")]
        == "assets/audio/not-audio.m4a cannot be read: Invalid data found when processing input"
    )
    assert by_code[("AUDIO_UNREADABLE", "pl")] == "assets/audio/empty.m4a cannot be read: the file is empty (0 bytes)"
    assert not any(str(tmp_path) in f.message or str(bad_media) in f.message for f in report.findings)


def test_missing_input_names_a_look_alike_file(tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache) -> None:
    """The file is there under a name that looks the same: another letter case, or accents stored
    decomposed (NFD, as macOS writes names) while film.toml has them composed (NFC)."""
    name = "napisy żółć.srt"
    root = write_project(
        tmp_path / "film", tiny_media, subs={"pl": (unicodedata.normalize("NFC", name), make_srt(CUES["pl"]))}
    )
    folder = root / "subtitles"
    (folder / unicodedata.normalize("NFC", name)).rename(folder / unicodedata.normalize("NFD", name))
    (folder / "gu.srt").rename(folder / "GU.srt")
    report = validate_project(load_project(root), cache=shared_cache)
    found = [(f.code, f.language, f.file) for f in report.findings]
    assert found == [
        ("INPUT_MISSING", "pl", f"subtitles/{unicodedata.normalize('NFC', name)}"),
        ("INPUT_MISSING", "gu", "subtitles/gu.srt"),
    ]
    assert "accents stored another way" in report.findings[0].message and "typing its name" in report.findings[0].hint
    assert (
        "'GU.srt' is there" in report.findings[1].message and "rename 'GU.srt' to 'gu.srt'" in report.findings[1].hint
    )
