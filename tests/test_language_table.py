"""The language table (pipeline/data/languages.toml): loaded and checked once, right against
CLDR and Debian, and overridable per film."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel import Locale

from pipeline import fonts
from pipeline.errors import ConfigError
from pipeline.languages import (
    LanguageDataError,
    all_rows,
    cldr_script,
    find_row,
    package_of,
    parse_locale,
    parse_table,
    profile_for,
    table,
)
from pipeline.project import load_project

# The rows issue 16 asks for; the table may hold more.
REQUIRED = "pl ro pa pa-Arab ur pt es ar bn gu it lt zh-Hans zh-Hant ta tr so fa ps ku ckb ti en cy".split()
RTL = {"ar", "ur", "fa", "ps", "ckb", "pa-Arab"}
# Where the table's English name is not CLDR's, and why (the UK's usage).
UK_NAMES = {
    "bn": "Bengali",
    "pa": "Punjabi (Gurmukhi)",
    "pa-Arab": "Punjabi (Shahmukhi)",
    "ku": "Kurdish (Kurmanji)",
    "ckb": "Kurdish (Sorani)",
}
# ISO 639-2/T, as MP4 wants (terminology codes: ron, cym, zho, fas; not rum, wel, chi, per).
ISO639_2T = {
    "pl": "pol", "ro": "ron", "pa": "pan", "pa-Arab": "pan", "ur": "urd", "pt": "por", "es": "spa",
    "ar": "ara", "bn": "ben", "gu": "guj", "it": "ita", "lt": "lit", "zh-Hans": "zho", "zh-Hant": "zho",
    "ta": "tam", "tr": "tur", "so": "som", "fa": "fas", "ps": "pus", "ku": "kur", "ckb": "kur",
    "ti": "tir", "en": "eng", "cy": "cym",
}  # fmt: skip


def test_every_required_language_has_a_row() -> None:
    assert set(REQUIRED) <= set(all_rows())


@pytest.mark.parametrize("tag", REQUIRED)
def test_row_against_cldr(tag: str) -> None:
    profile = profile_for(tag)
    locale = parse_locale(tag)
    assert profile.row == tag
    assert profile.direction == ("rtl" if tag in RTL else "ltr")
    assert profile.direction == locale.text_direction  # CLDR agrees with the table
    if tag != "ku":  # CLDR's likely script for ku is Latin too; the table says so explicitly
        assert profile.script == cldr_script(locale)
    assert profile.name == UK_NAMES.get(tag, locale.get_display_name("en"))
    if tag == "pa-Arab":  # CLDR's own name for Punjabi in pa_Arab, without the script qualifier
        assert profile.native_name == Locale.parse("pa_Arab").languages["pa"]
    else:
        assert profile.native_name == locale.get_display_name(locale)
    assert profile.iso639_2 == ISO639_2T[tag]
    assert profile.social_locale.split("_")[0] in (locale.language, "cb")  # cb_IQ: Facebook's Sorani
    assert profile.font_family and profile.font_package.startswith("fonts-")


def test_rows_found_by_language_and_script() -> None:
    assert find_row("zh") == "zh-Hans" and find_row("zh-TW") == "zh-Hant" and find_row("ZH-hant") == "zh-Hant"
    assert find_row("pa-PK") == "pa-Arab" and find_row("pa-IN") == "pa" and find_row("ur-IN") == "ur"
    assert find_row("de") is None
    # A regional tag keeps CLDR's names and its own territory's locale, not the row's.
    assert profile_for("pt-BR").social_locale == "pt_BR" and profile_for("pt-BR").name == "Portuguese (Brazil)"


def test_language_without_a_row_still_gets_its_scripts_font() -> None:
    hindi = profile_for("hi")
    assert hindi.row is None and hindi.font_family == "Noto Sans Devanagari" and hindi.iso639_2 == "hin"
    assert hindi.social_locale == "hi_IN" and not hindi.italics


def test_chinese_letters_are_han() -> None:
    assert profile_for("zh-Hans").letter_script_codes == ("Hani",)
    assert profile_for("zh-Hant").limits.max_line_length == 16


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[languages.pl]\nfont_size = 2\n", "unknown key 'font_size' in t.toml [languages.pl]"),
        ("[languages.pl]\nsize_factor = 'big'\n", "'size_factor' in t.toml [languages.pl] must be a number"),
        ("[languages.pl]\nscript = 'latin'\n", "'script' in t.toml [languages.pl] must be an ISO 15924"),
        ("[languages.pl]\ndirection = 'up'\n", "'direction' in t.toml [languages.pl] must be"),
        ("[languages.pl]\nsocial_locale = 'pl-PL'\n", "'social_locale' in t.toml [languages.pl] must be a locale"),
        ("[languages.pl]\niso639_2 = 'pl'\n", "'iso639_2' in t.toml [languages.pl] must be a three-letter"),
        ("[languages.pl]\nmax_lines = 2.5\n", "'max_lines' in t.toml [languages.pl] must be a whole number"),
        ("[languages.pl.craft]\nno_line_ends = []\n", "unknown key 'no_line_ends' in t.toml [languages.pl.craft]"),
        ("[languages.pl.craft]\nno_line_end = 'w'\n", "'no_line_end' in t.toml [languages.pl.craft] must be a list"),
        ("[languages.xx-nope]\n", "'xx-nope' is not a BCP 47 tag"),
        ("[scripts.arab]\nfont = 'x'\n", "[scripts.arab] in t.toml is not an ISO 15924 code"),
        ("[scripts.Arab]\nname = 'x'\n", "unknown key 'name' in t.toml [scripts.Arab]"),
        ("[language.pl]\n", "unknown key 'language' in t.toml (top level)"),
        ("[languages.pl\n", "t.toml is not valid TOML"),
    ],
)
def test_table_mistakes_are_named(text: str, expected: str) -> None:
    with pytest.raises(LanguageDataError) as caught:
        parse_table(text, "t.toml")
    assert expected in caught.value.message


def test_package_table_parses_as_shipped() -> None:
    data = table()
    assert data.languages["ur"]["font"] == "Noto Nastaliq Urdu"
    assert all(row.get("craft") is not None for row in data.languages.values())  # room for issue 11's lists


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian machine: dpkg names font packages")
def test_font_packages_are_the_ones_debian_ships_the_fonts_in() -> None:
    """Checked against dpkg's own record of which package installed each installed font file
    (a font not installed here is test_language_scripts' business: doctor must name it)."""
    wanted: dict[str, tuple[str, str]] = {}  # font file -> (package the table names, who needs it)
    for tag in all_rows():
        profile = profile_for(tag)
        for family in profile.fonts:
            font = fonts.find_font(family)
            if font is not None:
                package = profile.font_package if family == profile.font_family else package_of(family)
                wanted[str(font.path.resolve())] = (package, f"{tag}: {family}")
    for script, row in table().scripts.items():  # the fonts of languages without a row
        font = fonts.find_font(row["font"])
        if font is not None:
            wanted[str(font.path.resolve())] = (package_of(row["font"]), f"[scripts.{script}]: {row['font']}")
    out = subprocess.run(["dpkg", "-S", *wanted], capture_output=True, text=True, check=False).stdout
    shipped = {path.strip(): package for line in out.splitlines() for package, path in [line.split(": ", 1)]}
    wrong = [
        (who, package, shipped.get(path)) for path, (package, who) in wanted.items() if shipped.get(path) != package
    ]
    assert not wrong
    assert len(wanted) >= 30  # the CJK families share one collection file


FILM = """\
[film]
id = "demo-film"
title = "A film"
source_language = "en"
master = "assets/master.mp4"

[languages.en]
subtitles = "subtitles/en.srt"

[languages.bn]
subtitles = "subtitles/bn.srt"
{extra}
"""


def test_film_overrides_any_field(tmp_path: Path) -> None:
    extra = (
        'name = "Bangla"\nnative_name = "বাংলা ভাষা"\nfont = "Noto Serif Bengali"\nmax_cps = 15\n'
        'social_locale = "bn_BD"\nsize_factor = 1.2\n[languages.bn.craft]\nno_line_end = ["ও"]\n'
    )
    (tmp_path / "film.toml").write_text(FILM.format(extra=extra), encoding="utf-8")
    bn = load_project(tmp_path).language("bn").profile
    assert (bn.name, bn.native_name, bn.font_family, bn.social_locale) == (
        "Bangla",
        "বাংলা ভাষা",
        "Noto Serif Bengali",
        "bn_BD",
    )
    assert bn.limits.max_cps == 15.0 and bn.size_factor == 1.2 and bn.craft.no_line_end == ("ও",)
    assert profile_for("bn").name == "Bengali"  # the table itself is untouched


def test_film_script_override_brings_the_scripts_font_and_direction(tmp_path: Path) -> None:
    (tmp_path / "film.toml").write_text(FILM.format(extra='script = "Arab"'), encoding="utf-8")
    bn = load_project(tmp_path).language("bn").profile
    assert (bn.script, bn.font_family, bn.direction) == ("Arab", "Noto Naskh Arabic", "rtl")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("fnot = 'x'", "unknown key 'fnot' in [languages.bn]"),
        ("direction = 'sideways'", '\'direction\' in [languages.bn] must be "ltr" or "rtl"'),
        ("name = ''", "'name' in [languages.bn] must be a non-empty string"),
        ("[languages.bn.craft]\nletter_fixes = ['x']", "'letter_fixes' in [languages.bn.craft] must be a table"),
    ],
)
def test_film_override_mistakes_are_named(tmp_path: Path, extra: str, expected: str) -> None:
    (tmp_path / "film.toml").write_text(FILM.format(extra=extra), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_project(tmp_path)
    assert "film.toml" in caught.value.message and expected in caught.value.message


def test_readme_table_is_generated_from_the_data_file() -> None:
    """README.md's table of supported languages is tools/language_table.py's output, unchanged."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("language_table", root / "tools" / "language_table.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert tool.replace_in(readme) == readme, "run: .venv/bin/python tools/language_table.py --write"
    for tag in REQUIRED:
        assert f"| `{tag}` | {profile_for(tag).name} |" in readme


ISO_CODES = Path("/usr/share/iso-codes/json/iso_639-2.json")  # Debian's iso-codes (bootstrap installs it)


def test_iso639_2_codes_are_the_terminology_codes_of_iso_codes() -> None:
    """Every MP4 language code in the table is ISO 639-2/T as Debian's iso-codes has it
    (alpha_3 is the terminology code; `bibliographic` the B code MP4 must not use)."""
    import json

    assert ISO_CODES.is_file(), "install Debian's iso-codes package (scripts/bootstrap.sh does)"
    entries = json.loads(ISO_CODES.read_text(encoding="utf-8"))["639-2"]
    terminology = {e["alpha_2"]: e["alpha_3"] for e in entries if "alpha_2" in e}
    bibliographic = {e["bibliographic"] for e in entries if "bibliographic" in e}
    assert table().iso639_2 == {k: v for k, v in terminology.items() if k in table().iso639_2}
    for tag in all_rows():
        code, language = profile_for(tag).iso639_2, parse_locale(tag).language
        assert code not in bibliographic, tag
        assert code == terminology.get(language, "kur" if language == "ckb" else None), tag
    assert profile_for("de").iso639_2 == "deu" and profile_for("hy").iso639_2 == "hye"
