"""Find the font that burns a language's captions (through fontconfig) and check its glyphs.

The burn-in font is named per script (languages.py); fontconfig answers which file that is.
Coverage is checked with fontTools against the font's cmap, so a missing glyph is a finding
before rendering rather than an empty box in a published video.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont


@dataclass(frozen=True)
class FontFile:
    family: str
    style: str
    path: Path


def fontconfig_available() -> bool:
    return shutil.which("fc-list") is not None


@cache
def find_font(family: str) -> FontFile | None:
    """The Regular (or first) face of exactly this family, or None when fontconfig lacks it."""
    if not fontconfig_available():
        return None
    out = subprocess.run(
        ["fc-list", "--format", "%{family[0]}\t%{style[0]}\t%{file}\n", f":family={family}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0] == family:
            faces.append(FontFile(family=parts[0], style=parts[1], path=Path(parts[2])))
    if not faces:
        return None
    faces.sort(key=lambda f: (f.style != "Regular", f.style, str(f.path)))
    return faces[0]


@cache
def find_face(family: str, style: str) -> FontFile | None:
    """The face of this family in exactly this style ("Bold", "Italic", "Bold Italic"), or None."""
    if not fontconfig_available():
        return None
    out = subprocess.run(
        ["fc-list", "--format", "%{family[0]}\t%{style[0]}\t%{file}\n", f":family={family}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = sorted(
        (
            FontFile(family=parts[0], style=parts[1], path=Path(parts[2]))
            for parts in (line.split("\t") for line in out.splitlines())
            if len(parts) == 3 and parts[0] == family and parts[1] == style
        ),
        key=lambda f: str(f.path),
    )
    return faces[0] if faces else None


@cache
def _cmap(path: Path) -> frozenset[int]:
    if path.suffix.lower() in (".ttc", ".otc"):
        font = TTCollection(str(path)).fonts[0]
    else:
        font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap() or {})


# Characters a renderer handles without a glyph of their own: controls, format marks
# (ZWJ, ZWNJ, RLM, …) and spaces that the shaper maps to the font's space.
_NO_GLYPH_NEEDED = {"Cc", "Cf", "Zl", "Zp"}


def missing_glyphs(font: FontFile, text: str) -> list[str]:
    """The distinct characters of `text` that the font has no glyph for, in first-seen order."""
    cmap = _cmap(font.path)
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


def font_chain(primary_family: str) -> list[FontFile]:
    """The language's own font first, then the named fallback; families not installed are left out."""
    chain = []
    for family in dict.fromkeys([primary_family, FALLBACK_FAMILY]):
        font = find_font(family)
        if font is not None:
            chain.append(font)
    return chain


def covers(font: FontFile, ch: str) -> bool:
    return ord(ch) in _cmap(font.path) or unicodedata.category(ch) in _NO_GLYPH_NEEDED


def missing_in_chain(chain: list[FontFile], text: str) -> list[str]:
    """Characters no font of the chain can draw (what SUB_GLYPHS reports)."""
    if not chain:
        return []
    missing = set(missing_glyphs(chain[0], text))
    for font in chain[1:]:
        missing &= set(missing_glyphs(font, "".join(missing)))
    return [ch for ch in dict.fromkeys(text) if ch in missing]


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
