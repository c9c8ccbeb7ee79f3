"""What filmpipe knows about a language: names, direction, script, fonts, look and rule limits.

The knowledge is data: `pipeline/data/languages.toml`, loaded and checked once (unknown keys and
wrong types are errors naming the table and key). Names, direction and script come from CLDR
through Babel unless the table says otherwise; fonts, look and limits from the table's script
and language rows. film.toml's `[languages.xx]` keys override any field for one film
(`with_overrides`, called by project.py).
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global

DATA_FILE = "data/languages.toml"
# The Debian package of the fonts `make demo` needs; a language's own is LanguageProfile.font_package.
FONT_PACKAGE = "fonts-noto-core"


@dataclass(frozen=True)
class RuleLimits:
    """Readability limits for one language's subtitles (overridable in film.toml)."""

    max_cps: float = 17.0
    max_line_length: int = 42
    max_lines: int = 2
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap_frames: int = 2


@dataclass(frozen=True)
class Craft:
    """Word lists for the translator's-craft warnings (line breaks, wrong letters)."""

    no_line_end: tuple[str, ...] = ()  # words a line should not end with (prepositions, one-letter words)
    no_line_start: tuple[str, ...] = ()  # words a line should not start with (postpositions, clitics)
    letter_fixes: tuple[tuple[str, str], ...] = ()  # (letter typed, the language's own letter), e.g. ("ي", "ی")
    keep_together: tuple[str, ...] = ()  # phrases a line break must not split ("کے ساتھ", a film's terms)
    min_balance: float = 0.5  # two lines: warn when the shorter is under this share of the longer
    one_line_max: int = 0  # a two-line cue this short (characters) belongs on one line; 0: max_line_length


@dataclass(frozen=True)
class LanguageProfile:
    code: str  # BCP 47 as written in film.toml, e.g. "pl", "pa-Arab"
    name: str  # English name a UK site uses (CLDR unless the table or film.toml says otherwise)
    native_name: str  # the language's own name (CLDR unless overridden)
    direction: str  # "ltr" or "rtl"
    script: str  # ISO 15924, e.g. "Latn", "Arab", "Hans"
    font_family: str  # the family captions are burned in
    iso639_2: str  # ISO 639-2/T three-letter tag for containers ("und" if unknown)
    limits: RuleLimits
    fallback_fonts: tuple[str, ...] = ("Noto Sans",)  # named fallbacks, in order
    font_package: str = "fonts-noto-core"  # the Debian package that ships font_family
    size_factor: float = 1.0  # visual em relative to Latin captions
    line_spacing: float = 1.35  # distance between baselines, in em
    ascent: float = 0.80  # how far letters reach above the baseline, in em (a caption box's top)
    descent: float = 0.25  # how far they reach below it, in em (a caption box's bottom)
    italics: bool = True  # whether <i> is drawn in italics
    letter_scripts: tuple[str, ...] = ()  # Unicode scripts of its letters (ISO 15924); () means (script,)
    social_locale: str = ""  # ll_CC, as Facebook names caption files
    craft: Craft = field(default_factory=Craft)
    row: str | None = None  # the data-file row this profile came from, None for CLDR and script defaults only

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def fonts(self) -> tuple[str, ...]:
        """The burn-in font chain: the language's font, then its named fallbacks."""
        return tuple(dict.fromkeys((self.font_family, *self.fallback_fonts)))

    @property
    def letter_script_codes(self) -> tuple[str, ...]:
        return self.letter_scripts or (self.script,)


class UnknownLanguage(ValueError):
    pass


