"""SOCIAL_CUE_FITS: a cue that no social cut's caption band holds, even drawn at 40 % of its size.

The build draws every cue into each cut's band with `draw_in_band`, which shrinks it down to
layout.MIN_SIZE and no further (smaller letters cannot be read on a phone). Validation asks the
same function the same question before anything is encoded, and names the file, line and cue
with the fix; the build stops on that finding, before any task runs.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import make_srt, write_project

from pipeline.captions.style import CaptionStyle
from pipeline.languages import profile_for
from pipeline.project import load_project
from pipeline.social import fit as social_fit
from pipeline.social.layout import (
    LANDSCAPE,
    MIN_SIZE,
    SQUARE,
    VERTICAL,
    TextDoesNotFit,
    draw_in_band,
    layout_for,
    look_of,
)
from pipeline.subtitles.reader import read_subtitles
from pipeline.validate.cache import MeasureCache
from pipeline.validate.run import validate_project

HANG_GUARD = 600
# One cue of 2 lines, each far past any line limit: ~70 words, the length of a paragraph.
SENTENCE = "Funkcjonariusze i pracownicy wsparcia patrolują wasze ulice każdego dnia tygodnia"
TOO_LONG = "\n".join([" ".join([SENTENCE] * 3)] * 2)
FITTING = ("Dzień dobry, sąsiedzi.", "Poznajcie swój zespół.")


def social_project(root: Path, tiny_media: Path, pl_cues: tuple[str, ...], shapes: str = '["vertical"]') -> Path:
    project = write_project(root, tiny_media, ("en", "pl"), subtitles={"pl": make_srt(pl_cues)})
    toml = project / "film.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[social]\nshapes = []", f'[social]\nshapes = {shapes}\nbackground = "#102030"'
        ),
        encoding="utf-8",
    )
    return project


def cue_fits_findings(project: Path) -> list:
    report = validate_project(load_project(project), cache=MeasureCache(None))
    return [f for f in report.findings if f.code == "SOCIAL_CUE_FITS"]


def build_refused(project: Path) -> str:
    """`filmpipe build` on a project validation refuses: its stderr, once it has failed cleanly,
    written nothing and run no task."""
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "-p", str(project)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr
    assert not (project / "dist").exists()
    tasks = project / ".filmpipe-cache"
    assert not [p for p in tasks.rglob("*") if p.is_file() and "validate" not in p.parts]  # no task ran
    return result.stderr


@pytest.mark.parametrize("shape", [VERTICAL, SQUARE])
def test_the_band_never_draws_below_min_size(shape: str) -> None:
    layout = layout_for(shape, Fraction(16, 9))
    profile = profile_for("pl")
    with pytest.raises(TextDoesNotFit):
        draw_in_band(TOO_LONG.replace("\n", " "), profile, layout, layout.captions, "bottom", CaptionStyle())
    drawn = draw_in_band(" ".join(FITTING), profile, layout, layout.captions, "bottom", CaptionStyle())
    full = look_of(profile).em * min(layout.width, layout.height) * CaptionStyle().size
    assert drawn.em >= MIN_SIZE * full


def test_validate_names_the_cue_with_the_fix(tmp_path: Path, tiny_media: Path) -> None:
    project = social_project(tmp_path / "p", tiny_media, (FITTING[0], TOO_LONG), shapes='["vertical", "square"]')
    found = cue_fits_findings(project)
    assert len(found) == 1, found
    f = found[0]
    assert (f.severity, f.language, f.file, f.line, f.cue) == ("error", "pl", "subtitles/pl.srt", 6, 2)
    assert f.message == (
        "cue 2 does not fit the caption band of the vertical (9:16) and square (1:1) social cuts, "
        "even drawn at 40 % of its size"
    )
    assert f.hint == "split the cue or shorten it"


def test_cues_that_fit_and_a_film_without_the_pack_give_nothing(tmp_path: Path, tiny_media: Path) -> None:
    assert cue_fits_findings(social_project(tmp_path / "fits", tiny_media, FITTING)) == []
    no_pack = social_project(tmp_path / "off", tiny_media, (FITTING[0], TOO_LONG), shapes="[]")
    assert cue_fits_findings(no_pack) == []


def test_answers_are_cached_by_content(tmp_path: Path, tiny_media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(social_project(tmp_path / "p", tiny_media, (FITTING[0], TOO_LONG)))
    first = validate_project(project, cache=MeasureCache(tmp_path / "cache"))
    assert len(list((tmp_path / "cache").glob("socialfit-*.json"))) == 4  # en and pl, 16:9 and vertical

    def never(*args: object) -> bool:
        raise AssertionError("a cached answer was drawn again")

    monkeypatch.setattr(social_fit, "fits", never)
    again = validate_project(project, cache=MeasureCache(tmp_path / "cache"))
    assert (
        [f for f in again.findings if f.code == "SOCIAL_CUE_FITS"]
        == [f for f in first.findings if f.code == "SOCIAL_CUE_FITS"]
        != []
    )


def test_build_stops_on_the_same_finding_before_encoding(tmp_path: Path, tiny_media: Path) -> None:
    stderr = build_refused(social_project(tmp_path / "p", tiny_media, (FITTING[0], TOO_LONG)))
    assert "SOCIAL_CUE_FITS" in stderr
    assert "cue 2 does not fit the caption band of the vertical (9:16) social cut, even drawn at 40 % of its size" in (
        stderr
    )
    assert "split the cue or shorten it" in stderr


DEMO = Path(__file__).resolve().parent.parent  # read only: the demo's own subtitles


def growing_cues(language: str) -> list[str]:
    """The demo's cues in `language`, then ever longer runs of its words: from cues that surely fit
    to cues well past the band, so the fast path is asked on both sides of its margin."""
    doc, _ = read_subtitles(DEMO / "subtitles" / f"{language}.srt", language)
    assert doc is not None
    texts = [cue.text for cue in doc.cues]
    words = " ".join(texts).split()
    texts += [" ".join(words[:n]) for n in range(1, min(len(words), 40) + 1, 3)]
    return texts


@pytest.mark.parametrize("language", ["en", "pl", "ro", "ur", "bn", "gu"])
def test_a_cue_passed_by_layout_alone_is_drawn_at_full_size(language: str) -> None:
    """The fast path (`surely_fits`, no drawing) must never pass a cue the drawing would shrink or refuse:
    every cue it passes is drawn at full size and its ink stays inside the band, for every cut, in every script
    (Nastaliq's ink reaches past its font's ascent and descent)."""
    profile = profile_for(language)
    style = CaptionStyle()
    passed = drawn_only = 0
    for shape in (LANDSCAPE, VERTICAL, SQUARE):
        layout = layout_for(shape, Fraction(16, 9), landscape_height=720)
        for text in growing_cues(language):
            if shape != LANDSCAPE:
                text = " ".join(text.split("\n"))
            if not social_fit.surely_fits(text, profile, layout, style):
                drawn_only += 1
                continue
            passed += 1
            drawn = draw_in_band(text, profile, layout, layout.captions, "bottom", style)
            full = look_of(profile).em * min(layout.width, layout.height) * style.size
            assert drawn.em == pytest.approx(full), (shape, text)
            assert drawn.ink is None or layout.captions.holds(drawn.ink), (shape, text)
    # Both sides of the margin were asked: a fast path that always says yes (or never) fails here.
    assert passed >= 10 and drawn_only >= 10, (passed, drawn_only)


LONG_TITLE = " ".join(["Poznaj swój zespół policji sąsiedzkiej"] * 12)  # 60 words


def with_title(project: Path, title: str, pl_title: str | None = None) -> Path:
    """The film's title in film.toml, and (when given) its Polish translation in the catalog."""
    toml = project / "film.toml"
    text = toml.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title = "))
    toml.write_text(text.replace(old, f'title = "{title}"'), encoding="utf-8")
    if pl_title is not None:
        from babel.messages.catalog import Catalog
        from babel.messages.pofile import write_po

        catalog = Catalog(locale="pl")
        catalog.add(title, pl_title)
        folder = project / "locales" / "pl" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "film.po").open("wb") as fh:
            write_po(fh, catalog)
    return project


