"""How burned-in captions look: the `[captions]` settings of film.toml, the size of each script,
and the contrast of text against the worst background under it (WCAG 2.2, 1.4.3: 4.5:1).

Sizes are in *visual em* (the font's em square, i.e. the font size in pixels) as a fraction of
the shorter side of the picture (the height of a 16:9 frame, the width of a vertical one), set
per script so that letters *look* equally big: Nastaliq letters are small for their em and
hang far below the line, Bengali and Gujarati carry vowel signs above and below.

- Latin (Noto Sans): em 4.8 % (35 px at 720p), baselines 1.35 em apart;
- other scripts and languages: `size_factor`, `line_spacing`, `ascent`, `descent` in
  pipeline/data/languages.toml (Bengali, Gujarati, Devanagari: em 5.0 %, baselines 1.5 em
  apart; Naskh Arabic: em 5.4 %, 1.75 em; Nastaliq (Urdu): em 6.4 %, 2.0 em, tall stacked joins).

Contrast: for `outline` the letters are read against their own outline (the outline is what
separates them from any picture), so the ratio is text colour : outline colour. For `box` the
background under the text is the box blended over the picture; the worst picture is black or
white (the blend is linear in each channel, so the extremes of contrast lie at the extremes of
the picture), so the ratio is the lower of text : (box over black) and text : (box over white).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pipeline.languages import LanguageProfile

WCAG_MIN_CONTRAST = 4.5  # WCAG 2.2 SC 1.4.3 (AA), normal-size text

Rgb = tuple[int, int, int]
StyleName = Literal["outline", "box"]
STYLES: tuple[str, ...] = ("outline", "box")


@dataclass(frozen=True)
class ScriptLook:
    """The size and spacing of one script's captions (fractions of the em unless said)."""

    em: float  # visual em as a fraction of the picture's shorter side
    line_advance: float  # distance between baselines, in em
    ascent: float  # how far letters reach above the baseline, in em (the box's top)
    descent: float  # how far they reach below it, in em (the box's bottom, the bottom margin)
    italics: bool  # whether <i> is drawn in italics (no italics in Arabic-script or Indic captions)


LATIN_LOOK = ScriptLook(em=0.048, line_advance=1.35, ascent=0.80, descent=0.25, italics=True)


def look_of(profile: LanguageProfile) -> ScriptLook:
    """A language's look, from its profile (pipeline/data/languages.toml: size factor against
    Latin, line spacing, ascent, descent, italics per script, Nastaliq per language)."""
    return ScriptLook(
        em=LATIN_LOOK.em * profile.size_factor,
        line_advance=profile.line_spacing,
        ascent=profile.ascent,
        descent=profile.descent,
        italics=profile.italics,
    )


@dataclass(frozen=True)
class CaptionStyle:
    """The `[captions]` table of film.toml (every key optional)."""

    style: StyleName = "outline"
    size: float = 1.0  # multiplies every script's em (1.25 draws letters a quarter bigger)
    text_colour: str = "#FFFFFF"
    outline_colour: str = "#000000"
    box_colour: str = "#000000"
    box_opacity: float = 0.75

    @property
    def text_rgb(self) -> Rgb:
        return parse_colour(self.text_colour)

    @property
    def outline_rgb(self) -> Rgb:
        return parse_colour(self.outline_colour)

    @property
    def box_rgb(self) -> Rgb:
        return parse_colour(self.box_colour)


# Outline and shadow of the `outline` style, and the box's padding, in em.
OUTLINE_EM = 0.08
SHADOW_EM = 0.04
BOX_PAD_X_EM = 0.30
BOX_PAD_Y_EM = 0.10

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def is_colour(value: str) -> bool:
    return bool(_HEX.match(value))


def parse_colour(value: str) -> Rgb:
    """'#RRGGBB' or '#RGB' -> (r, g, b); ValueError otherwise."""
    if not is_colour(value):
        raise ValueError(f"not a colour: {value!r} (write it as '#RRGGBB')")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def _channel(c: float) -> float:
    c = c / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour (0-255 channels)."""
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def blend(top: Rgb, alpha: float, bottom: Rgb) -> tuple[float, float, float]:
    """`top` at opacity `alpha` over `bottom`, channel by channel, as a video compositor blends."""
    return (
        alpha * top[0] + (1 - alpha) * bottom[0],
        alpha * top[1] + (1 - alpha) * bottom[1],
        alpha * top[2] + (1 - alpha) * bottom[2],
    )


@dataclass(frozen=True)
class ContrastCheck:
    ratio: float  # the worst case, rounded to 2 decimals
    against: str  # what the text was measured against, in words
    passes: bool

    def sentence(self) -> str:
        verdict = "passes" if self.passes else "fails"
        return f"{self.ratio:.2f}:1 against {self.against}: {verdict} WCAG 2.2 contrast (minimum {WCAG_MIN_CONTRAST}:1)"


def contrast(style: CaptionStyle) -> ContrastCheck:
    """The contrast of the caption text against the worst background under it."""
    text = style.text_rgb
    if style.style == "box":
        black, white = (0, 0, 0), (255, 255, 255)
        over_black = contrast_ratio(text, blend(style.box_rgb, style.box_opacity, black))
        over_white = contrast_ratio(text, blend(style.box_rgb, style.box_opacity, white))
        worst, where = min((over_black, "black"), (over_white, "white"))
        against = f"the {style.box_colour} box at {style.box_opacity:.0%} over a {where} picture"
        ratio = worst
    else:
        ratio = contrast_ratio(text, style.outline_rgb)
        against = f"its {style.outline_colour} outline"
    ratio = math.floor(ratio * 100) / 100  # rounded down: 4.497 must not read as a pass
    return ContrastCheck(ratio=ratio, against=against, passes=ratio >= WCAG_MIN_CONTRAST)
