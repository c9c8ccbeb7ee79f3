from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.project import load_project

GOOD = """\
[film]
id = "demo-film"
title = "A film"
source_language = "en"
master = "assets/master.mp4"

[languages.en]
subtitles = "subtitles/en.srt"

[languages.ur]
subtitles = "subtitles/ur.srt"
audio = "assets/audio/ur.m4a"
max_cps = 15
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "film.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_loads_typed_frozen_project(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, GOOD))
    assert project.film.id == "demo-film"
    assert project.film.master == tmp_path.resolve() / "assets/master.mp4"
    assert [l.code for l in project.languages] == ["en", "ur"]
    ur = project.language("ur")
    assert ur.audio == tmp_path.resolve() / "assets/audio/ur.m4a"
    assert ur.profile.direction == "rtl" and ur.profile.native_name == "اردو"
    assert ur.limits.max_cps == 15.0 and project.language("en").limits.max_cps == 20.0
    assert project.output.ladder == (1080, 720, 480, 360, 240)  # 240: the slow-phone rung
    assert project.output.progressive == (720, 360)  # 360: the small MP4 for mobile data
    with pytest.raises(AttributeError):
        project.film.id = "x"  # type: ignore[misc]


def test_accepts_the_file_itself(tmp_path: Path) -> None:
    assert load_project(write(tmp_path, GOOD) / "film.toml").film.title == "A film"


def test_source_language_listed_first(tmp_path: Path) -> None:
    text = GOOD.replace('source_language = "en"', 'source_language = "ur"').replace(
        'audio = "assets/audio/ur.m4a"\n', ""
    )
    project = load_project(write(tmp_path, text))
    assert project.source.code == "ur"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("[film]", "[film]\ntitel = 'x'"), "unknown key 'titel' in [film]"),
        (("max_cps = 15", "max_cpx = 15"), "unknown key 'max_cpx' in [languages.ur]"),
        (("[languages.ur]", "[languages.xx-notalang]"), "'xx-notalang' in [languages.xx-notalang] is not a BCP 47"),
        (('id = "demo-film"', 'id = "Demo Film"'), "film id 'Demo Film' may only hold"),
        (('source_language = "en"', 'source_language = "pl"'), "source_language 'pl' has no [languages.pl] table"),
        (('master = "assets/master.mp4"', ""), "missing key 'master' in [film]"),
        (("max_cps = 15", "max_cps = -1"), "'max_cps' in [languages.ur] must be a positive number"),
        (("max_cps = 15", "max_lines = 2.5"), "'max_lines' in [languages.ur] must be a whole number"),
        (("[languages.en]", "[output]\nladder = [1080, 'x']\n[languages.en]"), "'ladder' in [output] must be a list"),
        (("[languages.en]", "[output]\nprogressive = [540]\n[languages.en]"), "progressive height 540"),
        (("[languages.en]", "[output]\nloudness_lufs = 3\n[languages.en]"), "'loudness_lufs' in [output] must be"),
        (("[languages.en]\nsubtitles", "[languages.en]\naudio = 'a.m4a'\nsubtitles"), "is the source language"),
        (("[film]", "[flim.x]\n[film]"), "unknown key 'flim' in the top level"),
        (('title = "A film"', 'title = "A film'), "is not valid TOML"),
    ],
)
def test_broken_film_toml_is_one_sentence(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(ConfigError) as info:
        load_project(write(tmp_path, text))
    assert expected in info.value.message
    assert info.value.exit_code == 2
    assert "\n" not in info.value.message


def test_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_project(write(tmp_path, GOOD.replace("[film]", "[film]\ndescripton = 'x'")))
    assert info.value.hint == "did you mean 'description'?"


def test_no_project_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no film project at"):
        load_project(tmp_path)


def test_lang_filter_keeps_source(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, GOOD))
    assert [l.code for l in project.only(("ur",)).languages] == ["en", "ur"]
    assert [l.code for l in project.only(("UR",)).languages] == ["en", "ur"]
    with pytest.raises(ConfigError, match="--lang names 'de'"):
        project.only(("de",))


def test_demo_project_loads() -> None:
    project = load_project(Path(__file__).parent.parent)
    assert [l.code for l in project.languages] == ["en", "pl", "ro", "ur", "bn", "gu"]