class LanguageDataError(ValueError):
    """A wrong key or value in the language table or in a film's override of it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# ------------------------------------------------------------------ the keys and their types

LIMIT_KEYS = {f.name: f.type for f in fields(RuleLimits)}
CRAFT_KEYS = {f.name for f in fields(Craft)}
# Keys a script row (and [defaults]) may set, with their kind.
LOOK_KEYS: dict[str, str] = {
    "font": "text",
    "fallback_fonts": "texts",
    "font_package": "text",
    "size_factor": "positive",
    "line_spacing": "positive",
    "ascent": "positive",
    "descent": "positive",
    "italics": "bool",
    "letter_scripts": "scripts",
}
# Keys only a language (in the table or in film.toml) may set.
IDENTITY_KEYS: dict[str, str] = {
    "name": "text",
    "native_name": "text",
    "script": "script",
    "direction": "direction",
    "iso639_2": "iso639",
    "social_locale": "locale",
}
# A script row may also set the direction (of RTL scripts), used when a film re-scripts a language.
SCRIPT_ROW_KEYS = set(LOOK_KEYS) | set(LIMIT_KEYS) | {"direction"}
LANGUAGE_ROW_KEYS = SCRIPT_ROW_KEYS | set(IDENTITY_KEYS) | {"craft"}
# Profile attribute each key sets (the rest are named alike).
_ATTRIBUTE = {"font": "font_family"}

_SCRIPT = re.compile(r"^[A-Z][a-z]{3}$")
_ISO639 = re.compile(r"^[a-z]{3}$")
_LOCALE = re.compile(r"^[a-z]{2,3}_[A-Z]{2}$")
_EXAMPLES = {
    "text": '"…"',
    "texts": '["…"]',
    "positive": "1.0",
    "bool": "true",
    "script": '"Arab"',
    "scripts": '["Hani"]',
    "direction": '"rtl"',
    "iso639": '"ron"',
    "locale": '"ur_PK"',
}


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(sorted(allowed))}"
            raise LanguageDataError(f"unknown key '{key}' in {where}", hint)


def _value(key: str, value: Any, where: str) -> Any:
    """One checked value: `value` typed as `key` wants, or LanguageDataError naming both."""
    kind = LOOK_KEYS.get(key) or IDENTITY_KEYS.get(key)
    if kind is None:  # a limit
        wanted = LIMIT_KEYS[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise LanguageDataError(
                f"'{key}' in {where} must be a positive number", f"e.g. {key} = {getattr(RuleLimits(), key)}"
            )
        if wanted in (int, "int") and not isinstance(value, int):
            raise LanguageDataError(
                f"'{key}' in {where} must be a whole number", f"e.g. {key} = {getattr(RuleLimits(), key)}"
            )
        return int(value) if wanted in (int, "int") else float(value)
    ok: bool
    if kind == "text":
        ok = isinstance(value, str) and bool(value.strip())
    elif kind in ("texts", "scripts"):
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        if ok and kind == "scripts":
            ok = all(_SCRIPT.match(v) for v in value)
        if ok:
            value = tuple(value)
    elif kind == "positive":
        ok = not isinstance(value, bool) and isinstance(value, (int, float)) and 0 < value <= 10  # nan fails too
        if ok:
            value = float(value)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "script":
        ok = isinstance(value, str) and bool(_SCRIPT.match(value))
    elif kind == "direction":
        ok = value in ("ltr", "rtl")
    elif kind == "iso639":
        ok = isinstance(value, str) and bool(_ISO639.match(value))
    else:  # locale
        ok = isinstance(value, str) and bool(_LOCALE.match(value))
    if not ok:
        what = {
            "text": "a non-empty string",
            "texts": "a list of strings",
            "positive": "a number above 0 (at most 10)",
            "bool": "true or false",
            "script": "an ISO 15924 script code such as Latn, Arab, Hans",
            "scripts": "a list of ISO 15924 script codes",
            "direction": '"ltr" or "rtl"',
            "iso639": "a three-letter ISO 639-2/T code in lower case",
            "locale": "a locale written ll_CC, such as ur_PK or pl_PL",
        }[kind]
        raise LanguageDataError(f"'{key}' in {where} must be {what}", f"e.g. {key} = {_EXAMPLES[kind]}")
    return value


def _craft(table: Any, where: str, base: Craft) -> Craft:
    if not isinstance(table, dict):
        raise LanguageDataError(f"'craft' in {where} must be a table", "write it as a [….craft] table")
    where = f"{where[:-1]}.craft]" if where.endswith("]") else f"{where} craft"
    _check_keys(table, CRAFT_KEYS, where)
    values: dict[str, Any] = {}
    if "min_balance" in table:
        share = table["min_balance"]
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise LanguageDataError(f"'min_balance' in {where} must be a number from 0 to 1", "e.g. min_balance = 0.5")
        values["min_balance"] = float(share)
    if "one_line_max" in table:
        size = table["one_line_max"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise LanguageDataError(f"'one_line_max' in {where} must be a whole number", "e.g. one_line_max = 42")
        values["one_line_max"] = size
    for key in ("no_line_end", "no_line_start", "keep_together"):
        if key in table:
            words = table[key]
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise LanguageDataError(f"'{key}' in {where} must be a list of words", f'e.g. {key} = ["w", "z"]')
            values[key] = tuple(words)
    if "letter_fixes" in table:
        fixes = table["letter_fixes"]
        if not isinstance(fixes, dict) or not all(isinstance(v, str) and v for v in fixes.values()):
            raise LanguageDataError(
                f"'letter_fixes' in {where} must be a table of letter = replacement",
                'e.g. letter_fixes = { "ي" = "ی" }',
            )
        values["letter_fixes"] = tuple(fixes.items())
    return replace(base, **values)


def _checked_row(table: Any, allowed: set[str], where: str) -> dict[str, Any]:
    """A row of the table (or of film.toml) with every key known and every value typed."""
    if not isinstance(table, dict):
        raise LanguageDataError(f"{where} must be a table", f"write it as {where}")
    _check_keys(table, allowed, where)
    return {key: (table[key] if key == "craft" else _value(key, table[key], where)) for key in table}


# ------------------------------------------------------------------ the data file


@dataclass(frozen=True)
class LanguageTable:
    defaults: dict[str, Any]
    scripts: dict[str, dict[str, Any]]  # ISO 15924 -> checked row
    languages: dict[str, dict[str, Any]]  # BCP 47 tag as written -> checked row
    iso639_2: dict[str, str]  # language subtag -> ISO 639-2/T, for languages without a row
    examples: dict[str, str] = field(default_factory=dict)  # script -> a language written in it (for tests)


def parse_table(text: str, source: str = DATA_FILE) -> LanguageTable:
    """Check and type the language table (a TOML text); LanguageDataError names the first mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LanguageDataError(f"{source} is not valid TOML: {exc}", "fix the line it names") from exc
    _check_keys(data, {"defaults", "scripts", "languages", "iso639_2"}, f"{source} (top level)")
    defaults = _checked_row(data.get("defaults", {}), SCRIPT_ROW_KEYS - {"letter_scripts"}, f"{source} [defaults]")
    scripts: dict[str, dict[str, Any]] = {}
    examples: dict[str, str] = {}
    for code, row in data.get("scripts", {}).items():
        if not _SCRIPT.match(code):
            raise LanguageDataError(f"[scripts.{code}] in {source} is not an ISO 15924 code", "e.g. [scripts.Arab]")
        where = f"{source} [scripts.{code}]"
        example = row.pop("example", None) if isinstance(row, dict) else None
        scripts[code] = _checked_row(row, SCRIPT_ROW_KEYS, where)
        if example is not None:
            if not isinstance(example, str):
                raise LanguageDataError(f"'example' in {where} must be a BCP 47 tag", 'e.g. example = "ru"')
            examples[code] = example
    languages: dict[str, dict[str, Any]] = {}
    for tag, row in data.get("languages", {}).items():
        where = f"{source} [languages.{tag}]"
        try:
            parse_locale(tag)
        except UnknownLanguage:
            raise LanguageDataError(f"{where}: '{tag}' is not a BCP 47 tag that Babel knows") from None
        checked = _checked_row(row, LANGUAGE_ROW_KEYS, where)
        if "craft" in checked:
            checked["craft"] = _craft(checked["craft"], where, Craft())
        languages[tag] = checked
    codes = data.get("iso639_2", {})
    for lang, code in codes.items():
        _value("iso639_2", code, f"{source} [iso639_2] '{lang}'")
    return LanguageTable(
        defaults=defaults, scripts=scripts, languages=languages, iso639_2=dict(codes), examples=examples
    )


