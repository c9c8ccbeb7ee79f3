"""film.toml -> a typed, frozen Project.

Every mistake is a ConfigError naming the file and the key; unknown keys are rejected with
a did-you-mean, because a typo silently ignored is a setting silently lost.
"""

from __future__ import annotations

import codecs
import datetime
import difflib
import re
import tomllib
import urllib.parse
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from pipeline.captions.style import STYLES, CaptionStyle, contrast, is_colour
from pipeline.errors import ConfigError
from pipeline.languages import (
    PROFILE_KEYS,
    LanguageDataError,
    LanguageProfile,
    RuleLimits,
    UnknownLanguage,
    parse_locale,
    profile_for,
    with_overrides,
)
from pipeline.social.locale import default_locale

PROJECT_FILE = "film.toml"
FILM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class FilmInfo:
    id: str
    title: str
    description: str | None
    source_language: str
    master: Path
    # When the film was first published (ISO 8601 date or date-time): schema.org uploadDate.
    # None: the build's time is used (then the preview page changes with every build).
    upload_date: str | None = None
    # Where dist/ is published (an absolute https URL ending in /): makes the preview page's
    # JSON-LD and Open Graph URLs absolute, as search engines and link previews want them.
    media_url: str | None = None
    link: str | None = None  # the page the film points to (post text, social pack)
    call_to_action: str | None = None  # e.g. "Find your local team at …"; translated through the catalogs


@dataclass(frozen=True)
class LanguageConfig:
    code: str
    subtitles: Path
    audio: Path | None  # None: the master's audio is used
    profile: LanguageProfile  # limits already carry film.toml's overrides
    # "captions" (for deaf and hard-of-hearing viewers: speech plus sound cues such as [music])
    # or "subtitles" (speech only); published as the track's kind, HLS CHARACTERISTICS, manifest.
    kind: str = "subtitles"
    descriptions: Path | None = None  # text descriptions (WebVTT/SRT) of what only the picture shows
    described_audio: Path | None = None  # a full mix with the descriptions voiced

    @property
    def locale(self) -> str:
        """The `ll_CC` locale of this language on social platforms: the language table's (or film.toml's
        `social_locale`), else one from the tag and CLDR (social/locale.py)."""
        return self.profile.social_locale or default_locale(self.code)

    @property
    def limits(self) -> RuleLimits:
        return self.profile.limits


@dataclass(frozen=True)
class OutputSettings:
    ladder: tuple[int, ...] = (1080, 720, 480, 360, 240)  # 240: starts fast on a slow phone
    progressive: tuple[int, ...] = (720, 360)  # 360: the small MP4 for mobile data
    open_captions: tuple[int, ...] = (720,)
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.0


SHAPES = ("vertical", "square")  # the social cuts film.toml can ask for, besides the 16:9 one
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class SocialSettings:
    """[social]: the pack of files for social media per language (pipeline/social/)."""

    shapes: tuple[str, ...] = ("vertical",)  # empty: no social pack
    background: str = "blur"  # "blur" (the film, blurred and darkened) or a colour "#RRGGBB"
    cover_time: float | None = None  # seconds into the film of the covers' frame; None: the poster's

    @property
    def enabled(self) -> bool:
        return bool(self.shapes)


