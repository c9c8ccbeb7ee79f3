"""Every row of the language table, proved by a real build: one cue per language in a tiny film.

Checked per row: the glyph check passes with the table's fonts (validation has no error);
WebVTT marks right-to-left lines that start with a digit; HLS and the manifest carry the
native names (CLDR's, or the table's where it says why); MP4 audio carries the ISO 639-2/T
code. A row whose font is not installed on this machine cannot be built: `filmpipe doctor`
must name its Debian package (asserted, never skipped). The same is proved for a machine
without the Chinese fonts, made by pointing fontconfig at a folder of a few fonts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import m3u8
import pytest
from babel import Locale
from conftest import make_srt, write_project

from pipeline import fonts
from pipeline.languages import all_rows, parse_locale, profile_for, table

SAMPLES: dict[str, str] = tomllib.loads(
    (Path(__file__).parent / "data" / "language_samples.toml").read_text(encoding="utf-8")
)
ROWS = all_rows()
RLM = "\u200f"
NUMBER_LINE = "101"  # the non-emergency number: a line that starts (and ends) without a strong letter
# Native names the table sets itself instead of CLDR's display name, and what CLDR calls them.
NATIVE_FROM_TABLE = {"pa-Arab": Locale.parse("pa_Arab").languages["pa"]}  # CLDR's name, without "(عربی)"


def fonts_missing(tag: str) -> list[str]:
    return [family for family in profile_for(tag).fonts if fonts.find_font(family) is None]


INSTALLED = [tag for tag in ROWS if not fonts_missing(tag)]
NOT_INSTALLED = [tag for tag in ROWS if fonts_missing(tag)]


def filmpipe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=env, timeout=900
    )


def test_every_row_has_a_sample_and_the_source_is_english() -> None:
    assert set(SAMPLES) == set(ROWS)
    assert ROWS[0] == "en"  # write_project makes the first language the film's source


@dataclass(frozen=True)
class Built:
    root: Path
    dist: Path
    findings: list[dict]
    manifest: dict

    def language(self, tag: str) -> dict:
        return next(l for l in self.manifest["languages"] if l["code"] == tag)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, tiny_media: Path) -> Built:
    """One build of every row whose fonts are installed: one cue each (the sample, then "101")."""
    root = tmp_path_factory.mktemp("every-language") / "project"
    root.mkdir()
    subtitles = {tag: make_srt([f"{SAMPLES[tag]}\n{NUMBER_LINE}"], times=((0.2, 2.8),)) for tag in INSTALLED}
    write_project(root, tiny_media, tuple(INSTALLED), subtitles, dubs=False)
    checked = filmpipe("validate", "-p", str(root), "--format", "json")
    findings = json.loads(checked.stdout)["findings"]
    dist = root.parent / "dist"
    done = filmpipe("build", "-p", str(root), "-o", str(dist))
    assert done.returncode == 0, done.stderr[-2000:]
    return Built(root, dist, findings, json.loads((dist / "manifest.json").read_text(encoding="utf-8")))


def test_glyph_check_passes_with_the_tables_fonts(built: Built) -> None:
    """Validation (SUB_GLYPHS and every other rule) finds nothing wrong in any row's cue, and
    each cue's characters are all in the row's font chain."""
    # Each cue is two lines on purpose (the "101" line tests U+200F), short enough for one: SUB_LINE_FITS.
    allowed = ("LOCALE_MISSING", "SUB_LINE_FITS")
    wrong = [(f["language"], f["code"], f["message"]) for f in built.findings if f["code"] not in allowed]
    assert wrong == []
    for tag in INSTALLED:
        profile = profile_for(tag)
        chain = fonts.font_chain(profile.font_family, profile.fallback_fonts)
        assert [f.family for f in chain] == list(profile.fonts), tag
        assert fonts.missing_in_chain(chain, SAMPLES[tag]) == [], tag
    assert [l["code"] for l in built.manifest["languages"]] == INSTALLED


def test_rows_without_their_font_are_named_by_doctor(tmp_path: Path) -> None:
    """A row that cannot be built here is reported by doctor with its package (never skipped)."""
    if not NOT_INSTALLED:
        assert INSTALLED == ROWS  # everything was built by the test above
        return
    project = _doctor_project(tmp_path, ["en", *NOT_INSTALLED])
    result = filmpipe("doctor", "-p", str(project))
    assert result.returncode == 3
    for tag in NOT_INSTALLED:
        profile = profile_for(tag)
        assert f"apt-get install -y {profile.font_package}" in result.stdout, tag
        assert any(f"font {family} (for " in result.stdout and tag in result.stdout for family in fonts_missing(tag))


def _doctor_project(where: Path, tags: list[str]) -> Path:
    (where / "film.toml").write_text(
        '[film]\nid = "f"\ntitle = "t"\nsource_language = "en"\nmaster = "m.mp4"\n'
        + "".join(f'[languages.{tag}]\nsubtitles = "{tag}.srt"\n' for tag in tags),
        encoding="utf-8",
    )
    return where


def test_doctor_on_a_machine_without_the_chinese_fonts(tmp_path: Path) -> None:
    """fontconfig pointed at a folder holding Noto Sans and Noto Naskh Arabic only: doctor says
    which fonts each language lacks and the Debian package to install, and exits 3."""
    kept = tmp_path / "fonts"
    kept.mkdir()
    for family in ("Noto Sans", "Noto Naskh Arabic"):
        font = fonts.find_font(family)
        assert font is not None, f"{family} comes with fonts-noto-core, which bootstrap installs"
        (kept / font.path.name).symlink_to(font.path)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?>\n<fontconfig><dir>{kept}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>\n',
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    project = _doctor_project(tmp_path, ["en", "ar", "zh-Hans", "zh-Hant", "ti"])
    result = filmpipe("doctor", "-p", str(project), env=env)
    assert result.returncode == 3, result.stdout
    lines = result.stdout.splitlines()

    def verdict(family: str) -> tuple[str, str]:
        i = next(i for i, line in enumerate(lines) if f"font {family} (" in line)
        return lines[i], lines[i + 1] if i + 1 < len(lines) else ""

    for family in ("Noto Sans", "Noto Naskh Arabic"):
        assert verdict(family)[0].startswith("ok"), family
    line, fix = verdict("Noto Sans CJK SC")
    assert line.startswith("MISSING") and "(for zh-Hans)" in line and "fonts-noto-cjk" in line
    assert fix.strip() == "fix: apt-get install -y fonts-noto-cjk"
    line, fix = verdict("Noto Sans CJK TC")
    assert line.startswith("MISSING") and "(for zh-Hant)" in line
    line, fix = verdict("Noto Sans Ethiopic")
    assert (
        line.startswith("MISSING") and "(for ti)" in line and fix.strip() == "fix: apt-get install -y fonts-noto-core"
    )


def _vtt_lines(built: Built, tag: str) -> list[str]:
    text = (built.dist / built.language(tag)["subtitles"]["url"]).read_text(encoding="utf-8")
    return text.split("\n\n", 1)[1].splitlines()


def test_webvtt_marks_right_to_left_lines(built: Built) -> None:
    """WebVTT has no direction setting: a line takes its direction from its first strong
    character, so in an RTL language a line starting with digits must begin with U+200F."""
    for tag in INSTALLED:
        lines = _vtt_lines(built, tag)
        sample_line, number_line = lines[-2], lines[-1]
        assert unicodedata.normalize("NFC", SAMPLES[tag]) in sample_line, tag
        if profile_for(tag).is_rtl:
            assert number_line == RLM + NUMBER_LINE, tag
        else:
            assert number_line == NUMBER_LINE and RLM not in "".join(lines), tag
    assert {tag for tag in INSTALLED if profile_for(tag).is_rtl} >= {"ar", "ur", "fa", "ps", "ckb", "pa-Arab"}


def test_native_names_in_hls_and_the_manifest(built: Built) -> None:
    master = m3u8.loads((built.dist / "hls" / "master.m3u8").read_text(encoding="utf-8"))
    by_kind: dict[str, dict[str, str]] = {"AUDIO": {}, "SUBTITLES": {}}
    for media in master.media:
        by_kind[media.type][media.language] = media.name
    for tag in INSTALLED:
        profile = profile_for(tag)
        locale = parse_locale(tag)
        cldr = NATIVE_FROM_TABLE.get(tag, locale.get_display_name(locale))
        assert profile.native_name == cldr, tag
        assert by_kind["AUDIO"][tag] == cldr and by_kind["SUBTITLES"][tag] == cldr, tag
        entry = built.language(tag)
        assert (entry["nativeName"], entry["name"], entry["direction"]) == (
            cldr,
            profile.name,
            locale.text_direction,
        ), tag


def test_mp4_audio_carries_the_iso639_2t_code(built: Built) -> None:
    for tag in INSTALLED:
        mp4 = next(r for r in built.language(tag)["renditions"] if r["kind"] == "progressive")
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream_tags=language",
             "-of", "json", str(built.dist / mp4["url"])],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert json.loads(probe.stdout)["streams"][0]["tags"]["language"] == profile_for(tag).iso639_2, tag


NON_LATIN = [tag for tag in INSTALLED if profile_for(tag).script != "Latn"]


@pytest.mark.browser
@pytest.mark.slow
def test_burned_in_ink_matches_chromium(tmp_path: Path, artifacts_dir: Path, tiny_master: Callable[..., Path]) -> None:
    """Each non-Latin row's sample, burned into a 720p video by the build's own functions and
    ffmpeg call, has the ink of Chromium's drawing of the same text in the same font files
    (the measure and threshold of tests/test_captions_shapes.py, calibrated there)."""
    from test_captions_shapes import THRESHOLD, WIDTH_TOLERANCE

    assert {"pa", "pa-Arab", "ur", "ar", "bn", "gu", "ta", "fa", "ps", "ckb", "ti"} <= set(NON_LATIN)
    scores = ink_scores({tag: SAMPLES[tag] for tag in NON_LATIN}, tmp_path, artifacts_dir, tiny_master)
    (artifacts_dir / "languages-ink.json").write_text(json.dumps(scores, indent=1), encoding="utf-8")
    low = {tag: s for tag, s in scores.items() if s["similarity"] < THRESHOLD}
    wide = {tag: s for tag, s in scores.items() if abs(s["width_ratio"] - 1) > WIDTH_TOLERANCE}
    assert not low and not wide, f"burned-in captions differ from Chromium's drawing: {low or wide}"


def ink_scores(
    texts: dict[str, str], work: Path, artifacts_dir: Path, tiny_master: Callable[..., Path]
) -> dict[str, dict[str, float]]:
    """For each language tag -> one line of text: burn it into a grey 720p video with the build's
    functions and ffmpeg call, grab a frame, and score its ink against Chromium's drawing."""
    from browser import launch_browser
    from PIL import Image
    from test_captions_shapes import FPS, SLOT, STYLE, H, W, ink, similarity, width_ratio

    from pipeline import ffmpeg
    from pipeline.captions.render import CaptionBox, caption_fonts, render_cue
    from pipeline.captions.style import LATIN_LOOK
    from pipeline.render import captions, ladder
    from pipeline.subtitles.model import Cue

    master = tiny_master(W, H, FPS, SLOT, colour="0x808080")
    scores: dict[str, dict[str, float]] = {}
    with launch_browser() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        for tag, text in texts.items():
            profile, folder = profile_for(tag), work / tag
            folder.mkdir()
            cue = Cue(index=1, start=0.0, end=SLOT, lines=(text,), line=1)
            box = CaptionBox(W, H)
            (x, y), timeline = captions.draw_cues([cue], profile, box, STYLE, caption_fonts(profile), folder)
            (folder / captions.CONCAT_NAME).write_text(captions.concat_list(timeline, SLOT), encoding="utf-8")
            settings = {
                "fps": str(FPS), "width": W, "height": H, "matrix": "bt709",
                "x264": ladder.x264_args(H, Fraction(FPS), False), "iso639_2": profile.iso639_2,
            }  # fmt: skip
            ffmpeg.run(captions.burn_argv(master, master, folder / "burned.mp4", settings, x, y), cwd=folder)
            middle = round(SLOT * FPS) // 2
            ffmpeg.run(
                ["-i", str(folder / "burned.mp4"), "-vf", f"select='eq(n\\,{middle})'", "-fps_mode", "passthrough",
                 "-frames:v", "1", str(folder / "frame.png")]
            )  # fmt: skip
            ours = ink(Image.open(folder / "frame.png").convert("RGB"))
            drawn = render_cue(text, profile, box, STYLE)
            reference = ink(chromium_drawing(page, text, tag, drawn.em, LATIN_LOOK.em * H))
            _pair(ours, reference, artifacts_dir / f"languages-ink-{tag}.png")
            scores[tag] = {"similarity": similarity(ours, reference), "width_ratio": width_ratio(ours, reference)}
        page.close()
    return scores