@cache
def table() -> LanguageTable:
    """The package's language table, read and checked once."""
    text = resources.files("pipeline").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_table(text, f"pipeline/{DATA_FILE}")


# ------------------------------------------------------------------ profiles


def parse_locale(code: str) -> Locale:
    """Parse a BCP 47 tag (hyphens or underscores) into a Babel Locale, or raise UnknownLanguage."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise UnknownLanguage(code) from exc


def cldr_script(locale: Locale) -> str:
    """The locale's script: its own subtag, else CLDR's likely subtags, else Latin."""
    if locale.script:
        return locale.script
    likely = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}" if locale.territory else None, locale.language):
        if key and key in likely:
            parts = likely[key].split("_")
            if len(parts) >= 2 and len(parts[1]) == 4:
                return parts[1]
    return "Latn"


def _row_script(tag: str, row: dict[str, Any]) -> str:
    return row.get("script") or cldr_script(parse_locale(tag))


def find_row(code: str) -> str | None:
    """The table row for a BCP 47 tag: the same tag (any letter case), else the same language
    written in the same script (pa-PK finds pa-Arab, zh-TW finds zh-Hant, ur-IN finds ur)."""
    rows = table().languages
    for tag in rows:
        if tag.lower() == code.lower().replace("_", "-"):
            return tag
    locale = parse_locale(code)
    script = cldr_script(locale)
    for tag, row in rows.items():
        if parse_locale(tag).language == locale.language and _row_script(tag, row) == script:
            return tag
    return None


def _apply(profile: LanguageProfile, row: dict[str, Any]) -> LanguageProfile:
    """Profile with a checked row's values set on it (limits and craft merged key by key)."""
    values: dict[str, Any] = {}
    limits = {k: v for k, v in row.items() if k in LIMIT_KEYS}
    if limits:
        values["limits"] = replace(profile.limits, **limits)
    for key, value in row.items():
        if key in LIMIT_KEYS or key == "craft":
            continue
        values[_ATTRIBUTE.get(key, key)] = value
    if "craft" in row:
        values["craft"] = row["craft"]
    return replace(profile, **values)


