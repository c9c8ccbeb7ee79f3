"""Whether each cue fits the social cuts' caption bands: the build's own drawing, asked early.

The build draws every cue into every cut's caption band with `draw_in_band`, shrinking it down
to 40 % of its size at most (layout.MIN_SIZE). A cue that would need less stops the build; this
module asks the same question of the same function before anything is encoded, so validation
can name the cue (SOCIAL_CUE_FITS). Drawing is the only exact answer (the ink of a Nastaliq
line is not its advance widths), and it costs tens of milliseconds a cue and cut, so answers
are kept by content in validation's cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict

from pipeline.captions import render as caption_render
from pipeline.captions.render import CaptionBox, CaptionStyle, MissingGlyphs, caption_fonts
from pipeline.languages import LanguageProfile
from pipeline.social.layout import LANDSCAPE, MIN_SIZE, Box, ShapeLayout, TextDoesNotFit, draw_in_band
from pipeline.subtitles.model import Cue

RECIPE = 2  # bump when the fitting rule changes: cached answers are then asked again


def band_text(cue: Cue, language: str, shape: str) -> str:
    """A cue's text as a cut draws it: the 16:9 cut keeps its lines; the vertical and square
    cuts join them, so the renderer wraps them to the narrower band."""
    if shape == LANDSCAPE:
        return cue.text
    lines = [line.strip() for line in caption_render.visible_lines(cue.text, language)]
    return " ".join(line for line in lines if line)


def drawn_cues(cues: Sequence[Cue], language: str, shape: str) -> list[tuple[Cue, str]]:
    """The cues a cut draws, with their text: a cue without time or without visible text is not drawn."""
    found = []
    for cue in cues:
        if cue.end <= cue.start:
            continue
        text = band_text(cue, language, shape)
        if text.strip():
            found.append((cue, text))
    return found


SURE_HEIGHT = 0.6  # a block this share of the band's height or less leaves room for any overshoot
SURE_WIDTH = 0.95  # ... and a line this share of the width available, for side bearings


def surely_fits(text: str, profile: LanguageProfile, layout: ShapeLayout, style: CaptionStyle) -> bool:
    """True when the layout alone (no drawing) shows the text fits the band at full size with room to spare.

    Drawing costs tens of milliseconds a cue and cut; laying out, about a millisecond. Most cues
    fit at full size with a wide margin, and `draw_in_band` would keep them at full size; only the
    others are drawn. The margins leave room for ink beyond the font's ascent and descent
    (Nastaliq's tall strokes and dots) and for side bearings.
    """
    band = layout.captions
    box = CaptionBox(
        layout.width,
        layout.height,
        anchor="bottom",
        margin_x=band.x / layout.width,
        margin_y=(layout.height - band.bottom) / layout.height,
    )
    measure = caption_render.measure_cue(text, profile, box, style)
    if measure is None:
        return True
    avail = box.width - 2 * box.side
    return (
        not measure.shrunk
        and measure.widest <= SURE_WIDTH * avail
        and measure.height <= SURE_HEIGHT * band.height
        and box.side >= band.x
    )


def fits(text: str, profile: LanguageProfile, layout: ShapeLayout, style: CaptionStyle) -> bool:
    """Whether the build can draw this cue text in the layout's caption band (a character no font
    draws counts as fitting: SUB_GLYPHS reports it)."""
    try:
        if surely_fits(text, profile, layout, style):
            return True
    except (MissingGlyphs, RuntimeError, ValueError):
        return True  # another rule names the cue (see fits_at)
    return fits_at(text, profile, layout, layout.captions, "bottom", style)


def fits_at(
    text: str,
    profile: LanguageProfile,
    layout: ShapeLayout,
    band: Box,
    anchor: str,
    style: CaptionStyle,
    scale: float = 1.0,
) -> bool:
    """Whether the build can draw `text` in `band` of the layout (hanging from its `anchor` edge,
    at `scale` times the style's size) without going below MIN_SIZE; a character no font draws
    counts as fitting: another rule reports it."""
    try:
        draw_in_band(text, profile, layout, band, anchor, style, scale)
    except TextDoesNotFit:
        return False
    except (MissingGlyphs, RuntimeError, ValueError):
        # A character no font draws (SUB_GLYPHS) or that the shaper refuses, such as U+2029
        # (raqm_layout() fails; SUB_CONTROL_CHARS): another rule names the cue as an error.
        return True
    return True


def fit_key(texts: Sequence[str], profile: LanguageProfile, layout: ShapeLayout, style: CaptionStyle) -> str:
    """What the answers for these texts depend on: the texts, the language's look and fonts, the
    band, the caption style and the drawing's recipe."""
    try:
        fonts = [[str(f.path), f.path.stat().st_size] for f in caption_fonts(profile)]
    except Exception:  # no font at all: SUB_GLYPHS says so; the answer is then never reused
        fonts = None
    identity = {
        "recipe": [RECIPE, caption_render.RECIPE, MIN_SIZE],
        "texts": list(texts),
        "profile": repr(profile),
        "fonts": fonts,
        "layout": repr(layout),
        "style": asdict(style),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()
