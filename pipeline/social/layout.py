"""Where things go in each social shape: the picture, the title band and the caption band.

The 16:9 picture is never cropped (an explainer has text and people at its edges): it is
scaled to the canvas width and the rest of the canvas is a background band above and below.
The title sits in the band above, the captions in the band below, both inside the shape's
safe zone, the part of the frame that no platform covers with its buttons, names and text:

- vertical 9:16 (1080x1920): nothing in the top 14 % (269 px) or the bottom 35 % (672 px),
  nothing within 6 % (65 px) of the left edge or 170 px of the right edge, where Reels and
  TikTok put the like, comment and share buttons. Sources: Meta, "Reels ads: safe zones"
  (https://www.facebook.com/business/help/980593475366490: "keep 14 % of the top, 35 % of
  the bottom and 6 % of the sides free of text"); TikTok Ads Manager's safe-zone overlay for
  9:16 (https://ads.tiktok.com/help/article/ad-creative-guidelines-safe-zones), whose right
  column of buttons is about 170 px wide at 1080x1920. Text is centred between equal side
  margins of 170 px, so it clears both.
- square 1:1 (1080x1080, feeds): no platform overlay; the broadcast title-safe area (EBU
  R 95: 5 % of each edge, 54 px) is kept.
- landscape 16:9: the whole frame is the picture; captions as on the website's captioned
  video (pipeline/captions: 8 % side margins, 6 % from the bottom, title-safe 5 %).

Text is drawn by the one caption renderer (pipeline/captions.render_cue) on the whole canvas,
anchored to the band's outer edge, and made smaller until everything drawn (outline and
shadow included) lies inside its band: long titles and long cues wrap and shrink rather
than spill into the picture or the platforms' buttons. Never below 40 % of their size
(MIN_SIZE): smaller letters are not readable on a phone, so a cue that needs less is
TextDoesNotFit, which validation reports as SOCIAL_CUE_FITS before anything is encoded. The
demo's Urdu cues are drawn at 50 % in the vertical and square cuts (Nastaliq is tall, and its
caption size is set for the 16:9 picture); Latin and Indic cues at 69 % or more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from pipeline.captions.render import CaptionBox, CaptionImage, CaptionStyle, render_cue
from pipeline.captions.style import look_of
from pipeline.languages import LanguageProfile
from pipeline.probe import MediaFacts

VERTICAL, SQUARE, LANDSCAPE = "vertical", "square", "landscape"
VIDEO_KINDS = (LANDSCAPE, VERTICAL, SQUARE)  # also their order in the manifest
GAP = 16  # pixels between the picture and a text band
MIN_SIZE = 0.4  # text in a band is drawn at least at 40 % of its size, or not at all
SMALLEST = f"{round(MIN_SIZE * 100)} % of its size"  # how findings and errors say it
LANDSCAPE_HEIGHT = 720  # the 16:9 cut when [output] open_captions is empty (X recommends 1280x720)
TITLE_SCALE = 1.15  # titles are drawn a little larger than captions
FIT_ATTEMPTS = 8


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def holds(self, ink: tuple[int, int, int, int]) -> bool:
        left, top, right, bottom = ink
        return left >= self.x and top >= self.y and right <= self.right and bottom <= self.bottom


@dataclass(frozen=True)
class SafeZone:
    """Margins in pixels that nothing drawn may enter, and where they come from."""

    top: int
    bottom: int
    left: int
    right: int
    source: str


SAFE_ZONES: dict[str, SafeZone] = {
    VERTICAL: SafeZone(
        top=math.ceil(0.14 * 1920),  # 269
        bottom=math.ceil(0.35 * 1920),  # 672
        left=170,  # 6 % (65 px) is the rule; equal to the right so text stays centred
        right=170,
        source="Meta Reels safe zones (14 % top, 35 % bottom, 6 % sides); TikTok's 170 px button column",
    ),
    SQUARE: SafeZone(top=54, bottom=54, left=54, right=54, source="EBU R 95 title-safe area (5 % of each edge)"),
}
CANVAS: dict[str, tuple[int, int]] = {VERTICAL: (1080, 1920), SQUARE: (1080, 1080)}
TITLE_MIN = {VERTICAL: 150, SQUARE: 150}  # the least height the title band gets (pixels)
CAPTIONS_MIN = {VERTICAL: 190, SQUARE: 160}


@dataclass(frozen=True)
class ShapeLayout:
    shape: str
    width: int
    height: int
    picture: Box  # where the scaled 16:9 picture goes (the whole canvas for landscape)
    title: Box | None  # the band the title must stay in (None: no title, landscape)
    captions: Box  # the band the captions must stay in
    safe: Box  # the safe zone: nothing drawn outside it


def picture_size(width: int, aspect: Fraction) -> tuple[int, int]:
    """The picture scaled to the canvas width, height even."""
    return width, max(2, round(width / aspect / 2) * 2)


def layout_for(shape: str, aspect: Fraction, landscape_height: int = 1080) -> ShapeLayout:
    """The layout of one shape for a master of display aspect `aspect` (width / height)."""
    if shape == LANDSCAPE:
        w, h = picture_size(round(landscape_height * aspect / 2) * 2, aspect)
        whole = Box(0, 0, w, h)
        margin_x, margin_y = round(0.08 * w), round(0.06 * h)
        return ShapeLayout(
            shape,
            w,
            h,
            picture=whole,
            title=None,
            captions=Box(margin_x, round(0.05 * h), w - 2 * margin_x, h - margin_y - round(0.05 * h)),
            safe=Box(round(0.05 * w), round(0.05 * h), w - 2 * round(0.05 * w), h - 2 * round(0.05 * h)),
        )
    width, height = CANVAS[shape]
    zone = SAFE_ZONES[shape]
    safe = Box(zone.left, zone.top, width - zone.left - zone.right, height - zone.top - zone.bottom)
    pw, ph = picture_size(width, aspect)
    top = min(max(0, safe.y + TITLE_MIN[shape] + GAP), height - ph)
    if shape == SQUARE:  # no overlay to avoid: the picture in the middle, equal bands
        top = (height - ph) // 2
    picture = Box(0, top, pw, ph)
    title_bottom = max(safe.y + TITLE_MIN[shape] // 2, picture.y - GAP)
    captions_top = min(max(picture.bottom + GAP, safe.bottom - CAPTIONS_MIN[shape]), safe.bottom - 40)
    return ShapeLayout(
        shape,
        width,
        height,
        picture=picture,
        title=Box(safe.x, safe.y, safe.width, title_bottom - safe.y),
        captions=Box(safe.x, captions_top, safe.width, safe.bottom - captions_top),
        safe=safe,
    )


def draw_in_band(
    text: str,
    profile: LanguageProfile,
    layout: ShapeLayout,
    band: Box,
    anchor: str,
    style: CaptionStyle,
    scale: float = 1.0,
) -> CaptionImage:
    """The text drawn on the whole canvas, anchored to the band's outer edge, shrunk until it fits
    the band; TextDoesNotFit when it would have to be drawn below MIN_SIZE of its size."""
    box = CaptionBox(
        layout.width,
        layout.height,
        anchor="top" if anchor == "top" else "bottom",
        margin_x=band.x / layout.width,
        margin_y=(band.y if anchor == "top" else layout.height - band.bottom) / layout.height,
    )
    full = style.size * scale
    smallest = full * MIN_SIZE
    size = full
    drawn = render_cue(text, profile, box, replace(style, size=size))
    # The renderer itself shrinks a word wider than the box: the em it drew at is what counts.
    least_em = look_of(profile).em * box.reference * smallest * (1 - 1e-9)
    for _ in range(FIT_ATTEMPTS):
        if drawn.ink is None or band.holds(drawn.ink):
            break
        if size <= smallest:
            break
        left, top, right, bottom = drawn.ink
        ratio = min(band.height / max(1, bottom - top), band.width / max(1, right - left), 1.0)
        size = max(smallest, size * max(0.5, min(ratio, 0.97) * 0.98))
        drawn = render_cue(text, profile, box, replace(style, size=size))
    if drawn.ink is not None and (not band.holds(drawn.ink) or drawn.em < least_em):
        raise TextDoesNotFit(text, layout.shape, band)
    return drawn


@dataclass(frozen=True)
class TitlePlace:
    """Where a cut or cover draws the film's title, and how."""

    where: str  # how errors and findings name it: "the vertical cut's title band"
    band: Box
    anchor: str  # "top" or "bottom": the band edge the text hangs from
    style: CaptionStyle
    scale: float


