"""Draw one caption cue as a transparent image: the one caption renderer of filmpipe.

    from pipeline.captions import CaptionBox, CaptionStyle, render_cue
    drawn = render_cue("سلام، پڑوسیو!", profile_for("ur"), CaptionBox(1280, 720), CaptionStyle())
    drawn.image      # RGBA, 1280 x 720, transparent except the caption
    drawn.ink        # (left, top, right, bottom) of everything drawn, or None for an empty cue

Every burned-in picture (captioned videos, social cuts of any shape, title cards) is drawn by
`render_cue`: cue text (SRT/WebVTT text with <i> <b> <u>, lines split by "\\n") + the language's
profile + the box to fill (the picture's size, which edge the text sits on, margins) + the look
(`[captions]` of film.toml) -> an RGBA image of the box's size.

How it draws:

- Shaping by HarfBuzz through Pillow's raqm layout (`ImageFont.Layout.RAQM`, with the text's
  direction and language): Nastaliq joins and dots, Bengali and Gujarati pre-base vowel signs
  and conjuncts, Polish and Romanian accents. Pillow's wheels carry a current HarfBuzz and
  FriBiDi, so a fresh machine draws the same as this one. Without raqm nothing is drawn
  (`ShapingUnavailable`): a basic layout would misspell Urdu and Bengali.
- A named font per script (languages.py), sized by how big its letters look (style.py), with
  one named fallback (Noto Sans) for characters the script's font lacks: a web address inside
  an Urdu line is drawn in Noto Sans at the Latin size.
- A line is split into runs of one font, one style and one bidi level; the runs are ordered by
  the Unicode bidi algorithm (bidi.py) with the language's direction as the paragraph
  direction, so right-to-left lines end with their punctuation on the left and a web address
  sits where a reader of Urdu expects it.
- Lines longer than the box are wrapped at spaces; a word wider than the box, or more lines
  than the box holds, makes the whole cue smaller rather than cut. Control characters (tabs,
  stray escapes) are not drawn. The text is centred between the side margins, and the last
  (or first) baseline sits above (or below) the margin by the script's descent, so captions do
  not jump between cues; nothing drawn leaves the margins (title-safe: at least 5 %).
- Glyph coverage is checked before drawing: a character no font can draw raises
  `MissingGlyphs` (SUB_GLYPHS), never an empty box on screen.
- Styles: `outline` (text in the text colour with an outline and a soft shadow in the outline
  colour) and `box` (text on a box of the box colour at the box opacity behind each line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from PIL import Image, ImageDraw, ImageFont, features

from pipeline.captions import bidi
from pipeline.captions.style import (
    BOX_PAD_X_EM,
    BOX_PAD_Y_EM,
    LATIN_LOOK,
    OUTLINE_EM,
    SHADOW_EM,
    CaptionStyle,
    ScriptLook,
    look_of,
)
from pipeline.errors import EnvironmentProblem
from pipeline.fonts import FontFile, covers, find_face, font_chain, missing_in_chain
from pipeline.languages import LanguageProfile
from pipeline.subtitles import text as cuetext

__all__ = [
    "CaptionBox",
    "CaptionImage",
    "CaptionStyle",
    "MissingGlyphs",
    "ShapingUnavailable",
    "caption_fonts",
    "check_shaping",
    "render_cue",
    "visible_lines",
]

Anchor = Literal["bottom", "top", "middle"]
MIN_MARGIN = 0.05  # title-safe: nothing drawn within 5 % of any edge
RECIPE = 1  # bump when drawing changes: burned-in videos are then re-made


@dataclass(frozen=True)
class CaptionBox:
    """Where a caption goes: the picture's size in pixels, the edge the text sits on, the margins.

    Sizes scale with the picture's shorter side, so a 1080x1920 vertical cut gets letters as big
    as a 1920x1080 landscape one. Margins are fractions of the width (each side) and of the
    height (from the anchored edge); they are raised to the title-safe 5 % if lower.
    """

    width: int
    height: int
    anchor: Anchor = "bottom"
    margin_x: float = 0.08
    margin_y: float = 0.06

    @property
    def side(self) -> int:
        return round(max(MIN_MARGIN, self.margin_x) * self.width)

    @property
    def edge(self) -> int:
        return round(max(MIN_MARGIN, self.margin_y) * self.height)

    @property
    def reference(self) -> int:
        """The length that sizes are fractions of."""
        return min(self.width, self.height)


@dataclass(frozen=True)
class CaptionImage:
    image: Image.Image  # RGBA, the box's size, transparent where nothing is drawn
    ink: tuple[int, int, int, int] | None  # bounding box of everything drawn; None when nothing is
    lines: tuple[str, ...]  # the lines as drawn (after wrapping), in logical order, without markup
    em: float  # the font size of the language's own font, in pixels
    fonts: tuple[str, ...]  # families used, in first-use order


class MissingGlyphs(ValueError):
    """Characters that no font of the chain can draw (SUB_GLYPHS)."""

    def __init__(self, chars: list[str], fonts: Sequence[FontFile]) -> None:
        self.chars = chars
        self.fonts = [f.family for f in fonts]
        super().__init__(f"no glyph in {', '.join(self.fonts)} for {''.join(chars)!r}")


class ShapingUnavailable(EnvironmentProblem):
    pass


def check_shaping() -> None:
    """Raise ShapingUnavailable unless Pillow has its raqm layout (HarfBuzz, FriBiDi)."""
    if not features.check("raqm"):
        raise ShapingUnavailable(
            "Pillow on this machine has no raqm text layout, so Urdu, Bengali and Gujarati captions cannot be drawn",
            "reinstall Pillow from its wheels (pip install --force-reinstall pillow), which carry raqm",
        )


def caption_fonts(profile: LanguageProfile) -> list[FontFile]:
    """The language's caption font and its named fallback; EnvironmentProblem when the first is missing."""
    chain = font_chain(profile.font_family, profile.fallback_fonts)
    if not chain or chain[0].family != profile.font_family:
        raise EnvironmentProblem(
            f"the font '{profile.font_family}' that draws {profile.name} captions is not installed",
            f"install it with: apt-get install {profile.font_package} (then run 'filmpipe doctor')",
        )
    return chain


