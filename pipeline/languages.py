"""What filmpipe knows about a language: names, direction, script, font and rule limits.

Names and direction come from CLDR through Babel; the script from CLDR's likely subtags;
fonts and limits from the tables below (Netflix timed-text guides and BBC guidelines).
Anything film.toml overrides is applied on top in `project.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# ISO 15924 script -> the font family that burns captions in that script. Named explicitly:
# fontconfig's fallback chain draws some Urdu letters (ے, ہ) as empty boxes.
SCRIPT_FONTS: dict[str, str] = {
    "Latn": "Noto Sans",
    "Cyrl": "Noto Sans",
    "Grek": "Noto Sans",
    "Arab": "Noto Naskh Arabic",
    "Beng": "Noto Sans Bengali",
    "Gujr": "Noto Sans Gujarati",
    "Deva": "Noto Sans Devanagari",
    "Guru": "Noto Sans Gurmukhi",
    "Taml": "Noto Sans Tamil",
    "Hebr": "Noto Sans Hebrew",
}

# Per-language font where the script default is not the right one for that language.
LANGUAGE_FONTS: dict[str, str] = {
    "ur": "Noto Nastaliq Urdu",
}

# Debian package that carries the font families above.
FONT_PACKAGE = "fonts-noto-core"

# ISO 639-1 -> ISO 639-2/T (the terminology codes: `ron`, not the bibliographic `rum`), as the
# MP4 language box (ISO/IEC 14496-12 via ISO 639-2/T) wants.
ISO639_2: dict[str, str] = {
    "ar": "ara",
    "bn": "ben",
    "cs": "ces",
    "cy": "cym",
    "de": "deu",
    "el": "ell",
    "en": "eng",
    "es": "spa",
    "fa": "fas",
    "fr": "fra",
    "ga": "gle",
    "gd": "gla",
    "gu": "guj",
    "he": "heb",
    "hi": "hin",
    "hu": "hun",
    "it": "ita",
    "lt": "lit",
    "lv": "lav",
    "nl": "nld",
    "pa": "pan",
    "pl": "pol",
    "ps": "pus",
    "pt": "por",
    "ro": "ron",
    "ru": "rus",
    "sk": "slk",
    "so": "som",
    "sq": "sqi",
    "ta": "tam",
    "ti": "tir",
    "tr": "tur",
    "uk": "ukr",
    "ur": "urd",
    "zh": "zho",
    "ku": "kur",
}

# English names a UK public body uses where CLDR's differ (CLDR says "Bangla"; the force and its
# residents say "Bengali"). film.toml's [languages.X] name / native_name override both.
UK_ENGLISH_NAMES: dict[str, str] = {
    "bn": "Bengali",
}

DEFAULT_MAX_CPS = 17.0
SOURCE_LIKE_MAX_CPS = {"en": 20.0}


@dataclass(frozen=True)
class RuleLimits:
    """Readability limits for one language's subtitles (overridable in film.toml)."""

    max_cps: float = DEFAULT_MAX_CPS
    max_line_length: int = 42
    max_lines: int = 2
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap_frames: int = 2


@dataclass(frozen=True)
class LanguageProfile:
    code: str  # BCP 47 as written in film.toml, e.g. "pl", "sr-Latn"
    name: str  # English name from CLDR
    native_name: str  # the language's own name from CLDR
    direction: str  # "ltr" or "rtl"
    script: str  # ISO 15924, e.g. "Latn", "Arab"
    font_family: str  # the family captions are burned in
    iso639_2: str  # three-letter tag for containers ("und" if unknown)
    limits: RuleLimits

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


class UnknownLanguage(ValueError):
    pass


def parse_locale(code: str) -> Locale:
    """Parse a BCP 47 tag (hyphens or underscores) into a Babel Locale, or raise UnknownLanguage."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise UnknownLanguage(code) from exc


def _script_of(locale: Locale) -> str:
    if locale.script:
        return locale.script
    likely = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}" if locale.territory else None, locale.language):
        if key and key in likely:
            parts = likely[key].split("_")
            if len(parts) >= 2 and len(parts[1]) == 4:
                return parts[1]
    return "Latn"


@cache
def profile_for(code: str) -> LanguageProfile:
    """The profile of a BCP 47 language tag that Babel knows."""
    locale = parse_locale(code)
    script = _script_of(locale)
    name = UK_ENGLISH_NAMES.get(code) or locale.get_display_name("en") or code
    native = locale.get_display_name(locale) or name
    return LanguageProfile(
        code=code,
        name=name,
        native_name=native,
        direction=locale.text_direction,
        script=script,
        font_family=LANGUAGE_FONTS.get(locale.language, SCRIPT_FONTS.get(script, "Noto Sans")),
        iso639_2=ISO639_2.get(locale.language, "und"),
        limits=RuleLimits(max_cps=SOURCE_LIKE_MAX_CPS.get(locale.language, DEFAULT_MAX_CPS)),
    )
