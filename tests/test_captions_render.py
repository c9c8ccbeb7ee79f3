"""The caption renderer (pipeline/captions): layout, bidi order, margins, glyph check, styles, contrast.

Pixel tests draw real cues with the real fonts; where two drawings differ is where a glyph went.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageChops

from pipeline.captions import bidi as capbidi
from pipeline.captions.render import CaptionBox, CaptionStyle, MissingGlyphs, measure_cue, render_cue
from pipeline.captions.style import contrast, contrast_ratio, parse_colour
from pipeline.fonts import font_chain
from pipeline.languages import profile_for
from pipeline.subtitles.reader import read_subtitles

LANGS = ("en", "pl", "ro", "ur", "bn", "gu")


@pytest.fixture(autouse=True)
def _fonts_installed() -> None:
    for lang in ("ur", "bn", "gu", "en"):
        chain = font_chain(profile_for(lang).font_family)
        if not chain or chain[0].family != profile_for(lang).font_family:
            pytest.skip(f"font {profile_for(lang).font_family} not installed")


# ---------------------------------------------------------------- bidi, against the unicode-bidi crate

_POOL = list("abc XYZ 123 .,!?:-/%+") + list("پر جائیں سلام ٹیم ۔،؟") + ["\u200f", "\u200e", "٣", "\u0651"]


@given(st.lists(st.sampled_from(_POOL), min_size=1, max_size=25).map("".join), st.booleans())
def test_bidi_order_matches_the_unicode_bidi_crate(text: str, rtl: bool) -> None:
    from bidi import get_display  # python-bidi: the Rust crate unicode-bidi

    levels = capbidi.embedding_levels(text, rtl)
    mine = "".join(text[i] for i in capbidi.visual_order(levels))
    theirs = get_display(text, base_dir="R" if rtl else "L")
    strip = str.maketrans("", "", "\u200e\u200f")  # zero-width marks: where they sit does not show
    assert mine.translate(strip) == theirs.translate(strip)


def test_bidi_web_address_in_urdu() -> None:
    text = "yourcounty.police.uk پر جائیں!"
    order = capbidi.visual_order(capbidi.embedding_levels(text, rtl=True))
    shown = "".join(text[i] for i in order)
    assert shown.startswith("!") and shown.endswith("yourcounty.police.uk")


# ---------------------------------------------------------------- drawing

BOX = CaptionBox(640, 360)


def ink(img: Image.Image) -> tuple[int, int, int, int]:
    box = img.getchannel("A").getbbox()
    assert box is not None
    return box


def diff_box(a: Image.Image, b: Image.Image) -> tuple[int, int, int, int]:
    d = ImageChops.difference(a.getchannel("A"), b.getchannel("A")).point(lambda v: 255 if v > 60 else 0).getbbox()
    assert d is not None
    return d


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("style", ["outline", "box"])
def test_drawn_inside_title_safe_area(lang: str, style: str) -> None:
    text = {"ur": "سلام، پڑوسیو!\nاپنی ٹیم سے ملیں۔", "bn": "নমস্কার, প্রতিবেশী!", "gu": "નમસ્તે, પડોશીઓ!"}.get(
        lang, "Cześć, sąsiedzi!\nȘtiți că poliția"
    )
    drawn = render_cue(text, profile_for(lang), BOX, CaptionStyle(style=style))  # type: ignore[arg-type]
    assert drawn.image.size == (640, 360) and drawn.image.mode == "RGBA"
    left, top, right, bottom = ink(drawn.image)
    assert drawn.ink == (left, top, right, bottom)
    assert left >= 0.05 * 640 and right <= 0.95 * 640 and bottom <= 0.95 * 360
    assert top > 360 / 2  # a bottom caption stays in the lower half
    assert abs((left + right) / 2 - 320) < 0.05 * 640  # centred


def test_rtl_punctuation_ends_on_the_left() -> None:
    # Arabic comma and ASCII comma: where the two drawings differ is where the comma went.
    a = render_cue("اپنی ٹیم سے ملیں،", profile_for("ur"), BOX).image
    b = render_cue("اپنی ٹیم سے ملیں,", profile_for("ur"), BOX).image
    line, diff = ink(a), diff_box(a, b)
    assert diff[2] < line[0] + (line[2] - line[0]) * 0.3, (line, diff)


def test_rtl_leading_latin_sits_on_the_right_in_noto_sans() -> None:
    a = render_cue("abc.uk پر جائیں", profile_for("ur"), BOX)
    b = render_cue("bca.uk پر جائیں", profile_for("ur"), BOX)
    line, diff = ink(a.image), diff_box(a.image, b.image)
    assert diff[0] > line[0] + (line[2] - line[0]) * 0.4, (line, diff)
    assert a.fonts == ("Noto Nastaliq Urdu", "Noto Sans")


def test_second_line_below_first_and_baselines_fixed() -> None:
    one = render_cue("سلام\nپڑوسیو", profile_for("ur"), BOX).image
    top_only = render_cue("سلام\n-", profile_for("ur"), BOX).image
    whole, diff = ink(one), diff_box(one, top_only)
    assert diff[1] > whole[1] + 5
    # the bottom line sits on the same baseline whatever its letters: no jumping between cues
    x = render_cue("Hello", profile_for("en"), BOX).image
    y = render_cue("Hey you", profile_for("en"), BOX).image
    assert abs(ink(x)[3] - ink(y)[3]) <= 12  # 'y' descends, 'Hello' does not: within one descent


def test_size_follows_the_shorter_side_and_the_size_setting() -> None:
    wide = render_cue("Meet", profile_for("en"), CaptionBox(1280, 720))
    tall = render_cue("Meet", profile_for("en"), CaptionBox(720, 1280))
    big = render_cue("Meet", profile_for("en"), CaptionBox(1280, 720), CaptionStyle(size=1.5))
    assert wide.em == pytest.approx(tall.em) == pytest.approx(0.048 * 720)
    assert big.em == pytest.approx(1.5 * wide.em)
    ur = render_cue("ملیں", profile_for("ur"), CaptionBox(1280, 720))
    assert ur.em > 1.2 * wide.em  # Nastaliq letters look small for their em


def test_long_line_wraps_in_a_narrow_box_and_a_long_word_shrinks() -> None:
    box = CaptionBox(360, 640)
    drawn = render_cue("Poznaj swój zespół dzielnicowy w swojej okolicy już dziś", profile_for("pl"), box)
    assert len(drawn.lines) >= 2
    left, _, right, _ = ink(drawn.image)
    assert left >= box.side - 1 and right <= 360 - box.side + 1
    url = render_cue("yourcounty.police.uk/neighbourhood/team", profile_for("en"), box)
    assert len(url.lines) == 1 and url.em < drawn.em
    assert ink(url.image)[2] <= 360 - box.side + 1


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "They meet residents and listen to what matters to you most."),
        ("ur", "تاکہ اُن مسائل کو حل کیا جا سکے جو آپ کے لیے سب سے اہم ہیں،"),
    ],
)
def test_a_wrapped_line_is_balanced_not_left_with_a_lone_last_word(language: str, text: str) -> None:
    # Filling the first line greedily leaves one word (en) or three (ur) on the second line here.
    box = CaptionBox(600, 400)
    drawn = render_cue(text, profile_for(language), box)
    assert len(drawn.lines) == 2
    counts = [len(line.split()) for line in drawn.lines]
    assert min(counts) >= 5, drawn.lines
    assert " ".join(drawn.lines) == text
    left, _, right, _ = ink(drawn.image)
    assert left >= box.side - 1 and right <= box.width - box.side + 1


def test_anchor_top_and_middle() -> None:
    top = ink(render_cue("Title", profile_for("en"), CaptionBox(640, 360, anchor="top")).image)
    mid = ink(render_cue("Title", profile_for("en"), CaptionBox(640, 360, anchor="middle")).image)
    assert top[1] >= 0.05 * 360 and top[3] < 360 / 3
    assert abs((mid[1] + mid[3]) / 2 - 180) < 20


def test_missing_glyph_raises_before_drawing() -> None:
    with pytest.raises(MissingGlyphs) as err:
        render_cue("নমস্কার 𓀀", profile_for("bn"), BOX)
    assert err.value.chars == ["𓀀"]


def test_empty_cue_draws_nothing() -> None:
    drawn = render_cue("  \n<i></i>", profile_for("en"), BOX)
    assert drawn.ink is None and drawn.lines == ()


def test_box_style_paints_the_box_colour_at_its_opacity() -> None:
    style = CaptionStyle(style="box", box_colour="#102030", box_opacity=0.6)
    drawn = render_cue("Hello", profile_for("en"), BOX, style)
    left, top, _, _ = ink(drawn.image)
    assert drawn.image.getpixel((left + 1, top + 1)) == (0x10, 0x20, 0x30, round(0.6 * 255))


def test_markup_bold_and_italic_faces() -> None:
    plain = render_cue("team", profile_for("en"), BOX).image
    bold = render_cue("<b>team</b>", profile_for("en"), BOX).image
    italic = render_cue("<i>team</i>", profile_for("en"), BOX).image
    assert plain.tobytes() != bold.tobytes() and plain.tobytes() != italic.tobytes()
    # no italics in Bengali: the tag changes nothing
    assert (
        render_cue("<i>নমস্কার</i>", profile_for("bn"), BOX).image.tobytes()
        == render_cue("নমস্কার", profile_for("bn"), BOX).image.tobytes()
    )


# ---------------------------------------------------------------- contrast (WCAG 2.2)


def test_contrast_ratio_known_values() -> None:
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert parse_colour("#fc0") == (255, 204, 0)
    with pytest.raises(ValueError):
        parse_colour("yellow")


def test_contrast_of_the_styles() -> None:
    assert contrast(CaptionStyle()).passes and contrast(CaptionStyle()).ratio == 21.0
    box = contrast(CaptionStyle(style="box", box_opacity=0.75))
    assert box.passes and "white" in box.against  # the worst case is the box over a white picture
    weak = contrast(CaptionStyle(style="box", box_opacity=0.3))
    assert not weak.passes and weak.ratio < 4.5
    assert not contrast(CaptionStyle(text_colour="#FFFF00", outline_colour="#FFFFFF")).passes


def test_too_many_lines_shrink_to_fit_and_control_characters_are_not_drawn() -> None:
    box = CaptionBox(640, 360)
    text = "\n".join(["Line of text"] * 20)
    drawn = render_cue(text, profile_for("en"), box)
    left, top, right, bottom = ink(drawn.image)
    assert len(drawn.lines) == 20 and top >= box.edge - 1 and bottom <= 360 - box.edge + 1
    assert drawn.em < render_cue("Line of text", profile_for("en"), box).em
    tabbed = render_cue("Hello\tteam\x07", profile_for("en"), box)
    assert tabbed.lines == ("Hello team",)


@pytest.mark.parametrize("lang, plain, deep", [("en", "xo", "xy"), ("ur", "سے", "سے ہیں"), ("bn", "কম", "কমু")])
def test_bottom_line_never_moved_by_its_letters(lang: str, plain: str, deep: str) -> None:
    """The baseline is fixed: a descender's outline stays inside the margin without moving the line up."""
    a = ink(render_cue(plain, profile_for(lang), BOX).image)
    b = ink(render_cue(deep, profile_for(lang), BOX).image)
    assert b[3] <= 360 - BOX.edge
    assert abs(a[1] - b[1]) <= 1 or b[1] < a[1]  # same top (or taller letters), never pushed up by the tail


@pytest.mark.parametrize("language", ["en", "pl", "ro", "ur", "bn", "gu"])
def test_measuring_breaks_lines_as_drawing_does(language: str) -> None:
    """The caption check and the social fit measure cues instead of drawing them: the lines, size and
    shrink they are told must be the drawing's, for every demo cue and a narrow box that forces breaks."""
    doc, _ = read_subtitles(Path(__file__).resolve().parent.parent / "subtitles" / f"{language}.srt", language)
    assert doc is not None
    profile = profile_for(language)
    broken = 0
    for box in (CaptionBox(1280, 720), CaptionBox(400, 720)):
        for cue in doc.cues:
            measured = measure_cue(cue.text, profile, box)
            drawn = render_cue(cue.text, profile, box)
            assert measured is not None
            assert (measured.lines, measured.em) == (drawn.lines, drawn.em), cue.index
            broken += len(drawn.lines) > len(cue.text.split("\n"))
    assert broken > 0  # the narrow box did re-break some cues