def visible_lines(text: str, language: str) -> list[str]:
    """The cue's lines as they are drawn: cleaned (NFC, <i> <b> <u> only, Romanian comma-below), blank ones dropped."""
    lines = []
    for raw in cuetext.clean(text, language).split("\n"):
        line = "".join(
            " " if ch == "\t" else ch for ch in raw if ch == "\t" or unicodedata.category(ch) != "Cc"
        ).strip()
        if cuetext.plain(line).strip():
            lines.append(line)
    return lines


# ------------------------------------------------------------------ styled characters and runs


@dataclass(frozen=True)
class _Char:
    ch: str
    bold: bool
    italic: bool
    underline: bool


_TAG = re.compile(r"</?([ibu])>")


def _styled(line: str) -> list[_Char]:
    out: list[_Char] = []
    on = {"i": 0, "b": 0, "u": 0}
    pos = 0
    for m in [*_TAG.finditer(line), None]:
        end = m.start() if m else len(line)
        for ch in line[pos:end]:
            out.append(_Char(ch, on["b"] > 0, on["i"] > 0, on["u"] > 0))
        if m is None:
            break
        name = m.group(1)
        on[name] = max(0, on[name] + (-1 if m.group(0).startswith("</") else 1))
        pos = m.end()
    return out


@dataclass(frozen=True)
class _Run:
    text: str
    font: FontFile  # the face (Regular, Bold, Italic) that draws it
    size: int
    rtl: bool  # the run's bidi level is odd
    language: str | None
    underline: bool
    width: float = 0.0


@cache
def _pil_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


def _face(font: FontFile, bold: bool, italic: bool) -> FontFile:
    wanted = " ".join(w for w, on in (("Bold", bold), ("Italic", italic)) if on)
    if not wanted:
        return font
    return find_face(font.family, wanted) or (find_face(font.family, "Bold") if bold else None) or font


def font_of_chars(chain: Sequence[FontFile], text: str) -> list[int]:
    """Which font of the chain draws each character: the first that covers it; spaces and
    punctuation stay with the font before them, so a font changes only at a letter or digit."""
    out: list[int] = []
    current = 0
    for ch in text:
        if not covers(chain[current], ch) or (current != 0 and ch.isalnum() and covers(chain[0], ch)):
            current = next((k for k, f in enumerate(chain) if covers(f, ch)), current)
        out.append(current)
    return out


