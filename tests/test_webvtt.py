"""WebVTT writer: golden files (tests/data/golden/<lang>_<name>.srt -> .vtt) and the rules one by one.

The golden .vtt files were written by the writer once and then read line by line by a person
(escaping, tags, ș/ț, NFC, U+200F placement); a change of output must be a deliberate change
of the golden file. Set FILMPIPE_UPDATE_GOLDEN=1 to rewrite them after such a change.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pysrt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.languages import profile_for
from pipeline.subtitles import webvtt
from pipeline.subtitles.model import Cue

GOLDEN = Path(__file__).parent / "data" / "golden"
RLM = "\u200f"


def read_srt(path: Path) -> list[Cue]:
    cues = []
    for i, item in enumerate(pysrt.open(str(path), encoding="utf-8"), 1):
        cues.append(
            Cue(
                index=i,
                start=item.start.ordinal / 1000,
                end=item.end.ordinal / 1000,
                lines=tuple(item.text.split("\n")),
                line=0,
            )
        )
    return cues


def cue(text: str, start: float = 1.0, end: float = 2.0, index: int = 1) -> Cue:
    return Cue(index=index, start=start, end=end, lines=tuple(text.split("\n")), line=index)


@pytest.mark.parametrize("srt", sorted(GOLDEN.glob("*.srt")), ids=lambda p: p.stem)
def test_golden(srt: Path) -> None:
    lang = srt.stem.split("_")[0]
    profile = profile_for(lang)
    got = webvtt.write(read_srt(srt), lang, rtl=profile.is_rtl)
    expected_path = srt.with_suffix(".vtt")
    if os.environ.get("FILMPIPE_UPDATE_GOLDEN"):
        expected_path.write_text(got, encoding="utf-8")
    assert got == expected_path.read_text(encoding="utf-8")


def test_golden_files_exist_for_every_input() -> None:
    srts = sorted(GOLDEN.glob("*.srt"))
    assert len(srts) >= 4
    assert all(p.with_suffix(".vtt").is_file() for p in srts)


def test_header_and_timestamp_format() -> None:
    text = webvtt.write([cue("Hi", 3661.5, 3662.0004)], "en")
    assert text.startswith("WEBVTT\n\n")
    assert "01:01:01.500 --> 01:01:02.000" in text


@pytest.mark.parametrize(
    "seconds, expected",
    [
        (0, "00:00:00.000"),
        (0.0005, "00:00:00.000"),
        (59.9996, "00:01:00.000"),
        (74.04, "00:01:14.040"),
        (-1, "00:00:00.000"),
    ],
)
def test_timestamp(seconds: float, expected: str) -> None:
    assert webvtt.timestamp(seconds) == expected


def test_escapes_everything_but_allowed_tags() -> None:
    assert webvtt.escape("a & b <i>c</i> <3 -->") == "a &amp; b <i>c</i> &lt;3 --&gt;"
    text = webvtt.write([cue("<b>x</b> <c.yellow>y</c> & z")], "en")
    assert "<b>x</b> y &amp; z" in text
    assert "c.yellow" not in text


def test_arrow_in_text_cannot_start_a_new_timing() -> None:
    text = webvtt.write([cue("00:00:01.000 --> 00:00:02.000")], "en")
    assert text.count("-->") == 1 + 0  # the timing line only; the text's arrow is escaped
    assert "--&gt;" in text


def test_romanian_comma_below_only_for_romanian() -> None:
    assert "ș" in webvtt.write([cue("şi")], "ro") and "ş" not in webvtt.write([cue("şi")], "ro")
    assert "ş" in webvtt.write([cue("şi")], "tr")


def test_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "ąę রি")
    text = webvtt.write([cue(decomposed)], "pl")
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "line, marked",
    [
        ("سلام", False),  # starts right-to-left already
        ("2024 میں", True),  # starts with digits: marked so the number stays at the right end
        (" سلام", False),  # leading space is not a character that decides
        ("yourcounty.police.uk پر", True),  # Latin first
        ("<i>Talking</i> پیغام", True),  # markup is not a character
        ("<i>سلام</i>", False),
        ("...", True),  # no strong character at all: browsers would lay it out left-to-right
        ("«سلام»", True),  # punctuation first: the mark costs nothing
    ],
)
def test_rtl_mark(line: str, marked: bool) -> None:
    out = webvtt.write([cue(line)], "ur", rtl=True).split("\n")[4]
    assert out.startswith(RLM) == marked
    assert out.count(RLM) == (1 if marked else 0)


def test_rtl_mark_is_per_line_and_not_for_ltr_languages() -> None:
    text = webvtt.write([cue("سلام\nabc")], "ur", rtl=True)
    assert text.split("\n")[4:6] == ["سلام", RLM + "abc"]
    assert RLM not in webvtt.write([cue("2024 abc")], "en", rtl=False)


def test_first_strong_direction() -> None:
    assert webvtt.first_strong_direction("2024 میں") == "rtl"
    assert webvtt.first_strong_direction("2024 abc") == "ltr"
    assert webvtt.first_strong_direction("2024") is None


def test_blank_and_empty_cues_dropped_and_renumbered() -> None:
    text = webvtt.write([cue("a\n\nb", 1, 2, 1), cue("  ", 2, 3, 2), cue("<i></i>", 3, 4, 3), cue("c", 4, 5, 4)], "en")
    blocks = text.strip().split("\n\n")
    assert blocks[1] == "1\n00:00:01.000 --> 00:00:02.000\na\nb"
    assert blocks[2].startswith("2\n00:00:04.000")
    assert len(blocks) == 3
    assert webvtt.count_cues([cue("a"), cue(" "), cue("b")], "en") == 2


def test_timestamp_map_header_and_segment() -> None:
    cues = [cue("one", 0.2, 1.4, 1), cue("two", 5.5, 6.5, 2), cue("three", 7, 8, 3)]
    seg = webvtt.segment(cues, "en", 6.0, 12.0, timestamp_map=webvtt.TimestampMap(mpegts=900000))
    assert seg.startswith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n")
    assert "two" in seg and "three" in seg and "one" not in seg
    assert "00:00:05.500 --> 00:00:06.500" in seg  # times stay absolute


# Text a subtitle file may hold: letters of our scripts, digits, markup characters, spaces.
_ALPHABET = st.sampled_from(list("aąșţ &<>/ib\n2سلامক্ষિ\u200f.,!") + ["<i>", "</i>", "<b>", "-->"])


@given(st.lists(_ALPHABET, max_size=40).map("".join), st.booleans())
def test_output_is_always_parseable(text: str, rtl: bool) -> None:
    out = webvtt.write([cue(text)], "ro", rtl=rtl)
    assert out.endswith("\n") and not out.endswith("\n\n")
    body = out.rstrip("\n").split("\n\n")[1:]  # after the header
    for block in body:
        lines = block.split("\n")
        assert lines[1].count("-->") == 1
        for line in lines[2:]:
            assert line.strip(), "no blank line inside a cue"
            assert "-->" not in line
            stripped = line
            for tag in ("<i>", "</i>", "<b>", "</b>", "<u>", "</u>"):
                stripped = stripped.replace(tag, "")
            assert "<" not in stripped and ">" not in stripped
            if rtl:
                assert line.startswith(RLM) or webvtt.starts_rtl(line)
                assert webvtt.first_strong_direction(line) == "rtl"


def test_segments_keep_the_whole_file_identifiers() -> None:
    cues = [cue("one", 0.2, 1.4, 1), cue(" ", 2, 3, 2), cue("two", 5.5, 6.5, 3), cue("three", 7, 8, 4)]
    whole = webvtt.write(cues, "en")
    assert "2\n00:00:05.500 --> 00:00:06.500\ntwo" in whole
    mapping = webvtt.TimestampMap(mpegts=0)
    first = webvtt.segment(cues, "en", 0.0, 6.0, timestamp_map=mapping)
    second = webvtt.segment(cues, "en", 6.0, 12.0, timestamp_map=mapping)
    # "two" spans the boundary: in both segments, with the same identifier as in the whole file
    assert "2\n00:00:05.500 --> 00:00:06.500\ntwo" in first
    assert "2\n00:00:05.500 --> 00:00:06.500\ntwo" in second
    assert "3\n00:00:07.000 --> 00:00:08.000\nthree" in second
    assert "1\n" not in second.split("\n\n", 1)[1]
