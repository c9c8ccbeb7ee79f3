"""Hostile lengths: every regular expression that reads cue text, fed long adversarial input.

A pattern with nested or overlapping repeats (`\\S+@\\S+\\.\\S+`) tries every start inside a long
word and takes the square of its length: a 1,000,000-character cue without a space ran for over
nine minutes. Each pattern here must finish the inputs that hurt such
patterns most (100,000 characters) within a generous hang guard (a quadratic one needs hours); the whole reader and
rule table must validate a 1,000,000-character cue in well under a second on an idle machine
(the guard allows for a busy one). Timing itself is measured in bench/, not asserted here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import regex

from pipeline.languages import profile_for
from pipeline.project import LanguageConfig
from pipeline.subtitles import reader, text
from pipeline.subtitles.reader import read_subtitles
from pipeline.text import mojibake
from pipeline.validate import context, rules
from pipeline.validate.rules import Context, check_subtitles

N = 100_000
HANG_GUARD = 3.0  # seconds; linear patterns take milliseconds, quadratic ones hours


def adversarial(n: int = N) -> dict[str, str]:
    """Inputs that make backtracking patterns try every start: long runs of one class, runs that
    almost match (address-like, tag-like, time-like), and their alternations."""
    return {
        "letters": "a" * n,
        "spaces_then_x": " " * n + "x",
        "at_signs": "a@" * (n // 2),
        "dots": "a." * (n // 2),
        "hyphens": "a-" * (n // 2),
        "dot_at": "a.b@" * (n // 4),
        "www": "www." * (n // 4),
        "question_marks": "a" + "?" * n,
        "open_tags": "<a" * (n // 2),
        "open_tag_long": "<a " + "x" * n,
        "tag_name_long": "<" + "a" * n,
        "time_tags": "<00:00" + "0" * n,
        "digits": "1" * n,
        "digit_colons": "1:" * (n // 2),
        "arrows": "-->" * (n // 3),
        "entities": "&" + "a" * n,
        "urdu": "کے" * (n // 2),
        "bengali": "ক্ষ" * (n // 3),
        "marks": "a" + "\u0301" * n,
        "non_ascii_run": "Ã" * n,
        "braces": "{\\" * (n // 2),
    }


PATTERNS: dict[str, re.Pattern[str] | regex.Pattern[str]] = {
    "context.WEB_ADDRESS": context.WEB_ADDRESS,
    "context.WORD": context.WORD,
    "context._GRAPHEME": context._GRAPHEME,
    "text._TAG": text._TAG,
    "text._CONTROLS": text._CONTROLS,
    "text._EMPTY_PAIR": text._EMPTY_PAIR,
    "reader._TIMING": reader._TIMING,
    "reader._FULL_TIMING": reader._FULL_TIMING,
    "reader._TIMING_LIKE": reader._TIMING_LIKE,
    "reader._FRAMES": reader._FRAMES,
    "rules._ENTITY": rules._ENTITY,
    "mojibake._RUN": mojibake._RUN,
    "mojibake._NOT_ENCODABLE": mojibake._NOT_ENCODABLE,
    "mojibake._LOST_LETTER": mojibake._LOST_LETTER,
    "mojibake._LINK": mojibake._LINK,
}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_cue_text_pattern_is_linear(name: str) -> None:
    pattern = PATTERNS[name]
    for kind, value in adversarial().items():
        started = time.perf_counter()
        for _ in pattern.finditer(value):
            pass
        pattern.sub("", value)
        assert time.perf_counter() - started < HANG_GUARD, f"{name} on {kind}"


def test_the_old_address_pattern_fails_this_test() -> None:
    """The guard can fail: the quadratic pattern the issue found needs far longer on a tenth of N."""
    old = regex.compile(r"\S+@\S+\.\S+")
    started = time.perf_counter()
    old.sub(" ", "a@" * 300)
    quadratic = time.perf_counter() - started
    started = time.perf_counter()
    context.WEB_ADDRESS.sub(" ", "a@" * 300)
    assert quadratic > 20 * (time.perf_counter() - started)


@pytest.mark.parametrize(
    ("code", "body"),
    [
        ("en", "a" * 1_000_000),
        ("en", "a@" * 500_000),
        ("en", "a." * 500_000),
        ("pl", "zażółć " * 142_857),
        ("ur", "کے" * 500_000),
        ("en", "<i" * 500_000),
    ],
    ids=["letters", "at-signs", "dots", "polish-words", "urdu", "open-tags"],
)
def test_a_million_character_cue_validates_quickly(tmp_path: Path, code: str, body: str) -> None:
    path = tmp_path / f"{code}.srt"
    path.write_text(f"1\n00:00:01,000 --> 00:00:02,000\n{body}\n", encoding="utf-8")
    started = time.perf_counter()
    doc, findings = read_subtitles(path, code)
    assert doc is not None and len(doc.cues) == 1
    lang = LanguageConfig(code=code, subtitles=path, audio=None, profile=profile_for(code))
    found = check_subtitles(Context(lang=lang, doc=doc, file="x.srt", fps=25.0, master_duration=3.0))
    elapsed = time.perf_counter() - started
    assert {f.code for f in found} >= {"SUB_LINE_LENGTH", "SUB_READING_SPEED"}
    assert elapsed < 2 * HANG_GUARD, f"{elapsed:.2f} s"