@cache
def profile_for(code: str) -> LanguageProfile:
    """The profile of a BCP 47 language tag that Babel knows: CLDR, then the script's and the
    language's rows of the table."""
    locale = parse_locale(code)
    data = table()
    tag = find_row(code)
    row = data.languages.get(tag, {}) if tag else {}
    exact = tag is not None and tag.lower() == code.lower().replace("_", "-")
    script = row.get("script") or cldr_script(locale)
    name = locale.get_display_name("en") or code
    native = locale.get_display_name(locale) or name
    territory = get_global("likely_subtags").get(locale.language, "").split("_")[-1]
    profile = LanguageProfile(
        code=code,
        name=name,
        native_name=native,
        direction=locale.text_direction,
        script=script,
        font_family="Noto Sans",
        iso639_2=data.iso639_2.get(locale.language, "und"),
        limits=RuleLimits(),
        social_locale=f"{locale.language}_{locale.territory or territory}" if len(territory) == 2 else "",
        row=tag,
    )
    profile = _apply(profile, data.defaults)
    profile = _apply(profile, data.scripts.get(script, {}))
    if not exact and locale.territory:  # pt-BR found row pt: its names and locale are Portugal's
        row = {k: v for k, v in row.items() if k not in ("name", "native_name", "social_locale")}
    return _apply(profile, row)


PROFILE_KEYS = LANGUAGE_ROW_KEYS  # every field of a profile can be overridden for one film


def with_overrides(profile: LanguageProfile, overrides: dict[str, Any], where: str) -> LanguageProfile:
    """`profile` with film.toml's keys of one [languages.xx] table applied (keys already known).

    Raises LanguageDataError naming `where` and the key for a wrong value. A script override
    also brings that script's font and look, unless the film names them too.
    """
    row = {key: (value if key == "craft" else _value(key, value, where)) for key, value in overrides.items()}
    if "craft" in row:
        row["craft"] = _craft(row["craft"], where, profile.craft)
    if "script" in row and row["script"] != profile.script:
        profile = _apply(profile, table().scripts.get(row["script"], {}))
    return _apply(profile, row)


def all_rows() -> list[str]:
    """The tags of the table's language rows, in the table's order."""
    return list(table().languages)


def package_of(family: str) -> str:
    """The Debian package the table names for a font family (the default package if none does)."""
    data = table()
    for row in (*data.scripts.values(), *data.languages.values()):
        if row.get("font") == family and "font_package" in row:
            return str(row["font_package"])
    return str(data.defaults.get("font_package", FONT_PACKAGE))