@dataclass(frozen=True)
class Project:
    path: Path  # film.toml itself, absolute
    film: FilmInfo
    languages: tuple[LanguageConfig, ...]  # source language first, then film.toml's order
    output: OutputSettings
    allow_outside: bool = False  # --allow-outside: files may live outside the project folder
    captions: CaptionStyle = CaptionStyle()  # [captions]: the look of burned-in captions
    social: SocialSettings = SocialSettings()

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def source(self) -> LanguageConfig:
        return self.languages[0]

    def language(self, code: str) -> LanguageConfig:
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)

    def relative(self, path: Path) -> str:
        """A path as the user wrote it: relative to film.toml's folder where possible."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def only(self, codes: tuple[str, ...] | None) -> Project:
        """This project limited to some languages (the source language is always kept)."""
        if not codes:
            return self
        known = {lang.code.lower(): lang.code for lang in self.languages}  # BCP 47 tags ignore case
        wanted = set()
        for code in codes:
            if code.lower() not in known:
                raise ConfigError(
                    f"--lang names '{code}', which is not a language in {self.path.name}",
                    f"choose from: {', '.join(sorted(known.values()))}",
                )
            wanted.add(known[code.lower()])
        keep = tuple(l for l in self.languages if l.code in wanted or l.code == self.film.source_language)
        return replace(self, languages=keep)


FILM_KEYS = {
    "id",
    "title",
    "description",
    "source_language",
    "master",
    "link",
    "call_to_action",
    "upload_date",
    "media_url",
}
LANGUAGE_KEYS = {"subtitles", "audio", "kind", "descriptions", "described_audio"}
TRACK_KINDS = ("subtitles", "captions")
LIMIT_KEYS = {f.name for f in fields(RuleLimits)}  # a subset of PROFILE_KEYS
OUTPUT_KEYS = {f.name for f in fields(OutputSettings)}
CAPTION_KEYS = {f.name for f in fields(CaptionStyle)}
SOCIAL_KEYS = {f.name for f in fields(SocialSettings)}
TOP_KEYS = {"film", "languages", "output", "captions", "social"}
LINK = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")


def find_project_file(where: Path | str | None) -> Path:
    """PROJECT is a folder holding film.toml or the file itself; default the current folder."""
    path = Path(where) if where else Path.cwd()
    if path.is_dir():
        path = path / PROJECT_FILE
    if not path.is_file():
        raise ConfigError(
            f"no film project at {path}",
            "pass -p with a folder that holds film.toml, or run 'filmpipe init DIR' to start one",
        )
    return path.resolve()


# Byte-order marks that say a file is not UTF-8 at all (UTF-32 first: its LE mark starts with UTF-16's).
_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def read_project_text(path: Path) -> str:
    """film.toml's text. A UTF-8 byte-order mark (Notepad's "UTF-8 with BOM") is accepted and
    dropped, since TOML itself does not allow one; a UTF-16/32 file is named as such."""
    try:
        raw = path.read_bytes()
    except PermissionError:
        raise ConfigError(
            f"{path} cannot be read: permission denied",
            f"give your user read access (e.g. chmod u+r '{path.name}'), or run as its owner",
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read: {exc.strerror or exc}", "check the file and the disk") from None
    for bom, name in _FOREIGN_BOMS:
        if raw.startswith(bom):
            raise ConfigError(
                f"{path.name} is saved as {name} (it starts with a {name} byte-order mark)",
                "save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8)",
            )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path.name} is not UTF-8 text (line {line})", "save it as UTF-8") from None


def load_project(where: Path | str | None = None, *, allow_outside: bool = False) -> Project:
    """Read film.toml. Files it names must lie inside its folder (symlinks resolved) unless
    `allow_outside`: a film.toml from someone else must not publish a file from this machine."""
    path = find_project_file(where)
    try:
        data = tomllib.loads(read_project_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name} is not valid TOML: {exc}", "fix the line it names") from exc
    return _Reader(path, allow_outside).project(data)


# Tags that Babel parses but that name no language: it would label 'und' "English (United States)".
NOT_A_LANGUAGE = {
    "und": "the tag for an undetermined language",
    "root": "CLDR's root locale, not a language",
}


def inside_project(path: Path, root: Path) -> bool:
    """Whether `path`, with '..' and every symlink resolved, lies in `root` (resolved too)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop or an unreadable component
        return False


