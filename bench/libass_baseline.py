"""The old burn-in path, kept OUT of the pipeline: cue model -> an ASS script for libass (ffmpeg's `ass` filter).

filmpipe no longer burns captions with libass: Debian's libass 0.17.1 on HarfBuzz 6.0 mis-draws
Noto Nastaliq Urdu (the dots of پ and ت lost or moved, the stroke of گ broken), which
tests/test_captions_shapes.py measures against Chromium. This module stays only as the
"before" of bench/captions_bench.py and as the libass case of that test.

Sizes are set in *visual em* (the font's em square in pixels) as a fraction of the frame
height, not in ASS font size: libass maps an ASS size to the font's whole ascender+descender,
and those differ a lot between scripts (Noto Sans: 1.36 em, Noto Nastaliq Urdu: 2.5 em), so
the same ASS size would draw Urdu at about half the size of English. Per script:

- Latin (Noto Sans): em 4.8 % of the frame height (35 px at 720p), lines 1.35 em apart;
- Bengali, Gujarati: em 5.0 %, lines 1.5 em apart (vowel signs above and below the line);
- Nastaliq (Urdu): em 6.4 %, lines 2.0 em apart (tall stacked joins, dots far below).

Each line of a cue is its own Dialogue event placed with `\\pos` (bottom centre), stacked
from the bottom with that line spacing: ASS has no line-spacing setting, libass spaces `\\N`
lines by the font's full metrics (for Nastaliq a very loose 2.5 em), and libass's collision
handling would re-stack separate events whose font boxes overlap. Margins keep text in the
title-safe area: 8 % of the width each side, 6 % of the height from the bottom.

Right-to-left languages get `Encoding -1` and every line is wrapped in RLE … PDF
(U+202B … U+202C). With `Encoding 1` libass (VSFilter-compatible) runs bidi separately on
each piece between override tags and lays the pieces out left to right, so a web address in
the fallback font lands on the wrong side; `-1` (libass 0.15+) runs the Unicode bidi
algorithm over the whole line, and the embedding makes the line right-to-left as a whole, so
a final "!" or "؟" ends on the left and a leading web address sits on the right.

Characters the language's font lacks (Noto Nastaliq Urdu has no Latin letters) switch to the
fallback font with `{\\fn…\\fs…}` and back, using fonts.split_runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.fonts import FontFile, covers
from pipeline.languages import LanguageProfile
from pipeline.subtitles import text as cuetext
from pipeline.subtitles.model import Cue

RLE, PDF = "\u202b", "\u202c"
WORD_JOINER = "\u2060"
STYLE_NAME = "Caption"
RECIPE = 1  # bump when the look or layout changes: burned-in videos are then re-made

# Metrics of a font as libass sees them: (ascender + descender) / em, from OS/2 winAscent/winDescent.
_DEFAULT_EXTENT = 1.362  # Noto Sans


@dataclass(frozen=True)
class ScriptLook:
    em: float  # visual em as a fraction of the frame height
    line_advance: float  # distance between baselines, in em
    italics: bool  # whether <i> is rendered (no italics in Arabic-script or Indic captions)


LATIN_EM = 0.048  # visual em of Latin captions as a fraction of the frame height
LATIN_LOOK = ScriptLook(em=LATIN_EM, line_advance=1.35, italics=True)

MARGIN_SIDE = 0.08  # of the width, each side (title-safe is 5 %)
MARGIN_BOTTOM = 0.06  # of the height
OUTLINE_EM = 0.08  # black outline, in em
SHADOW_EM = 0.04


def look_for(profile: LanguageProfile) -> ScriptLook:
    """The look of a language's captions: size factor, line spacing and italics from its profile
    (pipeline/data/languages.toml: Nastaliq is drawn larger and looser than Naskh, Indic scripts
    a little larger than Latin)."""
    return ScriptLook(em=LATIN_EM * profile.size_factor, line_advance=profile.line_spacing, italics=profile.italics)


def font_extent(font: FontFile | None) -> float:
    """(winAscent + winDescent) / unitsPerEm: how libass turns an ASS font size into an em."""
    if font is None:
        return _DEFAULT_EXTENT
    return _extent_of(str(font.path))


def _extent_of(path: str) -> float:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        font = TTCollection(path).fonts[0] if path.lower().endswith((".ttc", ".otc")) else TTFont(path, lazy=True)
        os2, head = font["OS/2"], font["head"]
        return (os2.usWinAscent + os2.usWinDescent) / head.unitsPerEm
    except Exception:  # unreadable metrics: assume Noto Sans-like proportions
        return _DEFAULT_EXTENT


@dataclass(frozen=True)
class CaptionStyle:
    """Everything about the look of one language's captions at one frame size, in pixels."""

    width: int
    height: int
    font: str
    size: int  # ASS font size of the language's font
    fallback_font: str | None
    fallback_size: int  # ASS font size for runs in the fallback font (same visual em)
    outline: float
    shadow: float
    margin_side: int
    margin_bottom: int
    line_advance: int  # pixels between the bottoms of stacked lines
    rtl: bool
    italics: bool