class _Layout:
    def __init__(
        self, profile: LanguageProfile, chain: Sequence[FontFile], look: ScriptLook, em: float, latin_em: float
    ) -> None:
        self.profile = profile
        self.chain = chain
        self.look = look
        self.sizes = [max(1, round(em))] + [max(1, round(latin_em))] * (len(chain) - 1)
        self._cache: dict[tuple[_Char, ...], list[_Run]] = {}

    def runs(self, chars: Sequence[_Char]) -> list[_Run]:
        """One line's runs, in visual order (left to right), measured (shaping is the costly part: once per line)."""
        key = tuple(chars)
        if key not in self._cache:
            self._cache[key] = self._runs(chars)
        return self._cache[key]

    def _runs(self, chars: Sequence[_Char]) -> list[_Run]:
        text = "".join(c.ch for c in chars)
        if not text:
            return []
        levels = bidi.embedding_levels(text, self.profile.is_rtl)
        fonts = font_of_chars(self.chain, text)
        italics_ok = self.look.italics
        groups: list[tuple[tuple[int, int, bool, bool, bool], list[str]]] = []
        for c, level, font in zip(chars, levels, fonts, strict=True):
            key = (level, font, c.bold, c.italic and italics_ok, c.underline)
            if groups and groups[-1][0] == key:
                groups[-1][1].append(c.ch)
            else:
                groups.append((key, [c.ch]))
        runs = []
        for (level, font, bold, italic, underline), group in groups:
            base = self.chain[font]
            run = _Run(
                text="".join(group),
                font=_face(base, bold, italic),
                size=self.sizes[font],
                rtl=level % 2 == 1,
                language=self.profile.code if font == 0 else None,
                underline=underline,
            )
            runs.append(run)
        order = bidi.visual_order([lv for (lv, *_), _ in groups])
        return [self._measured(runs[k]) for k in order]

    def _measured(self, run: _Run) -> _Run:
        pil = _pil_font(str(run.font.path), run.size)
        width = pil.getlength(run.text, direction="rtl" if run.rtl else "ltr", language=run.language)
        return _Run(run.text, run.font, run.size, run.rtl, run.language, run.underline, width)


def _words(chars: list[_Char]) -> list[list[_Char]]:
    words: list[list[_Char]] = [[]]
    for c in chars:
        if c.ch == " ":
            words.append([])
        else:
            words[-1].append(c)
    return [w for w in words if w]


_SPACE = [_Char(" ", False, False, False)]


def _greedy(words: list[list[_Char]], fits: Callable[[list[_Char]], bool]) -> list[list[_Char]]:
    lines: list[list[_Char]] = []
    current: list[_Char] = []
    for word in words:
        trial = current + _SPACE + word if current else word
        if current and not fits(trial):
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _wrap(chars: list[_Char], width_of: Callable[[list[_Char]], float], avail: float) -> list[list[_Char]]:
    """Break a line at spaces so that each piece fits, in logical order, into balanced lines.

    Greedy filling finds how many lines are needed; the narrowest limit that still needs no more
    lines is then searched for, so a wrapped cue reads as two (or more) lines of similar length
    rather than a full line and a lone last word (a widow, which subtitlers avoid).
    """
    if width_of(chars) <= avail:
        return [chars]
    words = _words(chars)
    greedy = _greedy(words, lambda trial: width_of(trial) <= avail)
    if len(greedy) < 2:
        return greedy
    widest_word = max(width_of(word) for word in words)
    low, high = max(widest_word, width_of(chars) / len(greedy)) - 1.0, avail
    best = greedy
    for _ in range(12):  # bisection on the limit, to well under a pixel at caption sizes
        if high - low < 0.5:
            break
        limit = (low + high) / 2

        def within(t: list[_Char], limit: float = limit) -> bool:
            return width_of(t) <= limit

        trial = _greedy(words, within)
        if len(trial) <= len(greedy):
            best, high = trial, limit
        else:
            low = limit
    return best


# ------------------------------------------------------------------ the one public entry point


@dataclass(frozen=True)
class CueMeasure:
    """A cue's layout without drawing it: what fitting questions need (pixels)."""

    lines: tuple[str, ...]  # the text of each line, as render_cue breaks them
    widest: float  # the widest line's advance width
    height: float  # the block's height: lines, ascent, descent and the outline or box
    em: float
    shrunk: bool  # the renderer had to draw it below the style's size to fit the box


def _prepared(
    text: str, profile: LanguageProfile, fonts: Sequence[FontFile] | None
) -> tuple[list[FontFile], list[str]]:
    check_shaping()
    chain = list(fonts) if fonts is not None else caption_fonts(profile)
    lines = visible_lines(text, profile.code)
    missing = missing_in_chain(chain, "".join(cuetext.plain(line) for line in lines))
    if missing:
        raise MissingGlyphs(missing, chain)
    return chain, lines


