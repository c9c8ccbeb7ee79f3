"""Validation of the accessibility inputs: descriptions (like subtitles, and against the audio's
pauses), the described mix (like a dub), captions' sound cues (not untranslated)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CUES, make_srt
from test_validate_corpus import shared_cache, write_project  # noqa: F401 - fixture

from pipeline.project import load_project
from pipeline.validate.cache import MeasureCache
from pipeline.validate.run import validate_project

PAUSED = "volume=enable='between(t,1.0,2.3)':volume=0"  # after the master's sine


@pytest.fixture(scope="session")
def paused_master(tiny_master: Callable[..., Path]) -> Path:
    """A 3 s master whose sound stops from 1.0 s to 2.3 s (a pause in the narration)."""
    return tiny_master(audio_filter=PAUSED)


def describe(project: Path, vtt: str, extra: str = "") -> None:
    (project / "descriptions").mkdir(exist_ok=True)
    (project / "descriptions" / "en.vtt").write_text(vtt, encoding="utf-8")
    toml = project / "film.toml"
    text = toml.read_text(encoding="utf-8").replace(
        '[languages.en]\nsubtitles = "subtitles/en.srt"\n',
        f'[languages.en]\nsubtitles = "subtitles/en.srt"\ndescriptions = "descriptions/en.vtt"\n{extra}',
    )
    toml.write_text(text, encoding="utf-8")


def test_a_description_over_speech_is_a_warning_one_in_a_pause_is_not(
    tmp_path: Path, tiny_media: Path, paused_master: Path, shared_cache: MeasureCache
) -> None:
    project = write_project(tmp_path / "film", tiny_media, master=paused_master, languages=("en",))
    describe(
        project,
        "WEBVTT\n\n00:00:00.050 --> 00:00:00.950\nA blue bus.\n\n00:00:01.200 --> 00:00:02.100\nA red phone.\n",
    )
    report = validate_project(load_project(project), cache=shared_cache)
    overlaps = [f for f in report.findings if f.code == "DESC_SPEECH_OVERLAP"]
    assert [(f.cue, f.severity, f.file, f.line) for f in overlaps] == [(1, "warning", "descriptions/en.vtt", 3)]
    assert "00:00:00.050" in overlaps[0].message and "pause" in overlaps[0].hint
    assert not [f for f in report.findings if f.file == "descriptions/en.vtt" and f.code != "DESC_SPEECH_OVERLAP"]


def test_descriptions_are_checked_like_subtitles(tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache) -> None:
    project = write_project(tmp_path / "film", tiny_media, languages=("en",))
    describe(project, "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nA blue bus.\n\nnot a timing line\nA red phone.\n")
    report = validate_project(load_project(project), cache=shared_cache)
    codes = {f.code for f in report.findings if f.file == "descriptions/en.vtt"}
    assert {"SUB_TIMING", "SUB_PARSE"} <= codes


def test_missing_description_inputs_name_their_keys(
    tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache
) -> None:
    project = write_project(tmp_path / "film", tiny_media, languages=("en",))
    describe(project, "WEBVTT\n", 'described_audio = "assets/audio/en-ad.m4a"\n')
    (project / "descriptions" / "en.vtt").unlink()
    report = validate_project(load_project(project), cache=shared_cache)
    missing = sorted(f.message for f in report.findings if f.code == "INPUT_MISSING")
    assert len(missing) == 2
    assert "described_audio in [languages.en]" in missing[0] and "descriptions in [languages.en]" in missing[1]


def test_a_short_described_mix_is_named_as_such(
    tmp_path: Path, tiny_media: Path, tiny_tone: Callable[..., Path], shared_cache: MeasureCache
) -> None:
    project = write_project(tmp_path / "film", tiny_media, languages=("en",))
    shutil.copy(tiny_tone(500, 1.5), project / "assets" / "audio" / "en-ad.m4a")
    describe(
        project,
        "WEBVTT\n\n00:00:01.200 --> 00:00:02.100\nA red phone.\n",
        'described_audio = "assets/audio/en-ad.m4a"\n',
    )
    report = validate_project(load_project(project), cache=shared_cache)
    durations = [f for f in report.findings if f.code == "AUDIO_DURATION"]
    assert len(durations) == 1 and "described mix" in durations[0].message and durations[0].severity == "error"


def test_sound_cues_in_captions_are_not_untranslated(
    tmp_path: Path, tiny_media: Path, shared_cache: MeasureCache
) -> None:
    sound = "[soft piano music]"
    subs = {
        "en": ("en.srt", make_srt((sound, CUES["en"][1]))),
        "pl": ("pl.srt", make_srt((sound, CUES["pl"][1]))),
    }
    extra = {"en": 'kind = "captions"\n', "pl": 'kind = "captions"\n'}
    project = write_project(tmp_path / "film", tiny_media, languages=("en", "pl"), subs=subs, extra=extra)
    report = validate_project(load_project(project), cache=shared_cache)
    assert [f for f in report.findings if f.code in ("SUB_UNTRANSLATED", "SUB_MARKUP")] == []
    assert load_project(project).language("pl").kind == "captions"
