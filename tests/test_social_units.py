"""The social pack's parts without a build: film.toml keys, locales, post text, platforms, SRT, layout."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import pysrt
import pytest
import srt as srt_lib

from pipeline.captions.render import CaptionStyle
from pipeline.errors import ConfigError
from pipeline.languages import profile_for
from pipeline.project import load_project
from pipeline.social import platforms
from pipeline.social import srt as social_srt
from pipeline.social.layout import LANDSCAPE, SAFE_ZONES, SQUARE, VERTICAL, draw_in_band, layout_for
from pipeline.social.locale import default_locale
from pipeline.social.post import Post, lengths, x_weight
from pipeline.subtitles.model import Cue
from pipeline.validate.social import social_findings

FILM = """\
[film]
id = "tiny-film"
title = "Meet your team"
source_language = "en"
master = "master.mp4"
{film_extra}

[languages.en]
subtitles = "en.srt"

[languages.ur]
subtitles = "ur.srt"
{lang_extra}
{tables}
"""


def project_with(tmp_path: Path, film_extra: str = "", lang_extra: str = "", tables: str = "") -> Path:
    (tmp_path / "film.toml").write_text(
        FILM.format(film_extra=film_extra, lang_extra=lang_extra, tables=tables), encoding="utf-8"
    )
    return tmp_path


# ------------------------------------------------------------------ film.toml


def test_defaults_make_a_vertical_pack(tmp_path: Path) -> None:
    project = load_project(project_with(tmp_path))
    assert project.social.shapes == ("vertical",)
    assert project.social.background == "blur"
    assert project.social.cover_time is None
    assert project.film.link is None and project.film.call_to_action is None
    assert [lang.locale for lang in project.languages] == ["en_GB", "ur_PK"]


def test_social_keys_are_read(tmp_path: Path) -> None:
    project = load_project(
        project_with(
            tmp_path,
            film_extra='link = "https://example.org/team"\ncall_to_action = "Find your team"',
            lang_extra='social_locale = "ur_IN"',
            tables='[social]\nshapes = ["square", "vertical", "square"]\nbackground = "#1B2A49"\ncover_time = 2',
        )
    )
    assert project.social.shapes == ("vertical", "square")
    assert project.social.background == "#1b2a49"
    assert project.social.cover_time == 2.0
    assert project.film.link == "https://example.org/team"
    assert project.film.call_to_action == "Find your team"
    assert project.language("ur").locale == "ur_IN"


def test_empty_shapes_turn_the_pack_off(tmp_path: Path) -> None:
    assert not load_project(project_with(tmp_path, tables="[social]\nshapes = []")).social.enabled


@pytest.mark.parametrize(
    ("film_extra", "lang_extra", "tables", "says"),
    [
        ("", "", '[social]\nshapes = ["portrait"]', "'shapes' in [social] must be a list of 'vertical' and 'square'"),
        ("", "", '[social]\nshapes = "vertical"', "'shapes' in [social] must be a list"),
        ("", "", '[social]\nbackground = "red"', "'background' in [social] must be \"blur\" or a colour"),
        ("", "", "[social]\ncover_time = -1", "'cover_time' in [social] must be a number of seconds"),
        ("", "", "[social]\ncover_time = nan", "'cover_time' in [social] must be a number of seconds"),
        ("", "", "[social]\nshape = []", "unknown key 'shape' in [social]"),
        ('link = "yourcounty.police.uk"', "", "", "'link' in [film] must be a web address"),
        ('link = "javascript:alert(1)"', "", "", "'link' in [film] must be a web address"),
        ("", 'social_locale = "ur-PK"', "", "social_locale"),
    ],
)
def test_bad_social_keys_are_one_sentence(
    tmp_path: Path, film_extra: str, lang_extra: str, tables: str, says: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_project(project_with(tmp_path, film_extra, lang_extra, tables))
    assert says in err.value.message
    assert err.value.hint


def test_locales_come_from_the_language_table_else_cldr(tmp_path: Path) -> None:
    project = load_project(project_with(tmp_path, tables='[languages.bn]\nsubtitles = "bn.srt"\n'))
    assert [lang.locale for lang in project.languages] == ["en_GB", "ur_PK", "bn_IN"]
    assert default_locale("pt-BR") == "pt_BR"  # the tag's own region wins
    assert default_locale("sq") == "sq_AL"  # no row in the table: CLDR's likely region


# ------------------------------------------------------------------ post text and platforms


def test_post_text_has_every_part_and_the_link_on_its_own_line() -> None:
    post = Post("عنوان", "تفصیل", "یہاں تلاش کیجیے: example.org/team", "https://example.org/team")
    assert post.text == "عنوان\n\nتفصیل\n\nیہاں تلاش کیجیے: example.org/team\nhttps://example.org/team\n"
    assert Post("T", None, None, None).text == "T\n"


def test_x_counts_web_addresses_as_23_and_wide_characters_as_2() -> None:
    assert x_weight("a" * 280) == 280
    assert x_weight("https://yourcounty.police.uk/neighbourhood/with/a/very/long/path") == 23
    assert x_weight("see yourcounty.police.uk/neighbourhood") == 4 + 23
    assert x_weight("ملیے") == 4  # Arabic script weighs 1 per code point
    assert x_weight("নমস্কার") == 7  # Bengali too (below U+1100)
    assert x_weight("日本") == 4  # CJK weighs 2


def test_post_over_280_for_x_fits_the_others() -> None:
    post = Post("T", "x" * 300, None, None)
    fits = platforms.fitting("post-text", post_lengths=lengths(post))
    assert "x" not in fits and "facebook" in fits and "linkedin" in fits


def test_platform_verdicts() -> None:
    x = platforms.platform("x")
    assert platforms.video_verdict(x, "vertical", 140.0, 10_000) == platforms.FITS
    assert platforms.video_verdict(x, "vertical", 140.5, 10_000) == platforms.TOO_LONG
    assert platforms.video_verdict(x, "vertical", 60, 600 * 1024**2) == platforms.TOO_BIG
    reels = platforms.platform("instagram-reels")
    assert platforms.video_verdict(reels, "landscape", 60, 1) == platforms.WRONG_SHAPE
    assert platforms.fitting("captions-file") == ["youtube-shorts", "facebook", "x", "linkedin"]
    assert platforms.CHECKED_ON  # the table is dated
    assert all(p.sources for p in platforms.PLATFORMS)


def test_a_film_too_long_for_x_is_a_warning_naming_the_file_and_the_limit(tmp_path: Path) -> None:
    project = load_project(project_with(tmp_path))
    found = social_findings(project, project.language("ur"), 185.0)
    too_long = [f for f in found if f.code == "SOCIAL_TOO_LONG"]
    assert {f.severity for f in too_long} == {"warning"}
    x = next(f for f in too_long if "X takes" in f.message)
    assert x.file == "social/ur/tiny-film-ur-vertical.mp4"
    assert "3:05" in x.message and "2:20" in x.message
    assert any("Instagram Reels" in f.message for f in too_long)  # 3:00 for Reels and Shorts
    assert not [f for f in social_findings(project, project.language("ur"), 74.0) if f.code == "SOCIAL_TOO_LONG"]


def test_no_social_findings_without_a_pack(tmp_path: Path) -> None:
    project = load_project(project_with(tmp_path, tables="[social]\nshapes = []"))
    assert social_findings(project, project.language("ur"), 999.0) == []


# ------------------------------------------------------------------ SRT


def cue(i: int, start: float, end: float, *lines: str) -> Cue:
    return Cue(index=i, start=start, end=end, lines=tuple(lines), line=i * 4)


CUES = [
    cue(1, 0.5, 2.0, "<i>Cześć</i>, sąsiedzi!", "Şi ţară"),
    cue(2, 2.0, 3.0, "   "),  # no text: left out
    cue(3, 3.25, 4.75, "yourcounty.police.uk پر", "", "ملیے"),
    cue(4, 3600.0, 3601.5, "an hour in"),
]


def test_srt_parses_with_pysrt_srt_and_ffmpeg(tmp_path: Path) -> None:
    path = tmp_path / social_srt.file_name("tiny-film", "ro_RO")
    assert path.name == "tiny-film.ro_RO.srt"
    assert social_srt.write(CUES, "ro", path) == 3
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.startswith("1\n00:00:00,500 --> 00:00:02,000\nCześć, sąsiedzi!\nȘi țară\n\n2\n")
    assert "01:00:00,000 --> 01:00:01,500" in text
    items = pysrt.open(str(path), encoding="utf-8", error_handling=pysrt.ERROR_RAISE)
    assert [i.index for i in items] == [1, 2, 3]
    parsed = list(srt_lib.parse(text))
    assert [s.index for s in parsed] == [1, 2, 3]
    assert parsed[1].content == "yourcounty.police.uk پر\nملیے"
    assert parsed[2].start.total_seconds() == 3600.0
    out = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "webvtt", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.count("-->") == 3


def test_srt_marks_rtl_lines_that_start_left_to_right(tmp_path: Path) -> None:
    path = tmp_path / "x.srt"
    social_srt.write(CUES, "ur", path, rtl=True)
    items = pysrt.open(str(path), encoding="utf-8")
    assert items[1].text.split("\n") == ["\u200fyourcounty.police.uk پر", "ملیے"]


# ------------------------------------------------------------------ layout


def test_layouts_keep_text_bands_inside_the_safe_zones() -> None:
    vertical = layout_for(VERTICAL, Fraction(16, 9))
    assert (vertical.width, vertical.height) == (1080, 1920)
    assert (vertical.picture.width, vertical.picture.height) == (1080, 608)
    assert vertical.safe.y >= 0.14 * 1920 and vertical.safe.bottom <= 0.65 * 1920
    assert vertical.safe.right <= 1080 - 170
    assert vertical.title is not None and vertical.title.bottom <= vertical.picture.y
    assert vertical.captions.y >= vertical.picture.bottom
    for band in (vertical.title, vertical.captions):
        assert band.y >= vertical.safe.y and band.bottom <= vertical.safe.bottom
        assert band.x >= vertical.safe.x and band.right <= vertical.safe.right
    square = layout_for(SQUARE, Fraction(16, 9))
    assert (square.width, square.height) == (1080, 1080) and square.picture.y == (1080 - 608) // 2
    assert SAFE_ZONES[VERTICAL].source and SAFE_ZONES[SQUARE].source
    landscape = layout_for(LANDSCAPE, Fraction(16, 9), 720)
    assert (landscape.width, landscape.height) == (1280, 720) and landscape.title is None


LONG = {
    "en": "Neighbourhood officers and PCSOs patrol your streets every day, and they hold surgeries in local venues.",
    "ur": "محلے کے پولیس افسران اور پی سی ایس او روزانہ آپ کی گلیوں میں گشت کرتے ہیں: yourcounty.police.uk/neighbourhood",
    "bn": "প্রতিবেশী পুলিশ কর্মকর্তা এবং পিসিএসও প্রতিদিন আপনার রাস্তায় টহল দেন এবং স্থানীয় জায়গায় সভা করেন।",
    "gu": "પડોશના પોલીસ અધિકારીઓ અને પીસીએસઓ દરરોજ તમારી શેરીઓમાં પેટ્રોલિંગ કરે છે અને સ્થાનિક સ્થળોએ બેઠકો યોજે છે.",
}


@pytest.mark.parametrize("code", sorted(LONG))
@pytest.mark.parametrize("shape", [VERTICAL, SQUARE])
def test_long_text_shrinks_into_its_band(code: str, shape: str) -> None:
    layout = layout_for(shape, Fraction(16, 9))
    for band, anchor in ((layout.captions, "bottom"), (layout.title, "top")):
        assert band is not None
        drawn = draw_in_band(LONG[code], profile_for(code), layout, band, anchor, CaptionStyle())
        assert drawn.ink is not None
        left, top, right, bottom = drawn.ink
        assert band.x <= left and right <= band.right and band.y <= top and bottom <= band.bottom, drawn.ink
        assert drawn.em > 20  # still readable on a phone


def test_a_title_the_fonts_cannot_draw_is_an_error(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    po = root / "locales" / "ur" / "LC_MESSAGES" / "film.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Meet your team"\nmsgstr "اپنی ٹیم سے ملیے \U0001f46e"\n',
        encoding="utf-8",
    )
    project = load_project(root)
    found = [f for f in social_findings(project, project.language("ur"), 60.0) if f.code == "SOCIAL_TITLE_GLYPHS"]
    assert len(found) == 1 and found[0].severity == "error"
    assert "\U0001f46e" in found[0].message and found[0].file == "locales/ur/LC_MESSAGES/film.po"
    assert not [f for f in social_findings(project, project.language("en"), 60.0) if f.code == "SOCIAL_TITLE_GLYPHS"]