def caption_style(profile: LanguageProfile, width: int, height: int, chain: Sequence[FontFile]) -> CaptionStyle:
    """The style of one language's captions in a `width` x `height` frame."""
    look = look_for(profile)
    em = look.em * height
    primary = chain[0] if chain else None
    fallback = chain[1] if len(chain) > 1 else None
    fallback_look = LATIN_LOOK
    return CaptionStyle(
        width=width,
        height=height,
        font=primary.family if primary else profile.font_family,
        size=max(1, round(em * font_extent(primary))),
        fallback_font=fallback.family if fallback else None,
        fallback_size=max(1, round(fallback_look.em * height * font_extent(fallback))),
        outline=round(max(1.0, OUTLINE_EM * em), 1),
        shadow=round(max(0.5, SHADOW_EM * em), 1),
        margin_side=round(MARGIN_SIDE * width),
        margin_bottom=round(MARGIN_BOTTOM * height),
        line_advance=round(look.line_advance * em),
        rtl=profile.is_rtl,
        italics=look.italics,
    )


def ass_time(seconds: float) -> str:
    """`H:MM:SS.cc` (ASS counts centiseconds)."""
    cs = max(0, round(seconds * 100))
    h, cs = divmod(cs, 360_000)
    m, cs = divmod(cs, 6000)
    s, cs = divmod(cs, 100)
    return f"{h:d}:{m:02d}:{s:02d}.{cs:02d}"


def escape_text(text: str) -> str:
    """Text that libass draws literally: no override blocks, no `\\N`/`\\h` escapes.

    libass (0.15+) reads `\\{` and `\\}` as literal braces; a backslash is followed by an
    invisible WORD JOINER so that "C:\\New" cannot turn into a line break.
    """
    text = text.replace("\\", "\\" + WORD_JOINER)
    return text.replace("{", "\\{").replace("}", "\\}")


_TAG = re.compile(r"</?([ibu])>")


def line_events_text(line: str, style: CaptionStyle, chain: Sequence[FontFile]) -> str:
    """One cleaned subtitle line (with <i>/<b>/<u>) -> ASS event text with overrides."""
    out: list[str] = []
    pos = 0
    primary_font = chain[0] if chain else None
    for m in _TAG.finditer(line):
        out.append(_runs(line[pos : m.start()], style, chain, primary_font))
        name, closing = m.group(1), m.group(0).startswith("</")
        if name != "i" or style.italics:
            out.append(f"{{\\{name}{0 if closing else 1}}}")
        pos = m.end()
    out.append(_runs(line[pos:], style, chain, primary_font))
    body = "".join(out)
    return f"{RLE}{body}{PDF}" if style.rtl else body


