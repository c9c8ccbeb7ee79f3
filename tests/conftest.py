"""Shared fixtures: tiny media made once per session with lavfi, and tiny film projects.

Nothing is ever written into the checkout: everything lives under pytest's tmp folders.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

# Hypothesis keeps caches in ./.hypothesis unless told otherwise: keep them out of the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", "/tmp/filmpipe-hypothesis")
# The build's check of burned-in text against Chromium (render/shape_check.py) starts a browser
# per language: off for the many test builds, on in tests/test_shape_check.py (and in make demo).
os.environ.setdefault("FILMPIPE_CHROMIUM", "none")
from hypothesis import settings  # noqa: E402
from media_factory import MediaFactory, run_ffmpeg  # noqa: E402

from pipeline.subtitles.model import clock  # noqa: E402

# Nothing is written into the checkout: no example database (.hypothesis/); no deadline, since
# two cores shared with ffmpeg make timings meaningless. FILMPIPE_HYPOTHESIS=thorough runs more.
settings.register_profile("quick", database=None, deadline=None, max_examples=60)
settings.register_profile("thorough", database=None, deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("FILMPIPE_HYPOTHESIS", "quick"))

DURATION = 3.0
FPS = 25
LANGS = ("en", "pl", "ro", "ur", "bn", "gu")

# Two short cues per language, inside the 3-second film, within every readability rule.
CUES: dict[str, tuple[str, str]] = {
    "en": ("Hello, neighbours.", "Meet your team."),
    "pl": ("Cześć, sąsiedzi!", "Poznaj swój zespół."),
    "ro": ("Bună, vecini!", "Cunoaște-ți echipa."),
    "ur": ("سلام، پڑوسیو!", "اپنی ٹیم سے ملیں۔"),
    "bn": ("নমস্কার, প্রতিবেশী!", "আপনার দলকে জানুন।"),
    "gu": ("નમસ્તે, પડોશીઓ!", "તમારી ટીમને મળો."),
}
TIMES = ((0.2, 1.4), (1.6, 2.9))


def srt_time(seconds: float) -> str:
    return clock(seconds, ",")


def make_srt(texts: tuple[str, ...] | list[str], times=TIMES) -> str:
    blocks = []
    for i, (text, (start, end)) in enumerate(zip(texts, times, strict=False), 1):
        blocks.append(f"{i}\n{srt_time(start)} --> {srt_time(end)}\n{text}\n")
    return "\n".join(blocks)


def ffmpeg(*args: str) -> None:
    run_ffmpeg(*args)


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    """The session's maker of tiny masters and tones (tests/media_factory.py): each made once."""
    return MediaFactory(tmp_path_factory.mktemp("media-factory"))


@pytest.fixture(scope="session")
def tiny_master(media: MediaFactory) -> Callable[..., Path]:
    """tiny_master(width=320, height=180, fps=25, duration=3.0, rotation=None, audio=True, ...): a master's path."""
    return media.master


@pytest.fixture(scope="session")
def tiny_tone(media: MediaFactory) -> Callable[..., Path]:
    """tiny_tone(frequency=440, duration=3.0, silent=False): an AAC stereo tone's path (a dub, a described mix)."""
    return media.tone


@pytest.fixture(scope="session")
def tiny_media(tmp_path_factory: pytest.TempPathFactory, media: MediaFactory) -> Path:
    """master.mp4 (3 s, 320x180, 25 fps, H.264 + AAC) and a 3 s dub per language, in one folder."""
    root = tmp_path_factory.mktemp("media")
    os.link(media.master(fps=FPS, duration=DURATION), root / "master.mp4")
    for i, lang in enumerate(LANGS[1:]):
        os.link(media.tone(300 + 60 * i, DURATION), root / f"{lang}.m4a")
    return root


FILM_TOML = """\
[film]
id = "tiny-film"
title = "Meet your neighbourhood policing team"
source_language = "en"
master = "assets/master.mp4"
upload_date = 2026-11-26

{languages}
[output]
ladder = [180]
progressive = [180]
open_captions = [180]
{extra_output}
[social]
shapes = []  # the social pack costs seconds per language: tests/test_social*.py turn it on
"""


ProjectFactory = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path, tiny_media: Path) -> ProjectFactory:
    """Build a tiny project folder; override subtitles per language with `subtitles={'pl': '…srt text…'}`."""

    def factory(
        languages: tuple[str, ...] = LANGS,
        subtitles: dict[str, str | bytes] | None = None,
        dubs: bool = True,
        extra_output: str = "",
        folder: str = "project",
    ) -> Path:
        return write_project(tmp_path / folder, tiny_media, languages, subtitles, dubs, extra_output)

    return factory


def write_project(
    root: Path,
    tiny_media: Path,
    languages: tuple[str, ...] = LANGS,
    subtitles: dict[str, str | bytes] | None = None,
    dubs: bool = True,
    extra_output: str = "",
) -> Path:
    """Write a tiny project into `root`: the session's media, film.toml and one SRT per language."""
    (root / "assets" / "audio").mkdir(parents=True, exist_ok=True)
    (root / "subtitles").mkdir(exist_ok=True)
    shutil.copy(tiny_media / "master.mp4", root / "assets" / "master.mp4")
    tables = []
    for lang in languages:
        table = f'[languages.{lang}]\nsubtitles = "subtitles/{lang}.srt"\n'
        if dubs and lang != "en":
            shutil.copy(tiny_media / f"{lang}.m4a", root / "assets" / "audio" / f"{lang}.m4a")
            table += f'audio = "assets/audio/{lang}.m4a"\n'
        tables.append(table)
        content = (subtitles or {})[lang] if lang in (subtitles or {}) else make_srt(CUES[lang])
        target = root / "subtitles" / f"{lang}.srt"
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    (root / "film.toml").write_text(
        FILM_TOML.format(languages="\n".join(tables), extra_output=extra_output), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave pictures for people to look at (outside the checkout unless told)."""
    where = Path(os.environ.get("FILMPIPE_TEST_ARTIFACTS", "/tmp/filmpipe-test-artifacts"))
    where.mkdir(parents=True, exist_ok=True)
    return where