COVER_TITLE_SCALE = 1.6  # the 16:9 cover's title, in a box over the lower third


def title_text(title: str) -> str:
    """The title as cue text, bold; a literal '<' or '>' must not read as markup."""
    return "<b>" + title.replace("<", "\u2039").replace(">", "\u203a") + "</b>"


def title_places(layout: ShapeLayout, style: CaptionStyle) -> tuple[TitlePlace, ...]:
    """Where the title is drawn in this shape: the vertical and square cuts (and their covers) in
    their title band; the 16:9 cut has none, but its cover (a YouTube thumbnail) puts the title in
    a box over the lower third. The build draws these and validation asks the same (SOCIAL_TITLE_FITS)."""
    if layout.shape == LANDSCAPE:
        top = layout.height * 6 // 10
        band = Box(layout.safe.x, top, layout.safe.width, layout.safe.bottom - top)
        boxed = CaptionStyle(
            style="box",
            size=style.size,
            text_colour=style.text_colour,
            outline_colour=style.outline_colour,
            box_colour=style.box_colour,
            box_opacity=max(style.box_opacity, 0.75),
        )
        return (TitlePlace("the 16:9 cover", band, "bottom", boxed, COVER_TITLE_SCALE),)
    if layout.title is None:
        return ()
    return (TitlePlace(f"the {layout.shape} cut's title band", layout.title, "top", style, TITLE_SCALE),)


def display_aspect(master: MediaFacts) -> Fraction:
    """The master's display aspect (width / height), from the rung-width rule every output uses."""
    height = master.video.height if master.video and master.video.height else 1080
    return Fraction(master.display_width(height), height)


def landscape_height(open_captions: tuple[int, ...], master: MediaFacts) -> int:
    """The 16:9 cut's height: the burned-in caption video's (the first of [output] open_captions as
    rendered, 720 without one), never above the master's."""
    top = open_captions[0] if open_captions else LANDSCAPE_HEIGHT
    master_h = master.video.height if master.video and master.video.height else top
    return min(top, master_h - master_h % 2)


def layouts_for(shapes: tuple[str, ...], master: MediaFacts, open_captions: tuple[int, ...]) -> dict[str, ShapeLayout]:
    """The layout of every cut of the pack, by shape: what the build draws in and what validation checks."""
    aspect = display_aspect(master)
    high = landscape_height(open_captions, master)
    return {shape: layout_for(shape, aspect, high) for shape in shapes}


class TextDoesNotFit(ValueError):
    def __init__(self, text: str, shape: str, band: Box) -> None:
        super().__init__(f"{text!r} does not fit the {shape} band of {band.width}x{band.height} px")
        self.text = text
        self.shape = shape
        self.band = band
