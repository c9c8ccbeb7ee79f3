"""Caption words as our renderer draws them, against Chromium's drawing of the same text and fonts.

The renderer (HarfBuzz through Pillow's raqm) is checked by an independent text stack at build
time, not only in the tests: Debian's libass once drew Urdu that looked right to the eye and had
lost its dots. Each word is drawn alone, white on mid grey, by both; the ink (pixels at least half
covered) of each is cropped to its box; at the same height the widths must agree within
WIDTH_TOLERANCE (or WIDTH_SLACK_PX), the reference scaled onto our ink's box must overlap it (F1
of ink pixels that have ink of the other drawing within one pixel) by at least THRESHOLD, and no
compact blob of ink may be in one drawing alone (`unmatched`). A lost or moved dot, a broken
join, or a vowel sign on the wrong side of its consonant is ink without a partner.

Calibration: the 605 words of the demo's six languages score 0.95-1.00 (the lowest are short
words ending in a full stop, where the stop's pixel place weighs most) with no unmatched ink;
in tests/test_captions_shapes.py an unshaped drawing scores 0.12-0.83 and Debian's libass on
the Urdu words it mis-draws 0.30-0.76. THRESHOLD sits between; `unmatched` catches the smaller
faults (a dot) that the overlap score alone lets through.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

from pipeline import chromium
from pipeline.captions.render import CaptionBox, font_of_chars, render_cue
from pipeline.captions.style import LATIN_LOOK, CaptionStyle, look_of
from pipeline.fonts import FontFile
from pipeline.languages import LanguageProfile

THRESHOLD = 0.90
WIDTH_TOLERANCE = 0.08  # a word's ink width against Chromium's: pixel rounding of short words
WIDTH_SLACK_PX = 3.0  # ... and of very short ones ("it", "z")
GREY = 128
INK_MARGIN = 63  # a pixel is ink when it is this much lighter than the grey: at least half covered
HEIGHT = 720  # the picture the lines are sized for (the website's captioned video)
WIDTH = 3200  # wide enough that no word wraps or shrinks
COLUMNS = 4
# Our outline in the background's grey: the letters' edges then blend into grey as Chromium's do.
MIN_WINDOW = 600  # Chromium draws nothing into a window much smaller than this
CHECK_STYLE = CaptionStyle(outline_colour="#808080")


@dataclass(frozen=True)
class WordCheck:
    cue: int  # the first cue the word appears in; 0 for the film's title
    text: str
    similarity: float
    unmatched: int  # pixels of compact ink in one drawing with nothing of the other near (a dot, a stroke)
    width_ratio: float  # our ink's width over Chromium's, both at our ink's height
    width_off_px: float  # the same difference in pixels

    @property
    def ok(self) -> bool:
        width_ok = abs(self.width_ratio - 1) <= WIDTH_TOLERANCE or abs(self.width_off_px) <= WIDTH_SLACK_PX
        return self.similarity >= THRESHOLD and self.unmatched == 0 and width_ok


def ink(image: Image.Image) -> Image.Image | None:
    """Binary ink (255) of white text on the grey background, cropped to its box; None when blank."""
    grey = image.convert("L").point(lambda v: 255 if v > GREY + INK_MARGIN else 0)
    box = grey.getbbox()
    return grey.crop(box) if box else None


def similarity(drawn: Image.Image, reference: Image.Image) -> float:
    """F1 of ink pixels with ink of the other drawing within 1 px, the reference scaled onto the drawn ink's box.

    Scaling to the same height and width (rather than height alone) absorbs the sub-pixel glyph
    positioning that Chromium does and Pillow rounds, which adds up along a long line; the
    widths are compared separately (`width_ratio`).
    """
    ref = reference.resize(drawn.size, Image.Resampling.BILINEAR).point(lambda v: 255 if v > 127 else 0)
    near_a, near_b = drawn.filter(ImageFilter.MaxFilter(3)), ref.filter(ImageFilter.MaxFilter(3))
    count_a, count_b = drawn.histogram()[255], ref.histogram()[255]
    precision = ImageChops.multiply(drawn, near_b).histogram()[255] / max(1, count_a)
    recall = ImageChops.multiply(ref, near_a).histogram()[255] / max(1, count_b)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def unmatched(drawn: Image.Image, reference: Image.Image) -> int:
    """Ink of either drawing with no ink of the other within 1 px, eroded by 1 px: what is left is compact.

    Anti-aliasing and sub-pixel placement leave thin slivers, which the erosion removes; a lost,
    added or moved dot, or a stroke drawn elsewhere, leaves a blob. Zero on 605 right words of
    the demo in six scripts; above zero on 26 of 29 Urdu words with پ drawn as ب or ت as ٹ.
    """
    ref = reference.resize(drawn.size, Image.Resampling.BILINEAR).point(lambda v: 255 if v > 127 else 0)
    ours_alone = ImageChops.subtract(drawn, ref.filter(ImageFilter.MaxFilter(3)))
    theirs_alone = ImageChops.subtract(ref, drawn.filter(ImageFilter.MaxFilter(3)))
    return ImageChops.lighter(ours_alone, theirs_alone).filter(ImageFilter.MinFilter(3)).histogram()[255]


def width_ratio(drawn: Image.Image, reference: Image.Image) -> float:
    """The drawn ink's width over the reference's, both at the drawn ink's height."""
    return drawn.width / (reference.width * drawn.height / reference.height)


def on_grey(image: Image.Image) -> Image.Image:
    grey = Image.new("RGBA", image.size, (GREY, GREY, GREY, 255))
    return Image.alpha_composite(grey, image.convert("RGBA")).convert("RGB")


