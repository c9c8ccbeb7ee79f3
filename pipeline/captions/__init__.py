"""Burned-in captions: one renderer (render.py) draws every caption, title and social-cut text.

Public interface: `render_cue(text, profile, box, style) -> CaptionImage`, with `CaptionBox`
(picture size, anchor, margins) and `CaptionStyle` (film.toml's `[captions]`).
"""

from pipeline.captions.render import (
    CaptionBox,
    CaptionImage,
    MissingGlyphs,
    ShapingUnavailable,
    caption_fonts,
    render_cue,
    visible_lines,
)
from pipeline.captions.style import CaptionStyle, contrast

__all__ = [
    "CaptionBox",
    "CaptionImage",
    "CaptionStyle",
    "MissingGlyphs",
    "ShapingUnavailable",
    "caption_fonts",
    "contrast",
    "render_cue",
    "visible_lines",
]
