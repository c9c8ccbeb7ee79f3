"""Tiny film projects for the accessibility tests, built for real once per session.

- `a11y_site`: en (captions with sound cues, text descriptions, a described mix), pl
  (subtitles), ur (subtitles, right-to-left); a catalog gives Polish the page labels.
- `rtl_site`: an all-right-to-left film: Urdu (source) and Arabic.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CUES, make_srt, write_project
from site_staging import Built, write_catalog

EN_CAPTIONS = ("[gentle music] Hello, neighbours.", "Meet your team. [music fades]")
DESCRIPTIONS_VTT = "WEBVTT\n\n1\n00:00:00.300 --> 00:00:01.300\nA blue bus.\n"
AR_CUES = ("مرحبا يا جيران!", "تعرّف على فريقك.")

_BUILT: dict[str, Built] = {}


def build(project: Path) -> Built:
    from pipeline.cli import cli
    from pipeline.cli.common import run_guarded

    code = run_guarded(cli, ["build", "-p", str(project)])
    assert code == 0, f"filmpipe build exited {code}"
    return Built(project=project, dist=project / "dist")


def add_to_language(project: Path, code: str, lines: str) -> None:
    """Append keys to [languages.<code>] in film.toml."""
    toml = project / "film.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(
        rf"(\[languages\.{code}\]\n(?:[^\[\n].*\n)*)", lambda m: m.group(1) + lines.rstrip("\n") + "\n", text, count=1
    )
    toml.write_text(text, encoding="utf-8")


def write_a11y_project(root: Path, tiny_media: Path, described_mix: Path) -> Path:
    """The a11y project; `described_mix` is the English described mix (a 3 s tone)."""
    project = write_project(root, tiny_media, ("en", "pl", "ur"), subtitles={"en": make_srt(EN_CAPTIONS)})
    (project / "descriptions").mkdir()
    (project / "descriptions" / "en.vtt").write_text(DESCRIPTIONS_VTT, encoding="utf-8")
    shutil.copy(described_mix, project / "assets" / "audio" / "en-ad.m4a")
    add_to_language(
        project,
        "en",
        'kind = "captions"\ndescriptions = "descriptions/en.vtt"\ndescribed_audio = "assets/audio/en-ad.m4a"\n',
    )
    write_catalog(project, "pl")
    add_labels(project, "pl", PL_LABELS)
    return project


PL_LABELS = {
    "Play": "Odtwórz",
    "audio description": "audiodeskrypcja",
    "Audio description": "Audiodeskrypcja",
}  # "Pause" left untranslated


def add_labels(project: Path, code: str, labels: dict[str, str]) -> None:
    """Add translations to a language's catalog."""
    from babel.messages.pofile import read_po, write_po

    path = project / "locales" / code / "LC_MESSAGES" / "film.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    for msgid, msgstr in labels.items():
        catalog.add(msgid, msgstr)
    with path.open("wb") as fh:
        write_po(fh, catalog)


def write_rtl_project(root: Path, tiny_media: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "assets" / "audio").mkdir(parents=True)
    (root / "subtitles").mkdir()
    shutil.copy(tiny_media / "master.mp4", root / "assets" / "master.mp4")
    shutil.copy(tiny_media / "pl.m4a", root / "assets" / "audio" / "ar.m4a")
    (root / "subtitles" / "ur.srt").write_text(make_srt(CUES["ur"]), encoding="utf-8")
    (root / "subtitles" / "ar.srt").write_text(make_srt(AR_CUES), encoding="utf-8")
    (root / "film.toml").write_text(
        '[film]\nid = "rtl-film"\ntitle = "اپنی مقامی پولیس ٹیم سے ملیے"\nsource_language = "ur"\n'
        'master = "assets/master.mp4"\n\n[languages.ur]\nsubtitles = "subtitles/ur.srt"\n\n'
        '[languages.ar]\nsubtitles = "subtitles/ar.srt"\naudio = "assets/audio/ar.m4a"\n\n'
        "[output]\nladder = [180]\nprogressive = [180]\nopen_captions = [180]\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="session")
def a11y_site(tmp_path_factory: pytest.TempPathFactory, tiny_media: Path, tiny_tone: Callable[..., Path]) -> Built:
    if "a11y" not in _BUILT:
        root = tmp_path_factory.mktemp("a11y") / "project"
        _BUILT["a11y"] = build(write_a11y_project(root, tiny_media, tiny_tone(660)))
    return _BUILT["a11y"]


@pytest.fixture(scope="session")
def rtl_site(tmp_path_factory: pytest.TempPathFactory, tiny_media: Path) -> Built:
    if "rtl" not in _BUILT:
        _BUILT["rtl"] = build(write_rtl_project(tmp_path_factory.mktemp("rtl") / "project", tiny_media))
    return _BUILT["rtl"]