def _fit(
    lines: list[str], profile: LanguageProfile, chain: list[FontFile], box: CaptionBox, style: CaptionStyle
) -> tuple[_Layout, list[list[_Char]], float, float, float]:
    """(layout, wrapped lines, em, widest, block height): wrapped to the box, shrunk as a whole until it fits."""
    look = look_of(profile)
    avail = box.width - 2 * box.side
    avail_height = box.height - 2 * box.edge
    scale = style.size
    styled = [_styled(line) for line in lines]
    for _attempt in range(8):
        layout = _Layout(profile, chain, look, look.em * box.reference * scale, LATIN_LOOK.em * box.reference * scale)

        def width_of(chars: list[_Char], layout: _Layout = layout) -> float:
            return sum(r.width for r in layout.runs(chars))

        wrapped = [piece for chars in styled for piece in _wrap(chars, width_of, avail)]
        widths = [sum(r.width for r in layout.runs(chars)) for chars in wrapped]
        widest = max(widths)
        tall = _block_height(len(wrapped), look, look.em * box.reference * scale, style)
        if widest <= avail and tall <= avail_height:
            break
        scale *= min(avail / widest, avail_height / tall, 1.0) * 0.98
    return layout, wrapped, look.em * box.reference * scale, widest, tall


def measure_cue(
    text: str,
    profile: LanguageProfile,
    box: CaptionBox,
    style: CaptionStyle | None = None,
    fonts: Sequence[FontFile] | None = None,
) -> CueMeasure | None:
    """The cue laid out as `render_cue` lays it out, without drawing (a fraction of the cost); None when blank."""
    style = style or CaptionStyle()
    chain, lines = _prepared(text, profile, fonts)
    if not lines:
        return None
    _, wrapped, em, widest, tall = _fit(lines, profile, chain, box, style)
    full = look_of(profile).em * box.reference * style.size
    texts = tuple("".join(c.ch for c in chars) for chars in wrapped)
    return CueMeasure(texts, widest, tall, em, em < full * (1 - 1e-9))


def render_cue(
    text: str,
    profile: LanguageProfile,
    box: CaptionBox,
    style: CaptionStyle | None = None,
    fonts: Sequence[FontFile] | None = None,
) -> CaptionImage:
    """Draw one cue's text (lines split by "\\n", <i> <b> <u> allowed) in a transparent RGBA image of the box's size.

    `fonts` is the font chain (default: the language's caption font and Noto Sans). Raises
    MissingGlyphs before drawing anything when a character has no glyph in the chain, and
    ShapingUnavailable when Pillow lacks its raqm layout.
    """
    style = style or CaptionStyle()
    chain, lines = _prepared(text, profile, fonts)
    look = look_of(profile)
    canvas = Image.new("RGBA", (box.width, box.height), (0, 0, 0, 0))
    if not lines:
        return CaptionImage(canvas, None, (), 0.0, ())
    layout, wrapped, em, _, _ = _fit(lines, profile, chain, box, style)
    drawn = _draw(canvas, [layout.runs(chars) for chars in wrapped], look, em, box, style)
    families = tuple(dict.fromkeys(r.font.family for chars in wrapped for r in layout.runs(chars)))
    return CaptionImage(
        image=drawn,
        ink=drawn.getchannel("A").getbbox(),
        lines=tuple("".join(c.ch for c in chars) for chars in wrapped),
        em=em,
        fonts=families,
    )


def _frame_em(style: CaptionStyle) -> float:
    """How far the outline and shadow (or the box) reach beyond the letters, in em."""
    return BOX_PAD_Y_EM if style.style == "box" else OUTLINE_EM + SHADOW_EM


def _block_height(count: int, look: ScriptLook, em: float, style: CaptionStyle) -> float:
    return (count - 1) * look.line_advance * em + (look.ascent + look.descent + 2 * _frame_em(style)) * em


def _baselines(count: int, look: ScriptLook, em: float, box: CaptionBox, style: CaptionStyle) -> list[float]:
    """Baselines at fixed places for a given number of lines, so captions do not jump between cues."""
    step = look.line_advance * em
    frame = _frame_em(style) * em
    if box.anchor == "top":
        first = box.edge + frame + look.ascent * em
    elif box.anchor == "middle":
        first = (box.height - _block_height(count, look, em, style)) / 2 + frame + look.ascent * em
    else:
        first = box.height - box.edge - frame - look.descent * em - (count - 1) * step
    return [first + k * step for k in range(count)]