def chromium_drawing(page, text: str, tag: str, em: float, latin_em: float):  # type: ignore[no-untyped-def]
    """Chromium's drawing of the text in the language's font files (@font-face), every character
    the language's own font has no glyph for (by its cmap) in the fallback at the Latin size:
    test_captions_shapes' reference, except that it sends ASCII punctuation to the fallback even
    where the language's font has it (Thaana, Arabic), which is not what a renderer should do."""
    import base64
    import html
    import io

    from PIL import Image
    from test_captions_shapes import GREY

    from pipeline.captions.render import caption_fonts

    profile = profile_for(tag)
    chain = caption_fonts(profile)
    faces = "".join(
        f"@font-face {{ font-family: F{i}; src: url(data:font/ttf;base64,{base64.b64encode(f.path.read_bytes()).decode()}); }}"
        for i, f in enumerate(chain)
    )
    body = "".join(
        html.escape(ch)
        if fonts.covers(chain[0], ch) or ch.isspace()
        else f'<span style="font-family:{", ".join(f"F{i}" for i in range(1, len(chain)))};font-size:{latin_em:.2f}px">{html.escape(ch)}</span>'
        for ch in text
    )
    page.set_content(
        f"<!doctype html><html><head><meta charset=utf-8><style>{faces}"
        f"body {{ margin: 0; background: rgb({GREY},{GREY},{GREY}); }}"
        f"#t {{ display: inline-block; padding: 80px; font-family: {', '.join(f'F{i}' for i in range(len(chain)))};"
        f" font-size: {em:.2f}px; line-height: 3; color: #fff; white-space: pre; }}</style></head>"
        f'<body><div id="t" lang="{tag}" dir="{profile.direction}">{body}</div></body></html>'
    )
    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
    return Image.open(io.BytesIO(page.locator("#t").screenshot())).convert("RGB")