class _Reader:
    def __init__(self, path: Path, allow_outside: bool = False) -> None:
        self.path = path
        self.root = path.parent
        self.allow_outside = allow_outside

    def fail(self, message: str, hint: str = "") -> ConfigError:
        return ConfigError(f"{self.path.name}: {message}", hint)

    def check_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(sorted(allowed))}"
                raise self.fail(f"unknown key '{key}' in {where}", hint)

    def table(self, data: dict[str, Any], key: str, where: str, required: bool = True) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing [{where}] table", f"add a [{where}] table; see 'filmpipe init'")
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"'{where}' must be a table", f"write it as [{where}]")
        return value

    def string(self, table: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing key '{key}' in [{where}]", f'add {key} = "…" under [{where}]')
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{key}' in [{where}] must be a non-empty string", f'write {key} = "…"')
        return value

    def file(self, value: str | None, key: str, where: str) -> Path:
        """A path from film.toml, relative to its folder, refused if it leads outside that folder
        (through '..', an absolute path or a symlink) unless --allow-outside was given."""
        if value is None:
            raise self.fail(f"missing key '{key}' in {where}", f'add {key} = "…" under {where}')
        if "\x00" in value:
            raise self.fail(f"'{key}' in {where} holds a NUL character", "write the file's path as plain text")
        path = Path(value)
        path = path if path.is_absolute() else (self.root / path)
        if not self.allow_outside and not inside_project(path, self.root):
            raise self.fail(
                f"'{key}' in {where} points outside the project folder ({value})",
                "copy the file into the folder that holds film.toml and name it from there, "
                "or pass --allow-outside if you trust this film.toml",
            )
        return path

    def upload_date(self, film_t: dict[str, Any]) -> str | None:
        """[film] upload_date: a TOML date or date-time, or the same written as a string."""
        value = film_t.get("upload_date")
        if value is None:
            return None
        hint = "write the date the film was first published, e.g. upload_date = 2026-11-26"
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                raise self.fail("'upload_date' in [film] has a time but no time zone", hint + "T10:00:00Z")
            return value.isoformat().replace("+00:00", "Z")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return self.upload_date({"upload_date": tomllib.loads(f"d = {value.strip()}")["d"]})
            except (tomllib.TOMLDecodeError, ConfigError):
                pass
        raise self.fail(f"'upload_date' in [film] is not a date: {value!r}", hint)

    def media_url(self, film_t: dict[str, Any]) -> str | None:
        value = self.string(film_t, "media_url", "film", required=False)
        if value is None:
            return None
        parts = urllib.parse.urlsplit(value.strip())
        if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
            raise self.fail(
                f"'media_url' in [film] must be the web address dist/ is published at, not {value!r}",
                'e.g. media_url = "https://www.example.police.uk/media/neighbourhood-policing/"',
            )
        return value.strip() if value.strip().endswith("/") else value.strip() + "/"

    def project(self, data: dict[str, Any]) -> Project:
        self.check_keys(data, TOP_KEYS, "the top level")
        film_t = self.table(data, "film", "film")
        self.check_keys(film_t, FILM_KEYS, "[film]")
        film_id = self.string(film_t, "id", "film")
        if not FILM_ID.match(film_id or ""):
            raise self.fail(
                f"film id '{film_id}' may only hold lowercase letters, digits and hyphens",
                'it is used in file names, e.g. id = "neighbourhood-policing"',
            )
        source = self.string(film_t, "source_language", "film") or ""
        film = FilmInfo(
            id=film_id or "",
            title=(self.string(film_t, "title", "film") or "").strip(),
            description=(self.string(film_t, "description", "film", required=False) or None),
            source_language=source,
            master=self.file(self.string(film_t, "master", "film"), "master", "film"),
            upload_date=self.upload_date(film_t),
            media_url=self.media_url(film_t),
            link=self.link(film_t),
            call_to_action=(self.string(film_t, "call_to_action", "film", required=False) or "").strip() or None,
        )
        langs_t = self.table(data, "languages", "languages")
        if not langs_t:
            raise self.fail("[languages] is empty", "add at least [languages.<source language>]")
        self.check_distinct_tags(langs_t)
        if source not in langs_t:
            raise self.fail(
                f"source_language '{source}' has no [languages.{source}] table",
                f"add [languages.{source}] with its subtitles, or set source_language to one of: {', '.join(langs_t)}",
            )
        languages = [self.language(code, table, is_source=(code == source)) for code, table in langs_t.items()]
        languages.sort(key=lambda l: l.code != source)  # stable: source first, then file order
        output = self.output(self.table(data, "output", "output", required=False))
        captions = self.captions(self.table(data, "captions", "captions", required=False))
        social = self.social(self.table(data, "social", "social", required=False))
        return Project(
            path=self.path,
            film=film,
            languages=tuple(languages),
            output=output,
            allow_outside=self.allow_outside,
            captions=captions,
            social=social,
        )

    def check_distinct_tags(self, langs_t: dict[str, Any]) -> None:
        """BCP 47 tags ignore case: [languages.pl] and [languages.PL] are one language twice."""
        seen: dict[str, str] = {}
        for code in langs_t:
            other = seen.setdefault(code.lower(), code)
            if other != code:
                raise self.fail(
                    f"[languages.{other}] and [languages.{code}] are the same language (tags ignore letter case)",
                    f"keep one of them, e.g. [languages.{other}]",
                )

    def link(self, film_t: dict[str, Any]) -> str | None:
        value = self.string(film_t, "link", "film", required=False)
        if value is None:
            return None
        value = value.strip()
        if not LINK.match(value):
            raise self.fail(
                f"'link' in [film] must be a web address starting with https:// (it is '{value}')",
                'e.g. link = "https://yourcounty.police.uk/neighbourhood"',
            )
        return value

    def social(self, table: dict[str, Any]) -> SocialSettings:
        self.check_keys(table, SOCIAL_KEYS, "[social]")
        defaults = SocialSettings()
        values: dict[str, Any] = {}
        if "shapes" in table:
            shapes = table["shapes"]
            if not isinstance(shapes, list) or not all(isinstance(s, str) and s in SHAPES for s in shapes):
                raise self.fail(
                    f"'shapes' in [social] must be a list of {' and '.join(repr(s) for s in SHAPES)}",
                    'e.g. shapes = ["vertical", "square"]; shapes = [] makes no social pack',
                )
            values["shapes"] = tuple(s for s in SHAPES if s in shapes)
        if "background" in table:
            bg = table["background"]
            if not isinstance(bg, str) or not (bg == "blur" or HEX_COLOUR.match(bg)):
                raise self.fail(
                    "'background' in [social] must be \"blur\" or a colour written #RRGGBB",
                    'e.g. background = "#1b2a49" (or "blur": the film itself, blurred and darkened)',
                )
            values["background"] = bg.lower()
        if "cover_time" in table:
            t = table["cover_time"]
            if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 <= t < 1e7 or t != t:
                raise self.fail(
                    "'cover_time' in [social] must be a number of seconds into the film",
                    "e.g. cover_time = 12.5 (leave it out to use the poster's frame)",
                )
            values["cover_time"] = float(t)
        return replace(defaults, **values)

    def language(self, code: str, table: Any, is_source: bool) -> LanguageConfig:
        where = f"[languages.{code}]"
        if not isinstance(table, dict):
            raise self.fail(f"'languages.{code}' must be a table", f"write it as {where}")
        if code.lower() in NOT_A_LANGUAGE:
            raise self.fail(
                f"'{code}' in {where} is {NOT_A_LANGUAGE[code.lower()]}",
                "name the language the subtitles are written in, e.g. en, pl, ro, ur, bn, gu",
            )
        try:
            profile = profile_for(code)
            babel_language = parse_locale(code).language
        except UnknownLanguage:
            raise self.fail(
                f"'{code}' in {where} is not a BCP 47 language tag that Babel knows",
                "use a tag such as en, pl, ro, ur, bn, gu",
            ) from None
        written = re.split(r"[-_]", code, maxsplit=1)[0].lower()
        if babel_language != written:  # 'iw' is read as Hebrew (he), 'tl' as Filipino (fil)
            raise self.fail(
                f"'{code}' in {where} is an old or alias tag that Babel reads as {profile.name} ('{babel_language}')",
                f"write [languages.{babel_language}] so players and the manifest agree on the tag",
            )
        self.check_keys(table, LANGUAGE_KEYS | PROFILE_KEYS, where)
        subtitles = self.file(self.string(table, "subtitles", where[1:-1]), "subtitles", where)
        audio_s = self.string(table, "audio", where[1:-1], required=False)
        if is_source and audio_s:
            raise self.fail(
                f"{where} is the source language and takes its audio from the master",
                f"remove 'audio' from {where}",
            )
        kind = table.get("kind", "subtitles")
        if kind not in TRACK_KINDS:
            raise self.fail(
                f'\'kind\' in {where} must be "subtitles" or "captions", not {kind!r}',
                'captions carry sound cues such as [music] for deaf and hard-of-hearing viewers: kind = "captions"',
            )
        descriptions_s = self.string(table, "descriptions", where[1:-1], required=False)
        described_s = self.string(table, "described_audio", where[1:-1], required=False)
        overrides = {key: table[key] for key in PROFILE_KEYS & table.keys()}
        if overrides:
            try:  # any field of the language's profile (pipeline/data/languages.toml) for this film
                profile = with_overrides(profile, overrides, where)
            except LanguageDataError as exc:
                raise self.fail(exc.message, exc.hint) from None
        return LanguageConfig(
            code=code,
            subtitles=subtitles,
            audio=self.file(audio_s, "audio", where) if audio_s else None,
            profile=profile,
            kind=kind,
            descriptions=self.file(descriptions_s, "descriptions", where) if descriptions_s else None,
            described_audio=self.file(described_s, "described_audio", where) if described_s else None,
        )

    def output(self, table: dict[str, Any]) -> OutputSettings:
        self.check_keys(table, OUTPUT_KEYS, "[output]")
        defaults = OutputSettings()
        values: dict[str, Any] = {}
        for key in ("ladder", "progressive", "open_captions"):
            if key not in table:
                continue
            value = table[key]
            if not isinstance(value, list) or not all(
                isinstance(h, int) and not isinstance(h, bool) and 0 < h <= 4320 and h % 2 == 0 for h in value
            ):
                raise self.fail(
                    f"'{key}' in [output] must be a list of even frame heights in pixels",
                    f"e.g. {key} = {list(getattr(defaults, key))}",
                )
            values[key] = tuple(sorted(set(value), reverse=True))
        if "ladder" in values and not values["ladder"]:
            raise self.fail("'ladder' in [output] is empty", "list at least one height, e.g. ladder = [720]")
        ladder = values.get("ladder", defaults.ladder)
        for height in values.get("progressive", defaults.progressive):
            if height not in ladder:
                raise self.fail(
                    f"progressive height {height} in [output] is not a rung of the ladder {list(ladder)}",
                    "progressive MP4s reuse a ladder rung's video: add the height to 'ladder' or pick one of its rungs",
                )
        for key, low, high in (("loudness_lufs", -70.0, -5.0), ("true_peak_dbtp", -20.0, 0.0)):
            if key in table:
                value = table[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                    raise self.fail(
                        f"'{key}' in [output] must be a number from {low} to {high}",
                        f"e.g. {key} = {getattr(defaults, key)}",
                    )
                values[key] = float(value)
        return replace(defaults, **values)

    def captions(self, table: dict[str, Any]) -> CaptionStyle:
        """[captions]: style, size, colours, box opacity; colours that fail WCAG contrast are refused."""
        self.check_keys(table, CAPTION_KEYS, "[captions]")
        defaults = CaptionStyle()
        values: dict[str, Any] = {}
        if "style" in table:
            if table["style"] not in STYLES:
                raise self.fail(
                    f"'style' in [captions] must be one of {', '.join(repr(s) for s in STYLES)}",
                    'write style = "outline" (outlined letters) or style = "box" (letters on a dark box)',
                )
            values["style"] = table["style"]
        for key, low, high in (("size", 0.5, 2.0), ("box_opacity", 0.0, 1.0)):
            if key in table:
                value = table[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                    raise self.fail(
                        f"'{key}' in [captions] must be a number from {low} to {high}",
                        f"e.g. {key} = {getattr(defaults, key)}",
                    )
                values[key] = float(value)
        for key in ("text_colour", "outline_colour", "box_colour"):
            if key in table:
                value = table[key]
                if not isinstance(value, str) or not is_colour(value):
                    raise self.fail(
                        f"'{key}' in [captions] must be a colour written as \"#RRGGBB\"",
                        f'e.g. {key} = "{getattr(defaults, key)}"',
                    )
                values[key] = value.upper()
        style = replace(defaults, **values)
        check = contrast(style)
        if not check.passes:
            raise self.fail(
                f"the caption colours in [captions] give {check.sentence()}",
                "captions must stay readable on any picture: use a lighter text colour, a darker "
                + ("box or a higher box_opacity" if style.style == "box" else "outline colour"),
            )
        return style
