"""Bytes of a subtitle file -> text, whatever code page an agency saved it in.

Order of evidence: a byte-order mark; strict UTF-8; then every plausible legacy code page
(the ones charset-normalizer proposes plus the usual ones for the language) is decoded and
scored by how "messy" the result is (charset-normalizer's mess ratio) and by how many of its
non-ASCII characters belong to the language's own alphabet. The language only breaks ties:
an Urdu file saved as Windows-1256 in the Polish slot still decodes as Arabic letters, so
the script check can say it is the wrong language.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer
from charset_normalizer.md import mess_ratio

from pipeline.text.scripts import expected_script, script_of

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy code pages each language's files really arrive in, most likely first.
LANGUAGE_CODEPAGES: dict[str, tuple[str, ...]] = {
    "pl": ("cp1250", "iso8859_2"),
    "ro": ("cp1250", "iso8859_16", "iso8859_2"),
    "cs": ("cp1250", "iso8859_2"),
    "hu": ("cp1250", "iso8859_2"),
    "ur": ("cp1256",),
    "ar": ("cp1256", "iso8859_6"),
    "fa": ("cp1256",),
    "ru": ("cp1251", "koi8_r"),
    "uk": ("cp1251",),
    "en": ("cp1252", "iso8859_15"),
}
GENERIC_CODEPAGES = ("cp1252", "cp1250", "iso8859_2", "iso8859_16", "cp1256", "cp1251", "cp1257")

# Non-ASCII letters that a language's Latin alphabet uses (checked after case folding).
LATIN_ALPHABETS: dict[str, str] = {
    "pl": "ąćęłńóśźż",
    "ro": "ăâîșțşţ",
    "cs": "áčďéěíňóřšťúůýž",
    "hu": "áéíóöőúüű",
    "en": "éèêëàâäçïîôöüûñæœ",  # loanwords: café, naïve, façade
}
# Punctuation that Word and friends put anywhere; neutral evidence for any code page.
TYPOGRAPHIC = set(
    "\u00a0\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u00ab\u00bb\u00b7\u2022\u20ac\u00b0\u00a9\u00ae\u2122"
)

DISPLAY_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32": "UTF-32",
}


def display_name(encoding: str) -> str:
    """'cp1250' -> 'Windows-1250', 'iso8859_2' -> 'ISO-8859-2', 'utf-16' -> 'UTF-16'."""
    if encoding in DISPLAY_NAMES:
        return DISPLAY_NAMES[encoding]
    name = codecs.lookup(encoding).name  # canonical: cp1250, iso8859-2, koi8-r
    if name.startswith("cp125"):
        return "Windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "ISO-8859-" + name.split("-", 1)[1]
    return name.upper()


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name, e.g. "utf-8", "utf-8-sig", "cp1250"
    confident: bool = True  # False when two code pages scored alike and one was picked by preference
    # A UTF-8 file with some lines in a legacy code page (edited in two programs, or joined):
    # those lines' numbers and the code page they were read in.
    mixed_lines: tuple[int, ...] = ()
    mixed_encoding: str | None = None


class Undecodable(ValueError):
    pass


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM shows NUL in every other byte of ASCII text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _language_fit(text: str, language: str) -> float:
    """Share of the non-ASCII, non-typographic characters that the language's alphabet uses."""
    base = language.split("-")[0].lower()
    alphabet = LATIN_ALPHABETS.get(base)
    script = expected_script(language)
    total = fit = 0
    for ch in text:
        if ch < "\x80" or ch in TYPOGRAPHIC:
            continue
        total += 1
        if "\x80" <= ch <= "\x9f":  # C1 controls: bytes this code page does not use for text
            fit -= 3
        elif alphabet is not None and script == "Latn":
            fit += ch.lower() in alphabet
        elif unicodedata.category(ch)[0] in "LM" and script_of(ch) == script:
            fit += 1
    return fit / total if total else 0.0


def _score(text: str, language: str) -> float:
    return _language_fit(text, language) - 2.0 * mess_ratio(text, 1.0)


def decode(data: bytes, language: str) -> Decoded:
    """Decode a subtitle file's bytes; raises Undecodable when no code page fits."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                if codec == "utf-8-sig":  # a UTF-8 file with some lines in a legacy code page
                    mixed = _mixed(data[len(bom) :], language)
                    if mixed is not None:
                        return mixed
                raise Undecodable(
                    f"starts with a {display_name(codec)} byte-order mark but is not {display_name(codec)}"
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _mixed(data, language)
    if mixed is not None:
        return mixed
    return _legacy(data, language)


_LINE_BREAKS = re.compile(rb"(\r\n|\r|\n)")


def _utf8(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _mixed(data: bytes, language: str) -> Decoded | None:
    """Mostly UTF-8 with a few lines in a legacy code page: decode each line as what it is."""
    parts = _LINE_BREAKS.split(data)  # line, break, line, break, …
    lines, breaks = parts[0::2], parts[1::2]
    decoded = [_utf8(line) for line in lines]
    bad = [n for n, text in enumerate(decoded) if text is None]
    utf8_non_ascii = sum(1 for n, text in enumerate(decoded) if text is not None and max(lines[n], default=0) >= 0x80)
    if not bad or utf8_non_ascii == 0 or len(bad) > utf8_non_ascii:
        return None
    legacy = _legacy(b"\n".join(lines[n] for n in bad), language)
    for n, text in zip(bad, legacy.text.split("\n"), strict=False):
        decoded[n] = text
    out = []
    for n, line in enumerate(decoded):
        out.append(line or "")
        if n < len(breaks):
            out.append(breaks[n].decode("ascii"))
    return Decoded("".join(out), "utf-8", legacy.confident, tuple(n + 1 for n in bad), legacy.encoding)


def _legacy(data: bytes, language: str) -> Decoded:
    base = language.split("-")[0].lower()
    candidates = list(LANGUAGE_CODEPAGES.get(base, ()))
    best_guess = charset_normalizer.from_bytes(data).best()
    if best_guess is not None and best_guess.encoding not in ("utf_8", "ascii"):
        candidates.append(best_guess.encoding)
    candidates += GENERIC_CODEPAGES
    scored: list[tuple[float, int, str, str]] = []
    seen_texts: set[str] = set()
    for order, codec in enumerate(dict.fromkeys(candidates)):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if text in seen_texts:  # same text as a preferred code page: nothing new to weigh
            continue
        seen_texts.add(text)
        scored.append((_score(text, language), -order, codec, text))
    if not scored:
        raise Undecodable("is neither UTF-8 nor any legacy code page filmpipe knows")
    scored.sort(reverse=True)
    best = scored[0]
    confident = len(scored) == 1 or best[0] - scored[1][0] > 0.05
    return Decoded(best[3], best[2], confident)