def _pair(ours, reference, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Both inks side by side, for a person to look at (test artifacts folder)."""
    from PIL import Image

    pad = 10
    image = Image.new("L", (ours.width + reference.width + 3 * pad, max(ours.height, reference.height) + 2 * pad), 60)
    image.paste(ours, (pad, pad))
    image.paste(reference, (ours.width + 2 * pad, pad))
    image.save(out)


# Scripts of the table's [scripts] rows that no language row uses, each proved with a language
# written in it; the sample text is CLDR's: the language's and its country's names in itself.
SCRIPT_TAGS = table().examples  # pipeline/data/languages.toml: `example` of each [scripts] row
# Scripts whose burned-in ink differs from Chromium's beyond the captions measure's tolerance,
# and how (reported to the caption renderer's owners; the test fails when one starts to match).
# (None today. With the longer sentence "ພົບກັບທີມຕຳຫຼວດທ້ອງຖິ່ນຂອງທ່ານ." the renderer's Lao ink is 3 px
# taller than Chromium's at 720p and its width at equal height 0.949: just outside; CLDR's "ລາວ ລາວ" is inside.)
KNOWN_DIFFERENT: dict[str, str] = {}


def script_sample(tag: str) -> str:
    from babel.core import get_global

    locale = parse_locale(tag)
    territory = get_global("likely_subtags").get(str(locale), get_global("likely_subtags").get(locale.language, ""))
    country = locale.territories.get(territory.split("_")[-1], "")
    return f"{locale.get_display_name(locale)} {country}".strip()


def test_every_script_row_is_proved_by_a_language() -> None:
    used_by_rows = {profile_for(tag).script for tag in ROWS}
    assert set(table().scripts) - {"Latn"} <= used_by_rows | set(SCRIPT_TAGS)
    for script, tag in SCRIPT_TAGS.items():
        profile = profile_for(tag)
        assert profile.script == script and profile.row is None, tag
        assert profile.font_family == table().scripts[script]["font"], tag


@pytest.mark.parametrize("script", list(SCRIPT_TAGS))
def test_script_sample_passes_the_glyph_check(script: str) -> None:
    profile = profile_for(SCRIPT_TAGS[script])
    chain = fonts.font_chain(profile.font_family, profile.fallback_fonts)
    assert chain and chain[0].family == profile.font_family, f"{profile.font_family} ({profile.font_package})"
    text = script_sample(SCRIPT_TAGS[script])
    assert len(text) >= 2 and fonts.missing_in_chain(chain, text) == [], text


@pytest.mark.browser
@pytest.mark.slow
def test_burned_in_ink_of_every_script_matches_chromium(
    tmp_path: Path, artifacts_dir: Path, tiny_master: Callable[..., Path]
) -> None:
    from test_captions_shapes import THRESHOLD, WIDTH_TOLERANCE

    texts = {SCRIPT_TAGS[script]: script_sample(SCRIPT_TAGS[script]) for script in SCRIPT_TAGS}
    scores = ink_scores(texts, tmp_path, artifacts_dir, tiny_master)
    (artifacts_dir / "scripts-ink.json").write_text(json.dumps(scores, ensure_ascii=False, indent=1), "utf-8")
    differ = {
        script
        for script, tag in SCRIPT_TAGS.items()
        if scores[tag]["similarity"] < THRESHOLD or abs(scores[tag]["width_ratio"] - 1) > WIDTH_TOLERANCE
    }
    assert differ == set(KNOWN_DIFFERENT), {s: scores[SCRIPT_TAGS[s]] for s in differ ^ set(KNOWN_DIFFERENT)}
