"""Find the font that burns a language's captions (through fontconfig) and check its glyphs.

The burn-in font is named per script and language (pipeline/data/languages.toml); fontconfig answers which file that is.
Coverage is checked with fontTools against the font's cmap, so a missing glyph is a finding
before rendering rather than an empty box in a published video.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont


@dataclass(frozen=True)
class FontFile:
    family: str
    style: str
    path: Path
    index: int = 0  # the face in a collection (.ttc): Noto Sans CJK SC is face 2 of NotoSansCJK-Regular.ttc


def fontconfig_available() -> bool:
    return shutil.which("fc-list") is not None


def _faces(family: str, pattern: str) -> list[FontFile]:
    """The faces fontconfig lists for the fc-list `pattern`, of exactly `family` (fc-list also
    matches aliases)."""
    out = subprocess.run(
        ["fc-list", "--format", "%{family[0]}\t%{style[0]}\t%{file}\t%{index}\n", pattern],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0] == family:
            index = int(parts[3]) if parts[3].isdigit() else 0
            faces.append(FontFile(family=parts[0], style=parts[1], path=Path(parts[2]), index=index))
    return faces


@cache
def find_font(family: str) -> FontFile | None:
    """The Regular (or first) face of exactly this family, or None when fontconfig lacks it."""
    if not fontconfig_available():
        return None
    faces = sorted(_faces(family, f":family={family}"), key=lambda f: (f.style != "Regular", f.style, str(f.path)))
    return faces[0] if faces else None


@cache
def find_face(family: str, style: str) -> FontFile | None:
    """The face of this family in exactly this style ("Bold", "Italic", "Bold Italic"), or None."""
    if not fontconfig_available():
        return None
    faces = [f for f in _faces(family, f":family={family}:style={style}") if f.style == style]
    faces.sort(key=lambda f: str(f.path))
    return faces[0] if faces else None


@cache
def _cmap(path: Path, index: int = 0) -> frozenset[int]:
    if path.suffix.lower() in (".ttc", ".otc"):
        font = TTFont(str(path), fontNumber=index, lazy=True)
    else:
        font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap() or {})


# Characters a renderer handles without a glyph of their own: controls, format marks
# (ZWJ, ZWNJ, RLM, …) and spaces that the shaper maps to the font's space.
_NO_GLYPH_NEEDED = {"Cc", "Cf", "Zl", "Zp"}


def missing_glyphs(font: FontFile, text: str) -> list[str]:
    """The distinct characters of `text` that the font has no glyph for, in first-seen order."""
    cmap = _cmap(font.path, font.index)
    seen: dict[str, None] = {}
    for ch in text:
        if ch in seen or unicodedata.category(ch) in _NO_GLYPH_NEEDED or ch in "\n\r\t":
            continue
        if ord(ch) not in cmap:
            seen[ch] = None
    return list(seen)


# The fallback for characters the language's own font lacks (Noto Nastaliq Urdu has no Latin
# letters, so a web address inside an Urdu cue is drawn in Noto Sans). Named, never left to
# fontconfig's fallback chain.
FALLBACK_FAMILY = "Noto Sans"


def font_chain(primary_family: str, fallbacks: Sequence[str] = (FALLBACK_FAMILY,)) -> list[FontFile]:
    """The language's own font first, then its named fallbacks; families not installed are left out."""
    chain = []
    for family in dict.fromkeys([primary_family, *fallbacks]):
        font = find_font(family)
        if font is not None:
            chain.append(font)
    return chain


def covers(font: FontFile, ch: str) -> bool:
    return ord(ch) in _cmap(font.path, font.index) or unicodedata.category(ch) in _NO_GLYPH_NEEDED


def missing_in_chain(chain: list[FontFile], text: str) -> list[str]:
    """Characters no font of the chain can draw (what SUB_GLYPHS reports)."""
    if not chain:
        return []
    missing = set(missing_glyphs(chain[0], text))
    for font in chain[1:]:
        missing &= set(missing_glyphs(font, "".join(missing)))
    return [ch for ch in dict.fromkeys(text) if ch in missing]