def _face_css(index: int, font: FontFile) -> str:
    data = base64.b64encode(font.path.read_bytes()).decode("ascii")
    return f"@font-face {{ font-family: F{index}; src: url(data:font/ttf;base64,{data}); }}"


def _line_html(text: str, chain: Sequence[FontFile], sizes: Sequence[float]) -> str:
    """The line with each run in the font our renderer gives it (Latin runs of a non-Latin cue: Noto Sans)."""
    fonts = font_of_chars(chain, text) if len(chain) > 1 else [0] * len(text)
    out: list[str] = []
    for ch, k in zip(text, fonts, strict=True):
        piece = html.escape(ch)
        out.append(piece if k == 0 else f'<span style="font-family:F{k};font-size:{sizes[k]:.2f}px">{piece}</span>')
    return "".join(out)


def reference_page(
    words: Sequence[tuple[str, float]], profile: LanguageProfile, chain: Sequence[FontFile], cell: tuple[int, int]
) -> str:
    """One HTML page: each (text, em) alone in its own cell of a grid, COLUMNS wide, white on grey."""
    look = look_of(profile)
    width, height = cell
    blocks = []
    for k, (text, em) in enumerate(words):
        sizes = [em] + [em * LATIN_LOOK.em / look.em] * (len(chain) - 1)
        row, column = divmod(k, COLUMNS)
        blocks.append(
            f'<div class="t" style="left:{column * width}px;top:{row * height}px;font-size:{em:.2f}px" '
            f'lang="{html.escape(profile.code)}" dir="{profile.direction}">{_line_html(text, chain, sizes)}</div>'
        )
    family = ", ".join(f"F{i}" for i in range(len(chain)))
    return (
        "<!doctype html><html><head><meta charset=utf-8><style>"
        + "".join(_face_css(i, f) for i, f in enumerate(chain))
        + f"html, body {{ margin: 0; background: rgb({GREY},{GREY},{GREY}); }}"
        + f".t {{ position: absolute; width: {width}px; height: {height}px; line-height: {height}px;"
        + f" overflow: hidden; font-family: {family}; color: #fff; white-space: pre; text-align: center; }}"
        + "</style></head><body>"
        + "".join(blocks)
        + "</body></html>"
    )


def words_of(text: str) -> list[str]:
    """The words of a caption line as drawn (split at spaces): the unit whose shapes are compared.

    Words rather than whole lines: a lost dot is a few dozen pixels, a large share of one word's
    ink but a small share of a long line's, and joining, conjuncts and mark placement all happen
    inside a word. (The order of a line's runs is our bidi code, tested against python-bidi.)
    """
    return [w for w in text.split() if w]


def check_words(
    items: Sequence[tuple[int, str]],
    profile: LanguageProfile,
    chain: Sequence[FontFile],
    browser: str,
    work: Path,
) -> tuple[list[WordCheck], dict[int, tuple[Image.Image, Image.Image]]]:
    """Each (cue, word) drawn by our renderer and by Chromium, compared.

    Returns the checks, and for each item index the two ink images (ours, Chromium's) for pictures.
    Raises chromium.ChromiumFailed when Chromium cannot draw the page.
    """
    if not items:
        return [], {}
    box = CaptionBox(WIDTH, HEIGHT)
    ours: list[Image.Image | None] = []
    words: list[tuple[str, float]] = []
    for _, text in items:
        drawn = render_cue(text, profile, box, CHECK_STYLE, list(chain))
        ours.append(ink(on_grey(drawn.image)))
        words.append((text, drawn.em))
    em = max(e for _, e in words)
    widest = max((image.width for image in ours if image is not None), default=0)
    cell = (math.ceil(widest * 1.3 + 2 * em), math.ceil(3.5 * em))
    rows = math.ceil(len(items) / COLUMNS)
    page = work / "reference.html"
    page.write_text(reference_page(words, profile, chain, cell), encoding="utf-8")
    shot = work / "reference.png"
    chromium.screenshot(browser, page, max(MIN_WINDOW, cell[0] * COLUMNS), max(MIN_WINDOW, cell[1] * rows), shot)
    with Image.open(shot) as opened:
        picture = opened.convert("RGB")
    checks: list[WordCheck] = []
    pictures: dict[int, tuple[Image.Image, Image.Image]] = {}
    for k, ((cue, text), mine) in enumerate(zip(items, ours, strict=True)):
        row, column = divmod(k, COLUMNS)
        left, top = column * cell[0], row * cell[1]
        theirs = ink(picture.crop((left, top, left + cell[0], top + cell[1])))
        if mine is None or theirs is None:
            blank = mine is None and theirs is None
            checks.append(WordCheck(cue, text, 1.0 if blank else 0.0, 0, 1.0 if blank else 0.0, 0.0 if blank else 99.0))
            continue
        ratio = width_ratio(mine, theirs)
        pictures[k] = (mine, theirs)
        checks.append(
            WordCheck(
                cue,
                text,
                round(similarity(mine, theirs), 3),
                unmatched(mine, theirs),
                round(ratio, 3),
                round(mine.width - mine.width / ratio, 1),
            )
        )
    return checks, pictures


def side_by_side(ours: Image.Image, theirs: Image.Image) -> Image.Image:
    """Our ink above Chromium's, at the same height, on dark grey: the report's picture of a line."""
    scale = ours.height / theirs.height if theirs.height else 1.0
    theirs = theirs.resize((max(1, round(theirs.width * scale)), ours.height), Image.Resampling.BILINEAR)
    pad = 12
    image = Image.new("L", (max(ours.width, theirs.width) + 2 * pad, ours.height * 2 + 3 * pad), 60)
    image.paste(ours, (pad, pad))
    image.paste(theirs, (pad, ours.height + 2 * pad))
    return image