def _draw_runs(
    mask: Image.Image, lines: list[list[_Run]], xs: list[float], ys: list[float], stroke: int, dx: int = 0, dy: int = 0
) -> None:
    draw = ImageDraw.Draw(mask)
    for runs, x0, y in zip(lines, xs, ys, strict=True):
        x = x0
        for run in runs:
            pil = _pil_font(str(run.font.path), run.size)
            draw.text(
                (x + dx, y + dy),
                run.text,
                font=pil,
                fill=255,
                anchor="ls",
                direction="rtl" if run.rtl else "ltr",
                language=run.language,
                stroke_width=stroke,
                stroke_fill=255,
            )
            if run.underline:
                thick = max(1, round(run.size * 0.05))
                top = y + dy + round(run.size * 0.12)
                draw.rectangle((x + dx - stroke, top - stroke, x + dx + run.width + stroke, top + thick + stroke), 255)
            x += run.width


def _draw(
    canvas: Image.Image, lines: list[list[_Run]], look: ScriptLook, em: float, box: CaptionBox, style: CaptionStyle
) -> Image.Image:
    ys = _baselines(len(lines), look, em, box, style)
    widths = [sum(r.width for r in runs) for runs in lines]
    xs = [(box.width - w) / 2 for w in widths]
    fill_mask = Image.new("L", canvas.size, 0)
    _draw_runs(fill_mask, lines, xs, ys, 0)
    layers: list[tuple[tuple[int, int, int], Image.Image]] = []
    if style.style == "box":
        box_mask = Image.new("L", canvas.size, 0)
        draw = ImageDraw.Draw(box_mask)
        pad_x, pad_y = BOX_PAD_X_EM * em, BOX_PAD_Y_EM * em
        for x, y, w in zip(xs, ys, widths, strict=True):
            line_ink = _line_ink(fill_mask, y, look, em, box)
            top = min(y - look.ascent * em, line_ink[0] if line_ink else y) - pad_y
            bottom = max(y + look.descent * em, line_ink[1] if line_ink else y) + pad_y
            draw.rectangle((round(x - pad_x), round(top), round(x + w + pad_x), round(bottom)), 255)
        alpha = round(style.box_opacity * 255)
        layers.append((style.box_rgb, box_mask.point(lambda v: v * alpha // 255)))
    else:
        outline = max(1, round(OUTLINE_EM * em))
        shadow = max(1, round(SHADOW_EM * em))
        stroke_mask = Image.new("L", canvas.size, 0)
        _draw_runs(stroke_mask, lines, xs, ys, outline)
        shadow_mask = Image.new("L", canvas.size, 0)
        shadow_mask.paste(stroke_mask, (shadow, shadow))
        layers.append((style.outline_rgb, shadow_mask.point(lambda v: v // 2)))
        layers.append((style.outline_rgb, stroke_mask))
    layers.append((style.text_rgb, fill_mask))
    out = canvas
    for rgb, mask in layers:
        solid = Image.new("RGBA", canvas.size, (*rgb, 0))
        solid.putalpha(mask)
        out = Image.alpha_composite(out, solid)
    return _keep_inside(out, box)


def _line_ink(
    mask: Image.Image, baseline: float, look: ScriptLook, em: float, box: CaptionBox
) -> tuple[int, int] | None:
    """Top and bottom of the ink of the line on this baseline (letters may reach beyond the nominal box)."""
    top = max(0, round(baseline - 2 * look.ascent * em))
    bottom = min(box.height, round(baseline + 2 * look.descent * em))
    bbox = mask.crop((0, top, box.width, bottom)).getbbox()
    return (top + bbox[1], top + bbox[3]) if bbox else None


def _keep_inside(image: Image.Image, box: CaptionBox) -> Image.Image:
    """Move what was drawn back inside the margins if tall letters pushed it out (never clipped)."""
    ink = image.getchannel("A").getbbox()
    if ink is None:
        return image
    left, top, right, bottom = ink
    dy = 0
    if bottom > box.height - box.edge:
        dy = (box.height - box.edge) - bottom
    if top + dy < box.edge:
        dy = box.edge - top
    dx = 0
    if right > box.width - box.side:
        dx = (box.width - box.side) - right
    if left + dx < box.side:
        dx = box.side - left
    if dx == 0 and dy == 0:
        return image
    moved = Image.new("RGBA", image.size, (0, 0, 0, 0))
    moved.paste(image, (dx, dy))
    return moved