def _runs(text: str, style: CaptionStyle, chain: Sequence[FontFile], primary: FontFile | None) -> str:
    if not text:
        return ""
    if len(chain) < 2 or primary is None:
        return escape_text(text)
    parts = []
    for font, run in split_runs(list(chain), text):
        if font.path == primary.path:
            parts.append(escape_text(run))
        else:
            parts.append(
                f"{{\\fn{font.family}\\fs{style.fallback_size}}}{escape_text(run)}{{\\fn{style.font}\\fs{style.size}}}"
            )
    return "".join(parts)


def cue_lines(cue: Cue, language: str) -> list[str]:
    """The cue's visible lines, cleaned (NFC, allowed tags, Romanian comma-below), blank ones dropped."""
    lines = []
    for raw in cuetext.clean(cue.text, language).split("\n"):
        line = raw.strip()
        if cuetext.plain(line).strip():
            lines.append(line)
    return lines


def header(style: CaptionStyle, title: str = "filmpipe captions") -> str:
    colour_text, colour_outline, colour_shadow = "&H00FFFFFF", "&H00000000", "&H80000000"
    return "\n".join(
        [
            "[Script Info]",
            f"Title: {title}",
            "ScriptType: v4.00+",
            f"PlayResX: {style.width}",
            f"PlayResY: {style.height}",
            "WrapStyle: 0",
            "ScaledBorderAndShadow: yes",
            "YCbCr Matrix: TV.709",
            "",
            "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
            "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
            "Alignment, MarginL, MarginR, MarginV, Encoding",
            f"Style: {STYLE_NAME},{style.font},{style.size},{colour_text},&H000000FF,{colour_outline},{colour_shadow},"
            f"0,0,0,0,100,100,0,0,1,{style.outline:g},{style.shadow:g},2,"
            f"{style.margin_side},{style.margin_side},{style.margin_bottom},{-1 if style.rtl else 1}",
            "",
            "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        ]
    )


def events(cues: Iterable[Cue], language: str, style: CaptionStyle, chain: Sequence[FontFile]) -> list[str]:
    """Dialogue lines: one per cue line, the last line at the bottom margin, earlier ones stacked above."""
    out = []
    x = style.width // 2
    for cue in cues:
        if cue.end <= cue.start:
            continue
        lines = cue_lines(cue, language)
        for k, line in enumerate(lines):
            from_bottom = len(lines) - 1 - k
            y = style.height - style.margin_bottom - from_bottom * style.line_advance
            out.append(
                f"Dialogue: 0,{ass_time(cue.start)},{ass_time(cue.end)},{STYLE_NAME},,0,0,0,,"
                f"{{\\an2\\pos({x},{y})}}" + line_events_text(line, style, chain)
            )
    return out


def script(
    cues: Iterable[Cue],
    profile: LanguageProfile,
    width: int,
    height: int,
    chain: Sequence[FontFile],
) -> str:
    """The whole ASS script for one language at one frame size."""
    style = caption_style(profile, width, height, chain)
    return header(style) + "\n" + "\n".join(events(cues, profile.code, style, chain)) + "\n"


def split_runs(chain: list[FontFile], text: str) -> list[tuple[FontFile, str]]:
    """Split text into runs, each drawn by the first font of the chain that covers it.

    Spaces, punctuation and marks stay with the run they are in, so a run switches font only
    at a letter or digit the current font lacks.
    """
    if not chain:
        raise ValueError("empty font chain")
    runs: list[tuple[FontFile, str]] = []
    current = chain[0]
    buf: list[str] = []
    for ch in text:
        if not covers(current, ch) or (current is not chain[0] and covers(chain[0], ch) and ch.isalnum()):
            better = next((f for f in chain if covers(f, ch)), current)
            if better is not current:
                if buf:
                    runs.append((current, "".join(buf)))
                    buf = []
                current = better
        buf.append(ch)
    if buf:
        runs.append((current, "".join(buf)))
    return runs
