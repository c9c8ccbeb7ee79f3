"""The rule table on synthetic cue lists (no media): limits, thresholds and the cases that
must stay quiet. The corpus test covers each code end to end; these pin the edges."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.languages import profile_for
from pipeline.project import LanguageConfig
from pipeline.subtitles.model import Cue, SubtitleDoc
from pipeline.subtitles.reader import read_subtitles
from pipeline.text.scripts import urdu_lookalike
from pipeline.validate.file_rules import ALIGN_MAX_START_DIFF
from pipeline.validate.rules import Context, check_subtitles, clock


def doc(*cues: tuple[float, float, str], code: str = "pl") -> SubtitleDoc:
    return SubtitleDoc(
        path=Path(f"{code}.srt"),
        format="srt",
        encoding="utf-8",
        cues=tuple(Cue(i, s, e, tuple(t.split("\n")) if t else (), 4 * i - 2) for i, (s, e, t) in enumerate(cues, 1)),
    )


def lang(code: str, **limits) -> LanguageConfig:
    profile = profile_for(code)
    if limits:
        profile = replace(profile, limits=replace(profile.limits, **limits))
    return LanguageConfig(code=code, subtitles=Path(f"{code}.srt"), audio=None, profile=profile)


def check(
    d: SubtitleDoc,
    code: str = "pl",
    source: SubtitleDoc | None = None,
    fps: float = 25.0,
    duration: float | None = 600.0,
    **limits,
) -> list[tuple[str, int | None]]:
    ctx = Context(
        lang=lang(code, **limits), doc=d, file=f"subtitles/{code}.srt", fps=fps, master_duration=duration, source=source
    )
    return [(f.code, f.cue) for f in check_subtitles(ctx)]


def test_clock() -> None:
    assert clock(12.48) == "00:00:12.480" and clock(3725.001) == "01:02:05.001"


@pytest.mark.parametrize(
    ("cues", "expected"),
    [
        ([(1.0, 8.1, "Cześć, sąsiedzi! Poznaj swój zespół.")], [("SUB_MAX_DURATION", 1)]),
        ([(1.0, 8.0, "Cześć, sąsiedzi! Poznaj swój zespół.")], []),  # 7 s is allowed
        ([(1.0, 1.833, "Tak.")], []),  # 5/6 s written in milliseconds
        ([(1.0, 1.8, "Tak.")], [("SUB_MIN_DURATION", 1)]),
        ([(1.0, 2.0, "Tak."), (2.08, 3.0, "Nie.")], []),  # exactly 2 frames at 25 fps
        ([(1.0, 2.0, "Tak."), (2.04, 3.0, "Nie.")], [("SUB_GAP", 1)]),
        ([(1.0, 2.0, "Tak."), (2.0, 3.0, "Nie.")], []),  # no gap at all is fine
        ([(1.0, 2.0, "Tak."), (2.001, 3.0, "Nie.")], [("SUB_GAP", 1)]),  # 1 ms is a gap
        ([(1.0, 2.0, "Tak."), (1.999, 3.0, "Nie.")], [("SUB_OVERLAP", 2)]),  # 1 ms is an overlap
        ([(1.0, 3.0, "a" * 34)], []),  # 17 cps exactly
        ([(1.0, 3.0, "a" * 35)], [("SUB_READING_SPEED", 1)]),
        ([(1.0, 5.0, "a" * 42)], []),
        ([(1.0, 5.0, "<i>" + "a" * 42 + "</i>")], [("SUB_MARKUP", 1)][:0]),  # tags do not count, <i> is allowed
        ([(1.0, 5.0, "\u200f" + "a" * 42)], []),  # invisible marks do not count
        ([(1.0, 5.0, "a" * 43)], [("SUB_LINE_LENGTH", 1)]),
        # Polish 'a' ends a line (SUB_LINE_BREAK) and three short lines fit on one (SUB_LINE_FITS)
        ([(1.0, 5.0, "a\nb\nc")], [("SUB_LINE_COUNT", 1), ("SUB_LINE_BREAK", 1), ("SUB_LINE_FITS", 1)]),
        ([(1.0, 5.0, "{\\an8}Tak.")], [("SUB_MARKUP", 1)]),
        ([(2.0, 3.0, "Tak."), (1.0, 1.5, "Nie.")], [("SUB_OVERLAP", 2), ("SUB_MIN_DURATION", 2)]),
        ([(1.0, 2.0, "   ")], [("SUB_EMPTY", 1)]),
        ([(1.0, 2.0, "<i></i>")], [("SUB_EMPTY", 1)]),
    ],
)
def test_cue_rules(cues: list, expected: list) -> None:
    assert check(doc(*cues)) == expected


def test_limits_come_from_the_language_profile_and_its_overrides() -> None:
    text = "Hello neighbours, here is your team!!"  # 37 characters in 2 s: 18.5 cps
    assert check(doc((1.0, 3.0, text), code="en"), code="en") == []  # English: 20 cps
    assert check(doc((1.0, 3.0, text)), code="pl") == [("SUB_READING_SPEED", 1)]  # others: 17
    assert check(doc((1.0, 3.0, text)), code="pl", max_cps=19.0) == []
    assert check(doc((1.0, 3.0, "a" * 30)), max_line_length=20) == [("SUB_LINE_LENGTH", 1)]


def test_gap_uses_the_master_frame_rate() -> None:
    cues = doc((1.0, 2.0, "Tak."), (2.07, 3.0, "Nie."))  # 70 ms
    assert check(cues, fps=25) == [("SUB_GAP", 1)]  # 2 frames = 80 ms
    assert check(cues, fps=50) == []  # 2 frames = 40 ms


def test_graphemes_not_code_points() -> None:
    line = "ক্ষমা করবেন, স্বাস্থ্য কেন্দ্রে যোগাযোগ করুন। ক্ষমা করবেন"  # 35 clusters, 62 code points
    assert len(line) > 42
    assert check(doc((1.0, 5.0, line), code="bn"), code="bn") == []


def test_out_of_range_against_the_master() -> None:
    cues = doc((1.0, 2.0, "Tak."), (2.5, 3.03, "Nie."))
    assert check(cues, duration=3.0) == [("SUB_OUT_OF_RANGE", 2), ("SUB_MIN_DURATION", 2)]
    assert check(cues, duration=3.02) == [("SUB_MIN_DURATION", 2)]  # within half a frame
    assert check(cues, duration=None) == [("SUB_MIN_DURATION", 2)]  # master unreadable: not judged


SOURCE = doc(*[(i * 5.0, i * 5.0 + 3.0, f"English sentence number {i} here.") for i in range(10)], code="en")


def shifted(by: float, only: set[int] | None = None, count: int = 10) -> SubtitleDoc:
    return doc(
        *[
            (
                i * 5.0 + (by if only is None or i + 1 in only else 0),
                i * 5.0 + 3.0 + (by if only is None or i + 1 in only else 0),
                f"Polskie zdanie numer {i}.",
            )
            for i in range(count)
        ]
    )


def test_alignment_quiet_when_close() -> None:
    assert check(shifted(ALIGN_MAX_START_DIFF - 0.1), source=SOURCE) == []


def test_alignment_single_cues() -> None:
    assert check(shifted(1.5, only={3, 7}), source=SOURCE) == [("SUB_ALIGNMENT", 3), ("SUB_ALIGNMENT", 7)]


def test_alignment_whole_file_said_once() -> None:
    found = check(shifted(2.5), source=SOURCE)
    assert found == [("SUB_ALIGNMENT", None)]


def test_alignment_cue_count() -> None:
    assert check(shifted(0, count=7), source=SOURCE) == [("SUB_ALIGNMENT", None)]
    assert check(shifted(0, count=8), source=SOURCE) == []  # two cues fewer: merges happen


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("English sentence number 2 here.", True),
        ("english SENTENCE number 2 here!", True),  # case and punctuation do not hide it
        ("Polskie zdanie numer 2.", False),
    ],
)
def test_untranslated(text: str, flagged: bool) -> None:
    mine = doc(*[(c.start, c.end, text if c.index == 3 else f"Polskie zdanie {c.index}.") for c in SOURCE.cues])
    assert check(mine, source=SOURCE) == ([("SUB_UNTRANSLATED", 3)] if flagged else [])


def test_untranslated_leaves_names_addresses_and_numbers_alone() -> None:
    source = doc(
        (1.0, 3.0, "Neighbourhood Beat Bus"),
        (4.0, 6.0, "yourcounty.police.uk/neighbourhood"),
        (7.0, 9.0, "PCSO"),
        (10.0, 12.0, "101 or 999"),
        code="en",
    )
    same = doc(*[(c.start, c.end, c.text) for c in source.cues])
    assert check(same, source=source) == []


def test_script_of_a_whole_file_and_of_one_cue() -> None:
    gujarati_slot_with_bengali = doc((1.0, 4.0, "নমস্কার, প্রতিবেশী!"), (5.0, 8.0, "আপনার দলকে জানুন।"), code="gu")
    assert check(gujarati_slot_with_bengali, code="gu") == [("SUB_SCRIPT", None)]
    urdu_with_web_address = doc((1.0, 4.0, "سلام، پڑوسیو!"), (5.0, 8.0, "yourcounty.police.uk"), code="ur")
    assert check(urdu_with_web_address, code="ur") == []


def test_urdu_lookalikes() -> None:
    urdu = "سلام، پڑوسیو! اپنی ٹیم سے ملیں۔ یہ ہمارا کام ہے کہ آپ کی مدد کریں"
    arabic = "مرحبا بكم يا جيراننا تعرفوا على فريق الشرطة في منطقتكم اليوم"
    persian = "سلام همسایگان با تیم پلیس محله خود آشنا شوید چگونه کمک می کنیم"
    assert urdu_lookalike(urdu) is None
    assert urdu_lookalike(arabic) == "Arabic"
    assert urdu_lookalike(persian) == "Persian"
    assert urdu_lookalike("مرحبا") is None  # too short to judge


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_give_findings_never_an_exception(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.srt"
    path.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\n" + data)
    for code in ("pl", "ur"):
        d, findings = read_subtitles(path, code)
        assert d is not None
        ctx = Context(lang=lang(code), doc=d, file="x.srt", fps=25.0, master_duration=3.0, source=SOURCE)
        for f in findings + check_subtitles(ctx):
            assert f.message and f.hint and f.severity in ("error", "warning", "info")


def test_chinese_in_cldr_hans_is_unicode_han() -> None:
    """CLDR names Simplified Chinese's script Hans; Unicode's Script property says Hani: the same letters."""
    zh = doc((1.0, 3.0, "这是你的社区。"), (3.5, 6.0, "认识你的警察团队。"), code="zh")
    assert not any(code == "SUB_SCRIPT" for code, _ in check(zh, "zh"))
    assert ("SUB_SCRIPT", None) in check(doc((1.0, 3.0, "This is your neighbourhood team."), code="zh"), "zh")