def title_findings(project: Path) -> list:
    report = validate_project(load_project(project), cache=MeasureCache(None))
    return [f for f in report.findings if f.code == "SOCIAL_TITLE_FITS"]


def test_a_title_no_band_holds_is_a_validate_error_naming_where_to_shorten_it(tmp_path: Path, tiny_media: Path) -> None:
    project = social_project(tmp_path / "p", tiny_media, FITTING, shapes='["vertical", "square"]')
    with_title(project, "Meet your team", pl_title=LONG_TITLE)
    found = title_findings(project)
    assert [(f.severity, f.language, f.file) for f in found] == [("error", "pl", "locales/pl/LC_MESSAGES/film.po")]
    assert found[0].message == (
        f"the Polish title '{LONG_TITLE}' does not fit the vertical cut's title band or "
        "the square cut's title band, even drawn at 40 % of its size"
    )
    assert found[0].hint == "shorten the title's translation (its msgstr) in the catalog"
    # The source language's title (and an untranslated one, shown as it is) is film.toml's to shorten.
    with_title(project, LONG_TITLE)
    assert sorted((f.language, f.file, f.hint) for f in title_findings(project)) == [
        ("en", "film.toml", "shorten the title in film.toml"),
        ("pl", "film.toml", "shorten the title in film.toml"),
    ]


def test_a_title_that_fits_and_a_film_without_the_pack_give_nothing(tmp_path: Path, tiny_media: Path) -> None:
    project = social_project(tmp_path / "p", tiny_media, FITTING, shapes='["vertical", "square"]')
    assert (
        title_findings(with_title(project, "Meet your neighbourhood policing team", pl_title="Poznaj swój zespół"))
        == []
    )
    off = social_project(tmp_path / "off", tiny_media, FITTING, shapes="[]")
    assert title_findings(with_title(off, LONG_TITLE)) == []


def test_the_16_9_cover_title_is_checked_too(tmp_path: Path, tiny_media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 16:9 cover's title box is where a pack of only the 16:9 cut draws the title."""
    project = social_project(tmp_path / "p", tiny_media, FITTING, shapes='["vertical"]')
    with_title(project, " ".join([LONG_TITLE] * 4))
    wheres = {f.message.split(" does not fit ")[1] for f in title_findings(project)}
    assert wheres == {"the 16:9 cover or the vertical cut's title band, even drawn at 40 % of its size"}


def test_build_stops_on_a_title_that_does_not_fit_before_encoding(tmp_path: Path, tiny_media: Path) -> None:
    project = social_project(tmp_path / "p", tiny_media, FITTING)
    stderr = build_refused(with_title(project, "Meet your team", pl_title=LONG_TITLE))
    assert "SOCIAL_TITLE_FITS" in stderr
    assert "locales/pl/LC_MESSAGES/film.po" in stderr
