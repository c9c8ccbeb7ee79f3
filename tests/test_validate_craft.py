"""The translator's craft rules (pipeline/validate/craft.py) one by one, and their data's overrides.

The corpus (tests/data/subtitles, `*__SUB_LINE_*`, `*__SUB_LETTERS_*`) covers each finding end to
end in every demo language; these pin the edges: what must stay quiet, what a film overrides.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.languages import profile_for, with_overrides
from pipeline.project import LanguageConfig
from pipeline.subtitles.model import Cue, SubtitleDoc
from pipeline.validate import craft
from pipeline.validate.context import graphemes
from pipeline.validate.rules import Context, check_subtitles

CRAFT_CODES = {"SUB_LINE_BREAK", "SUB_LINE_FITS", "SUB_LINE_BALANCE", "SUB_LINE_ORDER", "SUB_LETTERS"}


def findings(text: str, code: str = "pl", **craft_overrides) -> list[tuple[str, str, str]]:
    profile = profile_for(code)
    profile = replace(profile, limits=replace(profile.limits, max_cps=60.0))
    if craft_overrides:
        profile = with_overrides(profile, {"craft": craft_overrides}, f"[languages.{code}]")
    doc = SubtitleDoc(Path("x.srt"), "srt", "utf-8", (Cue(1, 1.0, 3.5, tuple(text.split("\n")), 2),))
    lang = LanguageConfig(code=code, subtitles=Path("x.srt"), audio=None, profile=profile)
    ctx = Context(lang=lang, doc=doc, file="x.srt", fps=25.0, master_duration=None)
    return [(f.code, f.message, f.hint) for f in check_subtitles(ctx) if f.code in CRAFT_CODES]


def test_polish_one_letter_words_at_a_line_end() -> None:
    for word in ("w", "z", "i", "a", "o", "u", "W", "I"):
        found = findings(f"Spotkają ich Państwo na dyżurach {word}\nswojej okolicy i w autobusach.")
        assert [f[0] for f in found] == ["SUB_LINE_BREAK"], word
    (code, message, hint) = findings("Spotkają ich Państwo na dyżurach w\nswojej okolicy i w autobusach.")[0]
    assert (
        hint
        == "break it as 'Spotkają ich Państwo na dyżurach' / 'w swojej okolicy i w autobusach.' ('filmpipe fix' does it)"
    )


def test_a_pause_before_the_break_is_fine() -> None:
    assert findings("Przedstawiamy Państwu zespół policji, a\nktóry dba o jej bezpieczeństwo i porządek.") != []
    assert findings("Przedstawiamy Państwu zespół policji: i\nktóry dba o jej bezpieczeństwo i porządek.") != []
    assert findings("Współpracują z partnerami, takimi jak w,\nsamorząd lokalny i szkoły w okolicy.") == []


def test_dialogue_lines_are_the_speakers() -> None:
    assert findings("- Dzień dobry.\n- Dzień dobry.") == []


def test_a_film_overrides_the_word_lists() -> None:
    text = "Spotkają ich Państwo na dyżurach w\nswojej okolicy i w autobusach."
    assert findings(text, no_line_end=[]) == []
    assert [
        f[0]
        for f in findings(
            "Spotkają ich Państwo na dyżurach\nsąsiedzkich w swojej okolicy i szkołach.",
            keep_together=["dyżurach sąsiedzkich"],
        )
    ] == ["SUB_LINE_BREAK"]
    assert findings("To Państwa okolica:\nPaństwa ulica.", one_line_max=20) == []


def test_the_pipe_is_a_danda_only_after_a_bengali_letter() -> None:
    rules = craft.rules_for(profile_for("bn"))
    assert craft.fix_letters("আপনার দলকে জানুন|", rules) == "আপনার দলকে জানুন।"
    assert craft.fix_letters("আপনার দলকে জানুন |", rules) == "আপনার দলকে জানুন ।"
    assert craft.fix_letters("www.example.org/a|b", rules) == "www.example.org/a|b"
    assert findings("www.example.org/a|b দেখুন", "bn") == []


def test_urdu_arabic_letters_and_a_latin_word_inside_urdu() -> None:
    rules = craft.rules_for(profile_for("ur"))
    assert craft.fix_letters("اپني ٹيم", rules) == "اپنی ٹیم"
    assert (
        craft.fix_letters("ہمارے ویب سائٹ yourcounty.police.uk پر", rules) == "ہمارے ویب سائٹ yourcounty.police.uk پر"
    )
    assert findings("ہماری ویب سائٹ yourcounty.police.uk پر جائیں۔", "ur") == []


def test_cyrillic_lookalikes_in_a_latin_word_are_named_and_mended() -> None:
    rules = craft.rules_for(profile_for("pl"))
    assert craft.fix_letters("Pоznaj zespół pоlicji", rules) == "Poznaj zespół policji"
    assert craft.fix_letters("Привет, sąsiedzi", rules) == "Привет, sąsiedzi"  # a whole Cyrillic word is not a typo


@given(
    st.lists(
        st.sampled_from(["w", "dom", "Państwa", "okolicy,", "zespół", "i", "policji", "na", "bezpieczeństwo"]),
        min_size=1,
        max_size=14,
    )
)
def test_best_lines_keep_every_word_in_order_within_the_limits(words: list[str]) -> None:
    rules = craft.rules_for(profile_for("pl"))
    lines = craft.best_lines(" ".join(words), rules)
    if lines is None:
        return
    assert " ".join(lines).split() == words
    assert len(lines) in (1, 2) and all(graphemes(line) <= rules.max_line_length for line in lines)
    assert craft.bad_breaks(lines, rules) == []
    if len(lines) == 2:
        assert graphemes(" ".join(words)) > rules.one_line_max


@pytest.mark.parametrize("code", ["en", "pl", "ro", "ur", "bn", "gu"])
def test_every_demo_language_has_craft_data(code: str) -> None:
    craft_data = profile_for(code).craft
    assert craft_data.no_line_end or craft_data.no_line_start
