"""film.toml's [captions] table: style, size, colours, box opacity; contrast below WCAG 2.2 AA refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.captions.style import CaptionStyle
from pipeline.errors import ConfigError
from pipeline.project import load_project

FILM = """\
[film]
id = "demo-film"
title = "A film"
source_language = "en"
master = "assets/master.mp4"

[languages.en]
subtitles = "subtitles/en.srt"
"""


def load(tmp_path: Path, captions: str):  # type: ignore[no-untyped-def]
    (tmp_path / "film.toml").write_text(FILM + "\n[captions]\n" + captions, encoding="utf-8")
    return load_project(tmp_path)


def test_default_is_white_outlined_text(tmp_path: Path) -> None:
    (tmp_path / "film.toml").write_text(FILM, encoding="utf-8")
    assert load_project(tmp_path).captions == CaptionStyle()


def test_box_style_with_every_key(tmp_path: Path) -> None:
    style = load(
        tmp_path,
        'style = "box"\nsize = 1.2\ntext_colour = "#ffff00"\noutline_colour = "#000"\n'
        'box_colour = "#101010"\nbox_opacity = 0.8\n',
    ).captions
    assert style == CaptionStyle("box", 1.2, "#FFFF00", "#000", "#101010", 0.8)


@pytest.mark.parametrize(
    "captions, message, hint",
    [
        ('styel = "box"', "unknown key 'styel' in [captions]", "did you mean 'style'?"),
        ('style = "shadow"', "'style' in [captions] must be one of 'outline', 'box'", 'style = "box"'),
        ("size = 5", "'size' in [captions] must be a number from 0.5 to 2.0", "size = 1.0"),
        ("box_opacity = true", "'box_opacity' in [captions] must be a number", "box_opacity = 0.75"),
        ('text_colour = "yellow"', "'text_colour' in [captions] must be a colour", '"#FFFFFF"'),
        (
            'text_colour = "#FFFF00"\noutline_colour = "#FFFFFF"',
            "the caption colours in [captions] give 1.07:1 against its #FFFFFF outline: fails",
            "darker outline colour",
        ),
        (
            'style = "box"\nbox_opacity = 0.3',
            "against the #000000 box at 30% over a white picture: fails WCAG 2.2 contrast",
            "higher box_opacity",
        ),
    ],
)
def test_mistakes_named_with_the_fix(tmp_path: Path, captions: str, message: str, hint: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, captions)
    assert message in info.value.message and info.value.message.startswith("film.toml: ")
    assert hint in info.value.hint
    assert info.value.exit_code == 2
